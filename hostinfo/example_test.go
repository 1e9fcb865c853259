package hostinfo_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/fwaudit/fwaudit/hostinfo"
)

func ExampleParseLibvirtVersion() {
	v, err := hostinfo.ParseLibvirtVersion("virtqemud (libvirt) 9.0.0\n")
	fmt.Println(v, err)
	// Output: 9.0.0 <nil>
}

func ExampleParseQEMUVersion() {
	v, err := hostinfo.ParseQEMUVersion("QEMU emulator version 7.2.19 (Debian 1:7.2+dfsg-7+deb12u18)\n" +
		"Copyright (c) 2003-2022 Fabrice Bellard and the QEMU Project developers\n")
	fmt.Println(v, err)
	// Output: 7.2.19 <nil>
}

func ExampleQEMUBinary() {
	for _, arch := range []string{"x86_64", "i686", "armv7l", "ppc64le"} {
		bin, _ := hostinfo.QEMUBinary(arch)
		fmt.Println(arch, bin)
	}
	// Output:
	// x86_64 qemu-system-x86_64
	// i686 qemu-system-i386
	// armv7l qemu-system-arm
	// ppc64le qemu-system-ppc64
}

// Ask this host which libvirt it runs; the answer depends on the host, so
// the example has no fixed output.
func ExampleLibvirtVersion() {
	v, err := hostinfo.LibvirtVersion(context.Background())
	if err != nil {
		fmt.Println("no libvirt version:", err)
		return
	}
	fmt.Println("libvirt", v)
}

// Ask this host's QEMU for aarch64 guests for its version.
func ExampleQEMUVersion() {
	v, err := hostinfo.QEMUVersion(context.Background(), "aarch64")
	if err != nil {
		fmt.Println("no QEMU version:", err)
		return
	}
	fmt.Println("QEMU", v)
}

// A Prober looks only where it is told: here a directory with a stand-in
// for the daemon.
func ExampleProber_LibvirtVersion() {
	dir, err := os.MkdirTemp("", "hostinfo-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	script := "#!/bin/sh\necho 'libvirtd (libvirt) 11.3.0'\n"
	if err := os.WriteFile(filepath.Join(dir, "libvirtd"), []byte(script), 0o755); err != nil {
		panic(err)
	}
	v, err := hostinfo.Prober{Dirs: []string{dir}}.LibvirtVersion(context.Background())
	fmt.Println(v, err)
	// Output: 11.3.0 <nil>
}

// A stand-in for the emulator of 32-bit Arm guests (libvirt's armv7l).
func ExampleProber_QEMUVersion() {
	dir, err := os.MkdirTemp("", "hostinfo-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	script := "#!/bin/sh\necho 'QEMU emulator version 10.0.2 (Debian 1:10.0.2+ds-2)'\n"
	if err := os.WriteFile(filepath.Join(dir, "qemu-system-arm"), []byte(script), 0o755); err != nil {
		panic(err)
	}
	v, err := hostinfo.Prober{Dirs: []string{dir}}.QEMUVersion(context.Background(), "armv7l")
	fmt.Println(v, err)
	// Output: 10.0.2 <nil>
}

func ExampleDefaultDirs() {
	defer os.Setenv("PATH", os.Getenv("PATH"))
	os.Setenv("PATH", "/usr/bin:/bin")
	fmt.Println(hostinfo.DefaultDirs())
	// Output: [/usr/bin /bin /usr/local/sbin /usr/sbin /sbin /usr/libexec]
}
