package audit

import (
	"compress/gzip"
	"context"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"golang.org/x/tools/txtar"

	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/domcaps"
	"github.com/fwaudit/fwaudit/matcher"
	"github.com/fwaudit/fwaudit/nova"
	"github.com/fwaudit/fwaudit/report"
)

// A fixture is a txtar file: "key: value" lines in the comment, then the
// files of a root laid over the clean root (testdata/clean) unless
// "base: none". Keys:
//
//	libvirt: 9.0        the profile (default: the newest)
//	files: no           audit without image files, as for a bundled set
//	require: CELL       a --require value (repeatable)
//	delete: PATH        drop a file of the base (repeatable)
//	want: TEXT          the rule under test fires with TEXT in its message
//	severity: SEV       ... with this severity
//	emptydomains: DIR   a --domains directory that held no domain
//	contents: yes       read the images' contents (Options.Contents)
//	at: DATE            judge certificate expiry at DATE (Options.At)
//	image: PATH FIXTURE put varstore/testdata/FIXTURE.gz, decompressed, at PATH
//	sized: PATH BYTES   put a raw file of BYTES zero bytes at PATH (a CODE stand-in)
//
// Sections: root-relative files ("usr/share/qemu/firmware/x.json"), domain
// XMLs ("domains/x.xml", also read from the base), "overrides" (an
// overrides file), "nova" (a nova combinations file), "domcaps/x.xml"
// (libvirt's domain capabilities) and "symlinks" ("PATH -> TARGET" lines).
type fixture struct {
	name      string
	keys      map[string][]string
	fsys      fstest.MapFS
	domains   []DomainFile
	overrides []Override
	nova      []nova.Combination
	caps      []*domcaps.Caps
}

func (f *fixture) key(k string) string {
	if v := f.keys[k]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// loadTree copies a directory into a MapFS.
func loadTree(t *testing.T, dir string) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		m[filepath.ToSlash(rel)] = &fstest.MapFile{Data: data, Mode: 0o644}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func readFixture(t *testing.T, file string) *fixture {
	t.Helper()
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{name: file, keys: map[string][]string{}}
	for _, line := range strings.Split(string(ar.Comment), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && !strings.HasPrefix(line, "#") {
			f.keys[strings.TrimSpace(k)] = append(f.keys[strings.TrimSpace(k)], strings.TrimSpace(v))
		}
	}
	f.fsys = fstest.MapFS{}
	if f.key("base") != "none" {
		f.fsys = loadTree(t, "testdata/clean")
	}
	for _, d := range f.keys["delete"] {
		if _, ok := f.fsys[d]; !ok {
			t.Fatalf("%s: delete %s: no such file in the base", file, d)
		}
		delete(f.fsys, d)
	}
	for _, im := range f.keys["image"] {
		p, fx, _ := strings.Cut(im, " ")
		f.fsys[p] = &fstest.MapFile{Data: gunzipFixture(t, fx), Mode: 0o644}
	}
	for _, sz := range f.keys["sized"] {
		p, n, _ := strings.Cut(sz, " ")
		size, err := strconv.Atoi(n)
		if err != nil {
			t.Fatalf("%s: sized %q: %v", file, sz, err)
		}
		f.fsys[p] = &fstest.MapFile{Data: make([]byte, size), Mode: 0o644}
	}
	for _, af := range ar.Files {
		switch af.Name {
		case "overrides":
			f.overrides, err = ParseOverrides(file+":overrides", strings.NewReader(string(af.Data)))
			if err != nil {
				t.Fatal(err)
			}
		case "nova":
			f.nova, err = nova.ReadCombinations(file+":nova", af.Data)
			if err != nil {
				t.Fatal(err)
			}
		case "symlinks":
			for _, l := range strings.Split(strings.TrimSpace(string(af.Data)), "\n") {
				from, to, ok := strings.Cut(l, " -> ")
				if !ok {
					t.Fatalf("%s: bad symlink line %q", file, l)
				}
				f.fsys[from] = &fstest.MapFile{Data: []byte(to), Mode: fs.ModeSymlink | 0o777}
			}
		default:
			f.fsys[af.Name] = &fstest.MapFile{Data: af.Data, Mode: 0o644}
		}
	}
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for n := range f.fsys {
			if !yield(n) {
				return
			}
		}
	}) {
		if path.Dir(name) == "domcaps" {
			c, err := domcaps.Parse(name, f.fsys[name].Data)
			if err != nil {
				t.Fatal(err)
			}
			f.caps = append(f.caps, c)
		}
		if path.Dir(name) == "domains" && strings.HasSuffix(name, ".xml") {
			f.domains = append(f.domains, DomainFile{Path: name, Data: f.fsys[name].Data})
		}
	}
	return f
}

// run audits the fixture.
func (f *fixture) run(t *testing.T) *report.Report {
	t.Helper()
	r, _ := f.runWith(t, false)
	return r
}

// runWith audits the fixture with Options.ReleaseData as given and returns
// the set too.
func (f *fixture) runWith(t *testing.T, release bool) (*report.Report, *descriptor.Set) {
	t.Helper()
	opts := f.options(t, release)
	set, err := descriptor.Load(descriptor.Options{FS: f.fsys, Rules: opts.Profile.Rules})
	if err != nil {
		t.Fatal(err)
	}
	r, err := Run(context.Background(), set, opts)
	if err != nil {
		t.Fatalf("%s: %v", f.name, err)
	}
	return r, set
}

// options are the fixture's audit options, with Options.ReleaseData as
// given.
func (f *fixture) options(t *testing.T, release bool) Options {
	t.Helper()
	p := matcher.Latest
	var err error
	if v := f.key("libvirt"); v != "" {
		if p, err = matcher.ProfileFor(v); err != nil {
			t.Fatal(err)
		}
	}
	opts := Options{Profile: p, Domains: f.domains, EmptyDomainDirs: f.keys["emptydomains"], Require: f.keys["require"], Overrides: f.overrides, Files: f.fsys, Nova: f.nova, DomainCaps: f.caps}
	opts.Contents = f.key("contents") == "yes"
	if at := f.key("at"); at != "" {
		if opts.At, err = time.Parse(time.DateOnly, at); err != nil {
			t.Fatal(err)
		}
	}
	if f.key("files") == "no" {
		opts.Files, opts.FilesSkipped = nil, "fixture without images"
	}
	opts.ReleaseData = release
	return opts
}

// gunzipFixture reads one of varstore's real images (testdata/README.md
// there gives their provenance).
func gunzipFixture(t *testing.T, name string) []byte {
	t.Helper()
	fh, err := os.Open(filepath.Join("..", "varstore", "testdata", name+".gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	zr, err := gzip.NewReader(fh)
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(io.LimitReader(zr, 128<<20))
	if err != nil {
		t.Fatal(err)
	}
	return data
}
