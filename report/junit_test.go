package report

import (
	"bytes"
	"encoding/xml"
	"testing"
)

// parsedJUnit is what a CI system reads of a JUnit file, decoded
// independently of the renderer's own types.
type parsedJUnit struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Errors   int      `xml:"errors,attr"`
	Skipped  int      `xml:"skipped,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Errors   int    `xml:"errors,attr"`
		Skipped  int    `xml:"skipped,attr"`
		Cases    []struct {
			Name      string `xml:"name,attr"`
			Classname string `xml:"classname,attr"`
			Failure   []struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
			Skipped []struct {
				Message string `xml:"message,attr"`
			} `xml:"skipped"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

type junitCounts struct{ tests, failures, skipped int }

func TestJUnit(t *testing.T) {
	tests := []struct {
		fixture string
		// want counts per suite: lint, coverage, domains.
		want [3]junitCounts
		// wantTypes counts failures by type over all suites.
		wantTypes map[string]int
	}{
		{"clean", [3]junitCounts{{3, 0, 0}, {3, 0, 0}, {0, 0, 0}}, map[string]int{}},
		// lint: 40 (info, passes), 50 overridden (skipped), 50 in /etc
		// (suppressed, skipped), 55 (error), 60 (warning), 70 masked
		// (skipped); coverage: 2 ok, a gap and a degraded cell; domains:
		// one keeps, one changes (warning), one loses its firmware.
		{"problems", [3]junitCounts{{6, 2, 3}, {4, 2, 0}, {3, 2, 0}}, map[string]int{"error": 3, "warning": 3}},
		// lint: three findings of lint-odd on three files, one finding of
		// an undeclared rule (info, passes).
		{"odd", [3]junitCounts{{4, 3, 0}, {1, 0, 0}, {1, 1, 0}}, map[string]int{"error": 1, "warning": 3}},
	}
	fx := map[string]func() *Report{}
	for _, f := range fixtures {
		fx[f.name] = f.make
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			var doc parsedJUnit
			data := render(t, fx[tt.fixture](), JUnit, Options{})
			if !bytes.HasPrefix(data, []byte(xml.Header)) {
				t.Errorf("no XML declaration")
			}
			if err := xml.Unmarshal(data, &doc); err != nil {
				t.Fatal(err)
			}
			if len(doc.Suites) != 3 {
				t.Fatalf("%d suites, want 3", len(doc.Suites))
			}
			var total junitCounts
			types := map[string]int{}
			for i, s := range doc.Suites {
				if want := []string{"lint", "coverage", "domains"}[i]; s.Name != want {
					t.Errorf("suite %d is %q, want %q", i, s.Name, want)
				}
				var got junitCounts
				for _, c := range s.Cases {
					got.tests++
					if c.Classname != s.Name || c.Name == "" {
						t.Errorf("suite %s: testcase %q has classname %q", s.Name, c.Name, c.Classname)
					}
					if len(c.Failure)+len(c.Skipped) > 1 {
						t.Errorf("testcase %q both fails and skips", c.Name)
					}
					for _, f := range c.Failure {
						got.failures++
						types[f.Type]++
						if f.Message == "" {
							t.Errorf("testcase %q: failure without a message", c.Name)
						}
					}
					got.skipped += len(c.Skipped)
				}
				// The attributes agree with the testcases...
				if s.Tests != got.tests || s.Failures != got.failures || s.Skipped != got.skipped || s.Errors != 0 {
					t.Errorf("suite %s says tests=%d failures=%d skipped=%d errors=%d, holds %+v", s.Name, s.Tests, s.Failures, s.Skipped, s.Errors, got)
				}
				// ...and with the report.
				if got != tt.want[i] {
					t.Errorf("suite %s holds %+v, want %+v", s.Name, got, tt.want[i])
				}
				total.tests += got.tests
				total.failures += got.failures
				total.skipped += got.skipped
			}
			if doc.Tests != total.tests || doc.Failures != total.failures || doc.Skipped != total.skipped || doc.Errors != 0 {
				t.Errorf("testsuites says tests=%d failures=%d skipped=%d errors=%d, suites hold %+v", doc.Tests, doc.Failures, doc.Skipped, doc.Errors, total)
			}
			for typ, n := range tt.wantTypes {
				if types[typ] != n {
					t.Errorf("%d failures of type %s, want %d", types[typ], typ, n)
				}
			}
			if len(types) != len(tt.wantTypes) {
				t.Errorf("failure types %v, want %v", types, tt.wantTypes)
			}
		})
	}
}

// TestJUnitGroupsFindings makes one testcase of several findings of one
// rule on one descriptor, failing with the worst severity.
func TestJUnitGroupsFindings(t *testing.T) {
	r := cleanReport()
	f := Finding{Rule: "lint-x", Descriptor: "60-edk2-x86_64.json", File: fwdir + "60-edk2-x86_64.json"}
	fs := []Finding{f, f, f}
	fs[0].Severity, fs[0].Message, fs[0].Pointer = Warning, "first", "/a"
	fs[1].Severity, fs[1].Message, fs[1].Pointer = Error, "second", "/b"
	fs[2].Severity, fs[2].Message, fs[2].Pointer = Error, "third", "/c"
	r.Findings = NewFindings(fs...)
	var doc parsedJUnit
	if err := xml.Unmarshal(render(t, r, JUnit, Options{}), &doc); err != nil {
		t.Fatal(err)
	}
	lint := doc.Suites[0]
	if lint.Tests != 3 || lint.Failures != 1 {
		t.Fatalf("lint suite: tests=%d failures=%d, want 3 and 1", lint.Tests, lint.Failures)
	}
	c := lint.Cases[2]
	if c.Name != "60-edk2-x86_64.json lint-x" || len(c.Failure) != 1 {
		t.Fatalf("testcase %+v", c)
	}
	fl := c.Failure[0]
	if fl.Type != "error" || fl.Message != "second; third" {
		t.Errorf("failure type %q message %q, want error and the two errors' messages", fl.Type, fl.Message)
	}
	want := fwdir + "60-edk2-x86_64.json: /a: warning lint-x: first\n" +
		fwdir + "60-edk2-x86_64.json: /b: error lint-x: second\n" +
		fwdir + "60-edk2-x86_64.json: /c: error lint-x: third"
	if fl.Text != want {
		t.Errorf("failure text:\n%s\nwant:\n%s", fl.Text, want)
	}
}
