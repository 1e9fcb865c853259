package audit

import (
	"context"
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
		findings []report.Finding
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
		if findings != nil {
			// This release finds mostly what the earlier ones found:
			// its findings take their fingerprints and messages where
			// they are equal, so that the copies it formats are
			// garbage at once rather than held until the merge.
			o.share = func(f *report.Finding) {
				if i, ok := ix.first[f.Fingerprint]; ok {
					m := &findings[i]
					f.Fingerprint = m.Fingerprint
					if f.Message == m.Message {
						f.Message = m.Message
					}
				}
			}
		}
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
		if findings == nil {
			// The first release's findings are the merge so far: it
			// takes them as they are, without a copy.
			findings = r.Findings
			releases = make([]uint64, len(findings))
			ix.first = make(map[string]int32, len(findings))
			seen := map[string]int{}
			for i, f := range findings {
				ix.put(f.Fingerprint, seen[f.Fingerprint], i)
				seen[f.Fingerprint]++
				releases[i] = 1 << pi
			}
			r.Findings = nil
			continue
		}
		seen := map[string]int{}
		for _, f := range r.Findings {
			n := seen[f.Fingerprint]
			seen[f.Fingerprint]++
			i, ok := ix.get(f.Fingerprint, n)
			switch {
			case !ok:
				ix.put(f.Fingerprint, n, len(findings))
				findings = append(findings, f)
				releases = append(releases, 1<<pi)
			case f.Severity.Rank() > findings[i].Severity.Rank():
				findings[i], releases[i] = f, 1<<pi
			case f.Severity == findings[i].Severity:
				releases[i] |= 1 << pi
			}
		}
		// The merge holds what it needs of them; only the report's head
		// is kept, so that the next release's lint does not run beside
		// this one's findings.
		r.Findings = nil
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
	// A message and the releases it applies to repeat across findings
	// (a feature-ignored or shadowed message for every descriptor alike):
	// one copy of each.
	suffixed := map[[2]string]string{}
	for i := range findings {
		if bits.OnesCount64(releases[i]) < len(profiles) {
			var vs []string
			for pi, p := range profiles {
				if releases[i]&(1<<pi) != 0 {
					vs = append(vs, p.Version)
				}
			}
			f := &findings[i]
			k := [2]string{f.Message, fmt.Sprintf(" [%s for libvirt %s]", f.Severity, strings.Join(shortVersions(vs), ", "))}
			msg, ok := suffixed[k]
			if !ok {
				msg = k[0] + k[1]
				suffixed[k] = msg
			}
			f.Message = msg
		}
	}
	r.Findings = findings
	r.Finalize()
	return &r, nil
}

// mergeIndex finds a merged finding by its fingerprint and how many
// findings of that fingerprint came before it in its report. Nearly every
// fingerprint occurs once in a report: those are in first, keyed by the
// fingerprint alone (24 bytes a slot instead of 40), the rest in more.
type mergeIndex struct {
	first map[string]int32
	more  map[mergeKey]int32
}

type mergeKey struct {
	fingerprint string
	n           int
}

func (ix *mergeIndex) get(fp string, n int) (int, bool) {
	var i int32
	var ok bool
	if n == 0 {
		i, ok = ix.first[fp]
	} else {
		i, ok = ix.more[mergeKey{fp, n}]
	}
	return int(i), ok
}

func (ix *mergeIndex) put(fp string, n, i int) {
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
