package audit

// Hostile input to the audit library (issue 11): every test here failed
// (or hung) before the fix it names and must keep passing.

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/internal/hostiletest"
	"github.com/fwaudit/fwaudit/internal/safefile"
	"github.com/fwaudit/fwaudit/report"
)

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// Case 1: a --domains directory holding a FIFO, a link to /dev/zero and a
// file over the cap. ReadDomains used to hang on the FIFO and read
// /dev/zero until memory ran out; now each is a domain-invalid finding and
// the good domain is still judged.
func TestHostileDomains(t *testing.T) {
	dir := t.TempDir()
	copyFile(t, "testdata/clean/domains/plain-guest.xml", filepath.Join(dir, "a-good.xml"))
	hostiletest.Mkfifo(t, filepath.Join(dir, "b-pipe.xml"))
	if err := os.Symlink("/dev/zero", filepath.Join(dir, "c-zero.xml")); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "d-big.xml")
	if err := os.WriteFile(big, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, MaxDomainSize+1); err != nil {
		t.Fatal(err)
	}
	var doms []DomainFile
	hostiletest.Within(t, "ReadDomains", func() {
		var err error
		doms, err = ReadDomains([]string{dir, "/dev/zero"})
		if err != nil {
			t.Error(err)
		}
	})
	type got struct {
		Name string
		Err  error
		Data int
	}
	var gots []got
	for _, d := range doms {
		gots = append(gots, got{filepath.Base(d.Path), d.Err, len(d.Data)})
	}
	want := []struct {
		name string
		err  error
	}{{"a-good.xml", nil}, {"b-pipe.xml", safefile.ErrNotRegular}, {"c-zero.xml", safefile.ErrNotRegular}, {"d-big.xml", safefile.ErrTooLarge}, {"zero", safefile.ErrNotRegular}}
	if len(gots) != len(want) {
		t.Fatalf("ReadDomains = %+v; want %d files", gots, len(want))
	}
	for i, w := range want {
		g := gots[i]
		if g.Name != w.name || !errors.Is(g.Err, w.err) || (w.err == nil) != (g.Data > 0) {
			t.Errorf("file %d = %+v; want %s with error %v", i, g, w.name, w.err)
		}
		if g.Err != nil && !strings.Contains(g.Err.Error(), w.name) {
			t.Errorf("error %q does not name the file", g.Err)
		}
	}

	set, err := descriptor.Load(descriptor.Options{Root: "testdata/clean"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := Run(context.Background(), set, Options{Domains: doms})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(findingsOf(r, RuleDomainInvalid)); n != 4 {
		t.Errorf("%d domain-invalid findings; want 4 (pipe, zero, big, /dev/zero):\n%s", n, dump(r))
	}
	if len(r.Domains) != 1 || !strings.HasSuffix(r.Domains[0].File, "a-good.xml") {
		t.Errorf("domains judged = %+v; want a-good.xml", r.Domains)
	}
}

const hostileDesc = `{"description":"%s","interface-types":["uefi"],"mapping":{"device":"flash",` +
	`"executable":{"filename":"/usr/share/OVMF/OVMF_CODE_4M.fd","format":"raw"},"nvram-template":{"filename":"/usr/share/OVMF/OVMF_VARS_4M.fd","format":"raw"}},` +
	`"targets":[{"architecture":"x86_64","machines":["pc-q35-*"]}],"features":["acpi-s3"],"tags":[]}`

// Case 3: lint --root DIR PATH... resolves the paths and their symlinks
// inside DIR, as audit --root does. LoadPaths used to follow a package's
// p.json -> /host/secret.json to the host's file, and its in-package
// absolute link to a false lookup error.
func TestHostileLoadPathsRoot(t *testing.T) {
	destdir := t.TempDir()
	fw := filepath.Join(destdir, "usr/share/qemu/firmware")
	secret := filepath.Join(t.TempDir(), "secret.json")
	if err := os.WriteFile(secret, []byte(strings.Replace(hostileDesc, "%s", "host secret", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(fw, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(fw, "40-real.json"), []byte(strings.Replace(hostileDesc, "%s", "package", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, target := range map[string]string{"50-x.json": "/usr/share/qemu/firmware/40-real.json", "60-p.json": secret} {
		if err := os.Symlink(target, filepath.Join(fw, name)); err != nil {
			t.Fatal(err)
		}
	}

	type row struct {
		Path        string
		Status      descriptor.Status
		Description string
	}
	rows := func(s *descriptor.Set) []row {
		var out []row
		for _, e := range s.Entries {
			r := row{Path: e.Path, Status: e.Status}
			if e.Descriptor != nil {
				r.Description = e.Descriptor.Description
			}
			out = append(out, r)
		}
		return out
	}
	const in = "/usr/share/qemu/firmware/"
	for _, tc := range []struct {
		name  string
		paths []string
		want  []row
	}{
		{"directory", []string{fw}, []row{
			{in + "40-real.json", descriptor.StatusActive, "package"},
			{in + "50-x.json", descriptor.StatusActive, "package"},
			{in + "60-p.json", descriptor.StatusError, ""},
		}},
		{"files", []string{filepath.Join(fw, "50-x.json"), filepath.Join(fw, "60-p.json")}, []row{
			{in + "50-x.json", descriptor.StatusActive, "package"},
			{in + "60-p.json", descriptor.StatusError, ""},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set, err := LoadPaths(destdir, tc.paths, nil)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, rows(set)); diff != "" {
				t.Errorf("entries mismatch (-want +got):\n%s", diff)
			}
			for _, e := range set.Entries {
				if strings.Contains(string(e.Data), "host secret") {
					t.Errorf("%s: read the host's %s", e.Path, secret)
				}
			}
		})
	}
	if _, err := LoadPaths(destdir, []string{secret}, nil); err == nil || !strings.Contains(err.Error(), "not inside the root") {
		t.Errorf("LoadPaths(a path outside the root) error = %v", err)
	}
	// Without a root the same link is the host's file, as libvirt on the
	// host would read it.
	set, err := LoadPaths("", []string{filepath.Join(fw, "60-p.json")}, nil)
	if err != nil || len(set.Entries) != 1 || set.Entries[0].Status != descriptor.StatusActive || set.Entries[0].Descriptor.Description != "host secret" {
		t.Errorf("LoadPaths without a root = %+v, %v", set, err)
	}
}

// Case 7: a FIFO named as a lint path or as the overrides file used to
// hang; both are refused at once, naming the file.
func TestHostileFIFOArguments(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.json")
	hostiletest.Mkfifo(t, fifo)
	hostiletest.Within(t, "LoadPaths(fifo)", func() {
		if _, err := LoadPaths("", []string{fifo}, nil); !errors.Is(err, safefile.ErrNotRegular) || !strings.Contains(err.Error(), fifo) {
			t.Errorf("LoadPaths(fifo) error = %v; want ErrNotRegular naming the file", err)
		}
	})
	hostiletest.Within(t, "ReadOverrides(fifo)", func() {
		if _, err := ReadOverrides(fifo); !errors.Is(err, safefile.ErrNotRegular) || !strings.Contains(err.Error(), fifo) {
			t.Errorf("ReadOverrides(fifo) error = %v; want ErrNotRegular naming the file", err)
		}
	})
	big := filepath.Join(dir, "big")
	os.WriteFile(big, nil, 0o644)
	os.Truncate(big, MaxOverridesSize+1)
	if _, err := ReadOverrides(big); !errors.Is(err, safefile.ErrTooLarge) {
		t.Errorf("ReadOverrides(big) error = %v; want ErrTooLarge", err)
	}
}

// Case 8: an overrides line longer than 64 KiB (bufio.Scanner's limit)
// used to reject the whole file with no line number. Lines of any length
// are read; errors keep their line numbers.
func TestHostileOverridesLongLines(t *testing.T) {
	long := strings.Repeat("x", 100<<10)
	text := "# " + long + "\n" +
		"shadowed *" + long + "*\n" +
		"no-such-rule " + long + "\n" +
		"masked\r\n"
	p := filepath.Join(t.TempDir(), "overrides")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	ovs, err := ReadOverrides(p)
	if err == nil || !strings.Contains(err.Error(), p+":3: unknown rule \"no-such-rule\"") || strings.Contains(err.Error(), ":1:") {
		t.Errorf("ReadOverrides error = %v; want one about line 3", err)
	}
	var got []string
	for _, o := range ovs {
		got = append(got, o.Rule+"@"+string(rune('0'+o.Line)))
	}
	if want := []string{"shadowed@2", "masked@4"}; !cmp.Equal(got, want) {
		t.Errorf("overrides = %v; want %v", got, want)
	}
	if len(ovs) > 0 && ovs[0].Glob != "*"+long+"*" {
		t.Errorf("the long glob was cut to %d bytes", len(ovs[0].Glob))
	}
}

// Case 9, second half: a file over 1 MiB given to lint directly used to be
// an I/O error (exit 3), while the same file in a directory was a
// finding. It is now the same finding either way.
func TestHostileOversizedFileDirectOrInDir(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "50-big.json")
	big := strings.Replace(hostileDesc, "%s", strings.Repeat("x", descriptor.MaxSize), 1)
	if err := os.WriteFile(p, []byte(big), 0o644); err != nil {
		t.Fatal(err)
	}
	lint := func(paths ...string) []report.Finding {
		t.Helper()
		set, err := LoadPaths("", paths, nil)
		if err != nil {
			t.Fatalf("LoadPaths(%v): %v", paths, err)
		}
		r, err := Lint(context.Background(), set, Options{})
		if err != nil {
			t.Fatal(err)
		}
		var out []report.Finding
		for _, f := range r.Findings.All() {
			if f.File == p {
				out = append(out, f)
			}
		}
		return out
	}
	direct, inDir := lint(p), lint(dir)
	if len(direct) == 0 || direct[0].Rule != RuleDescriptorInvalid {
		t.Fatalf("direct: findings %+v; want descriptor-invalid", direct)
	}
	if diff := cmp.Diff(inDir, direct); diff != "" {
		t.Errorf("findings differ (-in a directory +given directly):\n%s", diff)
	}
}
