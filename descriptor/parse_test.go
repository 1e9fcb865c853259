package descriptor

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
)

const validFlash = `{
    "description": "OVMF",
    "interface-types": ["uefi"],
    "mapping": {
        "device": "flash",
        "executable": {"filename": "/usr/share/OVMF/OVMF_CODE_4M.fd", "format": "raw"},
        "nvram-template": {"filename": "/usr/share/OVMF/OVMF_VARS_4M.fd", "format": "raw"}
    },
    "targets": [{"architecture": "x86_64", "machines": ["pc-i440fx-*", "pc-q35-*"]}],
    "features": ["acpi-s3", "amd-sev", "verbose-dynamic", "future-feature"],
    "tags": []
}
`

func TestParseValid(t *testing.T) {
	d, err := Parse("60-x.json", []byte(validFlash))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	want := &Descriptor{
		Description:    "OVMF",
		InterfaceTypes: []Interface{InterfaceUEFI},
		Mapping: Mapping{
			Device:        DeviceFlash,
			Executable:    &FlashFile{"/usr/share/OVMF/OVMF_CODE_4M.fd", "raw"},
			NVRAMTemplate: &FlashFile{"/usr/share/OVMF/OVMF_VARS_4M.fd", "raw"},
		},
		Targets:  []Target{{"x86_64", []string{"pc-i440fx-*", "pc-q35-*"}}},
		Features: []Feature{"acpi-s3", "amd-sev", "verbose-dynamic", "future-feature"},
		Tags:     []string{}, // the file's "tags": [], empty, not missing
	}
	if diff := cmp.Diff(want, d, cmp.AllowUnexported(Descriptor{}), cmp.FilterPath(func(p cmp.Path) bool {
		s := p.String()
		return s == "src"
	}, cmp.Ignore())); diff != "" {
		t.Errorf("Parse mismatch (-want +got):\n%s", diff)
	}
	if got, want := d.FeatureSet(), FeatureSetOf(want.Features); got != want {
		t.Errorf("FeatureSet = %#x, want %#x", got, want)
	}
	if got := d.Mapping.EffectiveMode(); got != ModeSplit {
		t.Errorf("EffectiveMode = %q, want split", got)
	}
	if got := d.UnknownValues(); !cmp.Equal(got, map[string]string{"/features/3": "future-feature"}) {
		t.Errorf("UnknownValues = %v", got)
	}
	if line, col := d.Position("/mapping/executable/format"); line != 6 || col != 81 {
		t.Errorf("Position(/mapping/executable/format) = %d:%d, want 6:81", line, col)
	}
}

// TestParseErrors checks that every problem names the file, line, column and
// pointer, and that nothing panics or hangs on hostile input.
func TestParseErrors(t *testing.T) {
	deep := strings.Repeat("[", 10000) + strings.Repeat("]", 10000)
	manyFeatures := `{"interface-types":["uefi"],"mapping":{"device":"memory","filename":"/x"},` +
		`"targets":[{"architecture":"x86_64","machines":["*"]}],"description":"","tags":[],"features":[` +
		strings.Repeat(`"acpi-s3",`, 99999) + `"acpi-s4"]}`
	tests := []struct {
		name  string
		input string
		want  []string // Error() of each problem, in order
	}{
		{"empty", "", []string{"f.json:1:1: unexpected end of JSON input: the file holds no JSON value"}},
		{"bad json", "{\n  \"interface-types\": [\"uefi\",]\n}", []string{`f.json:2:30: invalid character ']' looking for beginning of value`}},
		{"trailing garbage", "{} x", []string{`f.json:1:4: invalid character 'x' after top-level value`}},
		{"nul byte", "{\"a\":\x00}", []string{`f.json:1:6: invalid character NUL byte looking for beginning of value`}},
		{"nul in string", "{\"a\x00\":1}", []string{`f.json:1:4: invalid NUL byte in string literal`}},
		{"deep nesting", deep, []string{`f.json:1:65: nesting deeper than 64 levels`}},
		{"unterminated string", `{"a`, []string{`f.json:1:4: unexpected end of JSON input in string literal`}},
		{"not an object", `[]`, []string{`f.json:1:1: got array, want object`}},
		{"missing members", `{}`, []string{
			`f.json:1:1: missing property 'description'`,
			`f.json:1:1: missing property 'features'`,
			`f.json:1:1: missing property 'interface-types'`,
			`f.json:1:1: missing property 'mapping'`,
			`f.json:1:1: missing property 'tags'`,
			`f.json:1:1: missing property 'targets'`,
		}},
		{"wrong types", `{"description":"d","interface-types":"uefi","mapping":{"device":"memory","filename":7},` +
			`"targets":[{"architecture":"x86_64","machines":"pc"}],"features":{},"tags":[]}`, []string{
			`f.json:1:153: /features: got object, want array`,
			`f.json:1:38: /interface-types: got string, want array`,
			`f.json:1:85: /mapping/filename: got number, want string`,
			`f.json:1:135: /targets/0/machines: got string, want array`,
		}},
		{"flash without executable", `{"description":"d","interface-types":["uefi"],"mapping":{"device":"flash"},` +
			`"targets":[],"features":[],"tags":[]}`, []string{`f.json:1:57: /mapping: missing property 'executable'`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("f.json", []byte(tt.input))
			var got []string
			var es Errors
			if errors.As(err, &es) {
				for _, e := range es {
					got = append(got, e.Error())
				}
			} else if err != nil {
				t.Fatalf("error of type %T, want Errors", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("problems mismatch (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("100000 features", func(t *testing.T) {
		d, err := Parse("f.json", []byte(manyFeatures))
		if err != nil {
			t.Fatalf("Parse: %v", err)
		}
		if len(d.Features) != 100000 {
			t.Errorf("len(Features) = %d, want 100000", len(d.Features))
		}
	})
	t.Run("2 MiB", func(t *testing.T) {
		big := append([]byte(`{"description":"`), bytes.Repeat([]byte("x"), 2<<20)...)
		_, err := Parse("big.json", big)
		if err == nil || !strings.Contains(err.Error(), "big.json: file is 2097168 bytes, larger than the 1048576 bytes libvirt reads") {
			t.Errorf("err = %v", err)
		}
	})
}

func TestSummary(t *testing.T) {
	d, err := Parse("f", []byte(validFlash))
	if err != nil {
		t.Fatal(err)
	}
	want := "uefi | x86_64 pc-i440fx-*,pc-q35-* | flash split raw | acpi-s3,amd-sev,verbose-dynamic,future-feature"
	if got := d.Summary(); got != want {
		t.Errorf("Summary = %q, want %q", got, want)
	}
}

func TestPositionLines(t *testing.T) {
	data := []byte("ab\ncd\n\nx")
	for off, want := range map[int]string{0: "1:1", 2: "1:3", 3: "2:1", 6: "3:1", 7: "4:1", 100: "4:2"} {
		l, c := position(data, off)
		if got := fmt.Sprintf("%d:%d", l, c); got != want {
			t.Errorf("position(%d) = %s, want %s", off, got, want)
		}
	}
}

func TestUnresolvedPaths(t *testing.T) {
	data, err := os.ReadFile("../testdata/descriptors/qemu-upstream/usr/share/qemu/firmware/60-edk2-x86_64.json")
	if err != nil {
		t.Fatal(err)
	}
	d, err := Parse("60-edk2-x86_64.json", data)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"/mapping/executable/filename":     "@DATADIR@/edk2-x86_64-code.fd",
		"/mapping/nvram-template/filename": "@DATADIR@/edk2-i386-vars.fd",
	}
	if diff := cmp.Diff(want, d.UnresolvedPaths()); diff != "" {
		t.Errorf("UnresolvedPaths mismatch (-want +got):\n%s", diff)
	}
	d, _ = Parse("f", []byte(validFlash))
	if got := d.UnresolvedPaths(); len(got) != 0 {
		t.Errorf("UnresolvedPaths of a valid descriptor = %v", got)
	}
}

// TestParseInterns: values that repeat across descriptors (features,
// interface types, device, formats, architectures, machines, tags) are one
// copy in the process, not one per descriptor; file names are not shared.
func TestParseInterns(t *testing.T) {
	doc := func(i int) []byte {
		return []byte(fmt.Sprintf(`{"description": "d%d", "interface-types": ["uefi"],
			"mapping": {"device": "flash", "executable": {"filename": "/fw/%d/CODE.fd", "format": "raw"}},
			"targets": [{"architecture": "x86_64", "machines": ["pc-q35-*"]}],
			"features": ["acpi-s3", "not-a-qemu-feature"], "tags": ["t"]}`, i, i))
	}
	a, err := Parse("a.json", doc(1))
	if err != nil {
		t.Fatal(err)
	}
	// A collection between the two parses must not forget the copies
	// (unique.Make alone keeps them only while a handle does).
	runtime.GC()
	runtime.GC()
	b, err := Parse("b.json", doc(2))
	if err != nil {
		t.Fatal(err)
	}
	same := func(what, x, y string) {
		t.Helper()
		if x != y || unsafe.StringData(x) != unsafe.StringData(y) {
			t.Errorf("%s: %q and %q are two copies", what, x, y)
		}
	}
	same("interface", string(a.InterfaceTypes[0]), string(b.InterfaceTypes[0]))
	same("device", string(a.Mapping.Device), string(b.Mapping.Device))
	same("format", a.Mapping.Executable.Format, b.Mapping.Executable.Format)
	same("architecture", a.Targets[0].Architecture, b.Targets[0].Architecture)
	same("machine", a.Targets[0].Machines[0], b.Targets[0].Machines[0])
	for i := range a.Features {
		same("feature", string(a.Features[i]), string(b.Features[i]))
	}
	same("tag", a.Tags[0], b.Tags[0])
}

// TestParseSharesLists: equal lists of two descriptors (interface types,
// targets with their machines, features, tags) are one read-only array,
// kept across collections, with their order and duplicates; an append to
// one copies it; a list that differs only in order is another list.
func TestParseSharesLists(t *testing.T) {
	doc := func(i int, features string) []byte {
		return []byte(fmt.Sprintf(`{"description": "d%d", "interface-types": ["uefi", "bios", "uefi"],
			"mapping": {"device": "memory", "filename": "/fw/%d.fd"},
			"targets": [{"architecture": "x86_64", "machines": ["pc-q35-*", "pc-i440fx-*", "pc-q35-*"]},
				{"architecture": "i386", "machines": []}, {"architecture": "aarch64"}, 7],
			"features": %s, "tags": ["share-b", "share-a", 1, "share-b"]}`, i, i, features))
	}
	parse := func(i int, features string) *Descriptor {
		t.Helper()
		d, err := Parse(fmt.Sprintf("%d.json", i), doc(i, features))
		if d == nil {
			t.Fatal(err) // schema errors (the 7, the 1, the missing machines) are fine
		}
		return d
	}
	const feats = `["secure-boot", "acpi-s3", "secure-boot", 2]`
	a := parse(1, feats)
	runtime.GC() // the lists outlive a collection, like intern's strings
	runtime.GC()
	b := parse(2, feats)
	c := parse(3, `["acpi-s3", "secure-boot", "secure-boot"]`)

	wantTargets := []Target{{"x86_64", []string{"pc-q35-*", "pc-i440fx-*", "pc-q35-*"}}, {"i386", []string{}}, {"aarch64", nil}}
	for _, d := range []*Descriptor{a, b} {
		if diff := cmp.Diff(wantTargets, d.Targets); diff != "" {
			t.Errorf("%s: targets (-want +got):\n%s", d.Description, diff)
		}
		if got := fmt.Sprint(d.InterfaceTypes, d.Features, d.Tags); got != "[uefi bios uefi] [secure-boot acpi-s3 secure-boot] [share-b share-a share-b]" {
			t.Errorf("%s: lists %s", d.Description, got)
		}
	}
	if d := c.Features; fmt.Sprint(d) != "[acpi-s3 secure-boot secure-boot]" || unsafe.SliceData(d) == unsafe.SliceData(a.Features) {
		t.Errorf("features in another order: %v, shared with %v", d, a.Features)
	}
	if c.Targets[1].Machines == nil || c.Targets[2].Machines != nil {
		t.Errorf("empty and absent machines: %#v", c.Targets)
	}

	shared := func(what string, x, y unsafe.Pointer, lx, cx int) {
		t.Helper()
		if x != y {
			t.Errorf("%s: two arrays", what)
		}
		if lx != cx {
			t.Errorf("%s: len %d, cap %d: an append would write into the shared array", what, lx, cx)
		}
	}
	shared("interface-types", unsafe.Pointer(unsafe.SliceData(a.InterfaceTypes)), unsafe.Pointer(unsafe.SliceData(b.InterfaceTypes)), len(a.InterfaceTypes), cap(a.InterfaceTypes))
	shared("targets", unsafe.Pointer(unsafe.SliceData(a.Targets)), unsafe.Pointer(unsafe.SliceData(b.Targets)), len(a.Targets), cap(a.Targets))
	shared("machines", unsafe.Pointer(unsafe.SliceData(a.Targets[0].Machines)), unsafe.Pointer(unsafe.SliceData(c.Targets[0].Machines)), len(a.Targets[0].Machines), cap(a.Targets[0].Machines))
	shared("features", unsafe.Pointer(unsafe.SliceData(a.Features)), unsafe.Pointer(unsafe.SliceData(b.Features)), len(a.Features), cap(a.Features))
	shared("tags", unsafe.Pointer(unsafe.SliceData(a.Tags)), unsafe.Pointer(unsafe.SliceData(c.Tags)), len(a.Tags), cap(a.Tags))

	// An append to a shared list copies it: the other descriptors, and
	// the next parse, keep theirs.
	grown := append(a.Features, FeatureAMDSEV)
	grown[0] = FeatureIntelTDX
	tags := append(a.Tags, "x")
	tags[1] = "changed"
	machines := append(a.Targets[0].Machines, "virt")
	machines[0] = "changed"
	for _, d := range []*Descriptor{a, b, parse(4, feats)} {
		if got := fmt.Sprint(d.Features, d.Tags, d.Targets[0].Machines); got != "[secure-boot acpi-s3 secure-boot] [share-b share-a share-b] [pc-q35-* pc-i440fx-* pc-q35-*]" {
			t.Errorf("%s: an append to another descriptor's lists changed them: %s", d.Description, got)
		}
	}

	// A list too long to keep is its descriptor's own, and whole.
	long := make([]string, 200)
	for i := range long {
		long[i] = fmt.Sprintf("%q", fmt.Sprintf("long-tag-%03d", i))
	}
	longFeats := "[" + strings.Join(long, ",") + "]"
	x, y := parse(5, longFeats), parse(6, longFeats)
	if len(x.Features) != 200 || x.Features[199] != "long-tag-199" || !slices.Equal(x.Features, y.Features) {
		t.Errorf("long list: %d features, %v", len(x.Features), x.Features[len(x.Features)-1:])
	}
	if unsafe.SliceData(x.Features) == unsafe.SliceData(y.Features) {
		t.Errorf("a list longer than maxListKey is shared")
	}
}

// TestMarshalJSONAsIs checks that MarshalJSON writes descriptor strings as
// they are, without encoding/json's HTML escaping of <, > and &, that its
// output decodes to the strings written, and that they stay as they are
// when the descriptor is nested in a value written by an encoder without
// HTML escaping (as the reports are).
func TestMarshalJSONAsIs(t *testing.T) {
	const text = `<OVMF> & "quotes" for x86_64 <= 4G`
	src := strings.Replace(desc("/usr/share/edk2/a&b<c>.fd"), `"description":"t"`, `"description":`+strconv.Quote(text), 1)
	d, err := Parse("f.json", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	b, err := d.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"description":"<OVMF> & \"quotes\" for x86_64 <= 4G"`, `"/usr/share/edk2/a&b<c>.fd"`} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("MarshalJSON lacks %s:\n%s", want, b)
		}
	}
	if bytes.HasSuffix(b, []byte("\n")) {
		t.Errorf("MarshalJSON ends with a newline: %q", b)
	}
	var back Descriptor
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("MarshalJSON output does not decode: %v\n%s", err, b)
	}
	if back.Description != text || back.Mapping.Executable.Filename != "/usr/share/edk2/a&b<c>.fd" {
		t.Errorf("round trip: description %q, executable %q", back.Description, back.Mapping.Executable.Filename)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(map[string]any{"descriptor": d}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `<OVMF> & \"quotes\"`) {
		t.Errorf("nested in an encoder without HTML escaping: %s", buf.String())
	}
}

// TestMarshalJSONEmptyLists: a list the file gives empty is written back
// as [] (QEMU's format; Parse rejects null), a list the file lacks as null.
// MarshalJSON used to write "features": null for "features": [].
func TestMarshalJSONEmptyLists(t *testing.T) {
	src := `{"description":"t","interface-types":[],"mapping":{"device":"memory","filename":"/a.bin"},` +
		`"targets":[{"architecture":"x86_64","machines":[]}],"features":[],"tags":[]}`
	d, _ := Parse("f.json", []byte(src))
	if d == nil {
		t.Fatal("Parse returned no descriptor")
	}
	b, err := d.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"interface-types":[]`, `"machines":[]`, `"features":[]`, `"tags":[]`} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("MarshalJSON lacks %s:\n%s", want, b)
		}
	}
	d, _ = Parse("g.json", []byte(`{"description":"t"}`))
	if d == nil {
		t.Fatal("Parse returned no descriptor")
	}
	if b, _ := d.MarshalJSON(); !bytes.Contains(b, []byte(`"features":null`)) {
		t.Errorf("a missing list is not null: %s", b)
	}
}
