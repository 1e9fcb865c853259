package audit

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"math/bits"
	"slices"
	"strings"

	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/matcher"
	"github.com/fwaudit/fwaudit/report"
)

// LintReleases lints one set of descriptor files for every profile given
// (matcher.Profiles when none) and reports, for each finding, the strictest
// verdict any of them gives, naming the releases it applies to when that is
// not all of them: a packager's files must work on every release their
// users may run. load loads the files with a release's parser (each
// release parses descriptors its own way). opts.Profile is ignored.
func LintReleases(ctx context.Context, load func(*descriptor.Rules) (*descriptor.Set, error), opts Options, profiles ...*matcher.Profile) (*report.Report, error) {
	return lintReleases(ctx, func(rules *descriptor.Rules, _ func(*descriptor.Entry)) (*descriptor.Set, error) {
		return load(rules)
	}, false, opts, profiles)
}

// LintPaths is LintReleases over the files and directories paths names
// inside root, as LoadPaths loads them: each release's set is linted as
// it is loaded, and with opts.ReleaseData each file's bytes go once every
// release that shares the load has linted it, so that a large package's
// bytes are never all held at once (fwaudit lint). The error is
// LoadPaths', or LintReleases'.
func LintPaths(ctx context.Context, root string, paths []string, opts Options, profiles ...*matcher.Profile) (*report.Report, error) {
	if len(paths) == 0 {
		return LintReleases(ctx, func(rules *descriptor.Rules) (*descriptor.Set, error) {
			return LoadPaths(root, paths, rules)
		}, opts, profiles...)
	}
	base, err := pathOptions(root, paths)
	if err != nil {
		return nil, err
	}
	scanned := opts.Scanned
	return lintReleases(ctx, func(rules *descriptor.Rules, visit func(*descriptor.Entry)) (*descriptor.Set, error) {
		o := base
		o.Rules, o.Visit, o.Scanned = rules, visit, scanned
		scanned = nil // every load reads the same files
		return descriptor.Load(o)
	}, true, opts, profiles)
}

// lintReleases is LintReleases; with visiting, load calls visit with each
// entry as it reads it (descriptor.Options.Visit), and the releases that
// share the load lint each entry then.
func lintReleases(ctx context.Context, load func(*descriptor.Rules, func(*descriptor.Entry)) (*descriptor.Set, error), visiting bool, opts Options, profiles []*matcher.Profile) (*report.Report, error) {
	if len(profiles) == 0 {
		profiles = matcher.Profiles
	}
	if len(profiles) > maxMerged {
		return nil, fmt.Errorf("lint: %d profiles, at most %d can be merged", len(profiles), maxMerged)
	}
	single := len(profiles) == 1
	// Several releases' findings are merged as each lint records them
	// (auditor.flush), so that a release's findings are never all held
	// beside the merge.
	var m *merger
	if !single {
		m = &merger{}
	}
	var (
		last  *report.Report
		names []string
		qemus []string
	)
	// Neighbouring profiles whose rule sets are equal (not only the same
	// pointer) read one load of the set.
	for start := 0; start < len(profiles); {
		end := start + 1
		for end < len(profiles) && profiles[end].Rules.Equal(profiles[start].Rules) {
			end++
		}
		group := make([]*auditor, 0, end-start)
		reqs := make([][]requirement, 0, end-start)
		for pi := start; pi < end; pi++ {
			o := opts
			o.Profile = profiles[pi]
			// Only the last lint of a set may drop its bytes: the others
			// position their findings in them too. Linting as it loads,
			// the load drops them once every lint has read the entry.
			o.ReleaseData = opts.ReleaseData && pi == end-1 && !visiting
			a, req, err := newAuditor(ctx, o, false)
			if err != nil {
				return nil, err
			}
			a.merge, a.profileIndex = m, pi
			group = append(group, a)
			reqs = append(reqs, req)
		}
		var visit func(*descriptor.Entry)
		if visiting {
			visit = func(e *descriptor.Entry) {
				for _, a := range group {
					a.entry(e)
					a.flush(e.Path)
				}
				if opts.ReleaseData && e.Status == descriptor.StatusActive {
					e.DropData()
				}
			}
		}
		set, err := load(profiles[start].Rules, visit)
		if err != nil {
			return nil, err
		}
		for gi, a := range group {
			if err := a.checkRules(set.Rules); err != nil {
				return nil, err
			}
			a.set, a.visited = set, visiting
			r, err := a.run(reqs[gi], false)
			if err != nil {
				return nil, err
			}
			// Only the last release's report is kept (its descriptors,
			// rules and coverage are the merged report's): an earlier
			// one would hold its set's names and paths through the
			// next load.
			if start+gi == len(profiles)-1 {
				last = r
			}
			names = append(names, a.p.Name)
			qemus = append(qemus, r.QEMU)
		}
		start = end
	}
	if single {
		return last, nil
	}
	r := *last
	r.Profile = strings.Join(names, ",")
	// Each release canonicalised machine names with its own QEMU unless
	// opts.QEMU set one for all: name each, as Profile names the releases.
	if slices.ContainsFunc(qemus, func(q string) bool { return q != qemus[0] }) {
		r.QEMU = strings.Join(qemus, ",")
	}
	// The releases a finding applies to, when not all of them, end its
	// message; the list keeps one copy of each message so suffixed.
	suffixes := map[uint16]map[report.Severity]string{}
	merged := &m.findings
	for i := range merged.Len() {
		if bits.OnesCount16(m.releases[i]) == len(profiles) {
			continue
		}
		sev, _ := merged.Severity(i)
		suffix, ok := suffixes[m.releases[i]][sev]
		if !ok {
			var vs []string
			for pi, p := range profiles {
				if m.releases[i]&(1<<pi) != 0 {
					vs = append(vs, p.Version)
				}
			}
			suffix = fmt.Sprintf(" [%s for libvirt %s]", sev, strings.Join(shortVersions(vs), ", "))
			if suffixes[m.releases[i]] == nil {
				suffixes[m.releases[i]] = map[report.Severity]string{}
			}
			suffixes[m.releases[i]][sev] = suffix
		}
		merged.AppendMessage(i, suffix)
	}
	r.Findings = m.findings
	r.Finalize()
	return &r, nil
}

// merger merges the findings of several releases' lints: each merged
// finding with the strictest severity any release gives it (the first
// release's finding among equals) and the releases (one bit per profile
// index) that give that severity. A release's finding is the merged
// finding of the same fingerprint and the same rank among the findings of
// that fingerprint in the release's report. The lints hand their findings
// over in report order one flush at a time (auditor.flush), and a
// fingerprint's findings are all in the flush of the same key (an entry's
// path) in every release: the merge looks a finding up only among the
// merged findings that flushes of its key added, so that it holds no
// index of them all.
type merger struct {
	findings report.Findings
	releases []uint16
	// flushes are, by slot (slot), the merged findings the flushes of
	// one key added: one span, and more when a later release's flush
	// added findings after other flushes had; keys the hash of each
	// slot's key.
	flushes []span
	keys    []uint64
	more    map[int][]span
	// byKey finds a key's first slot when a release's flushes do not come in
	// the order of the first's (the files changed between two loads);
	// made then.
	byKey map[uint64]int
}

// slot returns the slot of a flush of key by release pi: for the first
// release, a new one each time; for the others, the one *cursor (the
// release's own) points at when its key is key, as it is when every
// release lists the same files in the same order, else the first slot of
// key, else a new one. *cursor moves past it.
func (m *merger) slot(pi int, cursor *int, key string) int {
	h := fnv.New64a()
	h.Write([]byte(key))
	k := h.Sum64()
	s := *cursor
	switch {
	case pi == 0:
		s = m.newSlot(k)
	case s < len(m.keys) && m.keys[s] == k:
	default:
		if m.byKey == nil {
			m.byKey = make(map[uint64]int, len(m.keys))
			for i := len(m.keys) - 1; i >= 0; i-- {
				m.byKey[m.keys[i]] = i
			}
		}
		var ok bool
		if s, ok = m.byKey[k]; !ok {
			s = m.newSlot(k)
		}
	}
	*cursor = s + 1
	return s
}

// newSlot adds a slot for the key hash k.
func (m *merger) newSlot(k uint64) int {
	s := len(m.keys)
	m.keys = append(m.keys, k)
	m.flushes = append(m.flushes, span{})
	if m.byKey != nil {
		if _, ok := m.byKey[k]; !ok {
			m.byKey[k] = s
		}
	}
	return s
}

// maxMerged is how many releases a merge can tell apart (one bit each in
// merger.releases).
const maxMerged = 16

// span is the merged findings [start, end).
type span struct{ start, end int32 }

// add merges the findings fs of a flush of release pi into slot b.
func (m *merger) add(pi, b int, fs *report.Findings) {
	// The flush's merged findings, by fingerprint and then in merged
	// order: a release's n-th finding of a fingerprint is the n-th.
	var cands []candidate
	for _, sp := range append([]span{m.flushes[b]}, m.more[b]...) {
		for j := sp.start; j < sp.end; j++ {
			cands = append(cands, candidate{keyOf(m.findings.Fingerprint(int(j))), j, false})
		}
	}
	slices.SortFunc(cands, func(x, y candidate) int {
		return cmp.Or(bytes.Compare(x.key[:], y.key[:]), cmp.Compare(x.j, y.j))
	})
	added := span{int32(m.findings.Len()), int32(m.findings.Len())}
	for i := range fs.Len() {
		k := keyOf(fs.Fingerprint(i))
		c, ok := slices.BinarySearchFunc(cands, k, func(x candidate, k fingerprintKey) int {
			return bytes.Compare(x.key[:], k[:])
		})
		for ok && c < len(cands) && cands[c].key == k && cands[c].used {
			c++
		}
		if !ok || c == len(cands) || cands[c].key != k {
			m.findings.AddFrom(fs, i)
			m.releases = append(m.releases, 1<<pi)
			added.end++
			continue
		}
		cands[c].used = true
		j := int(cands[c].j)
		sev, _ := fs.Severity(i)
		msev, _ := m.findings.Severity(j)
		switch {
		case sev.Rank() > msev.Rank():
			m.findings.SetFrom(j, fs, i)
			m.releases[j] = 1 << pi
		case sev == msev:
			m.releases[j] |= 1 << pi
			m.findings.ShareFrom(j, fs, i)
		default:
			m.findings.ShareFrom(j, fs, i)
		}
	}
	switch {
	case added.start == added.end:
	case m.flushes[b] == span{}:
		m.flushes[b] = added
	default:
		if m.more == nil {
			m.more = map[int][]span{}
		}
		m.more[b] = append(m.more[b], added)
	}
}

// candidate is a merged finding j that a flush's findings may match, with
// its fingerprint, and whether one has.
type candidate struct {
	key  fingerprintKey
	j    int32
	used bool
}

// fingerprintKey is a fingerprint as a fixed-size key: the 16 bytes a
// DefaultFingerprint's 32 hexadecimal digits spell, else the first 16
// bytes of the fingerprint's SHA-256 (a fingerprint a caller set).
type fingerprintKey [16]byte

func keyOf(fp string) fingerprintKey {
	var k fingerprintKey
	if len(fp) == 2*len(k) {
		if _, err := hex.Decode(k[:], []byte(fp)); err == nil {
			return k
		}
	}
	sum := sha256.Sum256([]byte(fp))
	copy(k[:], sum[:])
	return k
}

// shortVersions turns "9.0.0" into "9.0".
func shortVersions(vs []string) []string {
	out := slices.Clone(vs)
	for i, v := range out {
		if parts := strings.SplitN(v, ".", 3); len(parts) == 3 {
			out[i] = parts[0] + "." + parts[1]
		}
	}
	return out
}
