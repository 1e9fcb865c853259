package report

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
)

// TestFindingsRoundTrip: every field of a Finding comes back from the
// list as it went in, through Add, Set, AddSpliced and JSON, and a
// fingerprint is the default one unless one was given.
func TestFindingsRoundTrip(t *testing.T) {
	fs := []Finding{
		{Rule: "missing-file", Severity: Error, Message: "m1", Descriptor: "a.json", File: "/d/a.json", Line: 4, Column: 61, Pointer: "/mapping/executable/filename"},
		{Rule: "missing-file", Severity: Error, Message: "m2", Descriptor: "a.json", File: "/d/a.json", Line: 5, Column: 3, Pointer: "/mapping/nvram-template/filename", Suppressed: true},
		{Rule: "coverage-gap", Severity: Info, Message: "gap", Subject: "x86_64/q35/amd-sev-es"},
		{Rule: "lint-x", Severity: "odd", Message: "", Fingerprint: "beef"},
		{Rule: "lint-big", Severity: Warning, Message: "far", File: "/f", Line: 1 << 40, Column: -1},
	}
	l := NewFindings(fs...)
	if l.Len() != len(fs) {
		t.Fatalf("Len = %d, want %d", l.Len(), len(fs))
	}
	want := make([]Finding, len(fs))
	for i, f := range fs {
		want[i] = f
		if f.Fingerprint == "" {
			want[i].Fingerprint = f.DefaultFingerprint()
		}
	}
	if diff := cmp.Diff(want, l.Slice()); diff != "" {
		t.Errorf("Add then At (-want +got):\n%s", diff)
	}
	for i := range want {
		if got := l.Fingerprint(i); got != want[i].Fingerprint {
			t.Errorf("Fingerprint(%d) = %q, want %q", i, got, want[i].Fingerprint)
		}
		sev, sup := l.Severity(i)
		if sev != want[i].Severity || sup != want[i].Suppressed {
			t.Errorf("Severity(%d) = %q, %v; want %q, %v", i, sev, sup, want[i].Severity, want[i].Suppressed)
		}
	}

	data, err := json.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	var back Findings
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, back.Slice()); diff != "" {
		t.Errorf("through JSON (-want +got):\n%s", diff)
	}
	if !back.Equal(l) || back.Equal(NewFindings(fs[1:]...)) {
		t.Errorf("Equal disagrees with the findings")
	}

	l.Set(2, fs[0])
	want[2] = want[0]
	l.Suppress(0)
	want[0].Suppressed = true
	if diff := cmp.Diff(want, l.Slice()); diff != "" {
		t.Errorf("after Set and Suppress (-want +got):\n%s", diff)
	}
}

// TestAddSpliced: the message is prefix+arg+suffix, also after
// AppendMessage, and equal prefixes and suffixes are held once.
func TestAddSpliced(t *testing.T) {
	var l Findings
	f := Finding{Rule: "missing-file", Severity: Error, Message: "ignored", Descriptor: "a.json", File: "/d/a.json"}
	paths := []string{"/usr/share/fw/0/CODE.fd", "/usr/share/fw/1/CODE.fd", ""}
	for _, p := range paths {
		l.AddSpliced(f, "the executable ", p, " does not exist")
	}
	l.AddSpliced(f, "whole", "", "")
	l.AppendMessage(1, " [error for libvirt 9.0]")
	l.AppendMessage(3, "!")
	want := []string{
		"the executable /usr/share/fw/0/CODE.fd does not exist",
		"the executable /usr/share/fw/1/CODE.fd does not exist [error for libvirt 9.0]",
		"the executable  does not exist",
		"whole!",
	}
	var got []string
	for _, f := range l.All() {
		got = append(got, f.Message)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("messages (-want +got):\n%s", diff)
	}
	if a, b := l.recs.at(0).text, l.recs.at(2).text; a != b || a == noText {
		t.Errorf("two findings with the same prefix and suffix hold two texts (%d, %d)", a, b)
	}
	if l.places.len() != 1 {
		t.Errorf("%d places for findings about one file, want 1", l.places.len())
	}
}

// TestFindingsTextsBounded: the list keeps at most maxTexts texts, and
// findings added beyond that keep their own.
func TestFindingsTextsBounded(t *testing.T) {
	var l Findings
	for i := range maxTexts + 10 {
		l.Add(Finding{Rule: "r", Message: strings.Repeat("x", i)})
	}
	if len(l.texts) != maxTexts {
		t.Errorf("%d texts kept, want %d", len(l.texts), maxTexts)
	}
	if got := l.At(maxTexts + 9).Message; len(got) != maxTexts+9 {
		t.Errorf("message beyond the bound: %d bytes, want %d", len(got), maxTexts+9)
	}
	// A text moves out of the table and back as messages are appended
	// to, and a copy keeps its own.
	c := l.Clone()
	l.AppendMessage(1, "!")                           // x! is not in the full table
	l.AppendMessage(maxTexts+1, "")                   // stays beyond it
	c.AppendMessage(maxTexts, strings.Repeat("x", 0)) // beyond, unchanged
	for i, want := range map[int]string{0: "", 1: "x!", 2: "xx", maxTexts + 1: strings.Repeat("x", maxTexts+1)} {
		if got := l.At(i).Message; got != want {
			t.Errorf("message %d = %.20q (%d bytes), want %.20q", i, got, len(got), want)
		}
	}
	if r := l.recs.at(1); r.text != noText || r.extra == nil || r.extra.text != "x!" {
		t.Errorf("an appended text beyond the table is not in the record's extra: %d, %+v", r.text, r.extra)
	}
	if got := c.At(1).Message; got != "x" {
		t.Errorf("the clone's message 1 = %q after the original changed", got)
	}
	var m Findings
	m.Add(Finding{Rule: "r", Message: "a"})
	for i := range maxTexts - 1 {
		m.Add(Finding{Rule: "r", Message: fmt.Sprint("t", i)})
	}
	m.Add(Finding{Rule: "r", Message: "beyond"})
	m.AppendMessage(maxTexts, "") // "beyond" is still not in the table
	m.Set(maxTexts, Finding{Rule: "r", Message: "a"})
	if r := m.recs.at(maxTexts); r.text != 0 || r.extra != nil || m.At(maxTexts).Message != "a" {
		t.Errorf("a record set to a text of the table keeps an extra: %d, %+v", r.text, r.extra)
	}
}

// TestFindingsPointersBounded: the list keeps at most maxTexts pointers
// in its table; findings beyond keep their own, and every pointer reads
// back as it was given.
func TestFindingsPointersBounded(t *testing.T) {
	var l Findings
	n := maxTexts + 10
	for i := range n {
		l.Add(Finding{Rule: "r", Pointer: fmt.Sprintf("/features/%d", i)})
	}
	l.Add(Finding{Rule: "r", Pointer: "/features/0"})
	if len(l.pointerIndex) != maxTexts {
		t.Errorf("%d pointers in the table, want %d", len(l.pointerIndex), maxTexts)
	}
	for i := range n {
		if got, want := l.At(i).Pointer, fmt.Sprintf("/features/%d", i); got != want {
			t.Fatalf("finding %d: pointer %q, want %q", i, got, want)
		}
	}
	if got := l.At(n).Pointer; got != "/features/0" {
		t.Errorf("a repeated pointer reads back as %q", got)
	}
}

// TestFindingsKindsBounded: past maxKinds distinct rule and severity
// pairs, findings keep their own, with no panic and nothing lost.
func TestFindingsKindsBounded(t *testing.T) {
	var l Findings
	n := maxKinds + 10
	for i := range n {
		l.Add(Finding{Rule: fmt.Sprintf("rule-%d", i), Severity: Warning})
	}
	if len(l.kinds) != maxKinds {
		t.Errorf("%d kinds in the table, want %d", len(l.kinds), maxKinds)
	}
	s := l.summary()
	for i := range n {
		f := l.At(i)
		if want := fmt.Sprintf("rule-%d", i); f.Rule != want || f.Severity != Warning {
			t.Fatalf("finding %d: %s %s, want %s warning", i, f.Rule, f.Severity, want)
		}
	}
	if s.Warnings != n {
		t.Errorf("summary counts %d warnings, want %d", s.Warnings, n)
	}
}

// TestFindingsClone: a clone shares nothing that changes.
func TestFindingsClone(t *testing.T) {
	l := NewFindings(Finding{Rule: "r", Message: "m"})
	c := l.Clone()
	c.Suppress(0)
	c.AppendMessage(0, "+")
	c.Add(Finding{Rule: "s"})
	if f := l.At(0); f.Suppressed || f.Message != "m" || l.Len() != 1 {
		t.Errorf("changing a clone changed the original: %+v, %d findings", f, l.Len())
	}
}

// TestRecordSize pins the size of a finding in the list: the budget of
// issue 11 (benchmarks/README.md, "Memory for N descriptors") counts on it.
func TestRecordSize(t *testing.T) {
	if n := unsafe.Sizeof(record{}); n > 48 {
		t.Errorf("a record is %d bytes, want at most 48", n)
	}
}

// TestFindingsSortAcrossChunks: a list several chunks long sorts to the
// same order from any starting order, keeps every finding, and the
// descriptors' order comes first.
func TestFindingsSortAcrossChunks(t *testing.T) {
	n := 3*chunkLen + 17
	var descs []Descriptor
	for i := range 50 {
		name := fmt.Sprintf("%02d-d.json", 49-i) // libvirt's order is not the names'
		descs = append(descs, Descriptor{Name: name, Path: "/fw/" + name, Status: "active"})
	}
	var fs []Finding
	for i := range n {
		d := descs[i*7%len(descs)]
		fs = append(fs, Finding{Rule: []string{"b-rule", "a-rule"}[i%2], Severity: Warning, Descriptor: d.Name, File: d.Path,
			Line: i % 13, Message: fmt.Sprint("m", i%5)})
	}
	var first []Finding
	for seed := range 3 {
		shuffled := slices.Clone(fs)
		rand.New(rand.NewPCG(uint64(seed), 1)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		r := &Report{Descriptors: descs, Findings: NewFindings(shuffled...)}
		r.Finalize()
		got := r.Findings.Slice()
		if !r.Findings.sorted(r.descriptorOrder()) {
			t.Fatalf("seed %d: not sorted after Finalize", seed)
		}
		if got[0].Descriptor != descs[0].Name || got[len(got)-1].Descriptor != descs[len(descs)-1].Name {
			t.Errorf("seed %d: first %s, last %s: not in the descriptors' order", seed, got[0].Descriptor, got[len(got)-1].Descriptor)
		}
		if first == nil {
			first = got
			want := slices.Clone(fs)
			key := func(f Finding) string { return fmt.Sprint(f) }
			slices.SortFunc(want, func(a, b Finding) int { return strings.Compare(key(a), key(b)) })
			have := slices.Clone(got)
			for i := range have {
				have[i].Fingerprint = ""
			}
			slices.SortFunc(have, func(a, b Finding) int { return strings.Compare(key(a), key(b)) })
			if diff := cmp.Diff(want, have); diff != "" {
				t.Fatalf("sorting lost or changed findings (-want +got):\n%s", diff)
			}
			continue
		}
		if diff := cmp.Diff(first, got); diff != "" {
			t.Errorf("seed %d: another order than seed 0's (-first +got):\n%s", seed, diff)
		}
	}
}

// TestAddFrom: a finding copied from another list reads back the same and
// stays as compact as it was there (its spliced text shared), also when
// its pointer or its rule is beyond the source's tables.
func TestAddFrom(t *testing.T) {
	var src Findings
	for i := range maxTexts + 2 { // fill the pointer table
		src.Add(Finding{Rule: "fill", Pointer: fmt.Sprintf("/p/%d", i)})
	}
	base := Finding{Rule: "missing-file", Severity: Error, Descriptor: "a.json", File: "/fw/a.json", Line: 3, Pointer: "/mapping/executable/filename"}
	src.AddSpliced(base, "the executable ", "/x/CODE.fd", " does not exist")
	src.Add(Finding{Rule: "odd", Severity: Info, Subject: "s", Fingerprint: "own", Pointer: "/p/4097", Line: 1 << 40})
	var dst Findings
	for _, i := range []int{src.Len() - 2, src.Len() - 1, src.Len() - 3} {
		dst.AddFrom(&src, i)
	}
	dst.SetFrom(2, &src, src.Len()-2)
	want := []Finding{src.At(src.Len() - 2), src.At(src.Len() - 1), src.At(src.Len() - 2)}
	if diff := cmp.Diff(want, dst.Slice()); diff != "" {
		t.Errorf("copied findings (-want +got):\n%s", diff)
	}
	if a, b := dst.recs.at(0).text, dst.recs.at(2).text; a != b || a == noText || dst.recs.at(0).arg != "/x/CODE.fd" {
		t.Errorf("a spliced message copied whole: texts %d, %d + %q", a, b, dst.recs.at(0).arg)
	}
	if x := dst.recs.at(1).extra; x == nil || x.pointer != "" || dst.pointer(dst.recs.at(1)) != "/p/4097" {
		t.Errorf("a pointer beyond the source's table is not in the destination's: %+v", x)
	}
}

// TestShareFrom: a finding made to share another list's equal strings
// reads the same, and then holds that list's copies of its descriptor,
// file, spliced argument and subject (so a merge that loads the same files
// again keeps one copy of their names); unequal strings are left alone.
func TestShareFrom(t *testing.T) {
	clone := func(s string) string { return strings.Clone(s) }
	f := Finding{Rule: "missing-file", Severity: Error, Descriptor: "a.json", File: "/d/a.json", Subject: "sub", Pointer: "/p"}
	var old, cur Findings
	old.AddSpliced(f, "the file ", clone("/fw/CODE.fd"), " is missing")
	old.Add(Finding{Rule: "r", Severity: Warning, Descriptor: "b.json", File: "/d/b.json", Message: "m"})
	g := f
	g.Descriptor, g.File, g.Subject = clone(f.Descriptor), clone(f.File), clone(f.Subject)
	g.Severity = Warning // another release's verdict: ShareFrom keeps the list's own
	arg := clone("/fw/CODE.fd")
	cur.AddSpliced(g, "the file ", arg, " is missing")
	cur.Add(Finding{Rule: "r", Severity: Warning, Descriptor: "c.json", File: "/d/c.json", Message: "m"})

	before := old.Slice()
	old.ShareFrom(0, &cur, 0)
	old.ShareFrom(1, &cur, 1)
	if diff := cmp.Diff(before, old.Slice()); diff != "" {
		t.Errorf("ShareFrom changed what the list reads (-before +after):\n%s", diff)
	}
	same := func(a, b string) bool { return unsafe.StringData(a) == unsafe.StringData(b) }
	got := old.At(0)
	for _, c := range []struct{ name, got, want string }{
		{"descriptor", got.Descriptor, g.Descriptor}, {"file", got.File, g.File}, {"subject", got.Subject, g.Subject},
	} {
		if !same(c.got, c.want) {
			t.Errorf("finding 0's %s is not the other list's copy", c.name)
		}
	}
	if r := old.recs.at(0); !same(r.arg, arg) {
		t.Errorf("finding 0's spliced argument is not the other list's copy")
	}
	if got := old.At(1); got.Descriptor != "b.json" || got.File != "/d/b.json" {
		t.Errorf("finding 1 took unequal strings: %+v", got)
	}
}
