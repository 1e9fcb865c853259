package audit_test

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/fwaudit/fwaudit"
	"github.com/fwaudit/fwaudit/audit"
	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/matcher"
)

// An operator checks, before upgrading to Ubuntu 24.04's firmware, which
// typical x86_64 q35 guests libvirt could no longer serve, requiring
// SEV-ES.
func ExampleRun() {
	root, _ := fwaudit.Distro("ubuntu-24.04")
	set, err := descriptor.Load(descriptor.Options{FS: root, Rules: matcher.Latest.Rules})
	if err != nil {
		panic(err)
	}
	r, err := audit.Run(context.Background(), set, audit.Options{Require: []string{"amd-sev-es"}})
	if err != nil {
		panic(err)
	}
	for _, c := range r.Coverage {
		if c.Arch == "x86_64" && c.Machine == "q35" && c.Status != "ok" {
			fmt.Println(c.FeatureSet, c.Status, c.Required)
		}
	}
	fmt.Println("fails:", r.Fails("error"))
	// Output:
	// stateless gap false
	// amd-sev-es gap true
	// amd-sev-es+stateless gap false
	// amd-sev-snp gap false
	// intel-tdx gap false
	// bios gap false
	// fails: true
}

// A packager lints the descriptors about to be installed into a DESTDIR,
// with the images looked up inside it.
func ExampleLint() {
	destdir := "testdata/clean"
	set, err := descriptor.Load(descriptor.Options{Root: destdir})
	if err != nil {
		panic(err)
	}
	root, err := os.OpenRoot(destdir)
	if err != nil {
		panic(err)
	}
	defer root.Close()
	r, err := audit.Lint(context.Background(), set, audit.Options{Files: root.FS()})
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Findings.Len(), "findings from", len(r.Rules), "rules")
	// Output:
	// 0 findings from 28 rules
}

// A library user predicts what libvirt 11.3 picks for one guest of the
// coverage matrix, here an SEV-SNP guest on Debian unstable.
func ExampleRequest() {
	root, _ := fwaudit.Distro("debian-unstable")
	set, err := descriptor.Load(descriptor.Options{FS: root, Rules: matcher.Libvirt113.Rules})
	if err != nil {
		panic(err)
	}
	req, err := audit.Request("x86_64", "q35", "amd-sev-snp")
	if err != nil {
		panic(err)
	}
	d := matcher.Match(set, req, matcher.Libvirt113, matcher.MatchOptions{})
	fmt.Println(d.Chosen.Name, d.OK())
	// Output:
	// 60-edk2-x86_64-amdsev.json true
}

// List the rules with their default severity.
func ExampleRules() {
	for _, r := range audit.Rules() {
		if strings.HasPrefix(r.ID, "domain-") {
			fmt.Println(r.ID, r.Severity)
		}
	}
	// Output:
	// domain-firmware-changes warning
	// domain-firmware-missing error
	// domain-firmware-undescribed warning
	// domain-invalid error
	// domain-nvram-unreadable warning
	// domain-secure-boot-cas-outdated warning
	// domain-secure-boot-changed warning
	// domain-unsatisfiable error
}

// Overrides accept known findings: here the missing BIOS firmware on every
// machine family.
func ExampleParseOverrides() {
	ovs, err := audit.ParseOverrides("fwaudit.overrides", strings.NewReader("# no BIOS guests here\ncoverage-gap */*/bios\n"))
	if err != nil {
		panic(err)
	}
	fmt.Println(ovs[0].Rule, ovs[0].Glob, ovs[0].Line)
	// Output:
	// coverage-gap */*/bios 2
}

// Explain one rule, and suggest rules for a mistyped ID.
func ExampleRule() {
	r, ok := audit.Rule("shadowed")
	fmt.Println(ok, r.Severity, r.Category)
	fmt.Println(audit.Suggest("shadow"))
	// Output:
	// true warning lint
	// [shadowed]
}

// The feature sets of the coverage matrix.
func ExampleFeatureSets() {
	for _, fs := range audit.FeatureSets()[:3] {
		fmt.Println(fs.Name)
	}
	// Output:
	// uefi
	// secure-boot
	// secure-boot+enrolled-keys
}

// Predict what happens to a host's domains (files or directories such as
// /etc/libvirt/qemu) on Ubuntu 24.04's descriptors.
func ExampleReadDomains() {
	doms, err := audit.ReadDomains([]string{"testdata/domains/sev-es.xml"})
	if err != nil {
		panic(err)
	}
	root, _ := fwaudit.Distro("ubuntu-24.04")
	set, _ := descriptor.Load(descriptor.Options{FS: root})
	r, err := audit.Run(context.Background(), set, audit.Options{Domains: doms})
	if err != nil {
		panic(err)
	}
	d := r.Domains[0]
	fmt.Println(d.Name, d.Current.Loader)
	fmt.Println(d.Regenerated.Error)
	// Output:
	// sev-es /usr/share/OVMF/OVMF_CODE_4M.fd
	// operation failed: Unable to find 'efi' firmware that is compatible with the current configuration
}

// Read an overrides file; errors name file:line.
func ExampleReadOverrides() {
	_, err := audit.ReadOverrides("testdata/no-such.overrides")
	fmt.Println(err != nil)
	// Output:
	// true
}

// A Go program reports what libvirt 12.8 would give a Secure Boot guest on
// Debian 13, the way the audit report states a domain's firmware.
func ExampleChoiceOf() {
	root, _ := fwaudit.Distro("debian-13")
	p := matcher.Latest
	set, err := descriptor.Load(descriptor.Options{FS: root, Rules: p.Rules})
	if err != nil {
		panic(err)
	}
	_, req, err := matcher.ParseDomain([]byte(`<domain type='kvm'><os firmware='efi'>
  <type arch='x86_64' machine='q35'>hvm</type>
  <firmware><feature enabled='yes' name='secure-boot'/></firmware>
</os><features><acpi/></features></domain>`))
	if err != nil {
		panic(err)
	}
	c := audit.ChoiceOf(matcher.Match(set, req, p, matcher.MatchOptions{AnyEmulator: true}))
	fmt.Println("descriptor:", c.Descriptor)
	fmt.Println("loader:", c.Loader)
	fmt.Println("template:", c.NVRAMTemplate)
	fmt.Println("error:", c.Error)
	// Output:
	// descriptor: 40-edk2-x86_64-secure-enrolled.json
	// loader: /usr/share/OVMF/OVMF_CODE_4M.ms.fd
	// template: /usr/share/OVMF/OVMF_VARS_4M.ms.fd
	// error:
}

func ExampleCells() {
	for _, c := range audit.Cells() {
		if strings.HasPrefix(c, "aarch64/") {
			fmt.Println(c)
		}
	}
	// Output:
	// aarch64/virt/uefi
	// aarch64/virt/secure-boot
	// aarch64/virt/secure-boot+enrolled-keys
	// aarch64/virt/secure-boot-no-keys
	// aarch64/virt/no-secure-boot
}

// A large set is audited as it is loaded: each descriptor's own rules run
// as it is read, and with ReleaseData its bytes go then, so that the
// files' bytes are never all held.
func ExampleRunLoad() {
	root, _ := fwaudit.Distro("debian-13")
	read := 0
	load := descriptor.Options{FS: root, Visit: func(*descriptor.Entry) { read++ }}
	r, err := audit.RunLoad(context.Background(), load, audit.Options{ReleaseData: true, FilesSkipped: "bundled set"})
	if err != nil {
		panic(err)
	}
	fmt.Println(read, "descriptors read,", len(r.Descriptors), "in the report, profile", r.Profile)
	// Output:
	// 11 descriptors read, 11 in the report, profile libvirt-12.8
}

// A packager lints a DESTDIR's descriptors for every modelled release, each
// linted as it is loaded.
func ExampleLintPaths() {
	destdir := "testdata/clean"
	root, err := os.OpenRoot(destdir)
	if err != nil {
		panic(err)
	}
	defer root.Close()
	r, err := audit.LintPaths(context.Background(), destdir, []string{destdir + "/usr/share/qemu/firmware"},
		audit.Options{Files: root.FS(), ReleaseData: true})
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Profile)
	for _, f := range r.Findings.All() {
		fmt.Println(f.Descriptor, f.Rule, f.Severity, f.Message[strings.LastIndex(f.Message, "["):])
	}
	// Output:
	// libvirt-9.0,libvirt-10.0,libvirt-11.3,libvirt-12.8
	// 60-ovmf-x86_64-amdsev.json feature-ignored warning [warning for libvirt 9.0, 10.0]
	// 60-ovmf-x86_64-inteltdx.json feature-ignored warning [warning for libvirt 9.0, 10.0]
}
