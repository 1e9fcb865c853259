package report

import (
	"fmt"
	"strings"
)

// The renderers other than JSON arrange a report in three groups of checks.
// A finding belongs to the coverage group when its Subject is the Key of a
// coverage cell, to the domain group when its Subject is the Name of a
// domain, and to the lint group otherwise.
const (
	groupLint     = "lint"
	groupCoverage = "coverage"
	groupDomains  = "domains"
)

// Verdict words, as virt-host-validate prints them, plus INFO for
// informational findings and SKIP for suppressed findings and for entries
// libvirt does not consider.
const (
	wordPass = "PASS"
	wordInfo = "INFO"
	wordWarn = "WARN"
	wordFail = "FAIL"
	wordSkip = "SKIP"
)

// verdict is the outcome of one check.
type verdict struct {
	word string
	why  string
}

// wordRank orders the words that count: FAIL over WARN over INFO over PASS.
// SKIP ranks lowest: a check with one live finding and one suppressed
// finding shows the live one.
func wordRank(w string) int {
	switch w {
	case wordFail:
		return 4
	case wordWarn:
		return 3
	case wordInfo:
		return 2
	case wordPass:
		return 1
	}
	return 0
}

// severityWord maps a finding to its verdict word.
func severityWord(f Finding) string {
	if f.Suppressed {
		return wordSkip
	}
	switch f.Severity {
	case Error:
		return wordFail
	case Warning:
		return wordWarn
	case Info:
		return wordInfo
	}
	// An unknown severity is shown as a warning rather than hidden.
	return wordWarn
}

// findingsVerdict folds the findings of one check into one verdict: the
// worst word, and the messages of the findings that carry it, in report
// order and joined by "; ". Suppressed findings say so.
func findingsVerdict(fs []Finding) verdict {
	best := ""
	for _, f := range fs {
		if w := severityWord(f); best == "" || wordRank(w) > wordRank(best) {
			best = w
		}
	}
	var msgs []string
	for _, f := range fs {
		if severityWord(f) != best {
			continue
		}
		m := f.Message
		if m == "" {
			m = f.Rule
		}
		if f.Suppressed {
			m = "suppressed: " + m
		}
		msgs = append(msgs, m)
	}
	return verdict{best, strings.Join(msgs, "; ")}
}

// grouped is a finalized report with its findings split into groups. It
// holds the indices of the coverage and domain findings, which are few, and
// walks the lint findings, which grow with the set, in report order
// (eachLint) rather than holding them.
type grouped struct {
	r *Report
	// cells and domains hold the Key of each coverage cell and the
	// domainKey of each domain.
	cells, domains map[string]bool
	// byCell and byDomain hold the indices in r.Findings of the findings
	// of each coverage cell (by Key) and of each domain (by domainKey: two
	// domains may share a name, never a file), in report order.
	byCell, byDomain map[string][]int
}

// domainKey identifies a domain's findings: its name (their Subject) and
// its file (their File).
func domainKey(name, file string) string { return name + "\x00" + file }

func group(r *Report) *grouped {
	g := &grouped{r: r, cells: map[string]bool{}, domains: map[string]bool{},
		byCell: map[string][]int{}, byDomain: map[string][]int{}}
	for _, c := range r.Coverage {
		g.cells[c.Key()] = true
	}
	for _, d := range r.Domains {
		g.domains[domainKey(d.Name, d.File)] = true
	}
	for i, f := range r.Findings.allBrief() {
		switch g.groupOf(f) {
		case groupCoverage:
			g.byCell[f.Subject] = append(g.byCell[f.Subject], i)
		case groupDomains:
			k := domainKey(f.Subject, f.File)
			g.byDomain[k] = append(g.byDomain[k], i)
		}
	}
	return g
}

// groupOf names the group of a finding.
func (g *grouped) groupOf(f Finding) string {
	switch {
	case f.Subject != "" && g.cells[f.Subject]:
		return groupCoverage
	case f.Subject != "" && g.domains[domainKey(f.Subject, f.File)]:
		return groupDomains
	}
	return groupLint
}

// findings returns the findings at the indices idx.
func (g *grouped) findings(idx []int) []Finding {
	fs := make([]Finding, len(idx))
	for k, i := range idx {
		fs[k] = g.r.Findings.brief(i)
	}
	return fs
}

// eachLint walks the lint findings in report order, which is the order of
// the text report: desc is called for each descriptor in libvirt's order
// with the findings about it (fs is reused from call to call: a
// descriptor's findings are few), then orphan for each finding about no
// known descriptor with its index. The report being finalized, a
// descriptor's findings follow those of the descriptors before it, and
// the findings about no known descriptor come last; eachLint fails if
// they do not. It stops at the first error from desc or orphan.
func (g *grouped) eachLint(desc func(i int, fs []Finding) error, orphan func(k int, f Finding) error) error {
	order := g.r.descriptorOrder()
	n := len(g.r.Descriptors)
	next := 0        // the next descriptor to pass to desc
	var fs []Finding // its findings so far
	advance := func(to int) error {
		for ; next < to; next++ {
			if err := desc(next, fs); err != nil {
				return err
			}
			fs = fs[:0]
		}
		return nil
	}
	for k, f := range g.r.Findings.allBrief() {
		if g.groupOf(f) != groupLint {
			continue
		}
		i := order.index(f)
		if i >= 0 && i < next {
			return fmt.Errorf("finding %d (%s about %s) is out of report order", k, f.Rule, firstNonEmpty(f.File, f.Descriptor))
		}
		if i < 0 {
			if err := advance(n); err != nil {
				return err
			}
			if err := orphan(k, f); err != nil {
				return err
			}
			continue
		}
		if err := advance(i); err != nil {
			return err
		}
		fs = append(fs, f)
	}
	return advance(n)
}

// cellVerdict judges a coverage cell: by its findings when it has any,
// otherwise by its status (ok PASS naming the chosen descriptor, degraded
// WARN naming what it lacks, gap FAIL with libvirt's error).
func (g *grouped) cellVerdict(c Coverage) verdict {
	if idx := g.byCell[c.Key()]; len(idx) > 0 {
		return findingsVerdict(g.findings(idx))
	}
	switch c.Status {
	case "ok":
		return verdict{wordPass, firstNonEmpty(c.Descriptor, c.Executable)}
	case "degraded":
		why := "lacks " + strings.Join(c.Lacks, ", ")
		if chosen := firstNonEmpty(c.Descriptor, c.Executable); chosen != "" {
			why = chosen + " " + why
		}
		return verdict{wordWarn, why}
	case "gap":
		return verdict{wordFail, firstNonEmpty(c.Error, "no firmware matches")}
	}
	return verdict{wordWarn, "unknown status " + quoteIfOdd(c.Status)}
}

// domainVerdict judges a domain: by its findings when it has any,
// otherwise FAIL when no firmware can be chosen afresh, WARN when the
// regenerated firmware differs from the current one, PASS when it stays.
func (g *grouped) domainVerdict(d DomainImpact) verdict {
	if idx := g.byDomain[domainKey(d.Name, d.File)]; len(idx) > 0 {
		return findingsVerdict(g.findings(idx))
	}
	switch {
	case d.Regenerated.Error != "":
		return verdict{wordFail, d.Regenerated.Error}
	case d.Changes:
		return verdict{wordWarn, "rebuild selects " + d.Regenerated.String() + " instead of " + d.Current.String()}
	}
	return verdict{wordPass, "keeps " + d.Current.String()}
}

// String names the firmware of a choice: its descriptor, else its loader,
// else its error, else "nothing".
func (c Choice) String() string {
	switch {
	case c.Descriptor != "":
		return c.Descriptor
	case c.Loader != "":
		return c.Loader
	case c.Error != "":
		return "error: " + c.Error
	}
	return "nothing"
}

// descriptorVerdict judges a descriptor that has no lint findings: PASS
// when active, FAIL when libvirt rejects it or cannot read it, SKIP (with
// the status) when libvirt does not consider it.
func descriptorVerdict(d Descriptor) verdict {
	switch d.Status {
	case "active":
		return verdict{wordPass, ""}
	case "invalid", "error":
		return verdict{wordFail, d.Status}
	}
	return verdict{wordSkip, d.Status}
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// quoteIfOdd quotes s when it is empty or holds spaces or special
// characters.
func quoteIfOdd(s string) string {
	if s == "" || strings.ContainsFunc(s, func(r rune) bool {
		return !(r == '-' || r == '_' || r == '.' || '0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z')
	}) {
		return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"`
	}
	return s
}
