package domcaps_test

import (
	"fmt"
	"os"

	"github.com/fwaudit/fwaudit"
	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/domcaps"
	"github.com/fwaudit/fwaudit/matcher"
)

// What "virsh domcapabilities" says about firmware on an AMD host.
func ExampleParse() {
	data, err := os.ReadFile("testdata/qemu_10.0.0-q35.x86_64+amdsev.xml")
	if err != nil {
		panic(err)
	}
	c, err := domcaps.Parse("amd.xml", data)
	if err != nil {
		panic(err)
	}
	fmt.Println(c.Arch, c.Machine, c.Firmware, "secure:", c.Secure)
	fmt.Println("sev:", c.SEV, "sev-es:", c.SEVES, "sev-snp:", c.SNP, "tdx:", c.TDX)
	// Output:
	// x86_64 pc-q35-10.0 [bios efi] secure: [yes no]
	// sev: true sev-es: true sev-snp: true tdx: false
}

// An AMD host that runs SEV-ES guests, with Ubuntu 24.04's descriptors:
// the amd-sev-es gap is real on this host.
func ExampleCompare() {
	data, err := os.ReadFile("testdata/qemu_10.0.0-q35.x86_64+amdsev.xml")
	if err != nil {
		panic(err)
	}
	c, err := domcaps.Parse("amd.xml", data)
	if err != nil {
		panic(err)
	}
	root, _ := fwaudit.Distro("ubuntu-24.04")
	set, err := descriptor.Load(descriptor.Options{FS: root, Rules: matcher.Libvirt100.Rules})
	if err != nil {
		panic(err)
	}
	for _, d := range domcaps.Compare(set, c, matcher.Libvirt100, domcaps.Options{Match: matcher.MatchOptions{AnyEmulator: true}}) {
		if d.Kind == domcaps.FeatureUnserved {
			fmt.Println(d.Subject)
		}
	}
	// Output:
	// x86_64/pc-q35-10.0/amd-sev-es
	// x86_64/pc-q35-10.0/amd-sev-snp
}
