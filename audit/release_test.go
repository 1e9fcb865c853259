package audit

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"testing"

	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/matcher"
	"github.com/fwaudit/fwaudit/nova"
)

// TestReleaseDataSameReport: an audit that drops the entries' bytes
// (Options.ReleaseData) reports exactly what one keeping them does, for
// every rule fixture (positions included), and drops them only when
// nothing after lint reads them.
func TestReleaseDataSameReport(t *testing.T) {
	files, err := filepath.Glob("testdata/rules/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	positioned, dropped, kept := 0, 0, 0
	for _, file := range files {
		orig := readFixture(t, file)
		// The fixtures all hold domains, whose impact reads the
		// descriptors after lint: run each without them too.
		noDomains := *orig
		noDomains.domains = nil
		for _, fx := range []*fixture{orig, &noDomains} {
			keep, _ := fx.runWith(t, false)
			rel, set := fx.runWith(t, true)
			a, _ := json.Marshal(keep)
			b, _ := json.Marshal(rel)
			if string(a) != string(b) {
				t.Errorf("%s (%d domains): the report differs with ReleaseData:\nwithout: %s\nwith:    %s", file, len(fx.domains), a, b)
			}
			for _, f := range keep.Findings.All() {
				if f.Line > 0 {
					positioned++
				}
			}
			p := matcher.Latest
			if v := fx.key("libvirt"); v != "" {
				p, _ = matcher.ProfileFor(v)
			}
			mayDrop := len(fx.domains) == 0 && len(fx.nova) == 0 && !p.Nova
			for _, e := range set.Entries {
				if e.Status != descriptor.StatusActive {
					continue
				}
				switch {
				case e.Data == nil && !mayDrop:
					t.Errorf("%s: %s: bytes dropped although domains or nova read them later", file, e.Name)
				case e.Data == nil:
					dropped++
				case mayDrop:
					t.Errorf("%s: %s: bytes kept with ReleaseData", file, e.Name)
				default:
					kept++
				}
			}
		}
	}
	if positioned == 0 || dropped == 0 || kept == 0 {
		t.Errorf("the fixtures exercise too little: %d positioned findings, %d entries dropped, %d kept", positioned, dropped, kept)
	}
}

// TestRunLoadSameReport: RunLoad, which lints each descriptor as it is
// loaded, gives Run's report for every rule fixture (with and without its
// domains), and with ReleaseData no two active entries hold their bytes at
// once when nothing reads them after lint.
func TestRunLoadSameReport(t *testing.T) {
	files, err := filepath.Glob("testdata/rules/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	checked := 0
	for _, file := range files {
		orig := readFixture(t, file)
		noDomains := *orig
		noDomains.domains = nil
		for _, fx := range []*fixture{orig, &noDomains} {
			want, _ := fx.runWith(t, false)
			opts := fx.options(t, true)
			mayDrop := len(opts.Domains) == 0 && len(opts.Nova) == 0 && !opts.Profile.Nova
			var seen []*descriptor.Entry
			visit := func(e *descriptor.Entry) {
				for _, s := range seen {
					if mayDrop && s.Status == descriptor.StatusActive && s.Data != nil {
						t.Errorf("%s: %s still holds its bytes when %s is read", file, s.Name, e.Name)
					}
				}
				seen = append(seen, e)
			}
			got, err := RunLoad(context.Background(), descriptor.Options{FS: fx.fsys, Visit: visit}, opts)
			if err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			a, _ := json.Marshal(want)
			b, _ := json.Marshal(got)
			if string(a) != string(b) {
				t.Errorf("%s (%d domains): RunLoad's report differs from Run's:\nRun:     %s\nRunLoad: %s", file, len(fx.domains), a, b)
			}
			if mayDrop && len(seen) > 1 {
				checked++
			}
		}
	}
	if checked == 0 {
		t.Errorf("no fixture with two entries and nothing read after lint")
	}
}

// TestRunLoadErrors: an unusable option is refused before loading, a set
// that cannot be loaded is a *LoadError, and rules other than the
// profile's are refused.
func TestRunLoadErrors(t *testing.T) {
	visited := false
	load := descriptor.Options{Root: t.TempDir(), Visit: func(*descriptor.Entry) { visited = true }}
	if _, err := RunLoad(context.Background(), load, Options{Require: []string{"no/such/cell/here"}}); err == nil || visited {
		t.Errorf("unknown --require: err %v, loaded %v", err, visited)
	}
	var le *LoadError
	if _, err := RunLoad(context.Background(), descriptor.Options{Root: filepath.Join(t.TempDir(), "missing")}, Options{}); !errors.As(err, &le) {
		t.Errorf("missing root: %v (%T), want a *LoadError", err, err)
	}
	load.Rules = matcher.Profiles[0].Rules
	if _, err := RunLoad(context.Background(), load, Options{Profile: matcher.Latest}); err == nil || errors.As(err, &le) {
		t.Errorf("rules of another release: %v", err)
	}
}

// TestLintReleasesReleaseData: LintReleases drops a set's bytes only in
// the last lint that reads the set, so every release positions its
// findings alike.
func TestLintReleasesReleaseData(t *testing.T) {
	fx := readFixture(t, "testdata/rules/machine-glob-unmatched.txtar")
	var sets []*descriptor.Set
	load := func(rules *descriptor.Rules) (*descriptor.Set, error) {
		s, err := descriptor.Load(descriptor.Options{FS: fx.fsys, Rules: rules})
		sets = append(sets, s)
		return s, err
	}
	var out [2]string
	for i, release := range []bool{false, true} {
		sets = nil
		r, err := LintReleases(context.Background(), load, Options{Files: fx.fsys, ReleaseData: release})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(r)
		out[i] = string(b)
		if len(sets) >= len(matcher.Profiles) {
			t.Errorf("%d loads for %d profiles: no set was shared, the test shows nothing", len(sets), len(matcher.Profiles))
		}
		for _, s := range sets {
			for _, e := range s.Entries {
				if e.Status == descriptor.StatusActive && (e.Data == nil) != release {
					t.Errorf("release %v: %s: data nil %v", release, e.Name, e.Data == nil)
				}
			}
		}
	}
	if out[0] != out[1] {
		t.Errorf("LintReleases differs with ReleaseData:\nwithout: %s\nwith:    %s", out[0], out[1])
	}
}

// TestCompact: an audit is compact when it drops the bytes and holds no
// domains; nova combinations and a nova profile keep the bytes.
func TestCompact(t *testing.T) {
	for _, c := range []struct {
		name string
		o    Options
		want bool
	}{
		{"release", Options{ReleaseData: true}, true},
		{"keep", Options{}, false},
		{"domains", Options{ReleaseData: true, Domains: []DomainFile{{Path: "vm.xml"}}}, false},
		{"nova", Options{ReleaseData: true, Nova: []nova.Combination{{Name: "c"}}}, false},
		{"nova profile", Options{ReleaseData: true, Profile: matcher.NovaLegacy}, false},
		{"libvirt 9.0", Options{ReleaseData: true, Profile: matcher.Profiles[0]}, true},
	} {
		if got := c.o.Compact(); got != c.want {
			t.Errorf("%s: Compact() = %v, want %v", c.name, got, c.want)
		}
	}
}
