package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/fwaudit/fwaudit/internal/termtext"
)

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitFailure `xml:"failure"`
	Skipped   *junitSkipped `xml:"skipped"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// writeJUnit writes JUnit XML: one testsuite per group (lint, coverage,
// domains) and one testcase per check, named as in the text report.
// Errors and warnings are failures (of type "error" and "warning": JUnit
// has no state for a warning, and a passing test would hide it); info
// findings pass with their message in system-out; suppressed findings and
// entries libvirt does not consider are skipped. See README.md.
func writeJUnit(w io.Writer, r *Report, _ Options) error {
	g := group(r)
	props := []junitProperty{
		{"profile", r.Profile},
		{"profile_source", r.ProfileSource},
		{"source", r.Source},
		{"schema_version", strconv.Itoa(r.SchemaVersion)},
	}
	suites := junitSuites{Name: firstNonEmpty(r.Tool.Name, "fwaudit")}
	for _, s := range []struct {
		name  string
		cases []junitCase
	}{
		{groupLint, g.junitLint()},
		{groupCoverage, g.junitChecks(groupCoverage, g.coverageLines(), g.byCellList())},
		{groupDomains, g.junitChecks(groupDomains, g.domainLines(), g.byDomainList())},
	} {
		suite := junitSuite{Name: s.name, Properties: props, Cases: s.cases}
		for _, c := range s.cases {
			suite.Tests++
			if c.Failure != nil {
				suite.Failures++
			}
			if c.Skipped != nil {
				suite.Skipped++
			}
		}
		suites.Tests += suite.Tests
		suites.Failures += suite.Failures
		suites.Skipped += suite.Skipped
		suites.Suites = append(suites.Suites, suite)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(suites); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// junitCaseOf builds a testcase from a check; details, when given, become
// the body of a failure or the system-out of a passing case.
func junitCaseOf(class, name string, v verdict, details []Finding) junitCase {
	c := junitCase{Name: termtext.Clean(strings.TrimSpace(name)), Classname: class}
	body := detailText(details)
	switch v.word {
	case wordFail, wordWarn:
		typ := "error"
		if v.word == wordWarn {
			typ = "warning"
		}
		c.Failure = &junitFailure{Message: v.why, Type: typ, Text: body}
	case wordSkip:
		c.Skipped = &junitSkipped{Message: v.why}
	default:
		c.SystemOut = firstNonEmpty(body, v.why)
	}
	return c
}

// junitLint makes the lint testcases in the order of the text report: for
// each descriptor in libvirt's order one testcase per rule that fired on it
// (several findings of one rule make one testcase), or one testcase for
// the descriptor itself when nothing fired; then the findings about no
// known descriptor, one testcase per rule and file (or subject).
func (g *grouped) junitLint() []junitCase {
	order := g.r.descriptorOrder()
	label := g.lintLabels()
	byIndex := map[int][]Finding{}
	var orphans []Finding
	for _, f := range g.lint {
		if i := order.index(f); i >= 0 {
			byIndex[i] = append(byIndex[i], f)
		} else {
			orphans = append(orphans, f)
		}
	}
	var cases []junitCase
	// byRule appends one testcase per distinct name, in first-seen order.
	byRule := func(fs []Finding, name func(Finding) string) {
		var names []string
		group := map[string][]Finding{}
		for _, f := range fs {
			n := name(f)
			if _, ok := group[n]; !ok {
				names = append(names, n)
			}
			group[n] = append(group[n], f)
		}
		for _, n := range names {
			cases = append(cases, junitCaseOf(groupLint, n, findingsVerdict(group[n]), group[n]))
		}
	}
	for i, d := range g.r.Descriptors {
		if len(byIndex[i]) == 0 {
			cases = append(cases, junitCaseOf(groupLint, label[i], descriptorVerdict(d), nil))
			continue
		}
		byRule(byIndex[i], func(f Finding) string { return label[i] + " " + f.Rule })
	}
	byRule(orphans, func(f Finding) string {
		if what := firstNonEmpty(f.File, f.Descriptor, f.Subject); what != "" {
			return what + " " + f.Rule
		}
		return f.Rule
	})
	return cases
}

// junitChecks turns text lines (coverage cells or domains) into testcases,
// with the findings of each check as details.
func (g *grouped) junitChecks(class string, lines []textLine, details [][]Finding) []junitCase {
	cases := make([]junitCase, len(lines))
	for i, l := range lines {
		cases[i] = junitCaseOf(class, l.check, l.verdict, details[i])
	}
	return cases
}

func (g *grouped) byCellList() [][]Finding {
	out := make([][]Finding, len(g.r.Coverage))
	for i, c := range g.r.Coverage {
		out[i] = g.byCell[c.Key()]
	}
	return out
}

func (g *grouped) byDomainList() [][]Finding {
	out := make([][]Finding, len(g.r.Domains))
	for i, d := range g.r.Domains {
		out[i] = g.byDomain[domainKey(d.Name, d.File)]
	}
	return out
}

// detailText lists findings one per line, compiler style:
// "FILE:LINE:COL: POINTER: SEVERITY RULE: MESSAGE".
func detailText(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		pos := f.File
		if pos != "" && f.Line > 0 {
			pos += ":" + strconv.Itoa(f.Line)
			if f.Column > 0 {
				pos += ":" + strconv.Itoa(f.Column)
			}
		}
		for _, p := range []string{pos, f.Pointer} {
			if p != "" {
				b.WriteString(p)
				b.WriteString(": ")
			}
		}
		fmt.Fprintf(&b, "%s %s: %s", f.Severity, f.Rule, f.Message)
		if f.Suppressed {
			b.WriteString(" (suppressed)")
		}
		b.WriteString("\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}
