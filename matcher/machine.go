package matcher

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// aliases maps an architecture's machine aliases to the prefix of their
// versioned machine types; the alias resolves to the newest version, the
// installed QEMU's own.
var aliases = map[string]map[string]string{
	"x86_64":  {"q35": "pc-q35-", "pc": "pc-i440fx-"},
	"i686":    {"q35": "pc-q35-", "pc": "pc-i440fx-"},
	"aarch64": {"virt": "virt-"},
	"armv7l":  {"virt": "virt-"},
	"s390x":   {"s390-ccw-virtio": "s390-ccw-virtio-"},
	"ppc64":   {"pseries": "pseries-"},
	"ppc64le": {"pseries": "pseries-"},
}

// aliasPrefixes lists, per architecture, the prefixes of aliases, so that
// a hot path can walk them without iterating a map.
var aliasPrefixes = func() map[string][]string {
	m := map[string][]string{}
	for arch, as := range aliases {
		for _, prefix := range as {
			m[arch] = append(m[arch], prefix)
		}
		slices.Sort(m[arch])
	}
	return m
}()

// aliasPairs is aliases as a list per architecture, which a lookup scans
// after one map access instead of two.
var aliasPairs = func() map[string][][2]string {
	m := map[string][][2]string{}
	for arch, as := range aliases {
		for alias, prefix := range as {
			m[arch] = append(m[arch], [2]string{alias, prefix})
		}
	}
	return m
}()

// aliasPrefix is aliases[arch][machine].
func aliasPrefix(arch, machine string) (string, bool) {
	for _, p := range aliasPairs[arch] {
		if p[0] == machine {
			return p[1], true
		}
	}
	return "", false
}

// CanonicalMachine resolves a machine alias as libvirt does before
// selection, with QEMU version qemu ("10.0"): q35 becomes pc-q35-10.0. Where
// the build's machine list is known (machinesFor), an alias is what the
// list says. Other names, and aliases without versions (riscv64 and
// loongarch64 "virt", microvm), are returned unchanged. With qemu empty the
// name is unchanged.
//
// A version ending in "+ubuntu" ("8.2+ubuntu", as hostinfo reports
// Ubuntu's builds) names Ubuntu's QEMU, whose x86 aliases lead to machine
// types named after the release where Ubuntu defines them (QEMU 8.2, Ubuntu
// 24.04: q35 is pc-q35-noble, pc is pc-i440fx-noble; seen on the libvirt
// 10.0 oracle host).
func CanonicalMachine(arch, machine, qemu string) string {
	if qemu == "" {
		return machine
	}
	if l := machinesFor(arch, qemu); l != nil {
		if name, ok := l.alias(machine); ok {
			return name
		}
		return machine
	}
	qemu, ubuntu := strings.CutSuffix(qemu, ubuntuSuffix)
	if ubuntu {
		if name, ok := ubuntuAlias(arch, machine, qemu); ok {
			return name
		}
	}
	if prefix, ok := aliasPrefix(arch, machine); ok {
		return versionedNames.get(versionedKey{prefix, qemu}, func(k versionedKey) string {
			return k.prefix + majorMinor(k.qemu)
		})
	}
	return machine
}

// ubuntuSuffix marks a QEMU version as Ubuntu's build ("8.2+ubuntu").
const ubuntuSuffix = "+ubuntu"

// ubuntuMachines are the x86 machine aliases of Ubuntu's QEMU builds that
// lead to Ubuntu's own machine types, by QEMU version ("qemu-system-x86_64
// -machine help" on Ubuntu 24.04, QEMU 1:8.2.2+ds-0ubuntu1.18).
var ubuntuMachines = map[string]map[string]string{
	"8.2": {"q35": "pc-q35-noble", "pc": "pc-i440fx-noble", "ubuntu-q35": "pc-q35-noble-v2", "ubuntu": "pc-i440fx-noble-v2"},
}

// ubuntuAlias looks machine up in ubuntuMachines for QEMU version qemu
// ("8.2" or "8.2.2"), without allocating.
func ubuntuAlias(arch, machine, qemu string) (string, bool) {
	if arch != "x86_64" && arch != "i686" {
		return "", false
	}
	for v, names := range ubuntuMachines {
		if strings.HasPrefix(qemu, v) && (len(qemu) == len(v) || qemu[len(v)] == '.') {
			name, ok := names[machine]
			return name, ok
		}
	}
	return "", false
}

type versionedKey struct{ prefix, qemu string }

// versionedNames caches the machine names aliases resolve to.
var versionedNames memo[versionedKey]

func majorMinor(v string) string {
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return v + ".0"
	}
	return parts[0] + "." + parts[1]
}

// GlobMatch is GLib's g_pattern_match_simple, which libvirt uses for
// descriptor machine patterns: '*' matches any run of characters (also
// none), '?' exactly one character (a whole UTF-8 sequence); every other
// character, '[' included, is literal and compared byte for byte, as GLib
// does; the whole name must match. It allocates nothing.
func GlobMatch(pattern, name string) bool {
	p, n := 0, 0
	star, mark := -1, 0 // the last '*' seen, and where in name its run ends
	for n < len(name) {
		if p < len(pattern) {
			switch c := pattern[p]; {
			case c == '?':
				p++
				n += charLen(name, n)
				continue
			case c == '*':
				star, mark = p, n
				p++
				continue
			case c == name[n]:
				p++
				n++
				continue
			}
		}
		if star < 0 {
			return false
		}
		// Let the last '*' take one more character and retry after it.
		p = star + 1
		mark += charLen(name, mark)
		n = mark
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// charLen is the length of the UTF-8 character at s[i] (1 for a byte that
// does not start a valid sequence).
func charLen(s string, i int) int {
	if s[i] < utf8.RuneSelf {
		return 1
	}
	_, w := utf8.DecodeRuneInString(s[i:])
	return w
}
