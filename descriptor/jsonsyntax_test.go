package descriptor

import (
	"strings"
	"testing"
)

// wrap puts value in a descriptor-shaped document as the member "x".
func wrap(value string) []byte {
	return []byte(`{"interface-types": ["uefi"], "x": ` + value + `}`)
}

// TestParseTreeAsDeep checks the non-recursive reading of values nested
// deeper than maxDepth (parser.deep) against the recursive one: the bound,
// repeated names and scalars are judged alike on both sides of maxDepth,
// and nesting as deep as a file libvirt reads can hold is read without
// exhausting the stack.
func TestParseTreeAsDeep(t *testing.T) {
	yajl, jsonc := JSONYajl, JSONC128
	nest := func(k int, inner string) string {
		return strings.Repeat(`[{"a": `, k) + inner + strings.Repeat(`}]`, k)
	}
	for _, tc := range []struct {
		name  string
		doc   []byte
		syn   *JSONSyntax
		valid bool
	}{
		{"shallow", wrap(nest(3, "1")), yajl, true},
		{"across maxDepth", wrap(nest(maxDepth, "1")), yajl, true},
		{"duplicate above maxDepth", wrap(nest(maxDepth/4, `{"b": 1, "b": 2}`)), yajl, false},
		{"duplicate below maxDepth", wrap(nest(maxDepth, `{"b": 1, "b": 2}`)), yajl, false},
		{"duplicate below maxDepth, json-c", wrap(nest(maxDepth, `{"b": 1, "b": 2}`)), jsonc, true},
		{"many names below maxDepth", wrap(nest(maxDepth, `{"a1": 1, "a2": 2, "a3": 3, "a4": 4, "a5": 5, "a6": 6, "a7": 7, "a8": 8, "a9": 9, "a1": 0}`)), yajl, false},
		{"NaN below maxDepth, json-c", wrap(nest(maxDepth, "NaN")), jsonc, true},
		{"NaN below maxDepth, yajl", wrap(nest(maxDepth, "NaN")), yajl, false},
		{"bad UTF-8 below maxDepth", wrap(nest(maxDepth, "\"\xff\"")), yajl, false},
		{"cut short below maxDepth", wrap(nest(maxDepth, "1"))[:500], yajl, false},
		{"missing comma below maxDepth", wrap(nest(maxDepth, `[1 2]`)), yajl, false},
		{"empty containers below maxDepth", wrap(nest(maxDepth, `[[], {}, [{}]]`)), yajl, true},
		// The document is level 1, nest(k)'s 2k containers levels 2 to
		// 2k+1, the value inside them level 2k+2; 12.8 reads 300 levels.
		{"json-c bound", wrap(nest(149, "1")), jsonc, true},           // level 300
		{"json-c beyond bound", wrap(nest(149, "[1]")), jsonc, false}, // level 301
		{"half a mebibyte deep", wrap(strings.Repeat("[", 1<<19) + strings.Repeat("]", 1<<19)), yajl, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, err := parseTreeAs(tc.doc, tc.syn)
			if got := err == nil; got != tc.valid {
				t.Fatalf("parseTreeAs(%s) = %v, want valid %v", tc.syn.Name, err, tc.valid)
			}
			if err == nil && n.member("interface-types") == nil {
				t.Fatal("the members above the deep value are lost")
			}
		})
	}
}

// TestDecodeNULEscape checks that a release reads a string as the C string
// libvirt hands on: an escaped NUL ends the executable's file name
// (conformance case json-nul-escape-filename: every release selects the
// file name cut there), while strict JSON keeps the whole string.
func TestDecodeNULEscape(t *testing.T) {
	data := []byte(`{"description": "d", "interface-types": ["uefi"], "mapping": {"device": "flash",
  "executable": {"filename": "/opt/CODE.fd\u0000.old", "format": "raw"}, "nvram-template": {"filename": "/opt/VARS.fd", "format": "raw"}},
  "targets": [{"architecture": "x86_64", "machines": ["pc-q35-*"]}], "features": [], "tags": []}`)
	d, err := Parse("f.json", data)
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Mapping.Executable.Filename; got != "/opt/CODE.fd\x00.old" {
		t.Errorf("strict JSON file name %q", got)
	}
	for _, r := range []*Rules{RulesLibvirt9, RulesLibvirt11, RulesLibvirt12} {
		lv, lerr := r.Decode("f.json", data, d)
		if lerr != nil {
			t.Fatalf("%s: %v", r.Name, lerr)
		}
		if lv == d {
			t.Errorf("%s: the strict descriptor is reused although a string holds a NUL", r.Name)
		}
		if got := lv.Mapping.Executable.Filename; got != "/opt/CODE.fd" {
			t.Errorf("%s reads the file name %q, want /opt/CODE.fd", r.Name, got)
		}
	}
}
