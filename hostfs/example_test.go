package hostfs_test

import (
	"fmt"
	"io/fs"
	"testing/fstest"

	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/hostfs"
)

// A Listing answers questions about names: which exist, which are symlinks
// and where they lead. descriptor.Stat resolves a path in it as realpath(3)
// would on that host.
func ExampleParseListing() {
	host, err := hostfs.ParseListing("example", `
/usr/share/AAVMF/AAVMF_CODE.no-secboot.fd
/usr/share/AAVMF/AAVMF_CODE.fd -> AAVMF_CODE.no-secboot.fd
`)
	if err != nil {
		fmt.Println(err)
		return
	}
	real, _, err := descriptor.Stat(host, "/usr/share/AAVMF/AAVMF_CODE.fd")
	fmt.Println(real, err)
	// Output: /usr/share/AAVMF/AAVMF_CODE.no-secboot.fd <nil>
}

// Overlay puts a root that holds only descriptors over the firmware files
// Debian unstable installs, as fwaudit match --root does for libvirt 12.8.
func ExampleOverlay() {
	root := fstest.MapFS{"usr/share/qemu/firmware/60-edk2-aarch64.json": {Data: []byte("{}")}}
	host := hostfs.Overlay(root, hostfs.DebianUnstable)
	for _, p := range []string{"/usr/share/qemu/firmware/60-edk2-aarch64.json", "/usr/share/AAVMF/AAVMF_CODE.fd"} {
		real, info, _ := descriptor.Stat(host, p)
		fmt.Println(real, info.Mode().IsRegular())
	}
	_, err := fs.Stat(host, "usr/share/OVMF/OVMF_CODE.fd")
	fmt.Println(err != nil)
	// Output:
	// /usr/share/qemu/firmware/60-edk2-aarch64.json true
	// /usr/share/AAVMF/AAVMF_CODE.no-secboot.fd true
	// true
}
