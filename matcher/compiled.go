package matcher

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/fwaudit/fwaudit/descriptor"
)

// This file holds what lets Match run without allocating: facts computed
// once per call instead of once per descriptor, rejection reasons kept
// unformatted until a trace needs them, and the few texts a successful or
// missed lookup returns, built once.

// matchEnv is what Match works out once for all descriptors. Everything in
// it is computed from the request and the profile's values on each call:
// nothing is remembered across calls.
type matchEnv struct {
	rules *descriptor.Rules
	// arch is the request's architecture; archKnown caches
	// rules.KnowsArch(arch): 0 not asked yet, 1 known, 2 unknown.
	arch      string
	archKnown int8

	// tests are the feature tests of the request, which matchOne makes;
	// tested are the features they read that the release knows (a
	// feature it does not know is as good as absent): featuresOf reads
	// only these of a descriptor.
	tests  featureTests
	tested descriptor.FeatureSet
	// For NoTrace, where the reason a descriptor is skipped is not
	// reported: need and forbid are the features a descriptor must list
	// and must not list, folded from tests. A descriptor failing them is
	// one matchOne rejects.
	need, forbid descriptor.FeatureSet
	// stateless: the loader asks for stateless flash (wantsStateless).
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

// newMatchEnv works out what Match needs once for request r: the feature
// tests and the features they read. files is the host the paths are
// resolved in, nil to compare them as written.
func newMatchEnv(r *Request, p *Profile, files fs.FS) matchEnv {
	env := matchEnv{rules: p.Rules, arch: r.Arch, files: files}
	env.tests = featureTestsOf(r, p)
	for _, t := range env.tests.all() {
		if t.refuse {
			env.forbid |= t.bit
		} else {
			env.need |= t.bit
		}
	}
	env.tested = (env.need | env.forbid).Listed(p.Rules.Features)
	env.stateless = wantsStateless(r)
	return env
}

// featuresOf returns the features of e's descriptor that the request's
// tests read, as the release reads them: e.FeatureSet() (which Load worked
// out) & rules.KnownFeatures(), restricted to the tested features, which
// are all firstFailed looks at.
func (env *matchEnv) featuresOf(e *descriptor.Entry) descriptor.FeatureSet {
	if env.tested == 0 {
		return 0
	}
	return e.FeatureSet() & env.tested
}

// featureTest is one of libvirt's tests of a descriptor's features
// (qemuFirmwareMatchDomain): the descriptor must list the feature whose bit
// it is, or must not list it when refuse; a descriptor that fails the test
// is skipped for reason, whose %s is the descriptor's path.
type featureTest struct {
	bit    descriptor.FeatureSet
	refuse bool
	reason string
}

// featureTests are the feature tests a request makes of every descriptor,
// in libvirt's order, worked out once per Match. They are the one source of
// both matchOne's reasons and the NoTrace prefilter (matchEnv.need and
// forbid): the first early tests follow the machine check, the others
// (launch security) come last, after the device's own checks.
type featureTests struct {
	tests    [8]featureTest
	n, early uint8
}

func (ft *featureTests) add(f descriptor.Feature, refuse bool, reason string) {
	ft.tests[ft.n] = featureTest{descriptor.FeatureBit(f), refuse, reason}
	ft.n++
}

// all returns every test, earlyTests and lateTests those before and after
// the device's checks.
func (ft *featureTests) all() []featureTest        { return ft.tests[:ft.n] }
func (ft *featureTests) earlyTests() []featureTest { return ft.tests[:ft.early] }
func (ft *featureTests) lateTests() []featureTest  { return ft.tests[ft.early:ft.n] }

// firstFailed returns the first of tests that a descriptor with features feats
// (as the release reads them) fails, and whether one does.
func firstFailed(tests []featureTest, feats descriptor.FeatureSet) (featureTest, bool) {
	for _, t := range tests {
		if (feats&t.bit != 0) == t.refuse {
			return t, true
		}
	}
	return featureTest{}, false
}

// featureTestsOf returns the feature tests r makes under p.
func featureTestsOf(r *Request, p *Profile) featureTests {
	var ft featureTests
	if r.S3 == Yes {
		ft.add(descriptor.FeatureACPIS3, false, "Domain requires S3, firmware '%s' doesn't support it")
	}
	if r.S4 == Yes {
		ft.add(descriptor.FeatureACPIS4, false, "Domain requires S4, firmware '%s' doesn't support it")
	}
	if r.FirmwareFeatures {
		switch r.SecureBoot {
		case Yes:
			ft.add(descriptor.FeatureSecureBoot, false, "User requested Secure Boot, firmware '%s' doesn't support it")
		case No:
			ft.add(descriptor.FeatureSecureBoot, true, "User refused Secure Boot, firmware '%s' supports it")
		}
		switch r.EnrolledKeys {
		case Yes:
			ft.add(descriptor.FeatureEnrolledKeys, false, "User requested Enrolled keys, firmware '%s' doesn't have them")
		case No:
			ft.add(descriptor.FeatureEnrolledKeys, true, "User refused Enrolled keys, firmware '%s' has them")
		}
	}
	// SMM: a descriptor that requires it fails the first two, one that
	// does not the third (the second and third exclude each other).
	l := r.Loader
	if p.Filters.SMMOff && r.SMM == No {
		ft.add(descriptor.FeatureRequiresSMM, true, "Domain explicitly disables SMM, but firmware '%s' requires it to be enabled")
	}
	if p.Filters.SecureNo && l != nil && l.Secure == No {
		ft.add(descriptor.FeatureRequiresSMM, true, "Domain doesn't restrict pflash programming to SMM, but firmware '%s' requires use of SMM")
	}
	if l != nil && l.Secure == Yes {
		ft.add(descriptor.FeatureRequiresSMM, false, "Domain restricts pflash programming to SMM, but firmware '%s' doesn't support SMM")
	}
	ft.early = ft.n
	switch r.LaunchSecurity {
	case "sev":
		ft.add(descriptor.FeatureAMDSEV, false, "Domain requires SEV, firmware '%s' doesn't support it")
		if r.SEVPolicy&0x4 != 0 {
			ft.add(descriptor.FeatureAMDSEVES, false, "Domain requires SEV-ES, firmware '%s' doesn't support it")
		}
	case "sev-snp":
		ft.add(descriptor.FeatureAMDSEVSNP, false, "Domain requires SEV-SNP firmware '%s' doesn't support it")
	case "tdx":
		ft.add(descriptor.FeatureIntelTDX, false, "Domain requires TDX, firmware '%s' doesn't support it")
	}
	return ft
}

// wantsStateless reports whether r's loader asks for stateless flash,
// which matchFlash requires of every flash descriptor.
func wantsStateless(r *Request) bool {
	return r.Loader != nil && r.Loader.Stateless == Yes
}

// mayMatch reports whether fw passes the NoTrace prefilter: false means
// matchOne rejects it (the tests below are necessary conditions of
// matchOne's, computed from the same featureTests).
func (env *matchEnv) mayMatch(e *descriptor.Entry) bool {
	fw := e.Descriptor
	// A target matches only if its libvirt name is the request's.
	if !hasArch(fw, env.arch) {
		return false
	}
	f := env.featuresOf(e)
	if f&env.need != env.need || f&env.forbid != 0 {
		return false
	}
	m := &fw.Mapping
	return !env.stateless || m.Device != descriptor.DeviceFlash || m.EffectiveMode() == descriptor.ModeStateless
}

// hasArch reports whether one of fw's targets maps to libvirt architecture
// arch (whether or not the release knows it: matchesMachine asks that).
func hasArch(fw *descriptor.Descriptor, arch string) bool {
	for _, t := range fw.Targets {
		if a, _ := descriptor.LibvirtArch(t.Architecture); a == arch {
			return true
		}
	}
	return false
}

// knowsArch is env.rules.KnowsArch(env.arch), asked at most once per
// Match.
func (env *matchEnv) knowsArch() bool { return knownArch(&env.archKnown, env.rules, env.arch) }

// knownArch is rules.KnowsArch(arch), answered from *known when it was
// asked before (0 not yet, 1 known, 2 unknown) and recorded there: the
// release's list is searched once per Match, by whichever check asks first.
func knownArch(known *int8, rules *descriptor.Rules, arch string) bool {
	if *known == 0 {
		*known = 2
		if rules.KnowsArch(arch) {
			*known = 1
		}
	}
	return *known == 1
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

// novaDecoded is what json.load makes of one file's bytes: the value, or
// the decoder's error (without the path, which novaReadJSON adds).
type novaDecoded struct {
	v   any
	err string
}

// novaJSON remembers novaDecode's answers, keyed by the bytes decoded: an
// audit asks for every domain over one set, and decoding each file's JSON
// again per domain was most of its time (nova itself reads the files once
// per Host, in Host.loaders). The key is the file's content, so that a
// copied Set, an equal one loaded again and one whose entries were changed
// all get the answer their bytes give. It holds at most novaJSONMax bytes
// of keys; past that it starts afresh, so that arbitrary input cannot grow
// it. The values are shared: callers must not change them.
var novaJSON struct {
	mu    sync.Mutex
	m     map[string]novaDecoded
	bytes int
}

const novaJSONMax = 8 << 20

// novaDecode is json.Unmarshal of data into an any, remembered by content.
func novaDecode(data []byte) novaDecoded {
	novaJSON.mu.Lock()
	r, ok := novaJSON.m[string(data)]
	novaJSON.mu.Unlock()
	if ok {
		return r
	}
	if err := json.Unmarshal(data, &r.v); err != nil {
		r = novaDecoded{err: err.Error()}
	}
	novaJSON.mu.Lock()
	defer novaJSON.mu.Unlock()
	if novaJSON.m == nil || novaJSON.bytes+len(data) > novaJSONMax {
		novaJSON.m, novaJSON.bytes = map[string]novaDecoded{}, 0
	}
	if len(data) <= novaJSONMax {
		novaJSON.m[string(data)] = r
		novaJSON.bytes += len(data)
	}
	return r
}
