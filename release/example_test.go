package release_test

import (
	"context"
	"fmt"

	"github.com/fwaudit/fwaudit/release"
)

// A bundled distribution set is judged with the release it ships, unless a
// flag says otherwise.
func ExampleChoose() {
	c, err := release.Choose(context.Background(), release.Request{Distro: "ubuntu-24.04", Arch: "x86_64"})
	if err != nil {
		panic(err)
	}
	fmt.Println(c.Profile.Name, c.ProfileSetting.Source, c.QEMU)
	fmt.Println(c.ProfileSetting.Note)
	// Output:
	// libvirt-10.0 distro 8.2.2+ubuntu
	// ubuntu-24.04 ships libvirt-daemon 10.0.0-2ubuntu8.19
}

func ExampleNamed() {
	p, s, _ := release.Named("11.9", "")
	fmt.Println(p.Name, s.Source, s.Note)
	// Output: libvirt-11.3 flag --libvirt 11.9, modelled by libvirt-11.3
}
