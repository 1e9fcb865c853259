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
			n, _, err := parseTreeAs(tc.doc, tc.syn)
			if got := err == nil; got != tc.valid {
				t.Fatalf("parseTreeAs(%s) = %v, want valid %v", tc.syn.Name, err, tc.valid)
			}
			if err == nil && n.member("interface-types") == nil {
				t.Fatal("the members above the deep value are lost")
			}
		})
	}
}
