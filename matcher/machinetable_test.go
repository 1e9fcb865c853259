package matcher

import (
	"testing"
	"testing/fstest"

	"github.com/fwaudit/fwaudit/descriptor"
)

// TestMachineLists checks what the embedded machine lists of the oracle
// hosts' QEMU builds decide: the default machine type, the alias
// resolution, and the lookup of a build by version (mach-* cases).
func TestMachineLists(t *testing.T) {
	for _, tt := range []struct {
		arch, machine, qemu string
		def, canonical      string
	}{
		{"x86_64", "q35", "7.2", "pc-i440fx-7.2", "pc-q35-7.2"},
		{"x86_64", "pc", "10.0.13", "pc-i440fx-10.0", "pc-i440fx-10.0"},
		{"x86_64", "q35", "8.2.2+ubuntu", "pc-i440fx-noble-v2", "pc-q35-noble"},
		{"x86_64", "ubuntu-q35", "8.2+ubuntu", "pc-i440fx-noble-v2", "pc-q35-noble-v2"},
		{"x86_64", "Q35", "11.1", "pc-i440fx-11.1", "Q35"},
		{"i686", "q35", "11.1", "pc-i440fx-11.1", "pc-q35-11.1"},
		{"aarch64", "virt", "7.2", "integratorcp", "virt-7.2"}, // mach-default-aarch64: 9.0 finds no firmware
		{"aarch64", "virt", "10.0", "virt-10.0", "virt-10.0"},
		// No list of this build: no default, the alias by its version.
		{"x86_64", "q35", "9.1", "", "pc-q35-9.1"},
		{"riscv64", "virt", "11.1", "", "virt"},
	} {
		if got := DefaultMachine(tt.arch, tt.qemu); got != tt.def {
			t.Errorf("DefaultMachine(%q, %q) = %q, want %q", tt.arch, tt.qemu, got, tt.def)
		}
		if got := CanonicalMachine(tt.arch, tt.machine, tt.qemu); got != tt.canonical {
			t.Errorf("CanonicalMachine(%q, %q, %q) = %q, want %q", tt.arch, tt.machine, tt.qemu, got, tt.canonical)
		}
	}
	if l := machinesFor("aarch64", "11.1"); !l.noACPI("sbsa-ref") || !l.index["sbsa-ref"] {
		t.Error("sbsa-ref on 11.1: want a listed machine without ACPI")
	}
	if l := machinesFor("aarch64", "11.1"); l.noACPI("virt-11.1") {
		t.Error("virt-11.1 on 11.1: want ACPI")
	}
}

func TestParseMachines(t *testing.T) {
	for _, tt := range []struct{ text, err string }{
		{"# qemu 1.0\nx86_64 pc-1 alias=pc acpi=no\n", ""},
		{"x86_64 pc-1\n", `no "# qemu KEY" line`},
		{"# qemu 1.0\nx86_64\n", `line 2: "x86_64"`},
		{"# qemu 1.0\nx86_64 pc-1 acpi=yes\n", `line 2: unknown "acpi=yes"`},
	} {
		_, _, err := parseMachines(tt.text)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tt.err {
			t.Errorf("parseMachines(%q): error %q, want %q", tt.text, got, tt.err)
		}
	}
}

// TestDefaultArch checks the architecture a domain that names none gets:
// the host's, x86_64 on the recorded hosts (xml-arch-absent, -empty), and
// with it that architecture's default machine.
func TestDefaultArch(t *testing.T) {
	set, err := descriptor.Load(descriptor.Options{FS: fstest.MapFS{}, Rules: Libvirt128.Rules})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		xml, hostArch, arch, machine string
	}{
		{"<type machine='q35'>hvm</type>", "", "x86_64", "pc-q35-11.1"},
		{"<type arch='' machine='q35'>hvm</type>", "", "x86_64", "pc-q35-11.1"},
		{"<type>hvm</type>", "", "x86_64", "pc-i440fx-11.1"},
		{"<type>hvm</type>", "aarch64", "aarch64", "virt-11.1"},
		{"<type arch='i686'>hvm</type>", "aarch64", "i686", "pc-i440fx-11.1"},
	} {
		_, req, err := ParseDomain([]byte("<domain type='qemu'><name>d</name><os firmware='efi'>" + tt.xml + "</os></domain>"))
		if err != nil {
			t.Fatal(err)
		}
		d := Match(set, req, Libvirt128, MatchOptions{HostArch: tt.hostArch})
		if d.Request.Arch != tt.arch || d.Request.Machine != tt.machine {
			t.Errorf("%s, host %q: arch %q machine %q, want %q %q", tt.xml, tt.hostArch, d.Request.Arch, d.Request.Machine, tt.arch, tt.machine)
		}
	}
}
