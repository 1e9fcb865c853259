package main

import (
	"bytes"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/fwaudit/fwaudit/conformance/internal/casefile"
	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/matcher"
	"golang.org/x/tools/txtar"
)

func testPool(t *testing.T) []PoolEntry {
	t.Helper()
	pool, err := LoadPool("../../../testdata/descriptors")
	if err != nil {
		t.Fatal(err)
	}
	return pool
}

func TestGenerateDeterministic(t *testing.T) {
	pool := testPool(t)
	for _, tc := range []struct {
		seed uint64
		i    int
	}{{1, 0}, {1, 7}, {42, 3}, {1 << 40, 99}} {
		a := txtar.Format(Generate(pool, tc.seed, tc.i))
		b := txtar.Format(Generate(pool, tc.seed, tc.i))
		if !bytes.Equal(a, b) {
			t.Errorf("seed %d case %d: two generations differ", tc.seed, tc.i)
		}
		if c := txtar.Format(Generate(pool, tc.seed, tc.i+1)); bytes.Equal(a, c) {
			t.Errorf("seed %d: cases %d and %d are identical", tc.seed, tc.i, tc.i+1)
		}
		if c := txtar.Format(Generate(pool, tc.seed+1, tc.i)); bytes.Equal(a, c) {
			t.Errorf("case %d: seeds %d and %d give identical cases", tc.i, tc.seed, tc.seed+1)
		}
	}
}

// TestGenerateWellFormed checks that generated cases are valid case files
// whose domain and descriptor tree fwaudit can read, and that a run covers
// the areas the generator is meant to exercise.
func TestGenerateWellFormed(t *testing.T) {
	pool := testPool(t)
	const n = 300
	covered := map[string]int{}
	probes := []struct{ name, needle string }{
		{"firmware efi", "<os firmware='efi'>"},
		{"firmware bios", "<os firmware='bios'>"},
		{"no firmware attribute", "  <os>\n"},
		{"firmware features", "<feature enabled="},
		{"smm", "<smm state="},
		{"loader", "<loader"},
		{"stateless loader", "stateless='yes'"},
		{"loader format", "<loader format="},
		{"nvram format", "<nvram format="},
		{"nvram template", "<nvram template="},
		{"network nvram", "type='network'"},
		{"sev", "type='sev'"},
		{"sev-snp", "type='sev-snp'"},
		{"tdx", "type='tdx'"},
		{"aarch64", "arch='aarch64'"},
		{"i686", "arch='i686'"},
		{"armv7l", "arch='armv7l'"},
		{"default emulator", "  <devices>\n  </devices>"},
		{"alias", "machine='q35'"},
		{"pm", "<pm>"},
		{"mask", ": mask\n"},
		{"override", ": override"},
		{"symlink", ": symlink"},
		{"mode mutation", "mode="},
		{"qcow2 mutation", "format=qcow2"},
		{"invalid descriptor", "INVALID:"},
		{"host image", ">/usr/share/AAVMF/AAVMF_CODE"},
		{"respelled path", "/./"},
		{"template format", "templateFormat="},
		{"file nvram source", "<nvram type='file'>"},
		{"block nvram source", "<nvram type='block'>"},
		{"nova sev policy", "<policy>0x003"},
		{"template and file", "'>/var/lib/libvirt/qemu/nvram/"},
		{"features without os firmware", "  <os>\n    <type arch='x86_64' machine='q35'>hvm</type>\n    <firmware>"},
	}
	for i := range n {
		ar := Generate(pool, 7, i)
		if err := casefile.Check(ar); err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		dir := t.TempDir()
		if err := casefile.Extract(ar, dir); err != nil {
			t.Fatalf("case %d: extract: %v", i, err)
		}
		set, err := descriptor.Load(descriptor.Options{Root: filepath.Join(dir, "root")})
		if err != nil {
			t.Fatalf("case %d: load: %v", i, err)
		}
		if len(set.Entries) == 0 {
			t.Errorf("case %d: no descriptors", i)
		}
		dom := ar.Files[casefile.Find(ar, casefile.Domain)].Data
		if _, req, err := matcher.ParseDomain(dom); err != nil {
			t.Fatalf("case %d: %v\n%s", i, err, dom)
		} else if req.Name != "fwl-"+CaseName(7, i) {
			t.Errorf("case %d: domain name %q", i, req.Name)
		}
		all := string(ar.Comment) + string(txtar.Format(&txtar.Archive{Files: ar.Files}))
		for _, p := range probes {
			if strings.Contains(all, p.needle) {
				covered[p.name]++
			}
		}
	}
	for _, p := range probes {
		if covered[p.name] == 0 {
			t.Errorf("%d cases never exercise %s (%q)", n, p.name, p.needle)
		}
	}
}

func TestDiffAnswer(t *testing.T) {
	s := func(v string) *string { return &v }
	okGot := &matcher.Answer{OK: true, Descriptor: s("50-a.json"), OSFirmware: s("efi"),
		Loader: &matcher.AnswerLoader{Path: s("/x/CODE.fd"), Type: s("pflash"), Readonly: s("yes")}}
	failGot := &matcher.Answer{OK: false, Error: s("operation failed: no"), Descriptor: s("50-a.json")}
	for _, tc := range []struct {
		name   string
		answer string
		got    *matcher.Answer
		want   []string // substrings of the diff; none: agreement
	}{
		{"agree", `{"ok": true, "descriptor": "50-a.json", "os_firmware": "efi", "loader": {"path": "/x/CODE.fd", "type": "pflash", "readonly": "yes"}, "nvram": null}`,
			okGot, nil},
		{"other winner", `{"ok": true, "descriptor": "60-b.json", "os_firmware": "efi", "loader": {"path": "/x/CODE.fd", "type": "pflash", "readonly": "yes"}}`,
			okGot, []string{"60-b.json", "50-a.json"}},
		{"loader attribute", `{"ok": true, "descriptor": "50-a.json", "os_firmware": "efi", "loader": {"path": "/x/CODE.fd", "type": "pflash", "readonly": "yes", "secure": "yes"}}`,
			okGot, []string{"Secure"}},
		{"libvirt fails", `{"ok": false, "error": "operation failed: no", "stage": "define", "descriptor": null}`,
			okGot, []string{"OK", "operation failed: no"}},
		{"same failure, extra fields ignored", `{"ok": false, "error": "operation failed: no", "descriptor": "50-a.json", "loader": {"path": "/y"}}`,
			failGot, nil},
		{"other error", `{"ok": false, "error": "XML error: bad", "descriptor": "50-a.json"}`,
			failGot, []string{"XML error: bad"}},
		{"crashed daemon, success predicted", `{"ok": false, "error": "End of file", "stage": "define", "daemon_crashed": true}`,
			okGot, []string{"DaemonCrashed"}},
		{"crashed daemon, crash predicted", `{"ok": false, "error": "End of file (virsh, /tmp/x)", "stage": "define", "daemon_crashed": true, "descriptor": "50-a.json"}`,
			&matcher.Answer{OK: false, Error: s(matcher.ErrDaemonCrashed), Stage: s("define"), DaemonCrashed: true, Descriptor: s("50-a.json")}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := diffAnswer([]byte(tc.answer), tc.got)
			if err != nil {
				t.Fatal(err)
			}
			if len(tc.want) == 0 && d != "" {
				t.Errorf("unexpected diff:\n%s", d)
			}
			if len(tc.want) > 0 && d == "" {
				t.Errorf("no diff, want one mentioning %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(d, w) {
					t.Errorf("diff does not mention %q:\n%s", w, d)
				}
			}
		})
	}
}

// TestCompareNoticesChangedAnswer compares a recorded case, then the same
// case with one recorded answer altered: the alteration must show up as a
// disagreement of that version.
func TestCompareNoticesChangedAnswer(t *testing.T) {
	ar, err := casefile.Read("../../testdata/cases/pin-loader-path-plain.txtar")
	if err != nil {
		t.Fatal(err)
	}
	before, compared, err := Compare(ar)
	if err != nil {
		t.Fatal(err)
	}
	if compared != 4 {
		t.Fatalf("compared %d answers, want 4 (libvirt 9, 10, 11, 12)", compared)
	}
	i := casefile.Find(ar, casefile.AnswerSection("12"))
	if i < 0 {
		t.Fatal("no libvirt 12 answer")
	}
	if !bytes.Contains(ar.Files[i].Data, []byte(`"descriptor": "`)) {
		t.Fatalf("answer names no descriptor:\n%s", ar.Files[i].Data)
	}
	ar.Files[i].Data = bytes.Replace(ar.Files[i].Data, []byte(`"descriptor": "`), []byte(`"descriptor": "zz-altered-`), 1)
	after, _, err := Compare(ar)
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, d := range after {
		found = found || (d.Version == "12" && d.Profile == "libvirt-12.8" && strings.Contains(d.Text, "zz-altered-"))
	}
	if !found {
		t.Errorf("altered libvirt 12 answer not reported; before %v, after %v", before, after)
	}
}

func TestGenerateUpgradeDeterministic(t *testing.T) {
	pool := testPool(t)
	for _, tc := range []struct {
		seed uint64
		i    int
	}{{1, 0}, {1, 7}, {42, 3}, {1 << 40, 99}} {
		a := txtar.Format(GenerateUpgrade(pool, tc.seed, tc.i))
		if b := txtar.Format(GenerateUpgrade(pool, tc.seed, tc.i)); !bytes.Equal(a, b) {
			t.Errorf("seed %d case %d: two generations differ", tc.seed, tc.i)
		}
		if c := txtar.Format(GenerateUpgrade(pool, tc.seed, tc.i+1)); bytes.Equal(a, c) {
			t.Errorf("seed %d: cases %d and %d are identical", tc.seed, tc.i, tc.i+1)
		}
	}
}

// rootSections returns a case's sections and symlink lines under prefix,
// with the prefix removed, as one comparable text.
func rootSections(ar *txtar.Archive, prefix string) string {
	var b strings.Builder
	for _, f := range ar.Files {
		if rest, ok := strings.CutPrefix(f.Name, prefix); ok {
			b.WriteString("-- " + rest + " --\n" + string(f.Data))
		}
	}
	if i := casefile.Find(ar, casefile.Symlinks); i >= 0 {
		links, _ := casefile.ParseSymlinks(ar.Files[i].Data)
		for _, l := range links {
			if rest, ok := strings.CutPrefix(l.Link, prefix); ok {
				b.WriteString("link " + rest + " -> " + l.Target + "\n")
			}
		}
	}
	return b.String()
}

// TestGenerateUpgradeWellFormed checks that upgrade cases are valid
// existing-domain case files whose define-root/ is exactly the live case of
// the same seed and index and whose root/ differs from it, that fwaudit can
// predict them with every profile, and that a run exercises every kind of
// change.
func TestGenerateUpgradeWellFormed(t *testing.T) {
	pool := testPool(t)
	const n = 200
	probes := []struct{ name, needle string }{
		{"remove", " removed"},
		{"add", " added: "},
		{"rebuild", ": files moved"},
		{"feature added", ": feature "},
		{"mask", " masked in /etc"},
		{"move", " moved to "},
		{"target", ": targets now "},
		{"format", ": format "},
		{"mode", ": mode "},
		{"flash <-> memory", ": now "},
		{"rename", " renamed to "},
		{"interfaces", ": interface-types "},
		{"invalid", "INVALID"},
		{"truncated", ": truncated"},
		{"link", ".json -> usr/"},
		{"two steps", "; "},
	}
	covered := map[string]int{}
	for i := range n {
		ar := GenerateUpgrade(pool, 7, i)
		parsed := txtar.Parse(txtar.Format(ar))
		if err := casefile.Check(parsed); err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if !casefile.Existing(parsed.Comment) || !casefile.DefineRoot(parsed) {
			t.Fatalf("case %d: not an existing-domain upgrade case:\n%s", i, parsed.Comment)
		}
		if tags := casefile.Tags(parsed.Comment); !slices.Contains(tags, "upgrade") || !slices.Contains(tags, "existing") {
			t.Errorf("case %d: tags %v", i, tags)
		}
		def, root := rootSections(parsed, casefile.DefineRootPrefix), rootSections(parsed, casefile.RootPrefix)
		if def == root {
			t.Errorf("case %d: root/ is define-root/ unchanged", i)
		}
		if live := rootSections(Generate(pool, 7, i), casefile.RootPrefix); def != live {
			t.Errorf("case %d: define-root/ is not live case %d's root/:\n%s\nwant\n%s", i, i, def, live)
		}
		dom := parsed.Files[casefile.Find(parsed, casefile.Domain)].Data
		if _, req, err := matcher.ParseDomain(dom); err != nil {
			t.Fatalf("case %d: %v\n%s", i, err, dom)
		} else if req.Name != "fwl-upg-7-"+strconv.Itoa(i) {
			t.Errorf("case %d: domain name %q", i, req.Name)
		}
		if bytes.Contains(dom, []byte("fwl-live-")) {
			t.Errorf("case %d: domain still names the live case:\n%s", i, dom)
		}
		dir := t.TempDir()
		if err := casefile.Extract(parsed, dir); err != nil {
			t.Fatalf("case %d: extract: %v", i, err)
		}
		for _, p := range profiles {
			if _, err := predict(dir, p, parsed); err != nil {
				t.Fatalf("case %d: %s: %v", i, p.Name, err)
			}
		}
		_, about, _ := strings.Cut(string(parsed.Comment), "loaded over root/: ")
		about, _, _ = strings.Cut(about, ". Files of define-root:")
		for _, p := range probes {
			if strings.Contains(about, p.needle) {
				covered[p.name]++
			}
		}
	}
	for _, p := range probes {
		if covered[p.name] == 0 {
			t.Errorf("%d upgrade cases never make the change %s (%q)", n, p.name, p.needle)
		}
	}
}

// TestMinimizeEntriesUpgrade checks the removal candidates of an upgrade
// case: an entry both trees hold is offered as a pair first, and removing
// a /usr/share file of define-root/ drops define-root's links to it.
func TestMinimizeEntriesUpgrade(t *testing.T) {
	ar := txtar.Parse([]byte(`existing: true
-- domain.xml --
<domain/>
-- define-root/usr/share/qemu/firmware/50-a.json --
{}
-- define-root/usr/share/qemu/firmware/60-b.json --
{}
-- root/usr/share/qemu/firmware/50-a.json --
{}
-- symlinks --
define-root/etc/qemu/firmware/10-l.json -> ../../../usr/share/qemu/firmware/60-b.json
root/etc/qemu/firmware/10-l.json -> ../../../usr/share/qemu/firmware/50-a.json
`))
	got := entries(ar)
	want := [][]string{
		{"define-root/usr/share/qemu/firmware/50-a.json", "root/usr/share/qemu/firmware/50-a.json"},
		{"define-root/etc/qemu/firmware/10-l.json", "root/etc/qemu/firmware/10-l.json"},
	}
	if len(got) < len(want) || !slices.EqualFunc(got[:len(want)], want, slices.Equal) {
		t.Errorf("entries start %q, want %q", got, want)
	}
	if len(got) != len(want)+5 {
		t.Errorf("%d entries, want %d singles after the pairs: %q", len(got), len(want)+5, got)
	}
	cand := withoutEntry(ar, "define-root/usr/share/qemu/firmware/60-b.json")
	links := string(cand.Files[casefile.Find(cand, casefile.Symlinks)].Data)
	if strings.Contains(links, "define-root/") || !strings.Contains(links, "root/etc/qemu/firmware/10-l.json") {
		t.Errorf("after removing define-root's 60-b.json, symlinks are:\n%s", links)
	}
}
