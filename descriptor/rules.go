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
	// JSON is the JSON the release's parser reads; nil is strict JSON.
	JSON *JSONSyntax
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
		JSON: JSONYajl,
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
		JSON:            JSONC113,
	}
	// RulesLibvirt12 is libvirt 12.x: kernel mappings are no longer
	// accepted.
	RulesLibvirt12 = &Rules{
		Name:            "libvirt-12.8",
		Architectures:   RulesLibvirt11.Architectures,
		Devices:         []Device{DeviceFlash, DeviceMemory},
		Features:        RulesLibvirt11.Features,
		RequireFilename: true,
		JSON:            JSONC128,
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
	return r.Name == o.Name && r.RequireFilename == o.RequireFilename && r.JSON.equal(o.JSON) && slices.Equal(r.Architectures, o.Architectures) &&
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
	_, err := r.Decode(path, data, d)
	return err
}

// Decode is Check returning, when libvirt accepts the descriptor, the
// descriptor as the release reads it: d itself when the release's JSON
// parser (r.JSON) reads the file as strict JSON does, else the file decoded
// as that parser reads it (a NUL byte ends the file, an escaped NUL ends a
// string, JSONSyntax allows more or less than strict JSON), which is what
// the release selects from (its lists, like Parse's, may be shared and are
// read-only: see Descriptor). d may be nil, after a syntax error that the
// release's parser does not make.
func (r *Rules) Decode(path string, data []byte, d *Descriptor) (*Descriptor, *Error) {
	view := libvirtView(data)
	if d != nil && d.src != nil && d.src.tree != nil && len(view) == len(data) && d.src.quirks.same(r.JSON) {
		if err := r.check(path, data, d.src.tree); err != nil {
			return nil, err
		}
		return d, nil
	}
	t, _, err := parseTreeAs(view, r.JSON)
	if err != nil {
		se := err.(*syntaxError)
		line, col := position(data, se.off)
		cause := se.msg
		if r.JSON != nil {
			cause += ", as " + r.JSON.Name + " reads it"
		}
		return nil, &Error{File: path, Line: line, Col: col, Kind: KindLibvirt,
			Msg: fmt.Sprintf("unable to parse json file '%s'", path), Cause: cause}
	}
	if err := r.check(path, data, t); err != nil {
		return nil, err
	}
	lv := &Descriptor{src: &source{data: view, tree: t}}
	lv.decode(t)
	return lv, nil
}

// check is Check over root, the document as the release's parser read it.
func (r *Rules) check(path string, data []byte, root *node) *Error {
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

// A JSONSyntax is the JSON a release's parser reads descriptors as. libvirt
// parsed them with yajl 2 up to 10.0 and with json-c (strict mode, UTF-8
// validated) since; both go beyond strict JSON (RFC 8259), which is how
// Parse and QEMU read them, and differ from each other. Both require UTF-8,
// and both hand strings on as C strings, which an escaped NUL (\u0000)
// ends.
type JSONSyntax struct {
	// Name names the parser ("yajl 2", "json-c").
	Name string
	// DuplicateKeys: a member name repeated in an object is accepted and
	// its last value wins; otherwise the document is rejected.
	DuplicateKeys bool
	// MaxDepth is the deepest value accepted, 0 for no limit: the
	// document's own value is level 1, and a value in an array or object
	// one level deeper than it, strings, numbers and literals included.
	MaxDepth int
	// NonFinite are literals read as numbers besides JSON's ("NaN").
	NonFinite []string
	// EmptyFraction accepts a decimal point without digits after it ("1.").
	EmptyFraction bool
	// IntRange rejects an integer (a number without fraction or exponent)
	// below -2^63 or above 2^64-1.
	IntRange bool
	// Space are the characters read as white space besides JSON's four.
	Space string
	// UTF8 is how strings are checked to be UTF-8.
	UTF8 UTF8Check
}

// UTF8Check is how a parser checks that strings are UTF-8.
type UTF8Check uint8

const (
	// UTF8Full is RFC 3629, as strict JSON: no overlong forms, no
	// surrogates, nothing above U+10FFFF.
	UTF8Full UTF8Check = iota
	// UTF8Lead checks only that each lead byte (110xxxxx, 1110xxxx,
	// 11110xxx) has its continuation bytes, whatever they encode (yajl's
	// check): overlong forms, surrogates and code points above U+10FFFF
	// pass, a stray 0xff or a cut sequence does not.
	UTF8Lead
	// UTF8ValuesASCII takes member names as UTF8Full does but rejects any
	// byte above 0x7f in a string value, even in valid UTF-8 (json-c's
	// check as libvirt 11.3 on Debian 13 runs it); an escape (\u20ac)
	// passes.
	UTF8ValuesASCII
)

func (s *JSONSyntax) equal(o *JSONSyntax) bool {
	if s == nil || o == nil {
		return s == o
	}
	return s.Name == o.Name && s.DuplicateKeys == o.DuplicateKeys && s.MaxDepth == o.MaxDepth &&
		slices.Equal(s.NonFinite, o.NonFinite) && s.EmptyFraction == o.EmptyFraction && s.IntRange == o.IntRange &&
		s.Space == o.Space && s.UTF8 == o.UTF8
}

// The JSON parsers of the releases modelled, as the oracle found them
// (conformance cases json-*).
var (
	// JSONYajl is yajl 2 (libvirt 9.0 and 10.0): a repeated member name is
	// an error ("duplicate key"), nesting has no limit, strings are checked
	// for lead and continuation bytes only, form feed and vertical tab are
	// white space.
	JSONYajl = &JSONSyntax{Name: "yajl 2", UTF8: UTF8Lead, Space: "\f\v"}
	// JSONC113 is json-c as libvirt 11.3 (Debian 13) reads descriptors: the
	// last of repeated member names wins, 32 levels, NaN, Infinity and
	// -Infinity are numbers, "1." is, an integer must fit 64 bits (signed
	// when negative), a string value must be ASCII (UTF8ValuesASCII).
	JSONC113 = &JSONSyntax{Name: "json-c (libvirt 11.3)", DuplicateKeys: true, MaxDepth: 32,
		NonFinite: jsonCNonFinite, EmptyFraction: true, IntRange: true, UTF8: UTF8ValuesASCII}
	// JSONC128 is json-c as libvirt 12.8 (Debian unstable) reads them: as
	// 11.3, but 300 levels and strings checked as yajl does.
	JSONC128 = &JSONSyntax{Name: "json-c (libvirt 12.8)", DuplicateKeys: true, MaxDepth: 300,
		NonFinite: jsonCNonFinite, EmptyFraction: true, IntRange: true, UTF8: UTF8Lead}

	jsonCNonFinite = []string{"NaN", "Infinity", "-Infinity"}
)
