package source_test

import (
	"context"
	"fmt"

	"github.com/fwaudit/fwaudit/source"
)

// A bundled set is judged with the libvirt and QEMU its distribution
// ships; for this host's descriptors use source.Spec{} (its libvirt and
// QEMU are then asked), for an image source.Spec{Root: "/mnt/image"}.
func ExampleOpen() {
	src, err := source.Open(context.Background(), source.Spec{Distro: "ubuntu-24.04"}, source.Predict, "x86_64")
	if err != nil {
		panic(err)
	}
	defer src.Close()
	fmt.Println(len(src.Set.Entries), "descriptors")
	fmt.Println(src.Choice.Profile.Name, src.Choice.ProfileSetting.Note)
	fmt.Println("QEMU", src.Choice.QEMU, "-", src.Choice.QEMUSetting.Note)
	// Output:
	// 9 descriptors
	// libvirt-10.0 ubuntu-24.04 ships libvirt-daemon 10.0.0-2ubuntu8.19
	// QEMU 8.2.2+ubuntu - ubuntu-24.04 ships qemu-system-x86 1:8.2.2+ds-0ubuntu1.18
}

// A flag overrides the bundled set's own release, as --libvirt does.
func ExampleSpec_Choose() {
	c, err := source.Spec{Distro: "ubuntu-24.04", Libvirt: "12.8"}.Choose(context.Background(), source.Predict, "x86_64")
	if err != nil {
		panic(err)
	}
	fmt.Println(c.Profile.Name, c.ProfileSetting.Source, c.QEMU, c.QEMUSetting.Source)
	// Output: libvirt-12.8 flag 11.1 profile
}

func ExampleSpec_Load() {
	set, err := source.Spec{Distro: "debian-13"}.Load(nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(set.Entries[0].Name)
	_, err = source.Spec{Distro: "debian-31"}.Load(nil)
	fmt.Println(err)
	// Output:
	// 40-edk2-aarch64-secure-enrolled.json
	// --distro: unknown distro "debian-31"; did you mean debian-11, debian-12 or debian-13? (want arch-svntogit-e290df46-partial, azurelinux-3.0, azurelinux-4.0-dev, debian-11, debian-12, debian-13, debian-unstable, deepin-25, fedora-36, fedora-37, fedora-38, fedora-39, qemu-upstream, ubuntu-22.04, ubuntu-24.04 or ubuntu-24.04-updates)
}

// A directory given with --dir is this host's for a prediction, but not
// for an audit.
func ExampleSpec_OnHost() {
	s := source.Spec{Dirs: []string{"/srv/firmware"}}
	fmt.Println(s.OnHost(source.Predict), s.OnHost(source.Audit), s.Name())
	// Output: true false dirs:/srv/firmware
}

func ExampleSpec_FallBack() {
	s, note := source.Spec{Distro: "debian-12"}.FallBack()
	fmt.Printf("%s %q\n", s.Distro, note) // only this host's empty search path falls back
	// Output: debian-12 ""
}

func ExampleTemplates() {
	for path, t := range source.Templates("debian-12") {
		if path == "/usr/share/OVMF/OVMF_VARS_4M.ms.fd" {
			fmt.Println(t.Source, len(t.Missing2023) > 0)
		}
	}
	// Output: ovmf 2022.11-6+deb12u2 true
}
