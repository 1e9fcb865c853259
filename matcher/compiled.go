package matcher

import (
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/fwaudit/fwaudit/descriptor"
)

// This file holds what lets Match run without allocating: facts computed
// once per call instead of once per descriptor, rejection reasons kept
// unformatted until a trace needs them, and the few texts a successful or
// missed lookup returns, built once.

// matchEnv is what Match works out once for all descriptors.
type matchEnv struct {
	rules *descriptor.Rules
	// known are the features the release's parser keeps.
	known descriptor.FeatureSet
	// archKnown caches rules.KnowsArch for the request's architecture:
	// 0 not asked yet, 1 known, 2 unknown.
	archKnown int8

	// arch is the request's architecture, 0 if no release knows it.
	arch descriptor.ArchSet

	// For NoTrace, where the reason a descriptor is skipped is not
	// reported: need and forbid are the features a descriptor must list
	// and must not list. A descriptor failing them is one matchOne rejects.
	need, forbid descriptor.FeatureSet
	// stateless: the loader asks for stateless flash, which matchFlash
	// requires of every flash descriptor.
	stateless bool

	// files is the host paths are resolved in, nil when the release
	// compares them as written; loader and template cache the domain's
	// resolved loader path and NVRAM template.
	files            fs.FS
	loader, template resolved
}

// resolved is a path as realpath(3) gives it, worked out once.
type resolved struct {
	done bool
	path string
}

// samePath reports whether the domain's path (whose resolution mine
// caches) and a descriptor's name the same file: as libvirt 12.x compares
// them when env resolves paths, each side resolved on the host or taken as
// written when it does not resolve; else as strings.
func (env *matchEnv) samePath(mine *resolved, path, theirs string) bool {
	if path == theirs {
		return true
	}
	if env.files == nil {
		return false
	}
	if !mine.done {
		*mine = resolved{true, realPath(env.files, path)}
	}
	return mine.path == realPath(env.files, theirs)
}

// realPath is p resolved in files as realpath(3) resolves it, or p when it
// does not resolve.
func realPath(files fs.FS, p string) string {
	if r, _, err := descriptor.Stat(files, p); err == nil {
		return r
	}
	return p
}

// prefilter sets env's necessary conditions for r, each one a rejection
// matchOne makes whatever else the descriptor holds.
func (env *matchEnv) prefilter(r *Request) {
	bit := descriptor.FeatureBit
	env.stateless = r.Loader != nil && r.Loader.Stateless == Yes
	if r.S3 == Yes {
		env.need |= bit(descriptor.FeatureACPIS3)
	}
	if r.S4 == Yes {
		env.need |= bit(descriptor.FeatureACPIS4)
	}
	if r.FirmwareFeatures {
		switch r.SecureBoot {
		case Yes:
			env.need |= bit(descriptor.FeatureSecureBoot)
		case No:
			env.forbid |= bit(descriptor.FeatureSecureBoot)
		}
		switch r.EnrolledKeys {
		case Yes:
			env.need |= bit(descriptor.FeatureEnrolledKeys)
		case No:
			env.forbid |= bit(descriptor.FeatureEnrolledKeys)
		}
	}
	switch r.LaunchSecurity {
	case "sev":
		env.need |= bit(descriptor.FeatureAMDSEV)
		if r.SEVPolicy&0x4 != 0 {
			env.need |= bit(descriptor.FeatureAMDSEVES)
		}
	case "sev-snp":
		env.need |= bit(descriptor.FeatureAMDSEVSNP)
	case "tdx":
		env.need |= bit(descriptor.FeatureIntelTDX)
	}
}

// mayMatch reports whether fw passes the prefilter: false means matchOne
// rejects it.
func (env *matchEnv) mayMatch(fw *descriptor.Descriptor) bool {
	// A target matches only if its libvirt name is the request's (with
	// arch 0, no target's name has a bit: do not filter).
	if env.arch != 0 && fw.ArchSet()&env.arch == 0 {
		return false
	}
	f := fw.FeatureSet() & env.known
	if f&env.need != env.need || f&env.forbid != 0 {
		return false
	}
	m := &fw.Mapping
	return !env.stateless || m.Device != descriptor.DeviceFlash || m.EffectiveMode() == descriptor.ModeStateless
}

// knowsArch is env.rules.KnowsArch(arch), for the one arch of a request
// (whose bit is env.arch).
func (env *matchEnv) knowsArch(arch string) bool {
	if env.archKnown == 0 {
		known := env.arch != 0 && env.rules.KnownArchs()&env.arch != 0
		if env.arch == 0 { // a name only custom rules can know
			known = env.rules.KnowsArch(arch)
		}
		env.archKnown = 2
		if known {
			env.archKnown = 1
		}
	}
	return env.archKnown == 1
}

// why is the reason a descriptor is skipped, kept unformatted so that Match
// builds no text that no trace reads: format is libvirt's wording, with up
// to two %s verbs filled by a and b. The zero why means "matches".
type why struct{ format, a, b string }

// because returns the reason worded by format with args as its %s verbs.
func because(format string, args ...string) why {
	w := why{format: format}
	if len(args) > 0 {
		w.a = args[0]
	}
	if len(args) > 1 {
		w.b = args[1]
	}
	return w
}

// ok reports whether there is no reason to skip: the descriptor matches.
func (w why) ok() bool { return w.format == "" }

// String formats the reason as libvirt's debug message words it: what
// fmt.Sprintf(format, a, b) gives for a format whose only verbs are %s, in
// one allocation.
func (w why) String() string {
	f := w.format
	i := strings.Index(f, "%s")
	if i < 0 {
		return f
	}
	j := strings.Index(f[i+2:], "%s")
	if j < 0 {
		return f[:i] + w.a + f[i+2:]
	}
	j += i + 2
	return f[:i] + w.a + f[i+2:j] + w.b + f[j+2:]
}

// memo caches the few strings Match would otherwise build on every call
// (canonical machine names, "no firmware" errors), keyed by what they are
// built from. Readers take no lock: a miss builds the string and publishes
// a new copy of the table. It holds at most memoMax entries; past that,
// strings are built on each call, so that arbitrary input cannot grow it.
type memo[K comparable] struct {
	mu  sync.Mutex
	tab atomic.Pointer[[]memoEntry[K]]
}

type memoEntry[K comparable] struct {
	key K
	val string
}

const memoMax = 256

// get returns build(k), built once per key.
func (m *memo[K]) get(k K, build func(K) string) string {
	if t := m.tab.Load(); t != nil {
		for i := range *t {
			if (*t)[i].key == k {
				return (*t)[i].val
			}
		}
	}
	v := build(k)
	m.mu.Lock()
	defer m.mu.Unlock()
	var old []memoEntry[K]
	if t := m.tab.Load(); t != nil {
		old = *t
	}
	if len(old) < memoMax {
		t := append(old[:len(old):len(old)], memoEntry[K]{k, v})
		m.tab.Store(&t)
	}
	return v
}

type textKey struct{ format, arg string }

// texts are the messages built by textf.
var texts memo[textKey]

// textf is fmt.Sprintf(format, arg) for a message whose arg comes from a
// profile or a descriptor, built once per pair: the "no firmware" errors and
// the failures that follow a choice, which an audit asks for over and over.
func textf(format, arg string) string {
	return texts.get(textKey{format, arg}, func(k textKey) string { return fmt.Sprintf(k.format, k.arg) })
}

// ownLoader returns d.Request.Loader ready to be changed: a copy of req's,
// made on the first change, or a new one if req has none.
func (d *Decision) ownLoader(req *Request) *Loader {
	if l := d.Request.Loader; l == nil || l == req.Loader {
		c := Loader{}
		if l != nil {
			c = *l
		}
		d.Request.Loader = &c
	}
	return d.Request.Loader
}

// ownNVRAM is ownLoader for d.Request.NVRAM.
func (d *Decision) ownNVRAM(req *Request) *NVRAM {
	if n := d.Request.NVRAM; n == nil || n == req.NVRAM {
		c := NVRAM{}
		if n != nil {
			c = *n
		}
		d.Request.NVRAM = &c
	}
	return d.Request.NVRAM
}

// novaLoaded is novaLoad's result for one set.
type novaLoaded struct {
	set     *descriptor.Set
	files   []novaFile
	ignored []Step
	err     string
}

// lastNovaLoad remembers novaLoad's result for the last set it read, which
// it keeps alive.
var lastNovaLoad atomic.Pointer[novaLoaded]

// novaLoadCached is novaLoad, remembered for the last set asked about: an
// audit asks for every domain over one set, which Load made read-only, and
// decoding each file's JSON again per domain was most of its time (nova
// itself reads the files once per Host, in Host.loaders). The slices
// returned are shared: callers must not change them.
func novaLoadCached(set *descriptor.Set) ([]novaFile, []Step, string) {
	if c := lastNovaLoad.Load(); c != nil && c.set == set {
		return c.files, c.ignored, c.err
	}
	files, ignored, err := novaLoad(set)
	c := &novaLoaded{set: set, files: slices.Clip(files), ignored: slices.Clip(ignored), err: err}
	lastNovaLoad.Store(c)
	return c.files, c.ignored, c.err
}
