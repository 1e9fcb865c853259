package report

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/fwaudit/fwaudit/internal/termtext"
)

// The testsuites and testsuite elements are written token by token, their
// counts worked out first; the properties and each testcase are encoded
// whole.

type junitProperties struct {
	Property []junitProperty `xml:"property"`
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
//
// The testcases are not held: a first pass over the checks counts them
// for the attributes of testsuites and testsuite, a second writes them.
func writeJUnit(w io.Writer, r *Report, _ Options) error {
	g := group(r)
	props := junitProperties{[]junitProperty{
		{"profile", r.Profile},
		{"profile_source", r.ProfileSource},
		{"source", r.Source},
		{"schema_version", strconv.Itoa(r.SchemaVersion)},
	}}
	suites := []struct {
		name string
		each func(fn junitCheck) error
	}{
		{groupLint, g.eachJUnitLint},
		{groupCoverage, g.eachJUnitCheck(g.coverageLines, func(i int) []int { return g.byCell[r.Coverage[i].Key()] })},
		{groupDomains, g.eachJUnitCheck(g.domainLines, func(i int) []int {
			return g.byDomain[domainKey(r.Domains[i].Name, r.Domains[i].File)]
		})},
	}

	type counts struct{ tests, failures, skipped int }
	var total counts
	each := make([]counts, len(suites))
	for i, s := range suites {
		c := &each[i]
		if err := s.each(func(_ string, v verdict, _ []Finding) error {
			c.tests++
			switch v.word {
			case wordFail, wordWarn:
				c.failures++
			case wordSkip:
				c.skipped++
			}
			return nil
		}); err != nil {
			return err
		}
		total.tests += c.tests
		total.failures += c.failures
		total.skipped += c.skipped
	}
	// The attributes as encoding/xml writes those of a struct: name,
	// tests, failures, errors (always 0), skipped.
	element := func(local, name string, c counts) xml.StartElement {
		attr := func(n, v string) xml.Attr { return xml.Attr{Name: xml.Name{Local: n}, Value: v} }
		return xml.StartElement{Name: xml.Name{Local: local}, Attr: []xml.Attr{
			attr("name", name),
			attr("tests", strconv.Itoa(c.tests)),
			attr("failures", strconv.Itoa(c.failures)),
			attr("errors", "0"),
			attr("skipped", strconv.Itoa(c.skipped)),
		}}
	}

	// The Encoder flushes after each element it encodes: bw gathers them.
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString(xml.Header)
	enc := xml.NewEncoder(bw)
	enc.Indent("", "  ")
	top := element("testsuites", firstNonEmpty(r.Tool.Name, "fwaudit"), total)
	if err := enc.EncodeToken(top); err != nil {
		return err
	}
	for i, s := range suites {
		start := element("testsuite", s.name, each[i])
		if err := enc.EncodeToken(start); err != nil {
			return err
		}
		if err := enc.EncodeElement(props, xml.StartElement{Name: xml.Name{Local: "properties"}}); err != nil {
			return err
		}
		testcase := xml.StartElement{Name: xml.Name{Local: "testcase"}}
		if err := s.each(func(name string, v verdict, details []Finding) error {
			return enc.EncodeElement(junitCaseOf(s.name, name, v, details), testcase)
		}); err != nil {
			return err
		}
		if err := enc.EncodeToken(start.End()); err != nil {
			return err
		}
	}
	if err := enc.EncodeToken(top.End()); err != nil {
		return err
	}
	if err := enc.Flush(); err != nil {
		return err
	}
	bw.WriteString("\n")
	return bw.Flush()
}

// junitCheck is called for each testcase of a suite: its name, its
// verdict and the findings that make it.
type junitCheck func(name string, v verdict, details []Finding) error

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

// eachJUnitLint walks the lint testcases in the order of the text report:
// for each descriptor in libvirt's order one testcase per rule that fired
// on it (several findings of one rule make one testcase), or one testcase
// for the descriptor itself when nothing fired; then the findings about no
// known descriptor, one testcase per rule and file (or subject). Those are
// grouped by their indices, all at once: they are few.
func (g *grouped) eachJUnitLint(fn junitCheck) error {
	label := g.lintLabels()
	var names []string
	orphans := map[string][]int{}
	err := g.eachLint(func(i int, fs []Finding) error {
		if len(fs) == 0 {
			return fn(label[i], descriptorVerdict(g.r.Descriptors[i]), nil)
		}
		// One testcase per rule, in first-seen order.
		var rules []string
		for _, f := range fs {
			if !slices.Contains(rules, f.Rule) {
				rules = append(rules, f.Rule)
			}
		}
		for _, rule := range rules {
			var group []Finding
			for _, f := range fs {
				if f.Rule == rule {
					group = append(group, f)
				}
			}
			if err := fn(label[i]+" "+rule, findingsVerdict(group), group); err != nil {
				return err
			}
		}
		return nil
	}, func(k int, f Finding) error {
		name := f.Rule
		if what := firstNonEmpty(f.File, f.Descriptor, f.Subject); what != "" {
			name = what + " " + f.Rule
		}
		if _, ok := orphans[name]; !ok {
			names = append(names, name)
		}
		orphans[name] = append(orphans[name], k)
		return nil
	})
	if err != nil {
		return err
	}
	for _, name := range names {
		fs := g.findings(orphans[name])
		if err := fn(name, findingsVerdict(fs), fs); err != nil {
			return err
		}
	}
	return nil
}

// eachJUnitCheck walks text lines (coverage cells or domains) as
// testcases, with the findings of each check (the indices of line i's) as
// details.
func (g *grouped) eachJUnitCheck(lines func() []textLine, details func(i int) []int) func(junitCheck) error {
	return func(fn junitCheck) error {
		for i, l := range lines() {
			if err := fn(l.check, l.verdict, g.findings(details(i))); err != nil {
				return err
			}
		}
		return nil
	}
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
