package matcher

import "strings"

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

// CanonicalMachine resolves a machine alias as libvirt does before
// selection, with QEMU version qemu ("10.0"): q35 becomes pc-q35-10.0. Other
// names, and aliases without versions (riscv64 and loongarch64 "virt",
// microvm), are returned unchanged. With qemu empty the name is unchanged.
func CanonicalMachine(arch, machine, qemu string) string {
	if qemu == "" {
		return machine
	}
	if prefix, ok := aliases[arch][machine]; ok {
		return prefix + majorMinor(qemu)
	}
	return machine
}

func majorMinor(v string) string {
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return v + ".0"
	}
	return parts[0] + "." + parts[1]
}

// GlobMatch is GLib's g_pattern_match_simple, which libvirt uses for
// descriptor machine patterns: '*' matches any run of characters (also
// none), '?' exactly one; every other character, '[' included, is literal;
// the whole name must match.
func GlobMatch(pattern, name string) bool {
	p, n := 0, 0
	star, mark := -1, 0
	pr, nr := []rune(pattern), []rune(name)
	for n < len(nr) {
		switch {
		case p < len(pr) && (pr[p] == '?' || pr[p] == nr[n]):
			p++
			n++
		case p < len(pr) && pr[p] == '*':
			star, mark = p, n
			p++
		case star >= 0:
			p = star + 1
			mark++
			n = mark
		default:
			return false
		}
	}
	for p < len(pr) && pr[p] == '*' {
		p++
	}
	return p == len(pr)
}
