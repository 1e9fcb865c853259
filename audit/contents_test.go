package audit

import (
	"context"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/fwaudit/fwaudit"
	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/report"
)

// debianRoot lays a release's real x86_64 descriptors (the bundled
// catalogue set) over a root with that release's real VARS templates
// (varstore's fixtures) and raw CODE stand-ins of the real sizes.
func debianRoot(t *testing.T, release string) fstest.MapFS {
	t.Helper()
	cat, ok := fwaudit.Distro(release)
	if !ok {
		t.Fatalf("no bundled set %s", release)
	}
	root := fstest.MapFS{}
	ents, err := fs.ReadDir(cat, "usr/share/qemu/firmware")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if !strings.Contains(e.Name(), "x86_64") || strings.Contains(e.Name(), "amdsev") || strings.Contains(e.Name(), "inteltdx") {
			continue
		}
		data, err := fs.ReadFile(cat, "usr/share/qemu/firmware/"+e.Name())
		if err != nil {
			t.Fatal(err)
		}
		root["usr/share/qemu/firmware/"+e.Name()] = &fstest.MapFile{Data: data, Mode: 0o644}
	}
	if len(root) < 3 {
		t.Fatalf("%s: only %d x86_64 descriptors", release, len(root))
	}
	root["usr/share/OVMF/OVMF_VARS_4M.ms.fd"] = &fstest.MapFile{Data: gunzipFixture(t, "raw/"+release+"_OVMF_VARS_4M.ms.fd"), Mode: 0o644}
	// The empty template is the same empty store in every release.
	root["usr/share/OVMF/OVMF_VARS_4M.fd"] = &fstest.MapFile{Data: gunzipFixture(t, "raw/debian-13_OVMF_VARS_4M.fd"), Mode: 0o644}
	code := make([]byte, 3653632) // OVMF_CODE_4M.*.fd in all three releases
	for _, n := range []string{"OVMF_CODE_4M.fd", "OVMF_CODE_4M.secboot.fd"} {
		root["usr/share/OVMF/"+n] = &fstest.MapFile{Data: code, Mode: 0o644}
	}
	root["usr/share/OVMF/OVMF_CODE_4M.ms.fd"] = &fstest.MapFile{Data: []byte("OVMF_CODE_4M.secboot.fd"), Mode: fs.ModeSymlink | 0o777}
	return root
}

func auditContents(t *testing.T, root fstest.MapFS) *report.Report {
	t.Helper()
	set, err := descriptor.Load(descriptor.Options{FS: root})
	if err != nil {
		t.Fatal(err)
	}
	r, err := Run(context.Background(), set, Options{Files: root, Contents: true, At: time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestDebianTemplates2023 is the acceptance test: Debian 13's
// .ms.fd template lacks the 2023 CAs (finding, degraded Secure Boot
// cells); Debian unstable's has them (no finding, cells ok).
func TestDebianTemplates2023(t *testing.T) {
	for _, c := range []struct {
		release  string
		outdated bool
	}{{"debian-13", true}, {"debian-12", true}, {"debian-unstable", false}} {
		t.Run(c.release, func(t *testing.T) {
			r := auditContents(t, debianRoot(t, c.release))
			fs := findingsOf(r, RuleSecureBootCAsOutdated)
			if c.outdated != (len(fs) == 1) || (c.outdated && !strings.Contains(fs[0].Message, "/usr/share/OVMF/OVMF_VARS_4M.ms.fd")) {
				t.Errorf("%s findings: %+v", RuleSecureBootCAsOutdated, fs)
			}
			for _, rule := range []string{RuleTemplateUnreadable, RuleFlashLayoutMismatch, RuleImageFormatMismatch, RuleEnrolledKeysMismatch, RuleMissingFile} {
				if got := findingsOf(r, rule); len(got) > 0 {
					t.Errorf("unexpected %s: %+v", rule, got)
				}
			}
			cells := 0
			for _, cv := range r.Coverage {
				if cv.Arch != "x86_64" || cv.Machine != "q35" || (cv.FeatureSet != "secure-boot" && cv.FeatureSet != "secure-boot+enrolled-keys") {
					continue
				}
				cells++
				degraded := cv.Status == "degraded" && strings.Contains(strings.Join(cv.Lacks, ","), lack2023)
				if degraded != c.outdated || (!c.outdated && cv.Status != "ok") {
					t.Errorf("cell %s: %s %v", cv.FeatureSet, cv.Status, cv.Lacks)
				}
			}
			if cells != 2 {
				t.Fatalf("%d Secure Boot cells for x86_64 q35, want 2", cells)
			}
		})
	}
}

// TestLayout2MVars4MCode: the third acceptance case.
func TestLayout2MVars4MCode(t *testing.T) {
	root := debianRoot(t, "debian-unstable")
	root["usr/share/OVMF/OVMF_VARS_4M.ms.fd"] = &fstest.MapFile{Data: gunzipFixture(t, "raw/debian-12_OVMF_VARS.ms.fd"), Mode: 0o644}
	r := auditContents(t, root)
	fs := findingsOf(r, RuleFlashLayoutMismatch)
	if len(fs) != 1 || fs[0].Severity != report.Error || !strings.Contains(fs[0].Message, "a 128 KiB VARS (131072 bytes) with a 3568 KiB CODE") {
		t.Errorf("flash-layout-mismatch: %+v", fs)
	}
}

// TestContentsReadOnce: coverage, lint and domains share one read per file.
func TestContentsReadOnce(t *testing.T) {
	root := debianRoot(t, "debian-13")
	set, err := descriptor.Load(descriptor.Options{FS: root})
	if err != nil {
		t.Fatal(err)
	}
	counting := &countFS{FS: root, opens: map[string]int{}}
	if _, err := Run(context.Background(), set, Options{Files: counting, Contents: true}); err != nil {
		t.Fatal(err)
	}
	if n := counting.opens["usr/share/OVMF/OVMF_VARS_4M.ms.fd"]; n != 1 {
		t.Errorf("the template was opened %d times, want 1", n)
	}
}

type countFS struct {
	fstest.MapFS
	FS    fstest.MapFS
	opens map[string]int
}

func (c *countFS) Open(name string) (fs.File, error) {
	c.opens[name]++
	return c.FS.Open(name)
}
func (c *countFS) Stat(name string) (fs.FileInfo, error)   { return fs.Stat(c.FS, name) }
func (c *countFS) ReadLink(name string) (string, error)    { return c.FS.ReadLink(name) }
func (c *countFS) Lstat(name string) (fs.FileInfo, error)  { return c.FS.Lstat(name) }
func (c *countFS) ReadDir(n string) ([]fs.DirEntry, error) { return c.FS.ReadDir(n) }
