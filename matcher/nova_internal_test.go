package matcher

import "testing"

// The expectations below come from Python's documentation and fnmatch.py,
// not from fwaudit (see nova_test.go).

// Python's fnmatch.fnmatch on Linux (fnmatch.translate, Python 3.9+).
func TestFNMatch(t *testing.T) {
	for _, tt := range []struct {
		name, pattern string
		want          bool
	}{
		{"pc-q35-8.2", "pc-q35-*", true},
		{"pc-q35-8.2", "pc-q35-[0-9]*", true}, // a class, where GLib sees a literal '['
		{"pc-q35-[0-9]x", "pc-q35-[0-9]*", false},
		{"pc-q35-x", "pc-q35-[!0-9]*", true},
		{"pc-q35-10.0", "pc-q35-[!0-9]*", false},
		{"PC-Q35-8.2", "pc-q35-*", false}, // normcase is the identity on POSIX
		{"pc-q35-8.2", "pc-q35-?.?", true},
		{"pc-q35-10.0", "pc-q35-?.?", false},
		{"a[b", "a[b", true}, // unclosed '[' is literal
		{"]", "[]]", true},   // ']' first in a set is a member
		{"a", "[!]]", true},
		{"]", "[!]]", false},
		{"-", "[a-]", true}, // trailing '-' is literal
		{"b", "[a-]", false},
		{"b", "[z-a]", false}, // reversed range: matches nothing
		{"b", "[!z-a]", true}, // ... and negated, anything
		{"/", "[--0]", true},  // range from '-' to '0'
		{"c", "[a-b-d]", false},
		{"-", "[a-b-d]", true},
		{"d", "[a-b-d]", true},
		{`a\b`, `a\b`, true}, // backslash is not an escape
		{`a\b`, `a[\]b`, true},
		{"virt", "virt-*", false},
		{"", "*", true},
		{"x", "", false},
		{"abc", "a*b*c", true},
		{"ab", "a*b*c", false},
	} {
		if got := fnMatch(tt.pattern, tt.name); got != tt.want {
			t.Errorf("fnMatch(%q, %q) = %v, want %v", tt.pattern, tt.name, got, tt.want)
		}
	}
}
