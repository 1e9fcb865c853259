package matcher

import (
	"fmt"
	"strings"
)

// machineSupported reports whether QEMU version qemu ("10.0") has the
// machine type. Where the build's machine list is known (machinesFor), the
// type must be in it, spelt exactly (case and spaces count). Otherwise a
// versioned type (pc-q35-X.Y, virt-X.Y, ...) newer than the QEMU itself does
// not exist there, and libvirt refuses the domain; names it cannot judge
// (unversioned, unknown families) count as supported, and so does
// everything when qemu is empty.
func machineSupported(arch, machine, qemu string) bool {
	if qemu == "" {
		return true
	}
	if l := machinesFor(arch, qemu); l != nil {
		_, alias := l.alias(machine)
		return l.index[machine] || alias
	}
	qmaj, qmin, ok := leadingMajorMinor(qemu)
	if !ok {
		return true
	}
	for _, prefix := range aliasPrefixes[arch] {
		rest, found := strings.CutPrefix(machine, prefix)
		if !found {
			continue
		}
		maj, min, ok := leadingMajorMinor(rest)
		if !ok || len(rest) != digits(maj)+1+digits(min) {
			return true // not exactly "X.Y": not ours to judge
		}
		return maj < qmaj || maj == qmaj && min <= qmin
	}
	return true
}

// leadingMajorMinor reads "X.Y" at the start of v ("10.0.13" gives 10, 0).
func leadingMajorMinor(v string) (major, minor int, ok bool) {
	i := 0
	num := func() (int, bool) {
		start, n := i, 0
		for i < len(v) && v[i] >= '0' && v[i] <= '9' && i-start < 6 {
			n = n*10 + int(v[i]-'0')
			i++
		}
		return n, i > start
	}
	if major, ok = num(); !ok || i >= len(v) || v[i] != '.' {
		return 0, 0, false
	}
	i++
	minor, ok = num()
	return major, minor, ok
}

func digits(n int) int {
	d := 1
	for ; n >= 10; n /= 10 {
		d++
	}
	return d
}

// errMachine is domain validation's verdict on a machine type the
// emulator lacks.
func errMachine(emulator, machine string) string {
	return fmt.Sprintf("unsupported configuration: Emulator '%s' does not support machine type '%s'", emulator, machine)
}

// emulatorFor is the emulator libvirt uses: the domain's, else the
// architecture's default binary.
func emulatorFor(r *Request) string {
	if r.Emulator != "" {
		return r.Emulator
	}
	if e, ok := defaultEmulators[r.Arch]; ok {
		return e
	}
	return "/usr/bin/qemu-system-" + qemuArch(r.Arch)
}

// defaultEmulators are emulatorFor's answers for the common architectures,
// built once so that Match does not allocate them.
var defaultEmulators = func() map[string]string {
	m := map[string]string{}
	for _, arch := range []string{"x86_64", "i686", "aarch64", "armv7l", "riscv64", "loongarch64", "s390x", "ppc64", "ppc64le"} {
		m[arch] = "/usr/bin/qemu-system-" + qemuArch(arch)
	}
	return m
}()

// qemuArch maps a libvirt architecture to the qemu-system binary suffix.
func qemuArch(arch string) string {
	switch arch {
	case "i686":
		return "i386"
	case "armv7l":
		return "arm"
	case "ppc64le":
		return "ppc64"
	}
	return arch
}
