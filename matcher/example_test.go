package matcher_test

import (
	"fmt"

	"github.com/fwaudit/fwaudit"
	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/matcher"
)

// Predict what libvirt 11.3 picks on Ubuntu 24.04's descriptors for an
// SEV-ES guest (SEV policy bit 0x4): nothing, as real libvirt 11.3 answered
// for the conformance case real-ubuntu-24.04-sev-es.
func ExampleMatch() {
	root, _ := fwaudit.Distro("ubuntu-24.04")
	set, err := descriptor.Load(descriptor.Options{FS: root, Rules: matcher.Libvirt113.Rules})
	if err != nil {
		panic(err)
	}
	_, req, err := matcher.ParseDomain([]byte(`<domain type='kvm'><name>vm</name>
  <os firmware='efi'><type arch='x86_64' machine='q35'>hvm</type></os>
  <launchSecurity type='sev'><policy>0x0007</policy></launchSecurity>
</domain>`))
	if err != nil {
		panic(err)
	}
	d := matcher.Match(set, req, matcher.Libvirt113, matcher.MatchOptions{})
	fmt.Println(d.Err)
	for _, s := range d.Trace {
		fmt.Println(s.Name, "-", s.Reason)
	}
	// Output:
	// operation failed: Unable to find 'efi' firmware that is compatible with the current configuration
	// 40-edk2-aarch64-secure-enrolled.json - No matching machine type in '/usr/share/qemu/firmware/40-edk2-aarch64-secure-enrolled.json'
	// 40-edk2-x86_64-secure-enrolled.json - Domain requires SEV-ES, firmware '/usr/share/qemu/firmware/40-edk2-x86_64-secure-enrolled.json' doesn't support it
	// 50-edk2-aarch64-secure.json - No matching machine type in '/usr/share/qemu/firmware/50-edk2-aarch64-secure.json'
	// 50-edk2-i386-secure.json - No matching machine type in '/usr/share/qemu/firmware/50-edk2-i386-secure.json'
	// 50-edk2-x86_64-secure.json - Domain requires SEV-ES, firmware '/usr/share/qemu/firmware/50-edk2-x86_64-secure.json' doesn't support it
	// 60-edk2-aarch64.json - No matching machine type in '/usr/share/qemu/firmware/60-edk2-aarch64.json'
	// 60-edk2-arm.json - No matching machine type in '/usr/share/qemu/firmware/60-edk2-arm.json'
	// 60-edk2-i386.json - No matching machine type in '/usr/share/qemu/firmware/60-edk2-i386.json'
	// 60-edk2-x86_64.json - Domain requires SEV-ES, firmware '/usr/share/qemu/firmware/60-edk2-x86_64.json' doesn't support it
}
