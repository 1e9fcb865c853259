package audit

import (
	"strings"

	"github.com/fwaudit/fwaudit/descriptor"
)

// This file finds, for each active descriptor, the first earlier one that
// beats it (the shadowed rule) without comparing every pair: a set of
// 100,000 descriptors would be 5·10⁹ comparisons. beats stays the one
// definition of the relation; the index only narrows the candidates to
// descriptors that could satisfy it, and the answer is the same as trying
// every earlier descriptor in order (TestShadowIndexMatchesPairs).
//
// x can beat y only when they agree on the mapping (device, mode and
// formats) and on secure-boot, enrolled-keys and requires-smm, when x has
// every interface (UEFI, BIOS) and every other matching feature y has, when
// x is not a TDX build, and when x covers y's first machine pattern: x has a
// target of that architecture whose pattern is the same, "*", or a
// "prefix*" the pattern starts with. The first four are a bucket key and a
// small bit set; the last is a lookup of each pattern that can cover y's
// (at most its length plus two). Within a bucket the descriptors are kept
// in order, so the search for y stops at the first one beats accepts.

// shadowBucket is what x and y must share for x to beat y.
type shadowBucket struct {
	device     descriptor.Device
	mode       descriptor.FlashMode
	exec, vars string // the executable's and NVRAM template's formats
	exact      uint8  // secure-boot, enrolled-keys, requires-smm
}

// shadowKey is a bucket and one machine pattern of x for architecture
// arch; arch "" and machine "" hold every descriptor of the bucket.
type shadowKey struct {
	shadowBucket
	arch, machine string
}

// shadowGroup is the descriptors of a key with one set of interfaces and
// features (shadowBits), by position, ascending.
type shadowGroup struct {
	bits uint8
	pos  []int32
}

type shadowIndex struct {
	a      *auditor
	act    []*descriptor.Entry
	groups map[shadowKey][]shadowGroup
}

// subsetFeatures are the matching features y may have only if x has them
// too (TDX is ruled out separately: a TDX build never beats another).
var subsetFeatures = []descriptor.Feature{
	descriptor.FeatureACPIS3, descriptor.FeatureACPIS4, descriptor.FeatureAMDSEV,
	descriptor.FeatureAMDSEVES, descriptor.FeatureAMDSEVSNP,
}

// shadowClass returns d's bucket and bits, and false when d can neither
// beat nor be beaten (beats returns false for every pair it is in).
func (a *auditor) shadowClass(d *descriptor.Descriptor) (shadowBucket, uint8, bool) {
	m := &d.Mapping
	b := shadowBucket{device: m.Device, mode: m.EffectiveMode()}
	switch m.Device {
	case descriptor.DeviceFlash:
		if m.Executable == nil {
			return b, 0, false
		}
		b.exec = m.Executable.Format
		if b.mode == descriptor.ModeSplit {
			if m.NVRAMTemplate == nil {
				return b, 0, false
			}
			b.vars = m.NVRAMTemplate.Format
		}
	case descriptor.DeviceMemory:
	default:
		return b, 0, false
	}
	if a.has(d, descriptor.FeatureIntelTDX) {
		return b, 0, false
	}
	for i, f := range []descriptor.Feature{descriptor.FeatureSecureBoot, descriptor.FeatureEnrolledKeys, descriptor.FeatureRequiresSMM} {
		if a.has(d, f) {
			b.exact |= 1 << i
		}
	}
	var bits uint8
	for i, it := range []descriptor.Interface{descriptor.InterfaceUEFI, descriptor.InterfaceBIOS} {
		if d.HasInterface(it) {
			bits |= 1 << i
		}
	}
	for i, f := range subsetFeatures {
		if a.has(d, f) {
			bits |= 1 << (i + 2)
		}
	}
	return b, bits, true
}

// push returns the first descriptor pushed before e that beats it, or
// nil, and then adds e to the index. The lint pushes each active entry in
// libvirt's order as it reaches it (auditor.entry), so that an entry's
// shadowed finding is found with its other findings.
func (x *shadowIndex) push(e *descriptor.Entry) *descriptor.Entry {
	i := len(x.act)
	x.act = append(x.act, e)
	beater := x.beater(i)
	b, bits, ok := x.a.shadowClass(e.Descriptor)
	if !ok {
		return beater
	}
	x.add(shadowKey{shadowBucket: b}, bits, i)
	for _, t := range e.Descriptor.Targets {
		arch, ok := x.a.p.Rules.Arch(t.Architecture)
		if !ok {
			continue
		}
		for _, q := range t.Machines {
			x.add(shadowKey{b, arch, q}, bits, i)
		}
	}
	return beater
}

func (x *shadowIndex) add(k shadowKey, bits uint8, i int) {
	gs := x.groups[k]
	for j := range gs {
		if g := &gs[j]; g.bits == bits {
			if g.pos[len(g.pos)-1] != int32(i) {
				g.pos = append(g.pos, int32(i))
			}
			return
		}
	}
	x.groups[k] = append(gs, shadowGroup{bits: bits, pos: []int32{int32(i)}})
}

// beater returns the first descriptor before position j that beats the
// one at j, or nil (the index need hold only those before j).
func (x *shadowIndex) beater(j int) *descriptor.Entry {
	y := x.act[j].Descriptor
	b, bits, ok := x.a.shadowClass(y)
	if !ok || len(y.Targets) == 0 {
		return nil
	}
	best := j
	try := func(k shadowKey) {
		for _, g := range x.groups[k] {
			if g.bits&bits != bits {
				continue
			}
			for _, i32 := range g.pos {
				i := int(i32)
				if i >= best {
					break
				}
				if x.a.beats(x.act[i].Descriptor, y) {
					best = i
					break
				}
			}
		}
	}
	arch, pat, found := x.firstPattern(y)
	if !found {
		// No machine pattern of a known architecture: beats asks
		// nothing of x's targets.
		try(shadowKey{shadowBucket: b})
	} else {
		try(shadowKey{b, arch, pat})
		for k := 0; k <= len(pat); k++ {
			if k > 0 && strings.ContainsAny(pat[k-1:k], "*?") {
				break
			}
			if q := pat[:k] + "*"; q != pat {
				try(shadowKey{b, arch, q})
			}
		}
	}
	if best == j {
		return nil
	}
	return x.act[best]
}

// firstPattern returns y's first machine pattern of an architecture the
// profile knows.
func (x *shadowIndex) firstPattern(y *descriptor.Descriptor) (arch, pat string, ok bool) {
	for _, t := range y.Targets {
		arch, ok := x.a.p.Rules.Arch(t.Architecture)
		if ok && len(t.Machines) > 0 {
			return arch, t.Machines[0], true
		}
	}
	return "", "", false
}
