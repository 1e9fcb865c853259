package termtext

import "testing"

func TestClean(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text", "plain text"},
		{"a\nb\tc\rd", `a\nb\tc\rd`},
		{"\x1b[31mred", `\x1b[31mred`},
		{"\x1b]0;title\x07", `\x1b]0;title\a`},
		{"\u009b31m", `\u009b31m`}, // C1 CSI
		{"rtl \u202eoverride", `rtl \u202eoverride`},
		{"isolate \u2066x\u2069", `isolate \u2066x\u2069`},
		{"zero\u200bwidth", `zero\u200bwidth`},
		{"bad \xff byte", `bad \xff byte`},
		{"固件 ünïcode", "固件 ünïcode"},
		{"line\u2028sep", `line\u2028sep`},
	}
	for _, tt := range tests {
		if got := Clean(tt.in); got != tt.want {
			t.Errorf("Clean(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
