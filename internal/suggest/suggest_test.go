package suggest

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestClosest(t *testing.T) {
	formats := []string{"text", "json", "sarif", "junit", "prometheus"}
	for _, tc := range []struct {
		value      string
		candidates []string
		want       []string
	}{
		{"jsn", formats, []string{"json"}},
		{"josn", formats, []string{"json"}},
		{"prom", formats, []string{"prometheus"}},
		{"yaml", formats, nil},
		{"ubuntu-24.4", []string{"debian-13", "ubuntu-24.04"}, []string{"ubuntu-24.04"}},
		{"libvirt-11", []string{"libvirt-9.0", "libvirt-10.0", "libvirt-11.3", "libvirt-12.8"}, []string{"libvirt-11.3", "libvirt-9.0", "libvirt-10.0", "libvirt-12.8"}},
		{"ubunt", []string{"debian-13", "ubuntu-24.04"}, []string{"ubuntu-24.04"}},
		{"", formats, nil},
	} {
		if diff := cmp.Diff(tc.want, Closest(tc.value, tc.candidates)); diff != "" {
			t.Errorf("Closest(%q) (-want +got):\n%s", tc.value, diff)
		}
	}
}

func TestHint(t *testing.T) {
	if got, want := Hint("jsn", []string{"text", "json"}), "; did you mean json?"; got != want {
		t.Errorf("Hint = %q, want %q", got, want)
	}
	if got := Hint("yaml", []string{"text", "json"}); got != "" {
		t.Errorf("Hint(yaml) = %q, want none", got)
	}
	if got, want := Or([]string{"a", "b", "c"}), "a, b or c"; got != want {
		t.Errorf("Or = %q, want %q", got, want)
	}
}

func ExampleHint() {
	fmt.Println("unknown format \"jsno\"" + Hint("jsno", []string{"text", "json", "xml"}))
	// Output: unknown format "jsno"; did you mean json?
}
