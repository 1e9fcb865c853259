package matcher

import "testing"

// TestGlobMatch checks GLib's g_pattern_match_simple semantics: only '*' and
// '?' are special, '[' is literal, the whole name must match.
func TestGlobMatch(t *testing.T) {
	for _, tt := range []struct {
		pattern, name string
		want          bool
	}{
		{"pc-q35-*", "pc-q35-10.0", true},
		{"pc-q35-*", "pc-q35-", true},
		{"pc-q35-*", "pc-i440fx-10.0", false},
		{"virt*", "virt", true},
		{"virt-*", "virt", false},
		{"pc-q35-?.?", "pc-q35-7.2", true},
		{"pc-q35-?.?", "pc-q35-10.0", false},
		{"pc-q35-[0-9]*", "pc-q35-7.2", false},
		{"pc-q35-[0-9]*", "pc-q35-[0-9]x", true},
		{"*", "", true},
		{"", "", true},
		{"a*b*c", "axxbyyc", true},
		{"a*b*c", "axxbyy", false},
		{"Q35", "q35", false},
	} {
		if got := GlobMatch(tt.pattern, tt.name); got != tt.want {
			t.Errorf("GlobMatch(%q, %q) = %v, want %v", tt.pattern, tt.name, got, tt.want)
		}
	}
}

func TestCanonicalMachine(t *testing.T) {
	for _, tt := range []struct{ arch, machine, qemu, want string }{
		{"x86_64", "q35", "7.2", "pc-q35-7.2"},
		{"x86_64", "pc", "10.0.13", "pc-i440fx-10.0"},
		{"aarch64", "virt", "11.1", "virt-11.1"},
		{"riscv64", "virt", "11.1", "virt"},
		{"x86_64", "pc-q35-8.2", "11.1", "pc-q35-8.2"},
		{"x86_64", "q35", "", "q35"},
	} {
		if got := CanonicalMachine(tt.arch, tt.machine, tt.qemu); got != tt.want {
			t.Errorf("CanonicalMachine(%s, %s, %s) = %s, want %s", tt.arch, tt.machine, tt.qemu, got, tt.want)
		}
	}
}

func TestProfileFor(t *testing.T) {
	for v, want := range map[string]string{"9.0": "libvirt-9.0", "9.10": "libvirt-9.0", "10.0.0": "libvirt-10.0",
		"11.3": "libvirt-11.3", "11.9": "libvirt-11.3", "12": "libvirt-11.3", "12.8": "libvirt-12.8", "13.1": "libvirt-12.8"} {
		p, err := ProfileFor(v)
		if err != nil || p.Name != want {
			t.Errorf("ProfileFor(%s) = %v, %v; want %s", v, p, err, want)
		}
	}
	if _, err := ProfileFor("8.0"); err == nil {
		t.Error("ProfileFor(8.0) succeeded, want an error")
	}
	if _, err := ProfileFor("x"); err == nil {
		t.Error("ProfileFor(x) succeeded, want an error")
	}
}
