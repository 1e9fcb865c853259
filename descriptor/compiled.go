package descriptor

import (
	"math/bits"
	"slices"
)

// This file holds the bitset form of feature lists, which lets the matcher
// test a descriptor's features against a request's without allocating.
// Nothing here is cached: every answer is computed from the value asked, so
// that a copied or an equal value gives the same one.

// FeatureSet is a set of the features QEMU's schema defines, one bit per
// entry of QEMUFeatures (bit i is QEMUFeatures[i]). Features QEMU does not define have no bit: they are
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

// Listed returns the members of s that fs lists: FeatureSetOf(fs) & s,
// found by looking for s's few names in fs rather than by classifying every
// name fs holds.
func (s FeatureSet) Listed(fs []Feature) FeatureSet {
	var out FeatureSet
	for rest := s; rest != 0; rest &= rest - 1 {
		bit := rest & -rest
		if slices.Contains(fs, QEMUFeatures[bits.TrailingZeros16(uint16(bit))]) {
			out |= bit
		}
	}
	return out
}

// FeatureSet returns the set of the QEMU features the descriptor lists,
// computed from Features on each call: a copy, a Descriptor built by hand
// and one changed after Parse are all answered from what they hold.
// Load works the set out once for each entry it makes: see
// Entry.FeatureSet. A nil Descriptor lists none.
func (d *Descriptor) FeatureSet() FeatureSet {
	if d == nil {
		return 0
	}
	return FeatureSetOf(d.Features)
}

// KnownFeatures returns the set of the QEMU features the release knows
// (KnowsFeature as a set), computed from Features on each call.
func (r *Rules) KnownFeatures() FeatureSet { return FeatureSetOf(r.Features) }

// KnowsArch reports whether arch is a libvirt architecture name the
// release knows.
func (r *Rules) KnowsArch(arch string) bool { return slices.Contains(r.Architectures, arch) }

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
