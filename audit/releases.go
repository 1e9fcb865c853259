package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
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
	if len(profiles) == 0 {
		profiles = matcher.Profiles
	}
	if len(profiles) > 64 {
		return nil, fmt.Errorf("lint: %d profiles, at most 64 can be merged", len(profiles))
	}
	// The merged findings in the order first seen, and for each the
	// profiles (one bit per index) giving its strictest severity; a
	// finding is found again by its fingerprint and how many findings of
	// that fingerprint came before it in the same report (ix).
	var (
		merged   report.Findings
		releases []uint64
		ix       mergeIndex
		last     *report.Report
		names    []string
		qemus    []string
		single   = len(profiles) == 1
	)
	// Profiles whose rule sets are equal (not only the same pointer) read
	// one load of the set, which is dropped after the last of them: a
	// large set is not held three times over.
	sets := make([]*descriptor.Set, len(profiles))
	for pi, p := range profiles {
		set := sets[pi]
		if set == nil {
			var err error
			if set, err = load(p.Rules); err != nil {
				return nil, err
			}
			for j := pi; j < len(profiles); j++ {
				if profiles[j].Rules.Equal(p.Rules) {
					sets[j] = set
				}
			}
		}
		sets[pi] = nil
		o := opts
		o.Profile = p
		// Only the last lint of a set may drop its bytes: the others
		// position their findings in them too.
		o.ReleaseData = opts.ReleaseData && !slices.Contains(sets[pi+1:], set)
		r, err := Lint(ctx, set, o)
		if err != nil {
			return nil, err
		}
		last = r
		names = append(names, p.Name)
		qemus = append(qemus, r.QEMU)
		if single {
			break
		}
		fs := &r.Findings
		if pi == 0 {
			// The first release's findings are the merge so far: it
			// takes them as they are, without a copy.
			merged = r.Findings
			releases = make([]uint64, merged.Len())
			ix.first = make(map[fingerprintKey]int32, merged.Len())
			seen := map[fingerprintKey]int32{}
			for i := range merged.Len() {
				k := keyOf(merged.Fingerprint(i))
				ix.put(k, seen[k], i)
				seen[k]++
				releases[i] = 1 << pi
			}
			r.Findings = report.Findings{}
			continue
		}
		seen := map[fingerprintKey]int32{}
		for i := range fs.Len() {
			k := keyOf(fs.Fingerprint(i))
			n := seen[k]
			seen[k]++
			j, ok := ix.get(k, n)
			sev, _ := fs.Severity(i)
			var msev report.Severity
			if ok {
				msev, _ = merged.Severity(j)
			}
			switch {
			case !ok:
				ix.put(k, n, merged.Len())
				merged.Add(fs.At(i))
				releases = append(releases, 1<<pi)
			case sev.Rank() > msev.Rank():
				merged.Set(j, fs.At(i))
				releases[j] = 1 << pi
			case sev == msev:
				releases[j] |= 1 << pi
			}
		}
		// The merge holds what it needs of them; only the report's head
		// is kept, so that the next release's lint does not run beside
		// this one's findings.
		r.Findings = report.Findings{}
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
	suffixes := map[uint64]map[report.Severity]string{}
	for i := range merged.Len() {
		if bits.OnesCount64(releases[i]) == len(profiles) {
			continue
		}
		sev, _ := merged.Severity(i)
		suffix, ok := suffixes[releases[i]][sev]
		if !ok {
			var vs []string
			for pi, p := range profiles {
				if releases[i]&(1<<pi) != 0 {
					vs = append(vs, p.Version)
				}
			}
			suffix = fmt.Sprintf(" [%s for libvirt %s]", sev, strings.Join(shortVersions(vs), ", "))
			if suffixes[releases[i]] == nil {
				suffixes[releases[i]] = map[report.Severity]string{}
			}
			suffixes[releases[i]][sev] = suffix
		}
		merged.AppendMessage(i, suffix)
	}
	r.Findings = merged
	r.Finalize()
	return &r, nil
}

// fingerprintKey is a fingerprint as a map key: the 16 bytes a
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

// mergeIndex finds a merged finding by its fingerprint and how many
// findings of that fingerprint came before it in its report. Nearly every
// fingerprint occurs once in a report: those are in first, keyed by the
// fingerprint alone, the rest in more.
type mergeIndex struct {
	first map[fingerprintKey]int32
	more  map[mergeKey]int32
}

type mergeKey struct {
	fingerprint fingerprintKey
	n           int32
}

func (ix *mergeIndex) get(fp fingerprintKey, n int32) (int, bool) {
	var i int32
	var ok bool
	if n == 0 {
		i, ok = ix.first[fp]
	} else {
		i, ok = ix.more[mergeKey{fp, n}]
	}
	return int(i), ok
}

func (ix *mergeIndex) put(fp fingerprintKey, n int32, i int) {
	if n == 0 {
		ix.first[fp] = int32(i)
		return
	}
	if ix.more == nil {
		ix.more = map[mergeKey]int32{}
	}
	ix.more[mergeKey{fp, n}] = int32(i)
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
