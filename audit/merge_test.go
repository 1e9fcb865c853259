package audit_test

import (
	"context"
	"fmt"
	"io/fs"
	"math/bits"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/fwaudit/fwaudit"
	"github.com/fwaudit/fwaudit/audit"
	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/matcher"
	"github.com/fwaudit/fwaudit/report"
)

// referenceMerge merges one report per profile as LintReleases documents
// it, the simple way: over each whole report in its order, a finding is
// the merged finding of the same fingerprint and rank among the findings
// of that fingerprint; the strictest severity wins, the first release's
// finding among equals; the releases giving it end its message when they
// are not all.
func referenceMerge(reports []*report.Report, profiles []*matcher.Profile) []report.Finding {
	type key struct {
		fp string
		n  int
	}
	var merged []report.Finding
	var releases []uint64
	index := map[key]int{}
	for pi, r := range reports {
		seen := map[string]int{}
		for _, f := range r.Findings.All() {
			k := key{f.Fingerprint, seen[f.Fingerprint]}
			seen[f.Fingerprint]++
			j, ok := index[k]
			switch {
			case !ok:
				index[k] = len(merged)
				merged = append(merged, f)
				releases = append(releases, 1<<pi)
			case f.Severity.Rank() > merged[j].Severity.Rank():
				merged[j], releases[j] = f, 1<<pi
			case f.Severity == merged[j].Severity:
				releases[j] |= 1 << pi
			}
		}
	}
	for i := range merged {
		if bits.OnesCount64(releases[i]) == len(profiles) {
			continue
		}
		var vs []string
		for pi, p := range profiles {
			if releases[i]&(1<<pi) != 0 {
				vs = append(vs, strings.Join(strings.SplitN(p.Version, ".", 3)[:2], "."))
			}
		}
		merged[i].Message += fmt.Sprintf(" [%s for libvirt %s]", merged[i].Severity, strings.Join(vs, ", "))
	}
	return merged
}

// TestLintReleasesMerge: LintReleases, which merges each release's
// findings as its lint records them, and LintPaths, which also lints each
// release as it loads it, report what merging the releases' whole reports
// gives (referenceMerge), for every bundled set and a set of schema and
// feature problems, with and without overrides. (None of these gives two
// findings of one fingerprint; TestMerger covers those.)
func TestLintReleasesMerge(t *testing.T) {
	sets := map[string]fstest.MapFS{}
	for _, name := range fwaudit.Distros() {
		fsys, _ := fwaudit.Distro(name)
		m := fstest.MapFS{}
		err := fsWalk(fsys, func(p string, data []byte) { m[p] = &fstest.MapFile{Data: data, Mode: 0o644} })
		if err != nil {
			t.Fatal(err)
		}
		sets[name] = m
	}
	// Schema problems, a feature repeated and a device libvirt does not
	// know (an error for 9.0 and 10.0, a warning after).
	sets["problems"] = fstest.MapFS{
		"usr/share/qemu/firmware/50-dup.json": {Data: []byte(`{"description": 1, "interface-types": ["uefi", 7], "mapping": {"device": "memory", "filename": "/x.fd"}, "targets": [{"architecture": "x86_64", "machines": ["pc-q35-*"]}], "features": ["amd-sev-snp", "bogus", "amd-sev-snp"], "tags": []}`), Mode: 0o644},
		"usr/share/qemu/firmware/60-bad.json": {Data: []byte(`{"description":"bad","interface-types":["uefi"],"mapping":{"device":"floppy"},"targets":[],"features":[],"tags":[]}`), Mode: 0o644},
	}
	ovs, err := audit.ParseOverrides("overrides", strings.NewReader("feature-ignored\nshadowed 60-*\nmissing-file no-such-*\n"))
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for name, m := range sets {
		for _, withOverrides := range []bool{false, true} {
			root := t.TempDir()
			for p, f := range m {
				if err := os.MkdirAll(filepath.Join(root, filepath.Dir(p)), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(root, p), f.Data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			dir := filepath.Join(root, "usr/share/qemu/firmware")
			opts := audit.Options{Files: os.DirFS(root), ReleaseData: true}
			if withOverrides {
				opts.Overrides = ovs
			}
			profiles := matcher.Profiles
			var reports []*report.Report
			for _, p := range profiles {
				set, err := audit.LoadPaths(root, []string{dir}, p.Rules)
				if err != nil {
					t.Fatal(err)
				}
				o := opts
				o.Profile = p
				r, err := audit.Lint(context.Background(), set, o)
				if err != nil {
					t.Fatal(err)
				}
				reports = append(reports, r)
			}
			want := &report.Report{Descriptors: reports[len(reports)-1].Descriptors,
				Findings: report.NewFindings(referenceMerge(reports, profiles)...)}
			want.Finalize()
			load := func(rules *descriptor.Rules) (*descriptor.Set, error) {
				return audit.LoadPaths(root, []string{dir}, rules)
			}
			viaReleases, err := audit.LintReleases(context.Background(), load, opts)
			if err != nil {
				t.Fatal(err)
			}
			viaPaths, err := audit.LintPaths(context.Background(), root, []string{dir}, opts)
			if err != nil {
				t.Fatal(err)
			}
			for how, got := range map[string]*report.Report{"LintReleases": viaReleases, "LintPaths": viaPaths} {
				if diff := cmp.Diff(want.Findings.Slice(), got.Findings.Slice()); diff != "" {
					t.Errorf("%s (overrides %v): %s differs from merging whole reports (-want +got):\n%s", name, withOverrides, how, diff)
				}
			}
			if want.Findings.Len() > 0 {
				checked++
			}
		}
	}
	if checked < 10 {
		t.Errorf("only %d sets with findings compared", checked)
	}
}

// fsWalk calls fn with the path and bytes of every regular file of fsys.
func fsWalk(fsys fs.FS, fn func(p string, data []byte)) error {
	return fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		fn(p, data)
		return nil
	})
}

// TestLintReleasesFilesChanged: when the files change between two
// releases' loads (a package being unpacked while it is linted), each
// finding is still merged with the same finding of the other releases, as
// merging their whole reports does.
func TestLintReleasesFilesChanged(t *testing.T) {
	fsys, _ := fwaudit.Distro("debian-13")
	write := func(skip string, extra map[string]string) string {
		root := t.TempDir()
		err := fsWalk(fsys, func(p string, data []byte) {
			if filepath.Base(p) == skip {
				return
			}
			dst := filepath.Join(root, p)
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(dst, data, 0o644); err != nil {
				t.Fatal(err)
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		for name, data := range extra {
			if err := os.WriteFile(filepath.Join(root, "usr/share/qemu/firmware", name), []byte(data), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return root
	}
	names, err := fs.Glob(fsys, "usr/share/qemu/firmware/*.json")
	if err != nil || len(names) < 3 {
		t.Fatalf("debian-13 has %d descriptors (%v)", len(names), err)
	}
	// 9.0 and 10.0 read the set as shipped; 11.3 and 12.8 find a file
	// more, sorting first, and one file less.
	dup, err := fs.ReadFile(fsys, names[len(names)-1])
	if err != nil {
		t.Fatal(err)
	}
	before := write("", nil)
	after := write(filepath.Base(names[1]), map[string]string{"00-early.json": string(dup)})
	rootOf := func(rules *descriptor.Rules) string {
		if rules.Equal(matcher.Profiles[0].Rules) {
			return before
		}
		return after
	}
	dir := "usr/share/qemu/firmware"
	// No image exists: every descriptor has findings of its own.
	images := os.DirFS(t.TempDir())
	profiles := matcher.Profiles
	var reports []*report.Report
	for _, p := range profiles {
		root := rootOf(p.Rules)
		set, err := audit.LoadPaths(root, []string{filepath.Join(root, dir)}, p.Rules)
		if err != nil {
			t.Fatal(err)
		}
		r, err := audit.Lint(context.Background(), set, audit.Options{Profile: p, Files: images})
		if err != nil {
			t.Fatal(err)
		}
		reports = append(reports, r)
	}
	if reports[0].Findings.Equal(reports[len(reports)-1].Findings) {
		t.Fatal("the changed files give the same findings: the test compares nothing")
	}
	want := &report.Report{Descriptors: reports[len(reports)-1].Descriptors,
		Findings: report.NewFindings(referenceMerge(reports, profiles)...)}
	want.Finalize()
	got, err := audit.LintReleases(context.Background(), func(rules *descriptor.Rules) (*descriptor.Set, error) {
		root := rootOf(rules)
		return audit.LoadPaths(root, []string{filepath.Join(root, dir)}, rules)
	}, audit.Options{Files: images})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want.Findings.Slice(), got.Findings.Slice()); diff != "" {
		t.Errorf("LintReleases differs from merging whole reports (-want +got):\n%s", diff)
	}
}
