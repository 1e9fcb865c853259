package matcher_test

import (
	"fmt"

	"github.com/fwaudit/fwaudit"
	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/matcher"
)

// What libvirt 12.8 writes into a plain UEFI q35 domain on Debian 13's
// descriptors, as real libvirt 12.8 answered for the conformance case
// real-debian-13-plain-efi-q35: the first x86_64 build, Secure Boot with
// Microsoft keys, SMM on, and an NVRAM file named after the domain.
func ExampleDecision_Apply() {
	root, _ := fwaudit.Distro("debian-13")
	p, err := matcher.ProfileFor("12.8")
	if err != nil {
		panic(err)
	}
	set, err := descriptor.Load(descriptor.Options{FS: root, Rules: p.Rules})
	if err != nil {
		panic(err)
	}
	dom, req, err := matcher.ParseDomain([]byte(`<domain type='kvm'><name>vm</name>
  <os firmware='efi'><type arch='x86_64' machine='q35'>hvm</type></os>
  <features><acpi/></features>
</domain>`))
	if err != nil {
		panic(err)
	}
	d := matcher.Match(set, req, p, matcher.MatchOptions{})
	d.Apply(dom)
	os := dom.OS
	fmt.Println(d.Chosen.Name)
	fmt.Println("firmware:", os.Firmware, os.FirmwareInfo.Features)
	fmt.Println("loader:", os.Loader.Path, os.Loader.Type, os.Loader.Readonly, os.Loader.Secure, os.Loader.Format)
	fmt.Println("nvram:", os.NVRam.NVRam, os.NVRam.Format, os.NVRam.Template, os.NVRam.TemplateFormat)
	fmt.Println("smm:", dom.Features.SMM.State)
	// Output:
	// 40-edk2-x86_64-secure-enrolled.json
	// firmware: efi [{yes enrolled-keys} {yes secure-boot}]
	// loader: /usr/share/OVMF/OVMF_CODE_4M.ms.fd pflash yes yes raw
	// nvram: /var/lib/libvirt/qemu/nvram/vm_VARS.fd raw /usr/share/OVMF/OVMF_VARS_4M.ms.fd raw
	// smm: on
}

// ProfileFor picks the newest modelled release not newer than the one
// asked for.
func ExampleProfileFor() {
	for _, v := range []string{"9.0.0", "10.6", "11.3", "12.10"} {
		p, _ := matcher.ProfileFor(v)
		fmt.Println(v, "->", p.Name)
	}
	_, err := matcher.ProfileFor("8.0")
	fmt.Println(err)
	// Output:
	// 9.0.0 -> libvirt-9.0
	// 10.6 -> libvirt-10.0
	// 11.3 -> libvirt-11.3
	// 12.10 -> libvirt-12.8
	// libvirt 8.0 is older than every modelled release (oldest: 9.0.0)
}

// Machine aliases resolve to the QEMU release's own versioned type; Ubuntu's
// build (a version ending in "+ubuntu") has machine types of its own.
func ExampleCanonicalMachine() {
	fmt.Println(matcher.CanonicalMachine("x86_64", "q35", "10.0.13"))
	fmt.Println(matcher.CanonicalMachine("aarch64", "virt", "11.1"))
	fmt.Println(matcher.CanonicalMachine("x86_64", "q35", "8.2.2+ubuntu"))
	// Output:
	// pc-q35-10.0
	// virt-11.1
	// pc-q35-noble
}

// A domain that names no machine type gets the first its emulator lists:
// for x86_64 the i440fx machine, for aarch64 integratorcp in 9.0's QEMU
// 7.2 and virt in later ones.
func ExampleDefaultMachine() {
	fmt.Println(matcher.DefaultMachine("x86_64", "10.0"))
	fmt.Println(matcher.DefaultMachine("aarch64", "7.2"))
	fmt.Println(matcher.DefaultMachine("aarch64", "11.1"))
	fmt.Printf("%q\n", matcher.DefaultMachine("x86_64", "6.0")) // no list of that build is known
	// Output:
	// pc-i440fx-10.0
	// integratorcp
	// virt-11.1
	// ""
}

// libvirt matches descriptor machine patterns with GLib's simple globs,
// where '[' is an ordinary character (nova's legacy selection used Python's
// fnmatch, where it starts a class).
func ExampleGlobMatch() {
	fmt.Println(matcher.GlobMatch("pc-q35-*", "pc-q35-10.0"))
	fmt.Println(matcher.GlobMatch("pc-q35-[0-9]*", "pc-q35-10.0"))
	fmt.Println(matcher.GlobMatch("pc-q35-[0-9]*", "pc-q35-[0-9]x"))
	// Output:
	// true
	// false
	// true
}

// A Guest is a domain described by its settings, as "fwaudit match" builds
// one from flags. Here nova's SEV-ES guest with stateless firmware on
// Ubuntu 24.04 with noble-updates: libvirt 10.0 gives it the stateless SEV
// build, as real libvirt 10.0 answered for the conformance case
// real-ubuntu-24.04-updates-sev-es-stateless.
func ExampleGuest() {
	root, _ := fwaudit.Distro("ubuntu-24.04-updates")
	p := matcher.Libvirt100
	set, err := descriptor.Load(descriptor.Options{FS: root, Rules: p.Rules})
	if err != nil {
		panic(err)
	}
	g := matcher.Guest{Name: "vm", Arch: "x86_64", Machine: "q35", Firmware: "efi", LaunchSecurity: "sev-es", Stateless: true}
	req, err := matcher.FromDomain(g.Domain())
	if err != nil {
		panic(err)
	}
	fmt.Printf("policy %#x, machine %s\n", req.SEVPolicy, req.Machine)
	d := matcher.Match(set, req, p, matcher.MatchOptions{})
	fmt.Println(d.Chosen.Name, d.Request.Machine)
	// Output:
	// policy 0x37, machine q35
	// 60-edk2-x86_64-amdsev.json pc-q35-noble
}

// LibvirtXML hands libvirtxml a definition as libvirt reads it: of two
// <loader> elements libvirt reads the first.
func ExampleLibvirtXML() {
	in := []byte(`<domain><os><loader secure='no'/><loader secure='yes'/></os></domain>`)
	fmt.Println(string(matcher.LibvirtXML(in)))
	// Output: <domain><os><loader secure='no'/></os></domain>
}

// ParseDomain reports attribute values libvirt's parser refuses; the
// first one the release meets is its error.
func ExampleParseDomain_invalid() {
	_, req, err := matcher.ParseDomain([]byte(`<domain type='qemu'><name>d</name><os firmware='efi'>
  <type arch='x86_64' machine='q35'>hvm</type><loader secure='YES'/></os></domain>`))
	if err != nil {
		panic(err)
	}
	fmt.Println(req.Invalid[0].Error())
	// Output: XML error: Invalid value for attribute 'secure' in element 'loader': 'YES'.
}
