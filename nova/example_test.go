package nova_test

import (
	"fmt"

	"github.com/fwaudit/fwaudit"
	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/matcher"
	"github.com/fwaudit/fwaudit/nova"
)

// An operator asks what an image with Secure Boot required boots with on
// Ubuntu 24.04, before and after nova hands the choice to libvirt.
func ExamplePredict() {
	root, _ := fwaudit.Distro("ubuntu-24.04")
	set, err := descriptor.Load(descriptor.Options{FS: root, Rules: matcher.Libvirt100.Rules})
	if err != nil {
		panic(err)
	}
	var p nova.Properties
	for _, kv := range []string{"hw_firmware_type=uefi", "hw_machine_type=q35", "os_secure_boot=required"} {
		if err := nova.Set(&p.Image, kv); err != nil {
			panic(err)
		}
	}
	for _, rel := range nova.Releases {
		pr, err := nova.Predict(set, p, rel, matcher.Libvirt100, nova.Options{})
		if err != nil {
			panic(err)
		}
		l := pr.Domain.OS.Loader
		fmt.Printf("nova %s writes firmware=%q loader=%q secure=%q\n", rel.Name, pr.Domain.OS.Firmware, l.Path, l.Secure)
		fmt.Println("  boots", pr.Firmware())
	}
	// Output:
	// nova 2025.2 writes firmware="" loader="/usr/share/OVMF/OVMF_CODE_4M.ms.fd" secure="yes"
	//   boots /usr/share/OVMF/OVMF_CODE_4M.ms.fd + /usr/share/OVMF/OVMF_VARS_4M.ms.fd
	// nova 2026.1 writes firmware="efi" loader="" secure="yes"
	//   boots /usr/share/OVMF/OVMF_CODE_4M.ms.fd + /usr/share/OVMF/OVMF_VARS_4M.ms.fd
}

// The properties of "openstack image show -f json" output.
func ExampleReadImage() {
	img, err := nova.ReadImage("image.json", []byte(`{"name": "win11", "properties": {"hw_firmware_type": "uefi", "os_secure_boot": "required"}}`))
	if err != nil {
		panic(err)
	}
	fmt.Println(img["hw_firmware_type"], img["os_secure_boot"])
	// Output: uefi required
}

// The extra specs of "openstack flavor show -f json" output.
func ExampleReadFlavor() {
	fl, err := nova.ReadFlavor("flavor.json", []byte(`{"name": "sev.large", "properties": {"hw:mem_encryption": "true"}}`))
	if err != nil {
		panic(err)
	}
	fmt.Println(fl["hw:mem_encryption"])
	// Output: true
}

// What nova asks for, from the flavor and the image together.
func ExampleDecide() {
	r, err := nova.Decide(nova.Properties{
		Image:  map[string]string{"hw_firmware_type": "uefi", "hw_machine_type": "q35", "hw_mem_encryption_model": "amd-sev-es"},
		Flavor: map[string]string{"hw:mem_encryption": "true"},
	}, nova.Legacy, nova.Options{})
	fmt.Printf("%+v %v\n", *r, err)
	// Output: {Arch:x86_64 Machine:q35 UEFI:true SecureBoot: Stateless:false Encryption:amd-sev-es} <nil>
}

// Which combinations the upgrade to nova 2026.1 breaks on Ubuntu 24.04.
func ExampleCompareUpgrade() {
	root, _ := fwaudit.Distro("ubuntu-24.04")
	set, err := descriptor.Load(descriptor.Options{FS: root, Rules: matcher.Libvirt100.Rules})
	if err != nil {
		panic(err)
	}
	combos, err := nova.ReadCombinations("combos.json", []byte(`[
 {"name": "linux", "image": {"hw_firmware_type": "uefi", "hw_machine_type": "q35"}},
 {"name": "sev-es", "image": {"hw_firmware_type": "uefi", "hw_machine_type": "q35", "hw_mem_encryption_model": "amd-sev-es"},
  "flavor": {"hw:mem_encryption": true}}]`))
	if err != nil {
		panic(err)
	}
	for _, c := range combos {
		u, err := nova.CompareUpgrade(set, c, matcher.Libvirt100, nova.Options{})
		if err != nil {
			panic(err)
		}
		fmt.Println(c.Name, "changes:", u.Changes(), "fails:", u.Fails())
	}
	// Output:
	// linux changes: false fails: false
	// sev-es changes: true fails: true
}

// The nova release a version name stands for.
func ExampleReleaseFor() {
	r, _ := nova.ReleaseFor("2025.1")
	fmt.Println(r.Name, r.AutoSelect)
	// Output: 2025.2 false
}
