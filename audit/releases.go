package audit

import (
	"context"
	"fmt"
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
	type merged struct {
		f        report.Finding
		releases []string // of the strictest severity
	}
	var (
		order  []string
		byKey  = map[string]*merged{}
		last   *report.Report
		names  []string
		single = len(profiles) == 1
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
		r, err := Lint(ctx, set, o)
		if err != nil {
			return nil, err
		}
		last = r
		names = append(names, p.Name)
		seen := map[string]int{}
		for _, f := range r.Findings {
			key := fmt.Sprintf("%s\x00%d", f.Fingerprint, seen[f.Fingerprint])
			seen[f.Fingerprint]++
			m, ok := byKey[key]
			switch {
			case !ok:
				byKey[key] = &merged{f: f, releases: []string{p.Version}}
				order = append(order, key)
			case f.Severity.Rank() > m.f.Severity.Rank():
				m.f, m.releases = f, []string{p.Version}
			case f.Severity == m.f.Severity:
				m.releases = append(m.releases, p.Version)
			}
		}
	}
	if single {
		return last, nil
	}
	r := *last
	r.Profile = strings.Join(names, ",")
	r.Findings = nil
	for _, key := range order {
		m := byKey[key]
		f := m.f
		if len(m.releases) < len(profiles) {
			f.Message += fmt.Sprintf(" [%s for libvirt %s]", f.Severity, strings.Join(shortVersions(m.releases), ", "))
		}
		r.Findings = append(r.Findings, f)
	}
	r.Finalize()
	return &r, nil
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
