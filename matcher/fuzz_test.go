package matcher_test

import (
	"path/filepath"
	"testing"

	"github.com/fwaudit/fwaudit"
	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/matcher"
	"golang.org/x/tools/txtar"
)

// FuzzParseDomain feeds domain XML to ParseDomain and every profile's Match,
// Apply and Answer: whatever the XML, they return errors, never panic. The
// seeds are the domains of the recorded conformance cases.
func FuzzParseDomain(f *testing.F) {
	files, err := filepath.Glob("../conformance/testdata/cases/*.txtar")
	if err != nil {
		f.Fatal(err)
	}
	for _, file := range files {
		a, err := txtar.ParseFile(file)
		if err != nil {
			f.Fatal(err)
		}
		for _, af := range a.Files {
			if af.Name == "domain.xml" {
				f.Add(af.Data)
			}
		}
	}
	fsys, ok := fwaudit.Distro("debian-unstable")
	if !ok {
		f.Fatal("no bundled debian-unstable set")
	}
	sets := map[*matcher.Profile]*descriptor.Set{}
	for _, p := range append(matcher.Profiles, matcher.NovaLegacy) {
		set, err := descriptor.Load(descriptor.Options{FS: fsys, Rules: p.Rules})
		if err != nil {
			f.Fatal(err)
		}
		sets[p] = set
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for p, set := range sets {
			dom, req, err := matcher.ParseDomain(data)
			if err != nil {
				return
			}
			d := matcher.Match(set, req, p, matcher.MatchOptions{})
			a := d.Answer(dom)
			// The domain is accepted when the answer is, and no later
			// start fails.
			if (a.OK && a.Start == nil) != d.OK() {
				t.Fatalf("%s: Answer.OK %v, Answer.Start %v, Decision.OK %v", p.Name, a.OK, a.Start, d.OK())
			}
			if a.Start != nil && (p.Selection.AtStart || d.Stage != "start") {
				t.Fatalf("%s: a start outcome for a failure at %s", p.Name, d.Stage)
			}
		}
	})
}
