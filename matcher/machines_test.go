package matcher

import "testing"

func TestMachineSupported(t *testing.T) {
	tests := []struct {
		arch, machine, qemu string
		want                bool
	}{
		{"x86_64", "pc-q35-7.2", "7.2", true},
		{"x86_64", "pc-q35-10.0", "7.2", false}, // recorded: mach-explicit-pc-q35-10.0, libvirt 9.0
		{"x86_64", "pc-q35-11.1", "10.0", false},
		{"x86_64", "pc-q35-11.1", "11.1.3", true},
		{"x86_64", "pc-i440fx-8.0", "7.2", false},
		{"x86_64", "pc-q35-2.12", "7.2", true},
		{"x86_64", "q35", "7.2", true}, // an alias
		// QEMU builds with a machine list (machines/*.txt): what it lists,
		// spelt exactly (mach-* cases).
		{"x86_64", "pc-q35-rhel9.4.0", "7.2", false},
		{"x86_64", "rhel7.0.0", "10.0", false},
		{"x86_64", "microvm", "7.2", true},
		{"x86_64", "isapc", "11.1", true},
		{"x86_64", "pc-q35-", "7.2", false},
		{"x86_64", "pc-q35-2.0", "10.0", false},
		{"x86_64", "pc-q35-5.2", "11.1", true},
		{"x86_64", "pc-i440fx-2.0", "11.1.3", false},
		{"x86_64", "pc-i440fx-2.0", "8.2.2+ubuntu", true},
		{"x86_64", "pc-i440fx-1.4", "8.2+ubuntu", false},
		{"x86_64", "pc-q35-noble", "8.2+ubuntu", true},
		{"x86_64", "pc-q35-noble", "10.0", false},
		{"x86_64", "Q35", "7.2", false},
		{"x86_64", "q35 ", "7.2", false},
		{"aarch64", "virt-2.6", "11.1", false},
		{"aarch64", "virt-2.6", "10.0", true},
		{"aarch64", "VIRT", "10.0", false},
		// No list (Debian's 8.2, Fedora's 9.1): versioned names newer than
		// the QEMU are refused, other names not judged.
		{"x86_64", "pc-q35-rhel9.4.0", "9.1", true},
		{"x86_64", "pc-q35-9.2", "9.1", false},
		{"aarch64", "virt-9.0", "8.2", false},
		{"aarch64", "virt-8.2", "8.2", true},
		{"x86_64", "pc-q35-99.0", "", true}, // no QEMU version: nothing to judge
		{"riscv64", "virt", "10.0", true},
	}
	for _, tt := range tests {
		if got := machineSupported(tt.arch, tt.machine, tt.qemu); got != tt.want {
			t.Errorf("machineSupported(%q, %q, %q) = %v, want %v", tt.arch, tt.machine, tt.qemu, got, tt.want)
		}
	}
}
