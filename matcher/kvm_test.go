package matcher

import (
	"testing"
	"testing/fstest"

	"github.com/fwaudit/fwaudit/descriptor"
)

// The host's KVM decides whether a kvm guest runs, and whether its machine
// alias resolves: the profile's recorded host unless the caller says
// (MatchOptions.KVM, AnyEmulator). The recorded behaviour itself is in the
// conformance cases dtype-*; this checks who decides.
func TestHostKVM(t *testing.T) {
	const aa64 = `{"interface-types": ["uefi"], "mapping": {"device": "flash", "executable": {"filename": "/a/CODE.fd", "format": "raw"},
		"nvram-template": {"filename": "/a/VARS.fd", "format": "raw"}}, "targets": [{"architecture": "aarch64", "machines": ["virt-*"]}], "features": []}`
	fsys := fstest.MapFS{"usr/share/qemu/firmware/50-aarch64.json": {Data: []byte(aa64)}}
	tests := []struct {
		name    string
		typ     string
		machine string
		opts    MatchOptions
		ok      bool
		err     string
	}{
		{"recorded host: no KVM for aarch64, the alias names nothing", "kvm", "virt", MatchOptions{}, false,
			"operation failed: Unable to find 'efi' firmware that is compatible with the current configuration"},
		{"recorded host: a full machine name is picked, then refused", "kvm", "virt-7.2", MatchOptions{}, false,
			"unsupported configuration: Emulator '/usr/bin/qemu-system-aarch64' does not support virt type 'kvm'"},
		{"TCG runs anywhere", "qemu", "virt", MatchOptions{}, true, ""},
		{"a host whose KVM runs aarch64", "kvm", "virt", MatchOptions{KVM: []string{"aarch64"}}, true, ""},
		{"a host whose KVM is not known", "kvm", "virt", MatchOptions{KVM: AnyKVM()}, true, ""},
		{"a host without KVM", "kvm", "virt", MatchOptions{KVM: []string{}}, false,
			"operation failed: Unable to find 'efi' firmware that is compatible with the current configuration"},
		{"a question about the set", "kvm", "virt", MatchOptions{AnyEmulator: true}, true, ""},
		{"hvf never runs under the QEMU driver", "hvf", "virt-7.2", MatchOptions{AnyEmulator: true}, false,
			"unsupported configuration: Emulator '/usr/bin/qemu-system-aarch64' does not support virt type 'hvf'"},
	}
	p := Libvirt113
	set, err := descriptor.Load(descriptor.Options{FS: fsys, Rules: p.Rules})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		req := &Request{Name: "vm", Arch: "aarch64", Machine: tt.machine, Firmware: "efi", VirtType: tt.typ, OSType: "hvm"}
		d := Match(set, req, p, tt.opts)
		if d.OK() != tt.ok || d.Err != tt.err {
			t.Errorf("%s: ok %v, err %q; want ok %v, err %q", tt.name, d.OK(), d.Err, tt.ok, tt.err)
		}
	}
}
