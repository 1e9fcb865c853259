package benchmarks

import (
	"context"
	"fmt"
	"testing"

	"github.com/fwaudit/fwaudit"
	"github.com/fwaudit/fwaudit/audit"
	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/matcher"
)

// impactSet is the set BenchmarkDomainImpact audits domains against.
const impactSet = "debian-13"

// BenchmarkAudit is audit.Run (coverage matrix and lint rules, no domains,
// no image files) over each catalogue set, loaded once.
func BenchmarkAudit(b *testing.B) {
	p := matcher.Latest
	for _, name := range fwaudit.Distros() {
		root, _ := fwaudit.Distro(name)
		set, err := descriptor.Load(descriptor.Options{FS: root, Rules: p.Rules})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := audit.Run(context.Background(), set, audit.Options{Profile: p}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// domainXML returns the i-th of a varied population of libvirt domains: new
// and existing UEFI guests, Secure Boot ones, SEV guests, manual loaders with
// NVRAM files, on x86_64 and aarch64.
func domainXML(i int) []byte {
	name := fmt.Sprintf("vm-%05d", i)
	arch, machine := "x86_64", "q35"
	if i%10 == 9 {
		arch, machine = "aarch64", "virt"
	}
	features := "<acpi/><apic/>"
	os := `<os firmware='efi'><type arch='%s' machine='%s'>hvm</type></os>`
	switch i % 5 {
	case 1:
		os = `<os firmware='efi'><type arch='%s' machine='%s'>hvm</type><firmware><feature enabled='yes' name='secure-boot'/><feature enabled='yes' name='enrolled-keys'/></firmware></os>`
		features += "<smm state='on'/>"
	case 2:
		os = `<os><type arch='%s' machine='%s'>hvm</type>
    <loader readonly='yes' secure='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE_4M.ms.fd</loader>
    <nvram template='/usr/share/OVMF/OVMF_VARS_4M.ms.fd'>/var/lib/libvirt/qemu/nvram/` + name + `_VARS.fd</nvram></os>`
		features += "<smm state='on'/>"
	case 3:
		os = `<os firmware='efi'><type arch='%s' machine='%s'>hvm</type><firmware><feature enabled='no' name='secure-boot'/></firmware></os>`
	}
	sev := ""
	if i%7 == 6 && arch == "x86_64" {
		sev = "<launchSecurity type='sev'><policy>0x0007</policy></launchSecurity>"
	}
	return fmt.Appendf(nil, `<domain type='kvm'>
  <name>%s</name>
  <memory unit='KiB'>2097152</memory>
  <vcpu placement='static'>2</vcpu>
  `+os+`
  <features>%s</features>
  <devices>
    <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='/var/lib/libvirt/images/%s.qcow2'/><target dev='vda' bus='virtio'/></disk>
    <interface type='network'><source network='default'/><model type='virtio'/></interface>
    <console type='pty'/>
  </devices>
  %s
</domain>
`, name, arch, machine, features, name, sev)
}

// BenchmarkDomainImpact is audit.Run predicting the impact of an upgrade on
// 10,000 domains (parsing each XML, selection for its current and its
// regenerated definition and for nova) over one set; "domains/s" is the
// figure the target (5,000) is about.
func BenchmarkDomainImpact(b *testing.B) {
	const n = 10000
	p := matcher.Latest
	root, _ := fwaudit.Distro(impactSet)
	set, err := descriptor.Load(descriptor.Options{FS: root, Rules: p.Rules})
	if err != nil {
		b.Fatal(err)
	}
	domains := make([]audit.DomainFile, n)
	for i := range domains {
		domains[i] = audit.DomainFile{Path: fmt.Sprintf("/etc/libvirt/qemu/vm-%05d.xml", i), Data: domainXML(i)}
	}
	b.Run(fmt.Sprint(n), func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			r, err := audit.Run(context.Background(), set, audit.Options{Profile: p, Domains: domains})
			if err != nil {
				b.Fatal(err)
			}
			if len(r.Domains) != n {
				b.Fatalf("report has %d domains, want %d", len(r.Domains), n)
			}
		}
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "domains/s")
	})
}

// BenchmarkUnmarshalDomain is matcher.ParseDomain (libvirtxml's full unmarshal
// and the Request taken from it) of one generated domain: the part of
// BenchmarkDomainImpact that is not selection.
func BenchmarkUnmarshalDomain(b *testing.B) {
	data := domainXML(1)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := matcher.ParseDomain(data); err != nil {
			b.Fatal(err)
		}
	}
}
