package descriptor_test

import (
	"errors"
	"fmt"
	"io/fs"
	"testing/fstest"

	"github.com/fwaudit/fwaudit/descriptor"
)

func ExampleParse() {
	data := []byte(`{
  "description": "OVMF with Secure Boot",
  "interface-types": ["uefi"],
  "mapping": {"device": "flash", "executable": {"filename": "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd", "format": "raw"}},
  "targets": [{"architecture": "x86_64", "machines": ["pc-q35-*"]}],
  "features": ["requires-smm", "secure-boot"],
  "tags": []
}`)
	d, err := descriptor.Parse("50-ovmf.json", data)
	fmt.Println(err) // QEMU's schema is satisfied: nvram-template is optional there
	fmt.Println(d.Summary())
	// libvirt, however, needs an NVRAM template for a split flash mapping.
	fmt.Println(descriptor.RulesLatest.Check("/usr/share/qemu/firmware/50-ovmf.json", data, d))
	// Output:
	// <nil>
	// uefi | x86_64 pc-q35-* | flash split raw | requires-smm,secure-boot
	// /usr/share/qemu/firmware/50-ovmf.json:4:14: /mapping/nvram-template: missing 'nvram-template' in '/usr/share/qemu/firmware/50-ovmf.json'
}

func ExampleLoad() {
	desc := func(exe string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte(`{"description":"","interface-types":["uefi"],"mapping":{"device":"memory","filename":"` +
			exe + `"},"targets":[{"architecture":"x86_64","machines":["pc-q35-*"]}],"features":[],"tags":[]}`)}
	}
	root := fstest.MapFS{
		"usr/share/qemu/firmware/50-vendor.json": desc("/vendor.fd"),
		"usr/share/qemu/firmware/60-other.json":  desc("/other.fd"),
		"etc/qemu/firmware/50-vendor.json":       desc("/local.fd"),
		"etc/qemu/firmware/60-other.json":        {Data: nil}, // an empty file masks
	}
	set, err := descriptor.Load(descriptor.Options{FS: root})
	if err != nil {
		panic(err)
	}
	for _, e := range set.Entries {
		fmt.Println(e.Path, e.Status)
	}
	// Output:
	// /etc/qemu/firmware/50-vendor.json active
	// /usr/share/qemu/firmware/50-vendor.json overridden
	// /etc/qemu/firmware/60-other.json mask
	// /usr/share/qemu/firmware/60-other.json masked
}

// Stat resolves a path inside a root as a chroot would: the absolute
// symlink target restarts at the root, not at the host's /.
func ExampleStat() {
	root := fstest.MapFS{
		"usr/share/OVMF/OVMF_CODE_4M.fd": {Data: []byte("code")},
		"usr/share/OVMF/OVMF_CODE.fd":    {Data: []byte("/usr/share/OVMF/OVMF_CODE_4M.fd"), Mode: fs.ModeSymlink},
	}
	resolved, info, err := descriptor.Stat(root, "/usr/share/OVMF/OVMF_CODE.fd")
	fmt.Println(resolved, info.Size(), err)
	_, _, err = descriptor.Stat(root, "/usr/share/OVMF/OVMF_VARS.fd")
	fmt.Println(errors.Is(err, fs.ErrNotExist))
	// Output:
	// /usr/share/OVMF/OVMF_CODE_4M.fd 4 <nil>
	// true
}

// Scan reads one descriptor at a time: each entry comes with its parsed
// descriptor, which the listing drops once the loop body is done with it.
func ExampleScan() {
	desc := func(exe string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte(`{"description":"","interface-types":["uefi"],"mapping":{"device":"memory","filename":"` +
			exe + `"},"targets":[{"architecture":"x86_64","machines":["pc-q35-*"]}],"features":[],"tags":[]}`)}
	}
	root := fstest.MapFS{
		"usr/share/qemu/firmware/50-vendor.json": desc("/vendor.fd"),
		"usr/share/qemu/firmware/60-broken.json": {Data: []byte(`{`)},
		"etc/qemu/firmware/50-vendor.json":       desc("/local.fd"),
	}
	l, err := descriptor.Scan(descriptor.Options{FS: root})
	if err != nil {
		panic(err)
	}
	defer l.Close()
	fmt.Println(l.Len(), "entries, lookup error:", l.LookupError())
	for e := range l.Entries() {
		if e.Descriptor != nil && e.Status == descriptor.StatusActive {
			fmt.Println(e.Path, e.Status, e.Descriptor.Mapping.Filename)
		} else {
			fmt.Println(e.Path, e.Status)
		}
	}
	// Output:
	// 3 entries, lookup error: <nil>
	// /etc/qemu/firmware/50-vendor.json active /local.fd
	// /usr/share/qemu/firmware/50-vendor.json overridden
	// /usr/share/qemu/firmware/60-broken.json invalid
}

// Load says what it is about to read once the set is scanned, and hands
// each entry over as soon as it is read and judged.
func ExampleOptions_visit() {
	desc := func(exe string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte(`{"description":"","interface-types":["uefi"],"mapping":{"device":"memory","filename":"` +
			exe + `"},"targets":[{"architecture":"x86_64","machines":["pc-q35-*"]}],"features":[],"tags":[]}`)}
	}
	root := fstest.MapFS{
		"usr/share/qemu/firmware/50-vendor.json": desc("/vendor.fd"),
		"usr/share/qemu/firmware/60-other.json":  desc("/other.fd"),
	}
	opts := descriptor.Options{FS: root,
		Scanned: func(l *descriptor.Listing) { fmt.Println(l.Len(), "entries,", l.Size(), "bytes to read") },
		Visit: func(e *descriptor.Entry) {
			fmt.Println(e.Name, e.Status, e.Descriptor.Mapping.Filename)
			e.DropData() // done with the bytes
		},
	}
	if _, err := descriptor.Load(opts); err != nil {
		panic(err)
	}
	// Output:
	// 2 entries, 369 bytes to read
	// 50-vendor.json active /vendor.fd
	// 60-other.json active /other.fd
}
