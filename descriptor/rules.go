package descriptor

import (
	"fmt"
	"slices"
)

// Rules describe what one libvirt release's descriptor parser accepts. They
// are data, so that each release's differences live in one place. A
// descriptor the rules reject is, depending on the release, either skipped or
// fatal to the whole firmware lookup (that policy belongs to the matcher).
type Rules struct {
	// Name identifies the rules, e.g. "libvirt-11.3".
	Name string
	// Architectures are the libvirt architecture names the release knows.
	// A descriptor's QEMU target name is mapped onto them as libvirt does:
	// "i386" is i686, "arm" is armv7l, any other name must be a libvirt
	// architecture name itself.
	Architectures []string
	// Devices are the mapping devices the parser accepts.
	Devices []Device
	// Features are the feature names the release knows; others are dropped
	// silently, as if the descriptor did not list them.
	Features []Feature
	// RequireFilename rejects memory and kernel mappings without a filename
	// (older releases logged an error and accepted them).
	RequireFilename bool
}

// libvirtArchitectures are libvirt's virArch names (libvirt 11), without
// loongarch64, which older releases lack.
var libvirtArchitectures = []string{
	"alpha", "armv6l", "armv7l", "armv7b", "aarch64", "cris", "i686", "ia64",
	"lm32", "m68k", "microblaze", "microblazeel", "mips", "mipsel", "mips64",
	"mips64el", "openrisc", "parisc", "parisc64", "ppc", "ppcle", "ppc64",
	"ppc64le", "ppcemb", "riscv32", "riscv64", "s390", "s390x", "sh4", "sh4eb",
	"sparc", "sparc64", "unicore32", "x86_64", "xtensa", "xtensaeb",
}

// Rule sets for the libvirt releases fwaudit models. The matcher's profiles
// refer to these.
var (
	// RulesLibvirt9 is libvirt 9.0–10.x: no loongarch64, no amd-sev-snp or
	// intel-tdx, memory/kernel without filename accepted.
	RulesLibvirt9 = &Rules{
		Name:          "libvirt-9.0",
		Architectures: libvirtArchitectures,
		Devices:       []Device{DeviceFlash, DeviceKernel, DeviceMemory},
		Features: []Feature{FeatureACPIS3, FeatureACPIS4, FeatureAMDSEV, FeatureAMDSEVES,
			FeatureEnrolledKeys, FeatureRequiresSMM, FeatureSecureBoot, FeatureVerboseDynamic, FeatureVerboseStatic},
	}
	// RulesLibvirt11 is libvirt 11.x: loongarch64, amd-sev-snp and
	// intel-tdx known.
	RulesLibvirt11 = &Rules{
		Name:          "libvirt-11.3",
		Architectures: append(slices.Clip(libvirtArchitectures), "loongarch64"),
		Devices:       []Device{DeviceFlash, DeviceKernel, DeviceMemory},
		Features: []Feature{FeatureACPIS3, FeatureACPIS4, FeatureAMDSEV, FeatureAMDSEVES, FeatureAMDSEVSNP,
			FeatureIntelTDX, FeatureEnrolledKeys, FeatureRequiresSMM, FeatureSecureBoot, FeatureVerboseDynamic, FeatureVerboseStatic},
		RequireFilename: true,
	}
	// RulesLibvirt12 is libvirt 12.x: kernel mappings are no longer
	// accepted.
	RulesLibvirt12 = &Rules{
		Name:            "libvirt-12.8",
		Architectures:   RulesLibvirt11.Architectures,
		Devices:         []Device{DeviceFlash, DeviceMemory},
		Features:        RulesLibvirt11.Features,
		RequireFilename: true,
	}
	// RulesLatest are the rules of the newest release modelled.
	RulesLatest = RulesLibvirt12
)

// Equal reports whether r and o are the same parser: equal in every
// field, whichever values hold them (a copy of a built-in rule set is equal
// to it). Two nil rule sets are equal.
func (r *Rules) Equal(o *Rules) bool {
	if r == nil || o == nil {
		return r == o
	}
	return r.Name == o.Name && r.RequireFilename == o.RequireFilename && slices.Equal(r.Architectures, o.Architectures) &&
		slices.Equal(r.Devices, o.Devices) && slices.Equal(r.Features, o.Features)
}

// Arch maps a descriptor's QEMU target name to the libvirt architecture
// name, reporting false if the release does not know it.
func (r *Rules) Arch(qemu string) (string, bool) {
	if a, fixed := LibvirtArch(qemu); fixed || r.KnowsArch(a) {
		return a, true
	}
	return "", false
}

// KnowsFeature reports whether the release knows feature f; unknown
// features are ignored by libvirt.
func (r *Rules) KnowsFeature(f Feature) bool { return slices.Contains(r.Features, f) }

// Check replays libvirt's descriptor parser over data (the bytes of the file
// at path; d is its parsed form, or nil after a syntax error) and returns the
// error libvirt reports, or nil if libvirt accepts the descriptor. Members are
// examined in libvirt's order and only the first problem is returned, as
// libvirt stops there. The message is libvirt's own wording.
func (r *Rules) Check(path string, data []byte, d *Descriptor) *Error {
	view := libvirtView(data)
	var root *node
	if d != nil && d.tree != nil && len(view) == len(data) {
		root = d.tree
	} else {
		t, err := parseTree(view)
		if err != nil {
			se := err.(*syntaxError)
			line, col := position(data, se.off)
			return &Error{File: path, Line: line, Col: col, Kind: KindLibvirt,
				Msg: fmt.Sprintf("unable to parse json file '%s'", path)}
		}
		root = t
	}
	fail := func(n *node, ptr, msg string) *Error {
		e := &Error{File: path, Pointer: ptr, Kind: KindLibvirt, Msg: msg}
		if n != nil {
			e.Line, e.Col = position(data, n.off)
		}
		return e
	}
	obj := func(n *node, key string) *node {
		if n == nil || n.kind != kindObject {
			return nil
		}
		return n.member(key)
	}
	getString := func(n *node) (string, bool) {
		if n == nil || n.kind != kindString {
			return "", false
		}
		return n.str, true
	}
	quote := func(s string, ok bool) string {
		if !ok {
			return "(null)"
		}
		return s
	}

	// interface-types
	ifaces := obj(root, "interface-types")
	if ifaces == nil || ifaces.kind != kindArray {
		return fail(root, "/interface-types", fmt.Sprintf("failed to get interface-types from '%s'", path))
	}
	for i, e := range ifaces.elems {
		s, ok := getString(e)
		if !Interface(s).Known() || !ok {
			return fail(e, pointer("interface-types", i), fmt.Sprintf("unknown interface type: '%s'", quote(s, ok)))
		}
	}

	// mapping
	mapping := obj(root, "mapping")
	if mapping == nil {
		return fail(root, "/mapping", fmt.Sprintf("missing mapping in '%s'", path))
	}
	dev, ok := getString(obj(mapping, "device"))
	if !ok {
		return fail(mapping, "/mapping/device", fmt.Sprintf("missing device type in '%s'", path))
	}
	if !slices.Contains(r.Devices, Device(dev)) {
		return fail(obj(mapping, "device"), "/mapping/device", fmt.Sprintf("unknown device type in '%s'", path))
	}
	switch Device(dev) {
	case DeviceFlash:
		mode := ModeSplit
		if m := obj(mapping, "mode"); m != nil {
			s, ok := getString(m)
			if !ok {
				return fail(m, "/mapping/mode", "Firmware flash mode value was malformed")
			}
			if !FlashMode(s).Known() {
				return fail(m, "/mapping/mode", fmt.Sprintf("Firmware flash mode value '%s' unexpected", s))
			}
			mode = FlashMode(s)
		}
		files := []string{"executable"}
		if mode == ModeSplit {
			files = append(files, "nvram-template")
		}
		for _, member := range files {
			f := obj(mapping, member)
			if f == nil {
				return fail(mapping, "/mapping/"+member, fmt.Sprintf("missing '%s' in '%s'", member, path))
			}
			for _, key := range []string{"filename", "format"} {
				if _, ok := getString(obj(f, key)); !ok {
					return fail(f, "/mapping/"+member+"/"+key, fmt.Sprintf("missing '%s' in '%s'", key, path))
				}
			}
		}
	case DeviceMemory, DeviceKernel:
		if _, ok := getString(obj(mapping, "filename")); !ok && r.RequireFilename {
			return fail(mapping, "/mapping/filename", fmt.Sprintf("missing 'filename' in '%s'", path))
		}
	}

	// targets
	targets := obj(root, "targets")
	if targets == nil || targets.kind != kindArray {
		return fail(root, "/targets", fmt.Sprintf("failed to get targets from '%s'", path))
	}
	for i, t := range targets.elems {
		ptr := pointer("targets", i)
		a, ok := getString(obj(t, "architecture"))
		if !ok {
			return fail(t, ptr+"/architecture", fmt.Sprintf("missing 'architecture' in '%s'", path))
		}
		if _, known := r.Arch(a); !known {
			return fail(obj(t, "architecture"), ptr+"/architecture", fmt.Sprintf("unknown architecture '%s'", a))
		}
		if m := obj(t, "machines"); m == nil || m.kind != kindArray {
			return fail(t, ptr+"/machines", fmt.Sprintf("missing 'machines' in '%s'", path))
		}
	}

	// features
	if f := obj(root, "features"); f == nil || f.kind != kindArray {
		return fail(root, "/features", fmt.Sprintf("failed to get features from '%s'", path))
	}
	return nil
}
