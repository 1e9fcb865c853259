package diff_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fwaudit/fwaudit/audit"
	"github.com/fwaudit/fwaudit/diff"
	"github.com/fwaudit/fwaudit/internal/sariftest"
	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func side(t testing.TB, spec string) diff.Side {
	t.Helper()
	sp, err := diff.ParseSpec(spec)
	if err != nil {
		t.Fatal(err)
	}
	s, err := diff.Load(context.Background(), sp, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func domains(t testing.TB) []diff.Domain {
	t.Helper()
	files, err := audit.ReadDomains([]string{"testdata/domains"})
	if err != nil {
		t.Fatal(err)
	}
	ds, err := diff.ReadDomains(files)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func compare(t testing.TB, old, new string, doms []diff.Domain) *diff.Result {
	t.Helper()
	r, err := diff.Compare(context.Background(), side(t, old), side(t, new), doms)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// Debian 12 to 13, each judged with its own libvirt (9.0, 11.3): what an
// operator upgrading sees.
func TestDebian12To13(t *testing.T) {
	doms := domains(t)
	if len(doms) != 4 {
		t.Fatalf("read %d firmware domains, want 4 (bios.xml uses none)", len(doms))
	}
	r := compare(t, "distro:debian-12", "distro:debian-13", doms)
	if r.Old.Profile != "libvirt-9.0" || r.New.Profile != "libvirt-11.3" {
		t.Errorf("profiles %s -> %s, want each distribution's own", r.Old.Profile, r.New.Profile)
	}
	var regressed []string
	for _, c := range r.Coverage {
		if c.Regression {
			regressed = append(regressed, c.Key())
		}
	}
	// libvirt 11.3 refuses the i386 Secure Boot build for guests that do
	// not ask for Secure Boot ("Secure boot is supported for x86_64
	// architecture only"), and it sorts first.
	if d := cmp.Diff([]string{"i686/q35/uefi", "i686/q35/secure-boot"}, regressed); d != "" {
		t.Errorf("regressed cells (-want +got):\n%s", d)
	}
	var added []string
	for _, a := range r.Added {
		added = append(added, a.Name)
	}
	if d := cmp.Diff([]string{"60-edk2-i386.json", "60-edk2-loongarch64.json", "60-edk2-riscv64.json"}, added); d != "" {
		t.Errorf("added (-want +got):\n%s", d)
	}
	// Debian 13's descriptor names AAVMF_CODE.no-secboot.fd, and the
	// package keeps AAVMF_CODE.fd as a symlink to it (hostfs/debian-13.txt).
	if len(r.PathsGone) != 1 || r.PathsGone[0] != (diff.PathGone{Path: "/usr/share/AAVMF/AAVMF_CODE.fd", Kind: "executable", Descriptor: "60-edk2-aarch64.json", File: "installed"}) {
		t.Errorf("paths gone: %+v", r.PathsGone)
	}
	got := map[string]bool{}
	for _, d := range r.Domains {
		got[d.Name] = d.Regression
	}
	want := map[string]bool{"i686-efi": true}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("domains that change (name: regression) (-want +got):\n%s", d)
	}
	if !r.Regressed() || r.Regressions != 2+1 {
		t.Errorf("regressions = %d, want 3 (2 cells, 1 domain)", r.Regressions)
	}
	golden(t, "debian-12-to-13", r)
}

// Ubuntu 24.04 to its updates: SEV-ES arrives, stateless only.
func TestUbuntuUpdates(t *testing.T) {
	r := compare(t, "distro:ubuntu-24.04", "distro:ubuntu-24.04-updates", domains(t))
	cells := map[string]string{}
	for _, c := range r.Coverage {
		if c.Arch == "x86_64" {
			cells[c.Key()] = c.Old.Status + "->" + c.New.Status
		}
	}
	want := map[string]string{"x86_64/q35/stateless": "gap->ok", "x86_64/q35/amd-sev-es+stateless": "gap->ok"}
	if d := cmp.Diff(want, cells); d != "" {
		t.Errorf("x86_64 cells (-want +got):\n%s", d)
	}
	if len(r.Added) != 1 || r.Added[0].Name != "60-edk2-x86_64-amdsev.json" {
		t.Errorf("added %+v", r.Added)
	}
	golden(t, "ubuntu-24.04-to-updates", r)
}

// The same set on both sides, and the same release: nothing changes.
func TestNoChange(t *testing.T) {
	r := compare(t, "distro:debian-13", "distro:debian-13", domains(t))
	if r.Regressed() || len(r.Coverage)+len(r.Added)+len(r.Removed)+len(r.Renamed)+len(r.PathsGone)+len(r.Domains) != 0 {
		t.Errorf("a set against itself: %+v", r)
	}
	if r.DomainsCompared != 4 {
		t.Errorf("compared %d domains", r.DomainsCompared)
	}
}

// A release change alone: Debian 13's set judged by 11.3 and by nova's
// legacy selection.
func TestReleaseOnly(t *testing.T) {
	r := compare(t, "distro:debian-13@11.3", "distro:debian-13@nova-legacy", nil)
	if r.New.Profile != "nova-legacy" || len(r.Coverage) == 0 || len(r.Added)+len(r.Removed) != 0 {
		t.Errorf("%s -> %s: %d cells, %+v %+v", r.Old.Profile, r.New.Profile, len(r.Coverage), r.Added, r.Removed)
	}
}

func TestRenamed(t *testing.T) {
	dir := t.TempDir()
	write := func(root, name, exe string) {
		p := filepath.Join(dir, root, "usr/share/qemu/firmware", name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		data := `{"description":"x","interface-types":["uefi"],"mapping":{"device":"flash","executable":{"filename":"` + exe +
			`","format":"raw"},"nvram-template":{"filename":"/fw/VARS.fd","format":"raw"}},"targets":[{"architecture":"x86_64","machines":["pc-q35-*"]}],"features":[],"tags":[]}`
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("old", "50-a.json", "/fw/A.fd")
	write("old", "60-b.json", "/fw/B.fd")
	write("new", "40-a.json", "/fw/A.fd")
	write("new", "60-c.json", "/fw/C.fd")
	r := compare(t, filepath.Join(dir, "old")+"@12.8", filepath.Join(dir, "new")+"@12.8", nil)
	if len(r.Renamed) != 1 || r.Renamed[0].Old.Name != "50-a.json" || r.Renamed[0].New.Name != "40-a.json" {
		t.Errorf("renamed %+v", r.Renamed)
	}
	if len(r.Removed) != 1 || r.Removed[0].Name != "60-b.json" || len(r.Added) != 1 || r.Added[0].Name != "60-c.json" {
		t.Errorf("removed %+v added %+v", r.Removed, r.Added)
	}
	if len(r.PathsGone) != 1 || r.PathsGone[0] != (diff.PathGone{Path: "/fw/B.fd", Kind: "executable", Descriptor: "60-b.json", File: "removed"}) {
		t.Errorf("paths gone %+v", r.PathsGone)
	}
	if r.Regressions != 1 {
		t.Errorf("regressions = %d, want 1 (the path removed)", r.Regressions)
	}
	// The new root still installs the file: no regression.
	if err := os.MkdirAll(filepath.Join(dir, "new/fw"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "new/fw/B.fd"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	r = compare(t, filepath.Join(dir, "old")+"@12.8", filepath.Join(dir, "new")+"@12.8", nil)
	if len(r.PathsGone) != 1 || r.PathsGone[0].File != "installed" || r.Regressed() {
		t.Errorf("installed: paths gone %+v, regressions %d", r.PathsGone, r.Regressions)
	}
	// A firmware directory on its own is read as one.
	r = compare(t, filepath.Join(dir, "old/usr/share/qemu/firmware")+"@12.8", filepath.Join(dir, "new")+"@12.8", nil)
	if r.Old.Descriptors != 2 || len(r.Renamed) != 1 {
		t.Errorf("firmware directory side: %d descriptors, renamed %+v", r.Old.Descriptors, r.Renamed)
	}
}

func TestParseSpec(t *testing.T) {
	for in, want := range map[string]diff.Spec{
		"distro:debian-12":             {Distro: "debian-12"},
		"distro:ubuntu-24.04@10.0":     {Distro: "ubuntu-24.04", Release: "10.0"},
		"distro:debian-13@nova-legacy": {Distro: "debian-13", Release: "nova-legacy"},
		"/":                            {Path: "/"},
		"/mnt/a@b/root@12.8":           {Path: "/mnt/a@b/root", Release: "12.8"},
	} {
		got, err := diff.ParseSpec(in)
		if err != nil || got != want {
			t.Errorf("ParseSpec(%q) = %+v, %v; want %+v", in, got, err, want)
		}
		if err == nil && got.String() != in {
			t.Errorf("%+v.String() = %q, want %q", got, got.String(), in)
		}
	}
	for _, bad := range []string{"distro:nope", "distro:debian-12@", "", "@10.0"} {
		if _, err := diff.ParseSpec(bad); err == nil {
			t.Errorf("ParseSpec(%q) accepted", bad)
		}
	}
	for _, bad := range []string{"distro:debian-12@9.x", "distro:debian-12@libvirt-1.0", "/no/such/dir"} {
		sp, err := diff.ParseSpec(bad)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := diff.Load(context.Background(), sp, nil); err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("Load(%q): err = %v, want one naming the side", bad, err)
		}
	}
}

// Every rule of the catalogue's diff category fires on the bundled sets.
func TestRulesFire(t *testing.T) {
	fired := map[string]bool{}
	old, new := keyRoots(t)
	for _, pair := range [][2]string{{"distro:debian-12", "distro:debian-13"}, {"distro:ubuntu-24.04", "distro:debian-13"}, {"distro:debian-13", "distro:debian-unstable"}, {old, new}} {
		for _, f := range compare(t, pair[0], pair[1], domains(t)).Report().Findings.All() {
			fired[f.Rule] = true
		}
	}
	for _, ri := range audit.Rules() {
		if ri.Category == audit.CategoryDiff && !fired[ri.ID] {
			t.Errorf("rule %s never fired", ri.ID)
		}
	}
}

func render(t *testing.T, r *diff.Result, f diff.Format) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := diff.Write(&b, r, f); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// golden compares every format with testdata/golden/NAME.*, checks the
// JSON against the schema and the SARIF against SARIF 2.1.0's.
func golden(t *testing.T, name string, r *diff.Result) {
	t.Helper()
	js := render(t, r, diff.JSON)
	if err := diff.ValidateJSON(js); err != nil {
		t.Errorf("%s: %v", name, err)
	}
	sarif := render(t, r, diff.SARIF)
	if err := sariftest.Validate(sarif); err != nil {
		t.Errorf("%s: SARIF does not conform to 2.1.0: %v", name, err)
	}
	for ext, data := range map[string][]byte{".json": js, ".txt": render(t, r, diff.Text), ".sarif": sarif} {
		file := filepath.Join("testdata/golden", name+ext)
		if *update {
			if err := os.MkdirAll("testdata/golden", 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(file, data, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(file)
		if err != nil {
			t.Fatalf("%v (run go test ./diff -update)", err)
		}
		if d := cmp.Diff(string(want), string(data)); d != "" {
			t.Errorf("%s differs (-want +got):\n%s", file, d)
		}
	}
}

// The schema check can fail: each edit breaks a valid document.
func TestSchemaRejects(t *testing.T) {
	js := render(t, compare(t, "distro:debian-12", "distro:debian-13", domains(t)), diff.JSON)
	for name, edit := range map[string]func(map[string]any){
		"version":       func(m map[string]any) { m["schema_version"] = 2 },
		"extra member":  func(m map[string]any) { m["extra"] = true },
		"missing paths": func(m map[string]any) { delete(m, "paths_gone") },
		"bad status": func(m map[string]any) {
			m["coverage"].([]any)[0].(map[string]any)["new"].(map[string]any)["status"] = "fine"
		},
		"bad kind": func(m map[string]any) { m["paths_gone"].([]any)[0].(map[string]any)["kind"] = "firmware" },
	} {
		var m map[string]any
		if err := json.Unmarshal(js, &m); err != nil {
			t.Fatal(err)
		}
		edit(m)
		data, _ := json.Marshal(m)
		if err := diff.ValidateJSON(data); err == nil {
			t.Errorf("%s: the schema accepted it", name)
		}
	}
	if err := diff.Write(new(bytes.Buffer), &diff.Result{}, "xml"); err == nil {
		t.Error("Write accepted format xml")
	}
}

// keyRoots builds two roots whose Secure Boot descriptor names the same
// template path, holding Debian 12's and Debian unstable's OVMF_VARS_4M.ms.fd
// (varstore's test data: real templates).
func keyRoots(t *testing.T) (string, string) {
	t.Helper()
	dir := t.TempDir()
	desc := `{"description":"x","interface-types":["uefi"],"mapping":{"device":"flash","executable":{"filename":"/usr/share/OVMF/OVMF_CODE_4M.ms.fd","format":"raw"},"nvram-template":{"filename":"/usr/share/OVMF/OVMF_VARS_4M.ms.fd","format":"raw"}},"targets":[{"architecture":"x86_64","machines":["pc-q35-*"]}],"features":["enrolled-keys","requires-smm","secure-boot"],"tags":[]}`
	for side, vars := range map[string]string{"old": "debian-12_OVMF_VARS_4M.ms.fd.gz", "new": "debian-unstable_OVMF_VARS_4M.ms.fd.gz"} {
		root := filepath.Join(dir, side)
		for p, data := range map[string][]byte{
			"usr/share/qemu/firmware/40-sb.json": []byte(desc),
			"usr/share/OVMF/OVMF_CODE_4M.ms.fd":  nil,
			"usr/share/OVMF/OVMF_VARS_4M.ms.fd":  gunzip(t, filepath.Join("../varstore/testdata/raw", vars)),
		} {
			if err := os.MkdirAll(filepath.Dir(filepath.Join(root, p)), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(root, p), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	return filepath.Join(dir, "old") + "@12.8", filepath.Join(dir, "new") + "@12.8"
}

func gunzip(t *testing.T, name string) []byte {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestEnrolledKeys(t *testing.T) {
	old, new := keyRoots(t)
	r := compare(t, old, new, nil)
	if len(r.Keys) != 1 {
		t.Fatalf("keys: %+v", r.Keys)
	}
	k := r.Keys[0]
	if k.Descriptor != "40-sb.json" || k.New != "/usr/share/OVMF/OVMF_VARS_4M.ms.fd" {
		t.Errorf("%+v", k)
	}
	added := map[string][]string{}
	for _, v := range k.Variables {
		added[v.Name] = v.Added
	}
	// Debian unstable's template adds Microsoft's 2023 CAs to KEK and db.
	for _, db := range []string{"KEK", "db"} {
		if !slices.ContainsFunc(added[db], func(s string) bool { return strings.Contains(s, "2023") }) {
			t.Errorf("%s added %v, want a 2023 certificate", db, added[db])
		}
	}
	if err := diff.ValidateJSON(render(t, r, diff.JSON)); err != nil {
		t.Error(err)
	}
	text := string(render(t, r, diff.Text))
	if !strings.Contains(text, "NVRAM templates whose Secure Boot keys change") || !strings.Contains(text, "KEK: +") {
		t.Errorf("text:\n%s", text)
	}
	t.Log(text)
	// The same root on both sides: no change.
	if r := compare(t, old, old, nil); len(r.Keys) != 0 {
		t.Errorf("a root against itself: %+v", r.Keys)
	}
}
