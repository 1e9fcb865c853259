package main

import (
	"bytes"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/fwaudit/fwaudit/conformance/internal/casefile"
	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/matcher"
	"golang.org/x/tools/txtar"
	"libvirt.org/go/libvirtxml"
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
	probes := []probe{
		{"a JSON syntax quirk", "(json: "},
		{"a repeated descriptor member", "(json: repeated-"},
		{"a domain XML quirk", "Domain XML quirk: "},
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
		countProbes(covered, probes, string(ar.Comment)+string(txtar.Format(&txtar.Archive{Files: ar.Files})))
	}
	for _, name := range missingProbes(covered, probes) {
		t.Errorf("%d cases never exercise %s", n, name)
	}
}

// A probe is a text whose presence in a generated case shows that the case
// exercises something.
type probe struct{ name, needle string }

// countProbes counts, in covered, each probe whose needle text contains.
func countProbes(covered map[string]int, probes []probe, text string) {
	for _, p := range probes {
		if strings.Contains(text, p.needle) {
			covered[p.name]++
		}
	}
}

// missingProbes lists the probes covered never counted, as "name (needle)".
func missingProbes(covered map[string]int, probes []probe) []string {
	var out []string
	for _, p := range probes {
		if covered[p.name] == 0 {
			out = append(out, fmt.Sprintf("%s (%q)", p.name, p.needle))
		}
	}
	return out
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
	probes := []probe{
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
	fitted := map[bool]int{}
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
		liveSeed, fitFile := drawnFrom(t, parsed)
		if !strings.Contains(string(parsed.Comment), "built to define") && liveSeed != 7 {
			t.Errorf("case %d: drawn as live case of seed %d, not 7, though not built to define", i, liveSeed)
		}
		if fitFile != "" {
			fitted[fitFile != ""]++
			k := casefile.Find(parsed, casefile.DefineRootPrefix+fitFile)
			if k < 0 {
				t.Fatalf("case %d: the fitting descriptor %s is not in define-root/", i, fitFile)
			}
			def = strings.Replace(def, "-- "+fitFile+" --\n"+string(parsed.Files[k].Data), "", 1)
		}
		if live := rootSections(Generate(pool, liveSeed, i), casefile.RootPrefix); def != live {
			t.Errorf("case %d: define-root/ without the fitting descriptor is not live case (%d, %d)'s root/:\n%s\nwant\n%s",
				i, liveSeed, i, def, live)
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
		countProbes(covered, probes, about)
	}
	for _, name := range missingProbes(covered, probes) {
		t.Errorf("%d upgrade cases never make the change %s", n, name)
	}
	if fitted[true] == 0 {
		t.Errorf("%d upgrade cases never add a fitting descriptor", n)
	}
}

// drawnFrom reads an upgrade case's comment: the seed of the live case its
// define-root/ was drawn as, and the fitting descriptor added to it
// ("usr/share/qemu/firmware/NAME" or "etc/...", "" when none).
func drawnFrom(t *testing.T, ar *txtar.Archive) (seed uint64, fitFile string) {
	t.Helper()
	c := string(ar.Comment)
	_, rest, ok := strings.Cut(c, "descriptors of live case live-")
	if !ok {
		t.Fatalf("comment names no live case:\n%s", c)
	}
	num, _, _ := strings.Cut(rest, "-")
	seed, err := strconv.ParseUint(num, 10, 64)
	if err != nil {
		t.Fatalf("comment: live case seed %q: %v", num, err)
	}
	for _, line := range strings.Split(c, "\n") {
		if name, ok := strings.CutSuffix(line, " (fitting the domain)"); ok {
			fitFile, _, _ = strings.Cut(strings.TrimSpace(name), ": ")
		}
	}
	return seed, fitFile
}

// TestGenerateUpgradeBuiltToDefine checks that most upgrade cases are built
// to define (a domain free of the known define-time refusals, and a
// descriptor fitting it), that the as-drawn share stays, and that the
// fitting descriptor names what the domain pins or requires. Whether they
// do define is the oracle's answer (livediff -upgrade), not this test's.
func TestGenerateUpgradeBuiltToDefine(t *testing.T) {
	pool := testPool(t)
	const n = 300
	var built, fitted, asDrawnN, redrawn int
	for i := range n {
		ar := GenerateUpgrade(pool, 11, i)
		c := string(ar.Comment)
		liveSeed, fitFile := drawnFrom(t, ar)
		d := parseDomain(ar)
		switch {
		case strings.Contains(c, "(define-root/, as drawn)"):
			asDrawnN++
			if fitFile != "" || liveSeed != 11 {
				t.Errorf("case %d: as drawn, yet seed %d and fitting file %q", i, liveSeed, fitFile)
			}
			continue
		case strings.Contains(c, "(define-root/, built to define)"):
			built++
		default:
			continue // built, but no draw escaped a refusal
		}
		if liveSeed != 11 {
			redrawn++
		}
		if r := domainRefusal(d); r != "" {
			t.Errorf("case %d: built to define, but the domain is refused: %s", i, r)
		}
		if wantsSelection(d) != (fitFile != "") {
			t.Errorf("case %d: selection wanted %v, fitting descriptor %q", i, wantsSelection(d), fitFile)
		}
		if fitFile == "" {
			continue
		}
		fitted++
		doc := doc(ar.Files[casefile.Find(ar, casefile.DefineRootPrefix+fitFile)].Data)
		if doc == nil {
			t.Fatalf("case %d: fitting descriptor %s is no JSON object", i, fitFile)
		}
		checkFits(t, i, d, doc)
	}
	t.Logf("%d upgrade cases: %d built to define (%d redrawn, %d with a fitting descriptor), %d as drawn",
		n, built, redrawn, fitted, asDrawnN)
	if built < n*8/10 {
		t.Errorf("only %d of %d upgrade cases are built to define, want at least 80%%", built, n)
	}
	if fitted < n*6/10 {
		t.Errorf("only %d of %d upgrade cases have a fitting descriptor, want at least 60%%", fitted, n)
	}
	if asDrawnN == 0 || redrawn == 0 {
		t.Errorf("%d as drawn, %d redrawn: want some of each", asDrawnN, redrawn)
	}
}

// checkFits checks a fitting descriptor against the request of domain d,
// rule by rule of libvirt's matcher (spec §3.2).
func checkFits(t *testing.T, i int, d *libvirtxml.Domain, doc map[string]any) {
	t.Helper()
	arch := firmwareArch(d.OS.Type.Arch)
	if as := archs(doc); !slices.Equal(as, []string{arch}) {
		t.Errorf("case %d: fitting descriptor targets %v, domain arch %s", i, as, d.OS.Type.Arch)
	}
	var fs []string
	for _, f := range doc["features"].([]any) {
		fs = append(fs, f.(string))
	}
	for _, name := range []string{"secure-boot", "enrolled-keys"} {
		if st := featureState(d, name); st != "" && (st == "yes") != slices.Contains(fs, name) {
			t.Errorf("case %d: domain has %s=%s, fitting features %v", i, name, st, fs)
		}
	}
	smmOff := d.Features != nil && d.Features.SMM != nil && d.Features.SMM.State == "off"
	if smmOff && slices.Contains(fs, "requires-smm") {
		t.Errorf("case %d: SMM off, fitting descriptor requires it", i)
	}
	if ls := d.LaunchSecurity; ls != nil {
		want := map[bool]string{ls.SEV != nil: "amd-sev", ls.SEVSNP != nil: "amd-sev-snp", ls.TDX != nil: "intel-tdx"}[true]
		if want != "" && !slices.Contains(fs, want) {
			t.Errorf("case %d: launch security, fitting features %v lack %s", i, fs, want)
		}
	}
	m := doc["mapping"].(map[string]any)
	ld := d.OS.Loader
	if ld != nil && strings.TrimSpace(ld.Path) != "" {
		got, _ := m["filename"].(string)
		if x, ok := m["executable"].(map[string]any); ok {
			got, _ = x["filename"].(string)
		}
		if got != ld.Path {
			t.Errorf("case %d: loader path %q pinned, fitting descriptor names %q", i, ld.Path, got)
		}
	}
	if ld != nil && ld.Type == "rom" && m["device"] != "memory" {
		t.Errorf("case %d: ROM loader, fitting device %v", i, m["device"])
	}
	if ld != nil && ld.Stateless == "yes" && ld.Type != "rom" && m["mode"] != "stateless" {
		t.Errorf("case %d: stateless loader, fitting mode %v", i, m["mode"])
	}
	if nv := d.OS.NVRam; nv != nil && nv.Template != "" {
		x, _ := m["nvram-template"].(map[string]any)
		if x == nil || x["filename"] != nv.Template {
			t.Errorf("case %d: template %q pinned, fitting descriptor has %v", i, nv.Template, x)
		}
	}
}

func TestDomainRefusal(t *testing.T) {
	for _, tc := range []struct {
		name, os, features, want string
	}{
		{"plain efi", `<os firmware='efi'><type arch='x86_64' machine='q35'>hvm</type></os>`, "", ""},
		{"enrolled keys without secure boot", `<os firmware='efi'><type arch='x86_64' machine='q35'>hvm</type><firmware><feature enabled='yes' name='enrolled-keys'/><feature enabled='no' name='secure-boot'/></firmware></os>`, "", "enrolled-keys"},
		{"riscv64", `<os firmware='efi'><type arch='riscv64' machine='virt'>hvm</type></os>`, "", "emulator"},
		{"bios with nvram", `<os firmware='bios'><type arch='x86_64' machine='pc'>hvm</type><nvram format='raw'/></os>`, "", "NVRAM"},
		{"loader without path", `<os><type arch='x86_64' machine='q35'>hvm</type><loader type='pflash'/></os>`, "", "without a path"},
		{"manual pflash", `<os><type arch='x86_64' machine='q35'>hvm</type><loader type='pflash'>/x/CODE.fd</loader></os>`, "", ""},
		{"secure loader, smm off", `<os firmware='efi'><type arch='x86_64' machine='q35'>hvm</type><loader secure='yes'/></os>`, "<smm state='off'/>", "secure loader"},
		{"secure loader on pc", `<os firmware='efi'><type arch='x86_64' machine='pc'>hvm</type><loader secure='yes'/></os>`, "", "secure loader"},
		{"secure loader on i686", `<os firmware='efi'><type arch='i686' machine='q35'>hvm</type><loader secure='yes'/></os>`, "", "secure loader"},
		{"features without firmware", `<os><type arch='x86_64' machine='q35'>hvm</type><firmware><feature enabled='no' name='secure-boot'/></firmware><loader type='pflash'>/x/CODE.fd</loader></os>`, "", "features without"},
		{"aarch64 bios", `<os firmware='bios'><type arch='aarch64' machine='virt'>hvm</type></os>`, "", "aarch64"},
		{"formats differ", `<os firmware='efi'><type arch='x86_64' machine='q35'>hvm</type><loader format='qcow2'/><nvram format='raw'/></os>`, "", "formats differ"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := &libvirtxml.Domain{}
			if err := d.Unmarshal("<domain type='qemu'><name>x</name>" + tc.os + "<features><acpi/>" + tc.features + "</features></domain>"); err != nil {
				t.Fatal(err)
			}
			got := domainRefusal(d)
			if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
				t.Errorf("domainRefusal = %q, want one mentioning %q", got, tc.want)
			}
		})
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

// TestCompareUpgradeStartAnswers compares a recorded firmware upgrade that
// holds start-mode answers: all seven agree, an altered start answer is
// reported as that release's start, and a start answer of a release that
// selects at start is refused.
func TestCompareUpgradeStartAnswers(t *testing.T) {
	ar, err := casefile.Read("../../testdata/cases/upgrade-features-changed.txtar")
	if err != nil {
		t.Fatal(err)
	}
	diffs, compared, err := Compare(ar)
	if err != nil {
		t.Fatal(err)
	}
	if compared != 7 || len(diffs) != 0 {
		t.Fatalf("compared %d answers (want 7: 9, 10, 11, 12 and 10, 11, 12 in start mode), diffs %v", compared, diffs)
	}
	i := casefile.Find(ar, casefile.AnswerSection("12"+casefile.StartMode))
	if i < 0 || !bytes.Contains(ar.Files[i].Data, []byte(`"ok": false`)) {
		t.Fatal("no failed libvirt 12 start answer")
	}
	orig := ar.Files[i].Data
	ar.Files[i].Data = bytes.Replace(orig, []byte("Unable to find"), []byte("Unable to locate"), 1)
	diffs, _, err = Compare(ar)
	if err != nil {
		t.Fatal(err)
	}
	if len(diffs) != 1 || diffs[0].Version != "12-start" || !strings.Contains(diffs[0].Text, "Unable to locate") {
		t.Errorf("altered libvirt 12 start answer: diffs %+v", diffs)
	}
	ar.Files[i].Data = orig
	ar.Files = append(ar.Files, txtar.File{Name: casefile.AnswerSection("9" + casefile.StartMode), Data: ar.Files[casefile.Find(ar, casefile.AnswerSection("9"))].Data})
	if _, _, err := Compare(ar); err == nil || !strings.Contains(err.Error(), "selects at start") {
		t.Errorf("a 9.0 start-mode answer: err %v, want a refusal", err)
	}
}

func TestDefaultVersions(t *testing.T) {
	if got := defaultVersions(false); got != "9,10,11,12" {
		t.Errorf("live cases ask %q", got)
	}
	got := strings.Split(defaultVersions(true), ",")
	for _, v := range []string{"9", "10", "11", "12", "10-start", "11-start", "12-start"} {
		if !slices.Contains(got, v) {
			t.Errorf("upgrade cases ask %v, not %s", got, v)
		}
	}
}

// TestAskedVersions checks what a run asks: -start adds the start modes to
// a plain run, as -upgrade always does, and -versions overrides both.
func TestAskedVersions(t *testing.T) {
	startModes := []string{"10-start", "11-start", "12-start"}
	for _, tc := range []struct {
		given          string
		start, upgrade bool
		want, notWant  []string
	}{
		{"", false, false, []string{"9", "10", "11", "12"}, startModes},
		{"", true, false, append([]string{"9", "10", "11", "12"}, startModes...), nil},
		{"", false, true, append([]string{"9", "10", "11", "12"}, startModes...), nil},
		{"", true, true, append([]string{"9", "10", "11", "12"}, startModes...), nil},
		{"9,11", true, false, []string{"9", "11"}, append([]string{"10", "12"}, startModes...)},
	} {
		got := strings.Split(askedVersions(tc.given, tc.start, tc.upgrade), ",")
		for _, v := range tc.want {
			if !slices.Contains(got, v) {
				t.Errorf("askedVersions(%q, start %v, upgrade %v) = %v, without %s", tc.given, tc.start, tc.upgrade, got, v)
			}
		}
		for _, v := range tc.notWant {
			if slices.Contains(got, v) {
				t.Errorf("askedVersions(%q, start %v, upgrade %v) = %v, with %s", tc.given, tc.start, tc.upgrade, got, v)
			}
		}
	}
}

// TestCompareNewDomainStartAnswers compares a recorded new-domain case (no
// upgrade, what a -start run records) holding start-mode answers: all seven
// agree, and an altered start answer is reported as that release's start.
func TestCompareNewDomainStartAnswers(t *testing.T) {
	ar, err := casefile.Read("../../testdata/cases/live-manual-rw-file-nvram-start.txtar")
	if err != nil {
		t.Fatal(err)
	}
	if casefile.DefineRoot(ar) || casefile.Existing(ar.Comment) {
		t.Fatal("not a new-domain case")
	}
	diffs, compared, err := Compare(ar)
	if err != nil {
		t.Fatal(err)
	}
	if compared != 7 || len(diffs) != 0 {
		t.Fatalf("compared %d answers (want 7: 9, 10, 11, 12 and 10, 11, 12 in start mode), diffs %v", compared, diffs)
	}
	i := casefile.Find(ar, casefile.AnswerSection("11"+casefile.StartMode))
	if i < 0 || !bytes.Contains(ar.Files[i].Data, []byte("master var store")) {
		t.Fatal("no failed libvirt 11 start answer")
	}
	ar.Files[i].Data = bytes.Replace(ar.Files[i].Data, []byte(`"ok": false`), []byte(`"ok": true`), 1)
	diffs, _, err = Compare(ar)
	if err != nil {
		t.Fatal(err)
	}
	if len(diffs) != 1 || diffs[0].Version != "11-start" {
		t.Errorf("altered libvirt 11 start answer: diffs %+v", diffs)
	}
}

func TestAnsweredVersions(t *testing.T) {
	ar, err := casefile.Read("../../testdata/cases/upgrade-features-changed.txtar")
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Split(answeredVersions(ar), ",")
	slices.Sort(got)
	if want := []string{"10", "10-start", "11", "11-start", "12", "12-start", "9"}; !slices.Equal(got, want) {
		t.Errorf("answeredVersions = %v, want %v", got, want)
	}
}

// TestVsockOnlyWhereDefineFails checks that a vsock device, whose start
// opens /dev/vhost-vsock (missing on the oracle hosts), is drawn only into
// domains every release refuses at define: microvm without a declared PCI
// root. With a PCI root 9.0, 10.0 and 11.3 define a microvm domain and its
// start fails on the host (seed 6700, upgrade case 2, drawn from live case
// 6700/2). The upgrade cases' domains are live cases' domains.
func TestVsockOnlyWhereDefineFails(t *testing.T) {
	pool := testPool(t)
	vsock := 0
	check := func(seed uint64, i int) {
		ar := Generate(pool, seed, i)
		dom := string(ar.Files[casefile.Find(ar, casefile.Domain)].Data)
		if !strings.Contains(dom, "<vsock") {
			return
		}
		vsock++
		d := parseDomain(ar)
		microvm := d.OS != nil && d.OS.Type != nil && d.OS.Type.Machine == "microvm"
		pciRoot := false
		if d.Devices != nil {
			for _, c := range d.Devices.Controllers {
				if c.Type == "pci" && (c.Model == "pci-root" || c.Model == "pcie-root") {
					pciRoot = true
				}
			}
		}
		if !microvm || pciRoot {
			t.Errorf("seed %d case %d: vsock in a domain that can define (microvm %v, PCI root %v):\n%s", seed, i, microvm, pciRoot, dom)
		}
	}
	check(6700, 2)
	for seed := uint64(6800); seed < 6810; seed++ {
		for i := range 300 {
			check(seed, i)
		}
	}
	if vsock == 0 {
		t.Error("no case has a vsock device: the microvm refusal it probes is never met")
	}
}

// TestGenerateFit checks the -fit cases: reproducible, well-formed new-domain
// cases named after themselves, whose root/ is the define-root/ that
// GenerateUpgrade builds for the same (seed, i) when it builds one, and most
// of which are built to define with a fitting descriptor.
func TestGenerateFit(t *testing.T) {
	pool := testPool(t)
	const n = 200
	var built, fitted, same int
	for i := range n {
		ar := GenerateFit(pool, 13, i)
		if i < 5 && !bytes.Equal(txtar.Format(ar), txtar.Format(GenerateFit(pool, 13, i))) {
			t.Errorf("case %d: two generations differ", i)
		}
		if err := casefile.Check(ar); err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if casefile.DefineRoot(ar) || casefile.Existing(ar.Comment) {
			t.Fatalf("case %d: not a new-domain case", i)
		}
		dom := ar.Files[casefile.Find(ar, casefile.Domain)].Data
		_, req, err := matcher.ParseDomain(dom)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if req.Name != "fwl-"+FitCaseName(13, i) {
			t.Errorf("case %d: domain name %q", i, req.Name)
		}
		c := string(ar.Comment)
		if !strings.Contains(c, "(built to define)") {
			continue
		}
		built++
		if r := domainRefusal(parseDomain(ar)); r != "" {
			t.Errorf("case %d: built to define, but the domain is refused: %s", i, r)
		}
		if strings.Contains(c, "(fitting the domain)") {
			fitted++
		}
		up := GenerateUpgrade(pool, 13, i)
		if strings.Contains(string(up.Comment), "(define-root/, built to define)") {
			same++
			if got, want := rootSections(ar, casefile.RootPrefix), rootSections(up, casefile.DefineRootPrefix); got != want {
				t.Errorf("case %d: root/ differs from the upgrade case's define-root/:\n%s\nwant\n%s", i, got, want)
			}
		}
	}
	t.Logf("%d cases: %d built to define, %d with a fitting descriptor, %d compared with an upgrade case", n, built, fitted, same)
	if built < n*9/10 || fitted < n*6/10 || same == 0 {
		t.Errorf("%d of %d built to define (want 90%%), %d fitted (want 60%%), %d compared with upgrade cases", built, n, fitted, same)
	}
}
