package descriptor

import "slices"

// This file holds what Parse and the rule sets precompute so that matching
// a descriptor against a domain needs no string search and no allocation.

// FeatureSet is a set of the features QEMU's schema defines, one bit per
// entry of QEMUFeatures. Features QEMU does not define have no bit: they are
// never in a set.
type FeatureSet uint16

// FeatureBit returns the one-bit set holding f, or 0 if QEMU's schema does
// not define f.
func FeatureBit(f Feature) FeatureSet {
	switch f {
	case FeatureACPIS3:
		return 1 << 0
	case FeatureACPIS4:
		return 1 << 1
	case FeatureAMDSEV:
		return 1 << 2
	case FeatureAMDSEVES:
		return 1 << 3
	case FeatureAMDSEVSNP:
		return 1 << 4
	case FeatureIntelTDX:
		return 1 << 5
	case FeatureEnrolledKeys:
		return 1 << 6
	case FeatureRequiresSMM:
		return 1 << 7
	case FeatureSecureBoot:
		return 1 << 8
	case FeatureVerboseDynamic:
		return 1 << 9
	case FeatureVerboseStatic:
		return 1 << 10
	case FeatureHostUEFIVars:
		return 1 << 11
	}
	return 0
}

// FeatureSetOf returns the set of the QEMU features in fs.
func FeatureSetOf(fs []Feature) FeatureSet {
	var s FeatureSet
	for _, f := range fs {
		s |= FeatureBit(f)
	}
	return s
}

// Has reports whether f is in s.
func (s FeatureSet) Has(f Feature) bool { return s&FeatureBit(f) != 0 }

// ArchSet is a set of libvirt architecture names: the names of archNames,
// one bit each. Other names have no bit.
type ArchSet uint64

// archNames are every libvirt architecture name any modelled release knows,
// and the names LibvirtArch maps to.
var archNames = append(slices.Clone(libvirtArchitectures), "loongarch64", "or32")

var archBits = func() map[string]ArchSet {
	m := map[string]ArchSet{}
	for i, a := range archNames {
		m[a] = 1 << i
	}
	return m
}()

// ArchBit returns the one-bit set holding libvirt architecture name arch,
// or 0 if no modelled release knows arch.
func ArchBit(arch string) ArchSet { return archBits[arch] }

// ArchSet returns the set of the libvirt architecture names the
// descriptor's targets map to (LibvirtArch), whether or not a release knows
// them. Parse computes it once; see FeatureSet for a changed Descriptor.
func (d *Descriptor) ArchSet() ArchSet {
	c := &d.archs
	if c.ok && c.n == len(d.Targets) && (c.n == 0 || c.first == &d.Targets[0]) {
		return c.set
	}
	return archSetOf(d.Targets)
}

func archSetOf(ts []Target) ArchSet {
	var s ArchSet
	for _, t := range ts {
		a, _ := LibvirtArch(t.Architecture)
		s |= ArchBit(a)
	}
	return s
}

// archCache is ArchSet's precomputed answer, like featureCache.
type archCache struct {
	set   ArchSet
	n     int
	first *Target
	ok    bool
}

func newArchCache(ts []Target) archCache {
	c := archCache{set: archSetOf(ts), n: len(ts), ok: true}
	if len(ts) > 0 {
		c.first = &ts[0]
	}
	return c
}

// featureCache is the FeatureSet of a descriptor's Features as Parse saw
// them, with what it needs to notice that Features was replaced since.
type featureCache struct {
	set   FeatureSet
	n     int
	first *Feature
	ok    bool
}

func newFeatureCache(fs []Feature) featureCache {
	c := featureCache{set: FeatureSetOf(fs), n: len(fs), ok: true}
	if len(fs) > 0 {
		c.first = &fs[0]
	}
	return c
}

// FeatureSet returns the set of the QEMU features the descriptor lists.
// Parse computes it once; for a Descriptor built or changed by other code it
// is computed on each call (a change made in place to an element of
// Features after Parse is not noticed: assign a new slice instead).
func (d *Descriptor) FeatureSet() FeatureSet {
	c := &d.feats
	if c.ok && c.n == len(d.Features) && (c.n == 0 || c.first == &d.Features[0]) {
		return c.set
	}
	return FeatureSetOf(d.Features)
}

// The features each built-in rule set knows, computed once.
var (
	knownLibvirt9  = FeatureSetOf(RulesLibvirt9.Features)
	knownLibvirt11 = FeatureSetOf(RulesLibvirt11.Features)
	knownLibvirt12 = FeatureSetOf(RulesLibvirt12.Features)
)

// KnownFeatures returns the set of the QEMU features the release knows
// (KnowsFeature as a set). It is precomputed for the built-in rule sets,
// which must not be changed.
func (r *Rules) KnownFeatures() FeatureSet {
	switch r {
	case RulesLibvirt9:
		return knownLibvirt9
	case RulesLibvirt11:
		return knownLibvirt11
	case RulesLibvirt12:
		return knownLibvirt12
	}
	return FeatureSetOf(r.Features)
}

// KnowsArch reports whether arch is a libvirt architecture name the
// release knows.
func (r *Rules) KnowsArch(arch string) bool {
	if known, ok := r.knownArchs(); ok {
		return known&ArchBit(arch) != 0
	}
	return slices.Contains(r.Architectures, arch)
}

// The architectures each built-in rule set knows, computed once.
var (
	archsLibvirt9  = archSetOfNames(RulesLibvirt9.Architectures)
	archsLibvirt11 = archSetOfNames(RulesLibvirt11.Architectures)
	archsLibvirt12 = archSetOfNames(RulesLibvirt12.Architectures)
)

func archSetOfNames(names []string) ArchSet {
	var s ArchSet
	for _, a := range names {
		s |= ArchBit(a)
	}
	return s
}

// KnownArchs returns the set of the architectures the release knows
// (KnowsArch as a set, for the names ArchBit knows). It is precomputed for
// the built-in rule sets, which must not be changed.
func (r *Rules) KnownArchs() ArchSet {
	if s, ok := r.knownArchs(); ok {
		return s
	}
	return archSetOfNames(r.Architectures)
}

// knownArchs returns the precomputed set of a built-in rule set's
// architectures, or false for other rules.
func (r *Rules) knownArchs() (ArchSet, bool) {
	switch r {
	case RulesLibvirt9:
		return archsLibvirt9, true
	case RulesLibvirt11:
		return archsLibvirt11, true
	case RulesLibvirt12:
		return archsLibvirt12, true
	}
	return 0, false
}

// LibvirtArch maps a descriptor's QEMU target name to libvirt's
// architecture name as Rules.Arch does, without consulting a release's list:
// fixed reports a name every release maps (i386, arm, or32); any other name
// is returned unchanged and is known to a release only if KnowsArch says so.
func LibvirtArch(qemu string) (arch string, fixed bool) {
	switch qemu {
	case "i386":
		return "i686", true
	case "arm":
		return "armv7l", true
	case "or32":
		return "or32", true
	}
	return qemu, false
}

// setIndex is what Load precomputes about the Set it returns, which is
// read-only from then on; the lengths let a Set that other code built or
// extended be noticed and answered the slow way.
type setIndex struct {
	ok            bool
	dirs, entries int
	lookupErr     *Error
}

func newSetIndex(s *Set) setIndex {
	return setIndex{ok: true, dirs: len(s.Dirs), entries: len(s.Entries), lookupErr: s.lookupError()}
}
