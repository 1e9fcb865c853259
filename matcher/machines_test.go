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
		{"x86_64", "q35", "7.2", true},              // an alias: not judged
		{"x86_64", "pc-q35-rhel9.4.0", "7.2", true}, // not X.Y: not judged
		{"x86_64", "microvm", "7.2", true},
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
