package report

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

const fwdir = "/usr/share/qemu/firmware/"

// cleanReport is a host where every cell is covered and nothing is wrong.
func cleanReport() *Report {
	return &Report{
		SchemaVersion: SchemaVersion,
		Tool:          Tool{Name: "fwaudit", Version: "0.3.0"},
		Profile:       "libvirt-12.8",
		ProfileSource: "flag",
		QEMU:          "10.1",
		Source:        "distro:debian-13",
		Dirs:          []string{"/usr/share/qemu/firmware", "/etc/qemu/firmware"},
		Descriptors: []Descriptor{
			{Name: "40-edk2-x86_64-secure-enrolled.json", Path: fwdir + "40-edk2-x86_64-secure-enrolled.json", Status: "active"},
			{Name: "50-edk2-x86_64-secure.json", Path: fwdir + "50-edk2-x86_64-secure.json", Status: "active"},
			{Name: "60-edk2-x86_64.json", Path: fwdir + "60-edk2-x86_64.json", Status: "active"},
		},
		Rules: []Rule{
			{ID: "lint-missing-executable", Severity: Error, Summary: "A descriptor names an executable that does not exist.", Help: "libvirt picks the descriptor and the guest then fails to start. Install the firmware package or remove the descriptor."},
			{ID: "coverage-gap", Severity: Error, Summary: "No descriptor provides a required feature set.", Help: "libvirt fails to define or start a guest that asks for this firmware."},
		},
		Coverage: []Coverage{
			{Arch: "x86_64", Machine: "q35", FeatureSet: "uefi", Status: "ok", Descriptor: "60-edk2-x86_64.json", Executable: "/usr/share/OVMF/OVMF_CODE_4M.fd", NVRAMTemplate: "/usr/share/OVMF/OVMF_VARS_4M.fd"},
			{Arch: "x86_64", Machine: "q35", FeatureSet: "secure-boot", Status: "ok", Descriptor: "50-edk2-x86_64-secure.json", Executable: "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd", NVRAMTemplate: "/usr/share/OVMF/OVMF_VARS_4M.fd"},
			{Arch: "x86_64", Machine: "q35", FeatureSet: "secure-boot+enrolled-keys", Status: "ok", Descriptor: "40-edk2-x86_64-secure-enrolled.json", Executable: "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd", NVRAMTemplate: "/usr/share/OVMF/OVMF_VARS_4M.ms.fd", Required: true},
		},
	}
}

// problemsReport has lint findings of every severity, a suppressed one,
// a coverage gap and a degraded cell, and domains that keep, change and
// lose their firmware. Its findings are deliberately out of order.
func problemsReport() *Report {
	r := cleanReport()
	r.ProfileSource = "detected"
	r.Source = "host"
	r.Descriptors = []Descriptor{
		{Name: "40-edk2-x86_64-secure-enrolled.json", Path: fwdir + "40-edk2-x86_64-secure-enrolled.json", Status: "active"},
		{Name: "50-edk2-x86_64-secure.json", Path: fwdir + "50-edk2-x86_64-secure.json", Status: "overridden"},
		{Name: "50-edk2-x86_64-secure.json", Path: "/etc/qemu/firmware/50-edk2-x86_64-secure.json", Status: "active"},
		{Name: "55-broken.json", Path: fwdir + "55-broken.json", Status: "invalid"},
		{Name: "60-edk2-x86_64.json", Path: fwdir + "60-edk2-x86_64.json", Status: "active"},
		{Name: "70-masked.json", Path: fwdir + "70-masked.json", Status: "masked"},
	}
	r.Rules = append(r.Rules,
		Rule{ID: "lint-libvirt-rejects", Severity: Error, Summary: "libvirt rejects the descriptor.", Help: "libvirt 9.0 to 10.x then fail every firmware lookup; newer releases skip the file."},
		Rule{ID: "lint-nvram-template-format", Severity: Warning, Summary: "The NVRAM template format differs from the executable's.", Help: "Give both files the same format."},
		Rule{ID: "lint-enrolled-keys-without-secure-boot", Severity: Info, Summary: "enrolled-keys without secure-boot.", Help: "Harmless, but libvirt never picks the descriptor for a secure-boot request."},
		Rule{ID: "coverage-degraded", Severity: Warning, Summary: "The chosen firmware lacks a feature the guest needs.", Help: "Install a firmware that provides it."},
		Rule{ID: "domain-firmware-change", Severity: Warning, Summary: "A domain boots another firmware once its XML is rebuilt.", Help: "Pin the loader in the domain XML or accept the change."},
		Rule{ID: "domain-no-firmware", Severity: Error, Summary: "A domain finds no firmware once its XML is rebuilt.", Help: "Install a firmware for it."},
	)
	r.Findings = NewFindings([]Finding{
		{Rule: "domain-firmware-change", Severity: Warning, Message: "rebuild selects 60-edk2-x86_64.json instead of 50-edk2-x86_64-secure.json", File: "domains/web1.xml", Subject: "web1", Fingerprint: "d3b07384d113edec49eaa6238ad5ff00"},
		{Rule: "coverage-gap", Severity: Error, Message: "no descriptor provides amd-sev-es", Subject: "x86_64/q35/amd-sev-es", Fingerprint: "2f1e6c2b6a4d44c0f0f0a1b2c3d4e5f6"},
		{Rule: "lint-nvram-template-format", Severity: Warning, Message: "nvram-template is qcow2 but executable is raw", Descriptor: "60-edk2-x86_64.json", File: fwdir + "60-edk2-x86_64.json", Line: 14, Column: 13, Pointer: "/mapping/nvram-template/format"},
		{Rule: "lint-libvirt-rejects", Severity: Error, Message: "unknown firmware device 'cdrom'", Descriptor: "55-broken.json", File: fwdir + "55-broken.json", Line: 7, Column: 15, Pointer: "/mapping/device", Fingerprint: "9a0364b9e99bb480dd25e1f0284c8555"},
		{Rule: "lint-missing-executable", Severity: Error, Message: "executable /usr/share/OVMF/OVMF_CODE_4M.secboot.fd does not exist", Descriptor: "50-edk2-x86_64-secure.json", File: "/etc/qemu/firmware/50-edk2-x86_64-secure.json", Line: 9, Column: 21, Pointer: "/mapping/executable/filename", Fingerprint: "5b1f7c0e4a8d2c3b9e6f1a0d7c4b8e2a", Suppressed: true},
		{Rule: "lint-enrolled-keys-without-secure-boot", Severity: Info, Message: "enrolled-keys is listed without secure-boot", Descriptor: "40-edk2-x86_64-secure-enrolled.json", File: fwdir + "40-edk2-x86_64-secure-enrolled.json", Pointer: "/features", Fingerprint: "0cc175b9c0f1b6a831c399e269772661"},
		{Rule: "coverage-degraded", Severity: Warning, Message: "60-edk2-x86_64.json lacks requires-smm", Subject: "x86_64/pc/uefi", Fingerprint: "92eb5ffee6ae2fec3ad71c777531578f"},
		{Rule: "domain-no-firmware", Severity: Error, Message: "Unable to find 'efi' firmware that is compatible with the current configuration", File: "domains/sev1.xml", Subject: "sev1", Fingerprint: "4a8a08f09d37b73795649038408b5f33"},
	}...)
	r.Coverage = []Coverage{
		{Arch: "x86_64", Machine: "q35", FeatureSet: "uefi", Status: "ok", Descriptor: "60-edk2-x86_64.json", Executable: "/usr/share/OVMF/OVMF_CODE_4M.fd", NVRAMTemplate: "/usr/share/OVMF/OVMF_VARS_4M.fd"},
		{Arch: "x86_64", Machine: "q35", FeatureSet: "secure-boot", Status: "ok", Descriptor: "50-edk2-x86_64-secure.json", Executable: "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd", NVRAMTemplate: "/usr/share/OVMF/OVMF_VARS_4M.fd", Required: true},
		{Arch: "x86_64", Machine: "q35", FeatureSet: "amd-sev-es", Status: "gap", Error: "Unable to find 'efi' firmware that is compatible with the current configuration", Required: true},
		{Arch: "x86_64", Machine: "pc", FeatureSet: "uefi", Status: "degraded", Descriptor: "60-edk2-x86_64.json", Executable: "/usr/share/OVMF/OVMF_CODE_4M.fd", Lacks: []string{"requires-smm"}},
	}
	r.Domains = []DomainImpact{
		{Name: "db1", File: "domains/db1.xml", Current: Choice{Descriptor: "60-edk2-x86_64.json", Loader: "/usr/share/OVMF/OVMF_CODE_4M.fd"}, Regenerated: Choice{Descriptor: "60-edk2-x86_64.json", Loader: "/usr/share/OVMF/OVMF_CODE_4M.fd"}, HardRebootKeeps: true},
		{Name: "web1", File: "domains/web1.xml", Current: Choice{Descriptor: "50-edk2-x86_64-secure.json", Loader: "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd"}, Regenerated: Choice{Descriptor: "60-edk2-x86_64.json", Loader: "/usr/share/OVMF/OVMF_CODE_4M.fd"}, NovaLegacy: &Choice{Loader: "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd"}, HardRebootKeeps: true, Changes: true},
		{Name: "sev1", File: "domains/sev1.xml", Current: Choice{Loader: "/usr/share/OVMF/OVMF_CODE_4M.sev.fd"}, Regenerated: Choice{Error: "Unable to find 'efi' firmware that is compatible with the current configuration"}, HardRebootReason: "the loader file is gone", Changes: true},
	}
	return r
}

// oddReport carries characters every format must escape: quotes,
// backslashes, newlines, terminal escapes, bidirectional overrides, wide
// characters, invalid UTF-8, paths with spaces and '#', and a finding of a
// rule the report does not describe.
func oddReport() *Report {
	return &Report{
		SchemaVersion: SchemaVersion,
		Tool:          Tool{Name: "fwaudit", Version: "0.3.0+dirty \"x\""},
		Profile:       "libvirt-11.3",
		ProfileSource: "default",
		Source:        "/srv/image root/\"quoted\"\\dir",
		Dirs:          []string{"/srv/image root/usr/share/qemu/firmware"},
		Descriptors: []Descriptor{
			{Name: "10 odd #name.json", Path: fwdir + "10 odd #name.json", Status: "active"},
			{Name: "固件.json", Path: fwdir + "固件.json", Status: "active"},
		},
		Rules: []Rule{
			{ID: "lint-odd", Severity: Warning, Summary: "Summary with \"quotes\" and <angle> & ampersand.", Help: "Line one.\nLine two with a \\backslash."},
		},
		Findings: NewFindings([]Finding{
			{Rule: "lint-odd", Severity: Warning, Message: "multi\nline\tmessage with \x1b[31mescape\x1b[0m and \u202eoverride", Descriptor: "10 odd #name.json", File: fwdir + "10 odd #name.json", Line: 1, Column: 1, Pointer: "/description/~1slash~0tilde", Fingerprint: "f00d"},
			{Rule: "lint-odd", Severity: Error, Message: "bad byte \xff here, \"quoted\" \\ back", Descriptor: "固件.json", File: fwdir + "固件.json", Fingerprint: "beef"},
			{Rule: "lint-undeclared", Severity: Info, Message: "a rule missing from Rules", Subject: "subject with spaces", Fingerprint: "cafe"},
			{Rule: "lint-odd", Severity: Warning, Message: "relative path", File: "./rel dir/x.json", Line: 3, Fingerprint: "abcd"},
		}...),
		Coverage: []Coverage{
			{Arch: "x86_64", Machine: "q35\"quoted\"", FeatureSet: "secure-boot\nnewline", Status: "ok", Descriptor: "固件.json"},
		},
		Domains: []DomainImpact{
			{Name: "vm \"one\"\\", File: "domains/vm one.xml", Current: Choice{Loader: "/a"}, Regenerated: Choice{Loader: "/b"}, Changes: true},
		},
	}
}

var fixtures = []struct {
	name string
	make func() *Report
}{
	{"clean", cleanReport},
	{"problems", problemsReport},
	{"odd", oddReport},
}

// goldens are the rendered variants checked against testdata/golden.
var goldens = []struct {
	suffix string
	format Format
	opts   Options
}{
	{".json", JSON, Options{}},
	{".txt", Text, Options{}},
	{".quiet.txt", Text, Options{Quiet: true}},
	{".color.txt", Text, Options{Color: true}},
	{".sarif", SARIF, Options{}},
	{".junit.xml", JUnit, Options{}},
	{".prom", Prometheus, Options{}},
}

func goldenPath(fixture, suffix string) string {
	return filepath.Join("testdata", "golden", fixture+suffix)
}

func render(t *testing.T, r *Report, f Format, opts Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, r, f, opts); err != nil {
		t.Fatalf("Write(%s): %v", f, err)
	}
	return buf.Bytes()
}

func TestGolden(t *testing.T) {
	for _, fx := range fixtures {
		for _, g := range goldens {
			t.Run(fx.name+g.suffix, func(t *testing.T) {
				got := render(t, fx.make(), g.format, g.opts)
				path := goldenPath(fx.name, g.suffix)
				if *update {
					if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(path, got, 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test ./report -update)", err)
				}
				if diff := cmp.Diff(string(want), string(got)); diff != "" {
					t.Errorf("%s differs (-want +got):\n%s", path, diff)
				}
			})
		}
	}
}

// goldenFiles returns the golden files with the given suffix.
func goldenFiles(t *testing.T, suffix string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, fx := range fixtures {
		data, err := os.ReadFile(goldenPath(fx.name, suffix))
		if err != nil {
			t.Fatal(err)
		}
		out[fx.name] = data
	}
	return out
}

func TestWriteDoesNotModifyReport(t *testing.T) {
	for _, fx := range fixtures {
		for _, f := range Formats {
			r := fx.make()
			before := fx.make()
			render(t, r, f, Options{})
			if diff := cmp.Diff(before, r); diff != "" {
				t.Errorf("%s %s: Write modified its report (-before +after):\n%s", fx.name, f, diff)
			}
		}
	}
}

func TestWriteZeroReport(t *testing.T) {
	for _, f := range Formats {
		for _, opts := range []Options{{}, {Quiet: true, Color: true}} {
			var buf bytes.Buffer
			if err := Write(&buf, &Report{}, f, opts); err != nil {
				t.Errorf("Write(zero report, %s): %v", f, err)
			}
			if buf.Len() == 0 {
				t.Errorf("Write(zero report, %s) wrote nothing", f)
			}
		}
	}
	// A report holding only zero values in its lists, too.
	r := &Report{Findings: NewFindings(Finding{}), Coverage: []Coverage{{}}, Domains: []DomainImpact{{}}, Descriptors: []Descriptor{{}}, Rules: []Rule{{}}}
	for _, f := range Formats {
		if err := Write(&bytes.Buffer{}, r, f, Options{}); err != nil {
			t.Errorf("Write(zero entries, %s): %v", f, err)
		}
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteErrors(t *testing.T) {
	tests := []struct {
		name    string
		w       func() *bytes.Buffer
		r       *Report
		format  Format
		wantErr string
	}{
		{"nil report", nil, nil, JSON, "report: nil report"},
		{"unknown format", nil, cleanReport(), "yaml", `report: unknown format "yaml" (want one of json, text, sarif, junit, prometheus)`},
		{"empty format", nil, cleanReport(), "", `report: unknown format ""`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := Write(&buf, tt.r, tt.format, Options{})
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Write: got error %v, want one containing %q", err, tt.wantErr)
			}
			if buf.Len() != 0 {
				t.Errorf("Write wrote %q on error", buf.String())
			}
		})
	}
	for _, f := range Formats {
		err := Write(failingWriter{}, cleanReport(), f, Options{})
		if err == nil || !strings.Contains(err.Error(), "disk full") || !strings.Contains(err.Error(), string(f)) {
			t.Errorf("Write(%s) to a failing writer: got %v, want the writer's error with the format", f, err)
		}
	}
}

func TestParseFormat(t *testing.T) {
	for _, f := range Formats {
		got, err := ParseFormat(string(f))
		if err != nil || got != f {
			t.Errorf("ParseFormat(%q) = %q, %v", f, got, err)
		}
	}
	for _, s := range []string{"", "JSON", "xml", "text "} {
		if _, err := ParseFormat(s); err == nil {
			t.Errorf("ParseFormat(%q): no error", s)
		}
	}
}

func TestParseSeverity(t *testing.T) {
	for _, s := range []Severity{Error, Warning, Info} {
		got, err := ParseSeverity(string(s))
		if err != nil || got != s {
			t.Errorf("ParseSeverity(%q) = %q, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "none", "Error", "fatal"} {
		if _, err := ParseSeverity(s); err == nil {
			t.Errorf("ParseSeverity(%q): no error", s)
		}
	}
}

func TestParseFailOn(t *testing.T) {
	warn := &Report{Findings: NewFindings(Finding{Rule: "r", Severity: Warning})}
	for _, tc := range []struct {
		in    string
		want  Severity
		fails bool
	}{
		{"error", Error, false},
		{"warning", Warning, true},
		{"info", Info, true},
		{"never", "", false},
	} {
		got, err := ParseFailOn(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseFailOn(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
		if warn.Fails(got) != tc.fails {
			t.Errorf("--fail-on %s: a warning fails %v, want %v", tc.in, !tc.fails, tc.fails)
		}
	}
	for _, s := range []string{"", "none", "Never", "fatal"} {
		if _, err := ParseFailOn(s); err == nil {
			t.Errorf("ParseFailOn(%q): no error", s)
		}
	}
	if len(FailOnNames) != 4 || FailOnNames[0] != "error" {
		t.Errorf("FailOnNames = %q: the default, error, comes first", FailOnNames)
	}
}

func TestFinalize(t *testing.T) {
	r := problemsReport()
	r.Finalize()
	var got []string
	for _, f := range r.Findings.All() {
		got = append(got, f.Rule+" "+firstNonEmpty(f.File, f.Subject))
	}
	// libvirt's order of descriptors first (the /etc entry is the third
	// descriptor), then the findings about no descriptor, by rule.
	want := []string{
		"lint-enrolled-keys-without-secure-boot " + fwdir + "40-edk2-x86_64-secure-enrolled.json",
		"lint-missing-executable /etc/qemu/firmware/50-edk2-x86_64-secure.json",
		"lint-libvirt-rejects " + fwdir + "55-broken.json",
		"lint-nvram-template-format " + fwdir + "60-edk2-x86_64.json",
		"coverage-degraded x86_64/pc/uefi",
		"coverage-gap x86_64/q35/amd-sev-es",
		"domain-firmware-change domains/web1.xml",
		"domain-no-firmware domains/sev1.xml",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("finding order (-want +got):\n%s", diff)
	}
	if want := (Summary{Errors: 3, Warnings: 3, Infos: 1, Suppressed: 1}); r.Summary != want {
		t.Errorf("Summary = %+v, want %+v", r.Summary, want)
	}
	if !slices.IsSortedFunc(r.Rules, func(a, b Rule) int { return strings.Compare(a.ID, b.ID) }) {
		t.Errorf("rules not sorted by ID")
	}
	for _, f := range r.Findings.All() {
		if f.Fingerprint == "" {
			t.Errorf("finding %s kept an empty fingerprint", f.Rule)
		}
	}

	// The order does not depend on the order the audit produced.
	for i := range 10 {
		s := problemsReport()
		fs := s.Findings.Slice()
		rot := i % len(fs)
		s.Findings = NewFindings(append(fs[rot:], fs[:rot]...)...)
		slices.Reverse(s.Rules)
		s.Finalize()
		if diff := cmp.Diff(r, s); diff != "" {
			t.Fatalf("rotation %d: Finalize differs (-want +got):\n%s", rot, diff)
		}
	}

	// Finalize is idempotent, and fills in what a zero report lacks.
	again := *r
	again.Finalize()
	if diff := cmp.Diff(r, &again); diff != "" {
		t.Errorf("second Finalize changed the report:\n%s", diff)
	}
	z := &Report{}
	z.Finalize()
	if z.SchemaVersion != SchemaVersion || z.Rules == nil || z.Dirs == nil || z.Coverage == nil || z.Descriptors == nil {
		t.Errorf("Finalize of a zero report: %+v", z)
	}
}

func TestDefaultFingerprint(t *testing.T) {
	base := Finding{Rule: "lint-x", Severity: Warning, Message: "m", Descriptor: "d.json", File: "/f/d.json", Line: 3, Column: 4, Pointer: "/p"}
	fp := base.DefaultFingerprint()
	if len(fp) != 32 {
		t.Errorf("fingerprint %q: want 32 hex digits", fp)
	}
	same := base
	same.Line, same.Column, same.Message, same.Severity, same.Suppressed = 99, 1, "reworded", Error, true
	if same.DefaultFingerprint() != fp {
		t.Errorf("fingerprint depends on line, column, message, severity or suppression")
	}
	for _, change := range []func(*Finding){
		func(f *Finding) { f.Rule = "lint-y" },
		func(f *Finding) { f.Descriptor = "e.json" },
		func(f *Finding) { f.File = "/f/e.json" },
		func(f *Finding) { f.Pointer = "/q" },
		func(f *Finding) { f.Subject = "x86_64/q35/uefi" },
		// Fields are separated: moving text between them changes it.
		func(f *Finding) { f.Rule, f.Descriptor = "lint-xd.json", "" },
	} {
		other := base
		change(&other)
		if other.DefaultFingerprint() == fp {
			t.Errorf("fingerprint unchanged for %+v", other)
		}
	}
}

func TestFails(t *testing.T) {
	tests := []struct {
		name      string
		findings  []Finding
		threshold Severity
		want      bool
	}{
		{"no findings", nil, Info, false},
		{"error at error", []Finding{{Severity: Error}}, Error, true},
		{"warning at error", []Finding{{Severity: Warning}}, Error, false},
		{"warning at warning", []Finding{{Severity: Warning}}, Warning, true},
		{"error at warning", []Finding{{Severity: Error}}, Warning, true},
		{"info at warning", []Finding{{Severity: Info}}, Warning, false},
		{"info at info", []Finding{{Severity: Info}}, Info, true},
		{"suppressed error", []Finding{{Severity: Error, Suppressed: true}}, Info, false},
		{"suppressed and live", []Finding{{Severity: Error, Suppressed: true}, {Severity: Warning}}, Warning, true},
		{"unknown severity counts as nothing", []Finding{{Severity: "fatal"}}, Info, false},
		{"empty threshold never fails", []Finding{{Severity: Error}}, "", false},
		{"unknown threshold never fails", []Finding{{Severity: Error}}, "none", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &Report{Findings: NewFindings(tt.findings...)}
			if got := r.Fails(tt.threshold); got != tt.want {
				t.Errorf("Fails(%q) = %v, want %v", tt.threshold, got, tt.want)
			}
		})
	}
}

func TestCoverageKeyAndGroups(t *testing.T) {
	r := problemsReport()
	r.Finalize()
	g := group(r)
	if got := (Coverage{Arch: "x86_64", Machine: "q35", FeatureSet: "amd-sev-es"}).Key(); got != "x86_64/q35/amd-sev-es" {
		t.Errorf("Key = %q", got)
	}
	lint := 0
	if err := g.eachLint(func(_ int, fs []Finding) error { lint += len(fs); return nil },
		func(int, Finding) error { lint++; return nil }); err != nil {
		t.Fatal(err)
	}
	if lint != 4 {
		t.Errorf("lint findings: %d, want 4", lint)
	}
	if n := len(g.byCell["x86_64/q35/amd-sev-es"]); n != 1 {
		t.Errorf("findings of the gap cell: %d, want 1", n)
	}
	if n := len(g.byDomain[domainKey("web1", "domains/web1.xml")]) + len(g.byDomain[domainKey("sev1", "domains/sev1.xml")]); n != 2 {
		t.Errorf("domain findings: %d, want 2", n)
	}
}

// TestSameNameDomains: two domains of one name (in two files) each get
// their own findings, in every format that groups them.
func TestSameNameDomains(t *testing.T) {
	r := &Report{
		Domains: []DomainImpact{
			{Name: "web", File: "a/web.xml", Current: Choice{Descriptor: "x.json"}, Regenerated: Choice{Descriptor: "x.json"}},
			{Name: "web", File: "b/web.xml", Current: Choice{Descriptor: "x.json"}, Regenerated: Choice{Error: "no firmware"}},
		},
		Findings: NewFindings(Finding{Rule: "domain-no-firmware", Severity: Error, Message: "only b fails", File: "b/web.xml", Subject: "web"}),
	}
	r.Finalize()
	var text bytes.Buffer
	if err := Write(&text, r, Text, Options{}); err != nil {
		t.Fatal(err)
	}
	var a, b string
	for _, line := range strings.Split(text.String(), "\n") {
		switch {
		case strings.Contains(line, "web (a/web.xml)"):
			a = line
		case strings.Contains(line, "web (b/web.xml)"):
			b = line
		}
	}
	if !strings.Contains(a, "PASS") || strings.Contains(a, "only b fails") {
		t.Errorf("a/web.xml: %q, want PASS without b's finding", a)
	}
	if !strings.Contains(b, "FAIL (only b fails)") {
		t.Errorf("b/web.xml: %q, want its own finding", b)
	}
	var junit bytes.Buffer
	if err := Write(&junit, r, JUnit, Options{}); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(junit.String(), "<failure "); n != 1 || !strings.Contains(junit.String(), "b/web.xml: error domain-no-firmware") {
		t.Errorf("JUnit has %d failures, want b's finding once:\n%s", n, junit.String())
	}
}

// TestWriteFileFormats: the file holds what Write writes, in every format.
func TestWriteFileFormats(t *testing.T) {
	dir := t.TempDir()
	for _, f := range Formats {
		path := filepath.Join(dir, "report."+string(f))
		if err := WriteFile(path, problemsReport(), f, Options{}); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if want := render(t, problemsReport(), f, Options{}); !bytes.Equal(got, want) {
			t.Errorf("%s: file content differs from Write's output", f)
		}
	}
}

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "fwaudit.prom")
	r := problemsReport()

	if err := WriteFile(path, r, Prometheus, Options{}); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := render(t, r, Prometheus, Options{}); !bytes.Equal(got, want) {
		t.Errorf("file content differs from Write's output")
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("new file mode: %v, %v; want 0644", fi.Mode(), err)
	}

	// Replacing keeps the existing file's permissions.
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, cleanReport(), JSON, Options{}); err != nil {
		t.Fatal(err)
	}
	got, _ = os.ReadFile(path)
	if want := render(t, cleanReport(), JSON, Options{}); !bytes.Equal(got, want) {
		t.Errorf("replaced file content differs from Write's output")
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("replaced file mode %v, want 0600", fi.Mode().Perm())
	}

	// Failures leave the file as it was and no temporary file behind.
	tests := []struct {
		name string
		path string
		r    *Report
		f    Format
	}{
		{"unknown format", path, cleanReport(), "yaml"},
		{"nil report", path, nil, JSON},
		{"missing directory", filepath.Join(dir, "no", "such", "dir", "x.json"), cleanReport(), JSON},
		{"path is a directory", dir, cleanReport(), JSON},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := WriteFile(tt.path, tt.r, tt.f, Options{}); err == nil {
				t.Fatalf("WriteFile: no error")
			}
			after, _ := os.ReadFile(path)
			if !bytes.Equal(after, got) {
				t.Errorf("WriteFile changed %s on failure", path)
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != 1 {
				var names []string
				for _, e := range entries {
					names = append(names, e.Name())
				}
				t.Errorf("directory holds %v, want only fwaudit.prom", names)
			}
		})
	}
}

func TestWriteFileRelativePath(t *testing.T) {
	t.Chdir(t.TempDir())
	if err := WriteFile("report.json", cleanReport(), JSON, Options{}); err != nil {
		t.Fatal(err)
	}
	if err := ValidateJSON(must(os.ReadFile("report.json"))); err != nil {
		t.Error(err)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestWriteFinalizedReport: a report already in canonical form is
// rendered as it is (not copied) and is left unmodified by every format,
// with the bytes of its unfinalized form; a report that is not final is
// still copied.
func TestWriteFinalizedReport(t *testing.T) {
	for _, fx := range fixtures {
		r := fx.make()
		r.Finalize()
		if !r.isFinal() {
			t.Errorf("%s: a finalized report is not final", fx.name)
		}
		if got := r.finalized(); got != r {
			t.Errorf("%s: finalized copied a final report", fx.name)
		}
		before := fx.make()
		before.Finalize()
		for _, f := range Formats {
			if got, want := render(t, r, f, Options{}), render(t, fx.make(), f, Options{}); !bytes.Equal(got, want) {
				t.Errorf("%s %s: a finalized report renders differently", fx.name, f)
			}
			if diff := cmp.Diff(before, r); diff != "" {
				t.Errorf("%s %s: Write modified a final report (-before +after):\n%s", fx.name, f, diff)
			}
		}
		if r.Findings.Len() > 1 {
			u := fx.make().finalized()
			fs := u.Findings.Slice()
			fs[0], fs[1] = fs[1], fs[0]
			u.Findings = NewFindings(fs...)
			// Severity and Suppressed do not order findings.
			a, b := fs[0], fs[1]
			a.Severity, a.Suppressed = b.Severity, b.Suppressed
			if u.isFinal() && a != b {
				t.Errorf("%s: findings out of order taken as final", fx.name)
			}
		}
	}
}
