package audit

import (
	"context"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/matcher"
	"github.com/fwaudit/fwaudit/report"
)

// A valid descriptor and one with a device libvirt does not know: 9.0 and
// 10.0 fail every selection on it (an error), 11.3 and 12.8 skip it (a
// warning).
var releasesFS = fstest.MapFS{
	"usr/share/qemu/firmware/50-ok.json":  {Data: []byte(`{"description":"ok","interface-types":["uefi"],"mapping":{"device":"memory","filename":"/a.fd"},"targets":[{"architecture":"x86_64","machines":["pc-q35-*"]}],"features":[],"tags":[]}`)},
	"usr/share/qemu/firmware/70-bad.json": {Data: []byte(`{"description":"bad","interface-types":["uefi"],"mapping":{"device":"floppy"},"targets":[],"features":[],"tags":[]}`)},
}

func loadReleasesFS(rules *descriptor.Rules) (*descriptor.Set, error) {
	return descriptor.Load(descriptor.Options{FS: releasesFS, Rules: rules})
}

func TestLintReleases(t *testing.T) {
	r, err := LintReleases(context.Background(), loadReleasesFS, Options{Files: releasesFS})
	if err != nil {
		t.Fatal(err)
	}
	if r.Profile != "libvirt-9.0,libvirt-10.0,libvirt-11.3,libvirt-12.8" {
		t.Errorf("Profile %q", r.Profile)
	}
	// Each release used its own QEMU; the report names them in order.
	var qemus []string
	for _, p := range matcher.Profiles {
		qemus = append(qemus, p.QEMU)
	}
	if want := strings.Join(qemus, ","); r.QEMU != want || !strings.Contains(r.QEMU, ",") {
		t.Errorf("QEMU %q, want %q", r.QEMU, want)
	}
	if one, err := LintReleases(context.Background(), loadReleasesFS, Options{Files: releasesFS, QEMU: "9.2"}); err != nil || one.QEMU != "9.2" {
		t.Errorf("with Options.QEMU 9.2: QEMU %q, %v", one.QEMU, err)
	}
	var invalid []report.Finding
	for _, f := range r.Findings.All() {
		if f.Rule == RuleDescriptorInvalid {
			invalid = append(invalid, f)
		}
	}
	if len(invalid) != 1 {
		t.Fatalf("%d descriptor-invalid findings, want 1 (merged across releases): %+v", len(invalid), invalid)
	}
	f := invalid[0]
	if f.Severity != report.Error || !strings.HasSuffix(f.Message, "[error for libvirt 9.0, 10.0]") ||
		!strings.Contains(f.Message, "libvirt 9.0.0 then fails every firmware selection") {
		t.Errorf("merged finding %s %q, want the strictest (error, 9.0 and 10.0)", f.Severity, f.Message)
	}
	if !r.Fails(report.Error) {
		t.Errorf("the report does not fail on the error")
	}

	// One release: exactly what Lint says.
	single, err := LintReleases(context.Background(), loadReleasesFS, Options{Files: releasesFS}, matcher.Libvirt128)
	if err != nil {
		t.Fatal(err)
	}
	set, _ := loadReleasesFS(matcher.Libvirt128.Rules)
	want, _ := Lint(context.Background(), set, Options{Profile: matcher.Libvirt128, Files: releasesFS})
	if fmt.Sprint(single.Findings.Slice()) != fmt.Sprint(want.Findings.Slice()) || single.Profile != "libvirt-12.8" {
		t.Errorf("one release: %v\nwant %v", single.Findings, want.Findings)
	}
	for _, f := range single.Findings.All() {
		if f.Rule == RuleDescriptorInvalid && f.Severity != report.Warning {
			t.Errorf("12.8 alone skips the file: a warning expected, got %s %q", f.Severity, f.Message)
		}
	}
}

// TestLintReleasesLoadsOncePerParser checks that profiles read one load per
// distinct parser, judged by value: a profile whose rule set is a copy of
// another's shares its load, and one with different rules gets its own.
func TestLintReleasesLoadsOncePerParser(t *testing.T) {
	copied := *matcher.Libvirt100
	rules := *matcher.Libvirt100.Rules // equal to Libvirt90's, another pointer
	copied.Rules = &rules
	var loads []string
	load := func(r *descriptor.Rules) (*descriptor.Set, error) {
		loads = append(loads, r.Name)
		return loadReleasesFS(r)
	}
	if _, err := LintReleases(context.Background(), load, Options{Files: releasesFS}, matcher.Libvirt90, &copied, matcher.Libvirt128); err != nil {
		t.Fatal(err)
	}
	if want := []string{"libvirt-9.0", "libvirt-12.8"}; strings.Join(loads, ",") != strings.Join(want, ",") {
		t.Errorf("loads %v, want %v", loads, want)
	}
}

func ExampleLintReleases() {
	r, err := LintReleases(context.Background(), loadReleasesFS, Options{Files: releasesFS})
	if err != nil {
		panic(err)
	}
	for _, f := range r.Findings.All() {
		if f.Rule == RuleDescriptorInvalid {
			fmt.Println(f.Severity, f.Descriptor)
		}
	}
	// Output: error 70-bad.json
}

// TestKeyOf: a default fingerprint's key is the bytes its hexadecimal
// digits spell; any other fingerprint is hashed, so that two fingerprints
// never share a key however they are spelled.
func TestKeyOf(t *testing.T) {
	fp := "679f675a8936c493f8d3c2b85a8b9848"
	if k := keyOf(fp); hex.EncodeToString(k[:]) != fp {
		t.Errorf("keyOf(%q) = %x", fp, k)
	}
	keys := map[fingerprintKey]string{}
	for _, s := range []string{fp, "679F675A8936C493F8D3C2B85A8B9848", "a", "b", "", "679f675a8936c493f8d3c2b85a8b98zz"} {
		k := keyOf(s)
		if other, ok := keys[k]; ok && !strings.EqualFold(other, s) {
			t.Errorf("keyOf(%q) = keyOf(%q)", s, other)
		}
		keys[k] = s
	}
}

// TestMerger: the merge takes, for each fingerprint and rank among the
// findings of that fingerprint in a release, the strictest severity (a
// later release's finding when it is stricter, the first one's among
// equals) and the releases that give it, whatever the batches the
// releases hand their findings over in.
func TestMerger(t *testing.T) {
	f := func(rule string, sev report.Severity, line int, msg string) report.Finding {
		return report.Finding{Rule: rule, Severity: sev, Descriptor: "a.json", File: "/fw/a.json", Pointer: "/p", Line: line, Message: msg}
	}
	batch := func(fs ...report.Finding) *report.Findings {
		r := report.Report{Findings: report.NewFindings(fs...)}
		r.Finalize()
		return &r.Findings
	}
	m := &merger{}
	cursors := make([]int, 3)
	add := func(pi int, key string, fs *report.Findings) { m.add(pi, m.slot(pi, &cursors[pi], key), fs) }
	// Release 0: rule "dup" twice (lines 1 and 2) in a's flush, "up" as
	// a warning in b's.
	add(0, "a", batch(f("dup", report.Warning, 2, "0-second"), f("dup", report.Warning, 1, "0-first")))
	add(0, "b", batch(f("up", report.Warning, 3, "0-up")))
	// Release 1: "dup" once (its first), "up" as an error (stricter) and
	// "late" beside it, "new" in a flush of its own; interleaved with
	// release 2's flushes, which give "late" too.
	add(1, "a", batch(f("dup", report.Warning, 1, "1-first")))
	add(2, "a", batch(f("dup", report.Error, 1, "2-first"), f("dup", report.Warning, 2, "2-second")))
	add(1, "b", batch(f("up", report.Error, 3, "1-up"), f("late", report.Warning, 5, "1-late")))
	add(1, "c", batch(f("new", report.Info, 4, "1-new")))
	add(2, "b", batch(f("late", report.Warning, 5, "2-late"), f("up", report.Error, 3, "2-up")))

	type row struct { // exported fields: cmp reads them
		Msg      string
		Sev      report.Severity
		Releases uint16
	}
	var got []row
	for i, x := range m.findings.All() {
		got = append(got, row{x.Message, x.Severity, m.releases[i]})
	}
	want := []row{
		{"2-first", report.Error, 0b100},    // dup #0: 2 is stricter
		{"0-second", report.Warning, 0b101}, // dup #1: 0 and 2 alike, 0's text
		{"1-up", report.Error, 0b110},       // up: 1 stricter than 0, 2 equal to 1
		{"1-late", report.Warning, 0b110},   // added to flush 1 by 1, found there by 2
		{"1-new", report.Info, 0b010},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("merged (-want +got):\n%s", diff)
	}
}

// TestLintReleasesTooMany: a merge tells at most maxMerged releases apart;
// more is an error, not a wrong merge.
func TestLintReleasesTooMany(t *testing.T) {
	profiles := make([]*matcher.Profile, maxMerged+1)
	for i := range profiles {
		profiles[i] = matcher.Profiles[0]
	}
	if _, err := LintReleases(context.Background(), loadReleasesFS, Options{Files: releasesFS}, profiles...); err == nil || !strings.Contains(err.Error(), "at most 16") {
		t.Errorf("LintReleases with %d profiles: %v, want an error", len(profiles), err)
	}
	if _, err := LintReleases(context.Background(), loadReleasesFS, Options{Files: releasesFS}, profiles[:maxMerged]...); err != nil {
		t.Errorf("LintReleases with %d profiles: %v", maxMerged, err)
	}
}

// TestMergerListings: a release whose files changed between two loads (a
// file more, a file less, so that its flushes no longer come in the
// first release's order) still has its findings merged with the same
// entries' findings of the others.
func TestMergerListings(t *testing.T) {
	f := func(file, rule string) report.Finding {
		return report.Finding{Rule: rule, Severity: report.Warning, Descriptor: file, File: "/fw/" + file, Message: file + " " + rule}
	}
	batch := func(fs ...report.Finding) *report.Findings {
		l := report.NewFindings(fs...)
		return &l
	}
	m := &merger{}
	cursors := make([]int, 3)
	add := func(pi int, key string, fs ...report.Finding) { m.add(pi, m.slot(pi, &cursors[pi], key), batch(fs...)) }
	add(0, "/fw/x", f("x", "r"))
	add(0, "/fw/y", f("y", "r"))
	add(0, "", f("", "pass"))
	// Release 1 has a file more, before the others.
	add(1, "/fw/w", f("w", "r"))
	add(1, "/fw/x", f("x", "r"))
	add(1, "/fw/y", f("y", "r"))
	add(1, "", f("", "pass"))
	// Release 2 has lost y.
	add(2, "/fw/x", f("x", "r"))
	add(2, "", f("", "pass"))
	got := map[string]uint16{}
	for i, x := range m.findings.All() {
		got[x.Message] = m.releases[i]
	}
	want := map[string]uint16{"x r": 0b111, "y r": 0b011, " pass": 0b111, "w r": 0b010}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("merged findings' releases (-want +got):\n%s", diff)
	}
	if m.findings.Len() != len(want) {
		t.Errorf("%d merged findings, want %d", m.findings.Len(), len(want))
	}
}
