package diff_test

import (
	"context"
	"fmt"
	"os"

	"github.com/fwaudit/fwaudit/diff"
)

// Debian 12 to Debian 13, each with its own libvirt: what got worse.
func ExampleCompare() {
	ctx := context.Background()
	var sides []diff.Side
	for _, name := range []string{"distro:debian-12", "distro:debian-13"} {
		sp, err := diff.ParseSpec(name)
		if err != nil {
			panic(err)
		}
		s, err := diff.Load(ctx, sp, nil)
		if err != nil {
			panic(err)
		}
		defer s.Close()
		sides = append(sides, s)
	}
	r, err := diff.Compare(ctx, sides[0], sides[1], nil)
	if err != nil {
		panic(err)
	}
	for _, c := range r.Coverage {
		if c.Regression {
			fmt.Println(c.Key(), c.Old.Status, "->", c.New.Status)
		}
	}
	for _, p := range r.PathsGone {
		fmt.Println(p.Path, p.File)
	}
	fmt.Println("regressed:", r.Regressed())
	// Output:
	// i686/q35/uefi ok -> gap
	// i686/q35/secure-boot ok -> gap
	// /usr/share/AAVMF/AAVMF_CODE.fd installed
	// regressed: true
}

// A side as fwaudit diff takes it.
func ExampleParseSpec() {
	sp, err := diff.ParseSpec("distro:ubuntu-24.04@nova-legacy")
	fmt.Printf("distro=%s path=%q release=%s err=%v\n", sp.Distro, sp.Path, sp.Release, err)
	// Output: distro=ubuntu-24.04 path="" release=nova-legacy err=<nil>
}

// The text form, verdict first.
func ExampleWrite() {
	ctx := context.Background()
	load := func(name string) diff.Side {
		sp, _ := diff.ParseSpec(name)
		s, err := diff.Load(ctx, sp, nil)
		if err != nil {
			panic(err)
		}
		return s
	}
	r, err := diff.Compare(ctx, load("distro:debian-13@11.3"), load("distro:debian-13@12.8"), nil)
	if err != nil {
		panic(err)
	}
	if err := diff.Write(os.Stdout, r, diff.Text); err != nil {
		panic(err)
	}
	// Output:
	// ok: nothing got worse from distro:debian-13@11.3 (libvirt-11.3) to distro:debian-13@12.8 (libvirt-12.8)
}

// fwaudit diff distro:ubuntu-24.04@nova-legacy distro:ubuntu-24.04@10.0
func ExampleRun() {
	r, err := diff.Run(context.Background(), "distro:ubuntu-24.04@nova-legacy", "distro:ubuntu-24.04@10.0", nil, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Old.Profile, "->", r.New.Profile)
	_, err = diff.Run(context.Background(), "distro:nosuch", "/", nil, nil)
	fmt.Println(err)
	// Output:
	// nova-legacy -> libvirt-10.0
	// "distro:nosuch": no bundled set "nosuch" (fwaudit distros lists them)
}
