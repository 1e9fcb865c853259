// Package conformance checks fwaudit's predictions against answers recorded
// from real libvirt (see README.md). It holds test data and tools only.
package conformance

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fwaudit/fwaudit/conformance/internal/casefile"
	"github.com/fwaudit/fwaudit/conformance/internal/verdict"
	"github.com/fwaudit/fwaudit/matcher"
	"golang.org/x/tools/txtar"
)

// versions maps each recorded oracle to the profile that models it.
var versions = []struct {
	file    string
	profile *matcher.Profile
}{
	{"answer/libvirt9.json", matcher.Libvirt90},
	{"answer/libvirt10.json", matcher.Libvirt100},
	{"answer/libvirt11.json", matcher.Libvirt113},
	{"answer/libvirt12.json", matcher.Libvirt128},
}

// Case is one conformance case.
type Case struct {
	Name    string
	Archive *txtar.Archive
}

// Existing reports whether the case asks for an existing domain ("existing:
// true" in its comment).
func (c Case) Existing() bool { return casefile.Existing(c.Archive.Comment) }

// LoadCases reads every case under dir.
func LoadCases(t testing.TB, dir string) []Case {
	files, err := filepath.Glob(filepath.Join(dir, "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []Case
	for _, f := range files {
		a, err := casefile.Read(f)
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, Case{strings.TrimSuffix(filepath.Base(f), ".txtar"), a})
	}
	return cases
}

// Materialize writes the case's root tree (files, masks, symlinks) and its
// domain under dir, as the recorder does for the oracle, and returns the
// root and the domain XML.
func Materialize(t testing.TB, c Case, dir string) (root string, domain []byte) {
	if err := casefile.Extract(c.Archive, dir); err != nil {
		t.Fatalf("%s: %v", c.Name, err)
	}
	root = filepath.Join(dir, "root")
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	return root, section(c.Archive, casefile.Domain)
}

func section(a *txtar.Archive, name string) []byte {
	if i := casefile.Find(a, name); i >= 0 {
		return a.Files[i].Data
	}
	return nil
}

// Predict runs fwaudit on a materialized case. A firmware-upgrade case
// (casefile.DefineRoot) is defined over root's sibling define-root first.
func Predict(t testing.TB, c Case, root string, domain []byte, p *matcher.Profile) *matcher.Answer {
	var a *matcher.Answer
	var err error
	if casefile.DefineRoot(c.Archive) {
		a, err = verdict.PredictUpgrade(filepath.Join(filepath.Dir(root), "define-root"), root, domain, p)
	} else {
		a, err = verdict.Predict(root, domain, p, c.Existing())
	}
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// knownFile lists the (case, profile) pairs where fwaudit still disagrees
// with libvirt, one "case profile" a line. TestRecorded fails on any other
// disagreement, and on a listed pair that now agrees, so the list can only
// shrink. Every entry is an open bug.
const knownFile = "testdata/known-divergences.txt"

func readKnown(t *testing.T) map[string]bool {
	known := map[string]bool{}
	data, err := os.ReadFile(knownFile)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			known[line] = true
		}
	}
	return known
}

// TestRecorded replays every recorded case for every recorded libvirt
// version and requires the prediction to equal libvirt's answer.
func TestRecorded(t *testing.T) {
	known := readKnown(t)
	var diverging []string
	cases := LoadCases(t, "testdata/cases")
	if len(cases) == 0 {
		t.Fatal("no cases in testdata/cases")
	}
	agree := map[string][2]int{}
	// held counts the answer files the cases hold, read from the archives'
	// file names; answered counts those compared or recorded as a crash.
	// Each release must answer every case it holds an answer for, and
	// every case must hold every release's answer: a release that compares
	// nothing (a renamed answer file, a skipped section) fails.
	held, answered := map[string]int{}, map[string]int{}
	for _, c := range cases {
		for _, f := range c.Archive.Files {
			if strings.HasPrefix(f.Name, "answer/") {
				held[f.Name]++
			}
		}
		t.Run(c.Name, func(t *testing.T) {
			root, domain := Materialize(t, c, t.TempDir())
			for _, v := range versions {
				data := section(c.Archive, v.file)
				if data == nil {
					continue
				}
				answered[v.file]++ // crashes included: a crash is an answer too
				got := Predict(t, c, root, domain, v.profile)
				diff, err := verdict.Diff(data, got)
				if err != nil {
					t.Fatal(err)
				}
				n := agree[v.profile.Name]
				n[1]++
				key := c.Name + " " + v.profile.Name
				switch {
				case diff == "":
					n[0]++
					if known[key] {
						t.Errorf("%s: now agrees with libvirt; remove it from %s", key, knownFile)
					}
				case known[key]:
					diverging = append(diverging, key)
				default:
					t.Errorf("%s: prediction differs from libvirt (-libvirt +fwaudit):\n%s", v.profile.Name, diff)
				}
				agree[v.profile.Name] = n
			}
			// Start-mode answers of releases that select at define:
			// the define, then the first start.
			for _, f := range c.Archive.Files {
				if !casefile.IsStartAnswer(f.Name) {
					continue
				}
				p := startProfile(t, f.Name)
				name := p.Name + " start"
				answered[f.Name]++
				diff, err := verdict.DiffStart(f.Data, Predict(t, c, root, domain, p))
				if err != nil {
					t.Fatal(err)
				}
				n := agree[name]
				n[1]++
				key := c.Name + " " + name
				switch {
				case diff == "":
					n[0]++
					if known[key] {
						t.Errorf("%s: now agrees with libvirt; remove it from %s", key, knownFile)
					}
				case known[key]:
					diverging = append(diverging, key)
				default:
					t.Errorf("%s: predicted start outcome differs from libvirt (-libvirt +fwaudit):\n%s", name, diff)
				}
				agree[name] = n
			}
		})
	}
	for _, v := range versions {
		f := strings.TrimSuffix(v.file, casefile.AnswerSuffix) + casefile.StartMode + casefile.AnswerSuffix
		n, name := held[f], v.profile.Name+" start"
		if n == 0 {
			continue // start-mode answers are optional
		}
		t.Logf("%s: %d/%d recorded start-mode answers agree", name, agree[name][0], agree[name][1])
		if answered[f] != n || agree[name][1] != n {
			t.Errorf("%s: compared %d of the %d start-mode answers the cases hold", name, agree[name][1], n)
		}
		delete(held, f)
	}
	for _, v := range versions {
		n := agree[v.profile.Name]
		t.Logf("%s: %d/%d recorded answers agree", v.profile.Name, n[0], n[1])
		if held[v.file] < len(cases) || answered[v.file] < held[v.file] || n[1] == 0 {
			t.Errorf("%s: %d of %d cases hold %s, %d answered (%d compared): every case must hold and answer it",
				v.profile.Name, held[v.file], len(cases), v.file, answered[v.file], n[1])
		}
		delete(held, v.file)
	}
	for f, n := range held {
		t.Errorf("%d cases hold %s, which no release reads", n, f)
	}
	if len(diverging) > 0 {
		t.Logf("%d known divergences (%s): %s", len(diverging), knownFile, strings.Join(diverging, "; "))
	}
}

// startProfile is the profile of a start-mode answer section, which only a
// release that selects at define has (its default mode is define).
func startProfile(t *testing.T, section string) *matcher.Profile {
	t.Helper()
	for _, v := range versions {
		if casefile.AnswerVersion(v.file) == casefile.AnswerVersion(section) && !v.profile.Selection.AtStart {
			return v.profile
		}
	}
	t.Fatalf("%s: no profile that selects at define for it", section)
	return nil
}
