package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/internal/distrotest"
	"github.com/fwaudit/fwaudit/matcher"
	"github.com/fwaudit/fwaudit/report"
)

var update = flag.Bool("update", false, "rewrite golden files and the README rule catalogue")

func findingsOf(r *report.Report, rule string) []report.Finding {
	var out []report.Finding
	for _, f := range r.Findings.All() {
		if f.Rule == rule {
			out = append(out, f)
		}
	}
	return out
}

func dump(r *report.Report) string {
	var b strings.Builder
	for _, f := range r.Findings.All() {
		fmt.Fprintf(&b, "  %s %s [%s%s] %s\n", f.Severity, f.Rule, f.Descriptor, f.Subject, f.Message)
	}
	return b.String()
}

// TestClean: on a clean root (testdata/clean, read through os.Root, with
// its domains) no rule fires at all.
func TestClean(t *testing.T) {
	root, err := os.OpenRoot("testdata/clean")
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	set, err := descriptor.Load(descriptor.Options{Root: "testdata/clean"})
	if err != nil {
		t.Fatal(err)
	}
	doms, err := ReadDomains([]string{"testdata/clean/domains"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := Run(context.Background(), set, Options{Files: root.FS(), Domains: doms})
	if err != nil {
		t.Fatal(err)
	}
	if r.Findings.Len() != 0 {
		t.Errorf("clean root: want no findings, got:\n%s", dump(r))
	}
	if len(r.Domains) != 2 {
		t.Errorf("clean root: want 2 UEFI domains (the BIOS one is left out), got %d", len(r.Domains))
	}
	for _, d := range r.Domains {
		if d.Changes || !d.HardRebootKeeps || d.Regenerated.Descriptor == "" {
			t.Errorf("clean domain %s: %+v", d.Name, d)
		}
	}
	for _, c := range r.Coverage {
		if c.Status != "ok" {
			t.Errorf("clean coverage %s: %s", c.Key(), c.Status)
		}
	}
	audited := 0
	for _, ri := range catalogue {
		if ri.Category != CategoryDiff {
			audited++
		}
	}
	if len(r.Rules) != audited {
		t.Errorf("Run lists %d rules, the catalogue has %d that are not about diffs", len(r.Rules), audited)
	}
}

// TestRuleFires runs testdata/rules/RULE.txtar for every rule of the
// catalogue: the rule must fire with the expected text and severity.
func TestRuleFires(t *testing.T) {
	for _, ri := range Rules() {
		t.Run(ri.ID, func(t *testing.T) {
			if ri.Category == CategoryDiff {
				t.Skip("compares two sets: package diff's TestRulesFire fires it")
			}
			file := filepath.Join("testdata/rules", ri.ID+".txtar")
			if _, err := os.Stat(file); err != nil {
				t.Fatalf("every rule needs a fixture that fires it: %v", err)
			}
			fx := readFixture(t, file)
			r := fx.run(t)
			want, sev := fx.key("want"), report.Severity(fx.key("severity"))
			for _, f := range findingsOf(r, ri.ID) {
				if strings.Contains(f.Message, want) && (sev == "" || f.Severity == sev) {
					if f.Fingerprint == "" {
						t.Errorf("finding without fingerprint: %+v", f)
					}
					return
				}
			}
			t.Errorf("%s did not fire with %q (severity %s); findings:\n%s", ri.ID, want, sev, dump(r))
		})
	}
}

func TestRulesCatalogue(t *testing.T) {
	seen := map[string]bool{}
	for _, ri := range catalogue {
		if seen[ri.ID] {
			t.Errorf("duplicate rule %s", ri.ID)
		}
		seen[ri.ID] = true
		if ri.Severity.Rank() == 0 || ri.Summary == "" || ri.Help == "" || ri.Category == "" {
			t.Errorf("rule %s is incomplete: %+v", ri.ID, ri)
		}
		for _, c := range ri.ID {
			if !(c >= 'a' && c <= 'z' || c == '-') {
				t.Errorf("rule %s is not kebab-case", ri.ID)
				break
			}
		}
	}
	if _, ok := Rule("no-such-rule"); ok {
		t.Error("Rule found a rule that does not exist")
	}
	for _, tc := range []struct{ in, want string }{
		{"coverage-gaps", "coverage-gap"},
		{"shadow", "shadowed"},
		{"missing", "domain-firmware-missing"},
	} {
		if got := Suggest(tc.in); !slices.Contains(got, tc.want) {
			t.Errorf("Suggest(%q) = %v, want it to contain %s", tc.in, got, tc.want)
		}
	}
}

// TestDistroGaps is the acceptance test of issue #4: Ubuntu 24.04 lacks
// SEV-ES, SEV-SNP, TDX and stateless firmware for x86_64 q35; Debian
// unstable has all four.
func TestDistroGaps(t *testing.T) {
	four := []string{"x86_64/q35/amd-sev-es", "x86_64/q35/amd-sev-snp", "x86_64/q35/intel-tdx", "x86_64/q35/stateless"}
	for _, tc := range []struct {
		distro string
		gaps   bool
	}{
		{"ubuntu-24.04", true},
		{"debian-unstable", false},
	} {
		t.Run(tc.distro, func(t *testing.T) {
			r, err := Run(context.Background(), distrotest.Load(t, tc.distro, matcher.Latest.Rules), Options{})
			if err != nil {
				t.Fatal(err)
			}
			var gaps []string
			for _, f := range findingsOf(r, RuleCoverageGap) {
				gaps = append(gaps, f.Subject)
			}
			for _, cell := range four {
				if got := slices.Contains(gaps, cell); got != tc.gaps {
					t.Errorf("gap %s reported: %v, want %v (gaps: %v)", cell, got, tc.gaps, gaps)
				}
			}
		})
	}
}

// TestRequire: --require turns a gap into an error, and a required cell
// the set does not target is computed anyway.
func TestRequire(t *testing.T) {
	set := distrotest.Load(t, "ubuntu-24.04", matcher.Latest.Rules)
	for _, tc := range []struct {
		require []string
		subject string
		sev     report.Severity
	}{
		{nil, "x86_64/q35/amd-sev-es", report.Info},
		{[]string{"amd-sev-es"}, "x86_64/q35/amd-sev-es", report.Error},
		{[]string{"x86_64/q35/stateless"}, "x86_64/q35/stateless", report.Error},
		{[]string{"riscv64/virt/uefi"}, "riscv64/virt/uefi", report.Error},
	} {
		r, err := Run(context.Background(), set, Options{Require: tc.require})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, f := range findingsOf(r, RuleCoverageGap) {
			if f.Subject == tc.subject {
				found = true
				if f.Severity != tc.sev {
					t.Errorf("require %v: %s has severity %s, want %s", tc.require, f.Subject, f.Severity, tc.sev)
				}
			}
		}
		if !found {
			t.Errorf("require %v: no gap for %s", tc.require, tc.subject)
		}
		if (tc.sev == report.Error) != r.Fails(report.Error) {
			t.Errorf("require %v: Fails(error) = %v", tc.require, r.Fails(report.Error))
		}
	}
	for _, bad := range []string{"sev-es", "x86_64/amd-sev-es", "x86_64/q35/nope"} {
		if _, err := Run(context.Background(), set, Options{Require: []string{bad}}); err == nil {
			t.Errorf("--require %q: want an error", bad)
		}
	}
}

// TestStatelessSEVES: noble-updates' SEV-ES build is stateless flash, which
// releases before 12.x select only for a stateless loader. The recorded
// answers (conformance cases real-ubuntu-24.04-updates-sev-es and
// -sev-es-stateless) say so: on 9.0, 10.0 and 11.3 the plain SEV-ES guest
// finds nothing and the stateless one gets 60-edk2-x86_64-amdsev.json; 12.8
// gives it to both.
func TestStatelessSEVES(t *testing.T) {
	for _, p := range []*matcher.Profile{matcher.Libvirt90, matcher.Libvirt100, matcher.Libvirt113, matcher.Libvirt128} {
		plain := "gap "
		if p == matcher.Libvirt128 {
			plain = "ok 60-edk2-x86_64-amdsev.json"
		}
		r, err := Run(context.Background(), distrotest.Load(t, "ubuntu-24.04-updates", p.Rules), Options{Profile: p})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, c := range r.Coverage {
			if c.Arch == "x86_64" && c.Machine == "q35" {
				got[c.FeatureSet] = c.Status + " " + c.Descriptor
			}
		}
		for set, want := range map[string]string{"amd-sev-es": plain, "amd-sev-es+stateless": "ok 60-edk2-x86_64-amdsev.json"} {
			if got[set] != want {
				t.Errorf("%s: %s cell is %q, want %q", p.Name, set, got[set], want)
			}
		}
	}
}

// TestProfileMismatch: a set loaded with other rules than the profile's is
// refused rather than audited wrongly.
func TestProfileMismatch(t *testing.T) {
	set := distrotest.Load(t, "ubuntu-24.04", matcher.Libvirt90.Rules)
	_, err := Run(context.Background(), set, Options{Profile: matcher.Latest})
	if err == nil || !strings.Contains(err.Error(), "Rules: profile.Rules") {
		t.Errorf("want a mismatch error, got %v", err)
	}
}

// TestDomainImpactUbuntu: the domains of the issue on Ubuntu 24.04's set.
func TestDomainImpactUbuntu(t *testing.T) {
	doms, err := ReadDomains([]string{"testdata/domains"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := Run(context.Background(), distrotest.Load(t, "ubuntu-24.04", matcher.Latest.Rules), Options{Domains: doms})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, f := range r.Findings.All() {
		if strings.HasPrefix(f.Rule, "domain-") {
			got[f.Subject] = append(got[f.Subject], f.Rule)
		}
	}
	want := map[string][]string{
		"pinned-2m":  {RuleDomainUndescribed, RuleDomainFirmwareChanges},
		"sev-es":     {RuleDomainUnsatisfiable},
		"stateless":  {RuleDomainUnsatisfiable},
		"sb-changed": {RuleDomainFirmwareChanges, RuleDomainSecureBootChange},
	}
	for _, v := range got {
		slices.Sort(v)
	}
	for _, v := range want {
		slices.Sort(v)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("domain findings (-want +got):\n%s", diff)
	}
	byName := map[string]report.DomainImpact{}
	for _, d := range r.Domains {
		byName[d.Name] = d
	}
	if d := byName["sb-changed"]; d.HardRebootKeeps || !strings.Contains(d.HardRebootReason, "Secure Boot request") {
		t.Errorf("sb-changed: hard reboot should re-select: %+v", d)
	}
	if d := byName["pinned-2m"]; d.Regenerated.Loader != "/usr/share/OVMF/OVMF_CODE_4M.ms.fd" {
		t.Errorf("pinned-2m regenerated: %+v", d.Regenerated)
	}
	if d := byName["pinned-2m"]; d.NovaLegacy == nil || d.NovaLegacy.Loader != "/usr/share/OVMF/OVMF_CODE_4M.fd" {
		t.Errorf("pinned-2m nova legacy: %+v", d.NovaLegacy)
	}
}

// TestDomainMissingOnDisk: with image files, the dropped 2 MiB image makes
// a hard reboot re-select.
func TestDomainMissingOnDisk(t *testing.T) {
	fx := readFixture(t, "testdata/rules/domain-firmware-missing.txtar")
	r := fx.run(t)
	for _, d := range r.Domains {
		if d.Name == "old-guest" {
			if d.HardRebootKeeps || !strings.Contains(d.HardRebootReason, "/usr/share/OVMF/OVMF_CODE.fd does not exist") {
				t.Errorf("old-guest: %+v", d)
			}
			if !d.Changes || d.Current.Loader != "/usr/share/OVMF/OVMF_CODE.fd" {
				t.Errorf("old-guest: %+v", d)
			}
			return
		}
	}
	t.Error("old-guest not in the report")
}

func TestOverrides(t *testing.T) {
	set := distrotest.Load(t, "ubuntu-24.04", matcher.Latest.Rules)
	ovs, err := ParseOverrides("ovr", strings.NewReader("coverage-gap x86_64/q35/amd-sev-*  # not on this fleet\n\ncoverage-gap */*/bios\n"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := Run(context.Background(), set, Options{Overrides: ovs, Require: []string{"amd-sev-es"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range r.Findings.All() {
		wantSup := f.Rule == RuleCoverageGap && (strings.HasPrefix(f.Subject, "x86_64/q35/amd-sev-") || strings.HasSuffix(f.Subject, "/bios"))
		if f.Suppressed != wantSup {
			t.Errorf("%s %s: suppressed %v, want %v", f.Rule, f.Subject, f.Suppressed, wantSup)
		}
	}
	if r.Fails(report.Error) {
		t.Error("the required gap is suppressed: the report must not fail")
	}
	if r.Summary.Suppressed == 0 {
		t.Error("summary counts no suppressed finding")
	}
}

func TestParseOverridesErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"coverage-gaps\n", `o.txt:1: unknown rule "coverage-gaps" (did you mean coverage-gap`},
		{"# c\nshadowed a b c\n", "o.txt:2: want \"rule [descriptor-glob]\""},
		{"\n\nmasked [x\n", `o.txt:3: bad glob "[x"`},
	} {
		_, err := ParseOverrides("o.txt", strings.NewReader(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseOverrides(%q) = %v, want %q", tc.in, err, tc.want)
		}
	}
}

// TestLint: Lint runs the lint rules only.
func TestLint(t *testing.T) {
	fx := readFixture(t, "testdata/rules/shadowed.txtar")
	set, err := descriptor.Load(descriptor.Options{FS: fx.fsys})
	if err != nil {
		t.Fatal(err)
	}
	r, err := Lint(context.Background(), set, Options{Files: fx.fsys, Domains: fx.domains})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Coverage) != 0 || len(r.Domains) != 0 {
		t.Errorf("Lint reported coverage or domains: %d %d", len(r.Coverage), len(r.Domains))
	}
	for _, ru := range r.Rules {
		if ri, _ := Rule(ru.ID); ri.Category != CategoryLint && ri.Category != CategoryMeta {
			t.Errorf("Lint ran %s (%s)", ru.ID, ri.Category)
		}
	}
	if len(findingsOf(r, RuleShadowed)) != 1 {
		t.Errorf("want one shadowed finding:\n%s", dump(r))
	}
}

// TestGolden compares the JSON report of bundled sets with
// testdata/golden/*.json (rewrite with -update).
func TestGolden(t *testing.T) {
	for _, name := range []string{"ubuntu-24.04", "debian-unstable", "fedora-39"} {
		t.Run(name, func(t *testing.T) {
			r, err := Run(context.Background(), distrotest.Load(t, name, matcher.Latest.Rules), Options{
				Source: "distro:" + name, FilesSkipped: "a bundled distro set holds no images"})
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := report.Write(&buf, r, report.JSON, report.Options{}); err != nil {
				t.Fatal(err)
			}
			got := buf.Bytes()
			if err := report.ValidateJSON(got); err != nil {
				t.Errorf("report does not validate against the report schema: %v", err)
			}
			golden := filepath.Join("testdata/golden", name+".json")
			if *update {
				if err := os.MkdirAll("testdata/golden", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("%s differs (-want +got; rerun with -update if intended):\n%s", golden, diff)
			}
		})
	}
}

// TestDeterministic: two runs give byte-identical reports.
func TestDeterministic(t *testing.T) {
	set := distrotest.Load(t, "fedora-39", matcher.Latest.Rules)
	var outs []string
	for range 2 {
		r, err := Run(context.Background(), set, Options{})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(r)
		outs = append(outs, string(b))
	}
	if outs[0] != outs[1] {
		t.Error("two runs differ")
	}
}

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, distrotest.Load(t, "ubuntu-24.04", matcher.Latest.Rules), Options{}); err == nil {
		t.Error("want the context's error")
	}
}

func TestMachinePatterns(t *testing.T) {
	for _, tc := range []struct {
		arch, pat string
		ok        bool
	}{
		{"x86_64", "pc-q35-*", true},
		{"x86_64", "pc-i440fx-2.*", true},
		{"x86_64", "microvm", true},
		{"x86_64", "q35", false},
		{"x86_64", "pc-q53-*", false},
		{"aarch64", "virt-*", true},
		{"aarch64", "virt", false},
		{"riscv64", "virt", true},
		{"riscv64", "virt*", true},
		{"loongarch64", "virt*", true},
		{"sparc64", "anything", true}, // no list: not judged
	} {
		if ok, _ := machinePatternUsable(tc.arch, tc.pat); ok != tc.ok {
			t.Errorf("machinePatternUsable(%s, %q) = %v, want %v", tc.arch, tc.pat, ok, tc.ok)
		}
	}
}
