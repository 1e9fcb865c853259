package result_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/fwaudit/fwaudit"
	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/matcher"
	"github.com/fwaudit/fwaudit/release"
	"github.com/fwaudit/fwaudit/result"
	"github.com/fwaudit/fwaudit/source"
)

// A Match built from its parts: the answer "fwaudit match --distro
// debian-13 --arch x86_64 --machine q35 --secure-boot yes" prints. Predict
// does all of this as the command does (ExamplePredict), and for this
// host's descriptors also falls back to the bundled set when there are
// none and gives 12.8 this host's files to resolve paths in.
func ExampleNewMatch() {
	ctx := context.Background()
	guest := matcher.Guest{Name: "guest", Arch: "x86_64", Machine: "q35", Firmware: "efi", SecureBoot: matcher.Yes}
	dom := guest.Domain()
	req, err := matcher.FromDomain(dom)
	if err != nil {
		panic(err)
	}
	choice, err := release.Choose(ctx, release.Request{Distro: "debian-13", Arch: req.Arch})
	if err != nil {
		panic(err)
	}
	root, _ := fwaudit.Distro("debian-13")
	set, err := descriptor.Load(descriptor.Options{FS: root, Rules: choice.Profile.Rules})
	if err != nil {
		panic(err)
	}
	d := matcher.Match(set, req, choice.Profile, matcher.MatchOptions{QEMU: choice.QEMU})
	m := result.NewMatch(choice, dom, d, false)
	m.WriteText(os.Stdout, result.MatchTextOptions{})
	// Output:
	// profile     libvirt-11.3  (distro: debian-13 ships libvirt-daemon 11.3.0-3+deb13u3)
	// qemu        10.0  (distro: debian-13 ships qemu-system-x86 1:10.0.13+ds-0+deb13u1)
	// machine     pc-q35-10.0  (q35)
	// descriptor  40-edk2-x86_64-secure-enrolled.json  /usr/share/qemu/firmware/40-edk2-x86_64-secure-enrolled.json
	// firmware    efi
	// loader      /usr/share/OVMF/OVMF_CODE_4M.ms.fd  type=pflash readonly=yes secure=yes format=raw
	// nvram       /var/lib/libvirt/qemu/nvram/guest_VARS.fd  format=raw template=/usr/share/OVMF/OVMF_VARS_4M.ms.fd templateFormat=raw
	// smm         on
	// features    enrolled-keys=yes secure-boot=yes
}

func ExampleNewList() {
	root, _ := fwaudit.Distro("ubuntu-24.04")
	set, err := descriptor.Load(descriptor.Options{FS: root})
	if err != nil {
		panic(err)
	}
	l := result.NewList(set, "ubuntu-24.04")
	fmt.Println(len(l.Entries), l.Entries[0].Name, l.Entries[0].Status, l.Failed())
	// Output: 9 40-edk2-aarch64-secure-enrolled.json active false
}

func ExampleCheckFile() {
	dir, err := os.MkdirTemp("", "fwaudit-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "70-bad.json")
	os.WriteFile(file, []byte(`{"description":"bad","interface-types":["uefi"],"mapping":{"device":"floppy"},"targets":[],"features":[],"tags":[]}`), 0o644)
	c, err := result.CheckFile(file, descriptor.RulesLatest)
	if err != nil {
		panic(err)
	}
	fmt.Println(c.QEMU, c.Libvirt, len(c.Problems) > 0)
	// Output: false false true
}

func ExampleNewDistros() {
	d, err := result.NewDistros(context.Background(), result.DistrosOptions{})
	if err != nil {
		panic(err)
	}
	for _, row := range d.Distros {
		if row.Name == "ubuntu-24.04" {
			for i, c := range row.Cells {
				if d.FeatureSets[i] == "amd-sev-es" {
					fmt.Println(row.Name, row.Profile, row.ProfileSource, c.FeatureSet, c.Status)
				}
			}
		}
	}
	// Output: ubuntu-24.04 libvirt-10.0 distro amd-sev-es gap
}

// WriteList prints what fwaudit list prints, reading one descriptor at a
// time.
func ExampleWriteList() {
	failed, err := result.WriteList(os.Stdout, source.Spec{Distro: "debian-11"}, result.Text, result.TextOptions{})
	fmt.Println(failed, err)
	// Output:
	// dir /usr/share/qemu/firmware (scanned)
	// dir /etc/qemu/firmware (missing)
	// NAME                                 STATUS  FROM                      SUMMARY
	// 40-edk2-x86_64-secure-enrolled.json  active  /usr/share/qemu/firmware  uefi | x86_64 pc-q35-* | flash split raw | acpi-s3,amd-sev,enrolled-keys,requires-smm,secure-boot,verbose-dynamic
	// 50-edk2-i386-secure.json             active  /usr/share/qemu/firmware  uefi | i386 pc-q35-* | flash split raw | acpi-s3,requires-smm,secure-boot,verbose-dynamic
	// 50-edk2-x86_64-secure.json           active  /usr/share/qemu/firmware  uefi | x86_64 pc-q35-* | flash split raw | acpi-s3,amd-sev,requires-smm,secure-boot,verbose-dynamic
	// 60-edk2-aarch64.json                 active  /usr/share/qemu/firmware  uefi | aarch64 virt-* | flash split raw | verbose-static
	// 60-edk2-arm.json                     active  /usr/share/qemu/firmware  uefi | arm virt-* | flash split raw | verbose-static
	// 60-edk2-x86_64.json                  active  /usr/share/qemu/firmware  uefi | x86_64 pc-i440fx-*,pc-q35-* | flash split raw | acpi-s3,amd-sev,verbose-dynamic
	// false <nil>
}

// The renderer --format names, over one value.
func ExampleWrite() {
	l, err := result.ListOf(source.Spec{Distro: "ubuntu-24.04"})
	if err != nil {
		panic(err)
	}
	var text, json strings.Builder
	result.Write(&text, l, result.Text, result.TextOptions{})
	result.Write(&json, l, result.JSON, result.TextOptions{})
	fmt.Println(strings.SplitN(text.String(), "\n", 2)[0])
	fmt.Println(strings.SplitN(json.String(), "\n", 3)[1])
	fmt.Println(result.Write(&text, l, result.XML, result.TextOptions{}))
	// Output:
	// dir /usr/share/qemu/firmware (scanned)
	//   "schema_version": 1,
	// result: unknown format "xml" (want text or json)
}

// fwaudit match --format xml for a domain libvirt refuses writes nothing:
// the error is a *DomainRefusedError (the command's exit 1).
func ExampleMatch_Write() {
	g := matcher.Guest{Name: "vm", Arch: "x86_64", Machine: "q35", Firmware: "efi", LaunchSecurity: "sev-es"}
	m, err := result.Predict(context.Background(), source.Spec{Distro: "ubuntu-24.04"}, g.Domain(), result.PredictOptions{})
	if err != nil {
		panic(err)
	}
	var out strings.Builder
	err = m.Write(&out, result.XML, result.MatchTextOptions{})
	var refused *result.DomainRefusedError
	fmt.Println(m.OK(), out.Len(), errors.As(err, &refused))
	fmt.Println(err)
	// Output:
	// false 0 true
	// libvirt-10.0 would refuse the domain: operation failed: Unable to find 'efi' firmware that is compatible with the current configuration
}

// fwaudit match's input: the domain in exactly one of three ways.
func ExampleMatchInput_Check() {
	for _, in := range []result.MatchInput{
		{DomainFile: "vm.xml", GuestFlags: []string{"--arch"}},
		{Nova: result.NovaInput{ImageProps: []string{"hw_firmware_type=uefi"}}, GuestFlags: []string{"--name"}},
		{Guest: matcher.Guest{Name: "vm", Arch: "x86_64"}},
		{Guest: matcher.Guest{Name: "vm", Arch: "amd64", Machine: "q35"}},
	} {
		fmt.Println(in.Check())
	}
	// Output:
	// --domain describes the whole domain; it cannot be combined with --arch
	// <nil>
	// --arch needs --machine (e.g. q35, pc, virt)
	// --arch "amd64": not an architecture libvirt knows (libvirt calls it x86_64)
}

// What fwaudit match --distro debian-13 --arch x86_64 --machine q35
// --secure-boot yes asks the library.
func ExampleMatchInput_Predict() {
	in := result.MatchInput{
		Spec:  source.Spec{Distro: "debian-13"},
		Guest: matcher.Guest{Name: "guest", Arch: "x86_64", Machine: "q35", Firmware: "efi", SecureBoot: matcher.Yes},
	}
	m, note, err := in.Predict(context.Background())
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s %q %v %s\n", m.Profile, note, m.OK(), *m.DescriptorPath)
	// Output:
	// libvirt-11.3 "" true /usr/share/qemu/firmware/40-edk2-x86_64-secure-enrolled.json
}

func ExampleCheckArch() {
	fmt.Println(result.CheckArch("aarch64"))
	fmt.Println(result.CheckArch("arm64"))
	fmt.Println(result.CheckArch("x86-64"))
	// Output:
	// <nil>
	// --arch "arm64": not an architecture libvirt knows (libvirt calls it aarch64)
	// --arch "x86-64": not an architecture libvirt knows; did you mean x86_64?
}
