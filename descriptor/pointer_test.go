package descriptor

import (
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// pointers lists the JSON pointer of every value in the tree, and for each
// some that do not exist below it.
func pointers(n *node, at string, out *[]string) {
	*out = append(*out, at, at+"/nope", at+"/0", at+"/99", at+"/-1", at+"/+0", at+"/")
	switch n.kind {
	case kindObject:
		for i, k := range n.keys {
			k = strings.NewReplacer("~", "~0", "/", "~1").Replace(k)
			pointers(n.elems[i], at+"/"+k, out)
		}
	case kindArray:
		for i, e := range n.elems {
			pointers(e, at+"/"+strconv.Itoa(i), out)
		}
	}
}

// TestPointerOffset: walking the bytes to a pointer (what Position does
// once Load has dropped the tree) finds what the parsed tree finds, for
// every value of every bundled descriptor and of documents with duplicate
// keys, escaped keys and strings, and values of every kind, and for
// pointers that do not exist.
func TestPointerOffset(t *testing.T) {
	docs := map[string][]byte{
		"dup":     []byte(`{"a": 1, "b": {"c": [1, 2]}, "a": {"x": "y"}, "b": [true, null]}`),
		"escapes": []byte(` {"a\u0062": {"x/y": 1, "m~n": [ "q\"]}{", -1.5e+3, false ], "e\\\"": {}}, "": [[], {}, [[0]]]}`),
		"array":   []byte("[\n  {\"k\": \"v\"},\n  [1, [2, 3]],\n  \"s\", 0, null\n]\n"),
		"scalar":  []byte(` "just a string" `),
		"nested":  []byte(`{"a":{"b":{"c":{"d":[{"e":"}"},{"e":"]"}]}}},"z":0}`),
	}
	n := 0
	err := filepath.WalkDir("../testdata/descriptors", func(p string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() || !strings.HasSuffix(p, ".json") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		docs[p] = data
		n++
		return nil
	})
	if err != nil || n < 50 {
		t.Fatalf("%d bundled descriptors: %v", n, err)
	}
	checked := 0
	for name, data := range docs {
		tree, err := parseTree(data)
		if err != nil {
			continue // Position has no bytes for a file that does not parse
		}
		var ptrs []string
		pointers(tree, "", &ptrs)
		for _, ptr := range ptrs {
			wl, wc := treePosition(tree, data, ptr)
			gl, gc := position(data, pointerOffset(data, ptr))
			if gl != wl || gc != wc {
				t.Errorf("%s: %q: walk %d:%d, tree %d:%d", name, ptr, gl, gc, wl, wc)
			}
			d := &Descriptor{src: &source{data: data}}
			if l, c := d.Position(ptr); l != wl || c != wc {
				t.Errorf("%s: %q: Position %d:%d, tree %d:%d", name, ptr, l, c, wl, wc)
			}
			checked++
		}
	}
	if checked < 1000 {
		t.Errorf("only %d pointers checked", checked)
	}
}

// FuzzPointerOffset checks, for any document parseTree accepts, that the
// walk through the bytes never panics and finds what the tree finds for
// every pointer into the document and some that go nowhere. Seeds are the
// bundled real sets and the documents of TestPointerOffset.
func FuzzPointerOffset(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join(corpusDir, "*", "usr/share/qemu/firmware/*"))
	for _, s := range seeds {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(`{"a": 1, "b": {"c": [1, 2]}, "a": {"x": "y"}, "b": [true, null]}`))
	f.Add([]byte(` {"a\u0062": {"x/y": 1, "m~n": [ "q\"]}{", -1.5e+3, false ], "e\\\"": {}}, "": [[], {}, [[0]]]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		tree, err := parseTree(data)
		if err != nil {
			return
		}
		var ptrs []string
		pointers(tree, "", &ptrs)
		for _, ptr := range ptrs {
			wl, wc := treePosition(tree, data, ptr)
			if gl, gc := position(data, pointerOffset(data, ptr)); gl != wl || gc != wc {
				t.Fatalf("%q: walk %d:%d, tree %d:%d", ptr, gl, gc, wl, wc)
			}
		}
	})
}

// TestPointerOffsetAnyBytes: the byte walk stays inside data for documents
// parseTree rejects (cut short, or not JSON at all), where it used to index
// past the end, and returns the last container it reached on the path.
func TestPointerOffsetAnyBytes(t *testing.T) {
	for _, tc := range []struct {
		data, ptr string
		want      int
	}{
		{"", "/a", 0},
		{"   ", "/a", 3},
		{`{`, "/a", 0},
		{`{"a`, "/a", 0},
		{`{"a"`, "/a", 0},
		{`{"a":`, "/a", 0},
		{`{"a": `, "/a", 0},
		{`{"a": 1`, "/a", 6},
		{`{"a": 1,`, "/a", 6},
		{`{"a\`, "/a", 0},
		{`{"b": "x`, "/a", 0},
		{`{"b": "x\`, "/a", 0},
		{`{"b": {"c": [`, "/a", 0},
		{`{"a": {"c": [`, "/a/c/0", 0},
		{`{"a": ["x", `, "/a/1", 0},
		{`[`, "/0", 0},
		{`[1,`, "/1", 0},
		{`[[`, "/1", 0},
		{`["`, "/1", 0},
		{`{"a" 1}`, "/a", 0},
		{`{1: 2}`, "/1", 0},
		{`[,,,]`, "/2", 3},
		{`{"a": [}`, "/a/0", 7},
		{`"`, "/a", 0},
		{`{"a":1}`, "no slash", 0},
	} {
		got := pointerOffset([]byte(tc.data), tc.ptr)
		if got != tc.want {
			t.Errorf("pointerOffset(%q, %q) = %d, want %d", tc.data, tc.ptr, got, tc.want)
		}
	}
}

// FuzzPointerOffsetAnyBytes feeds the byte walk any bytes and any pointer:
// it must not panic and must return an offset inside data, and for a
// document parseTree accepts it must find what the tree finds.
func FuzzPointerOffsetAnyBytes(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join(corpusDir, "*", "usr/share/qemu/firmware/*"))
	for _, s := range seeds {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data, "/mapping/executable/filename")
			f.Add(data[:len(data)/2], "/targets/0/machines/1")
		}
	}
	f.Add([]byte(`{"a": 1, "b": {"c": [1, 2]}, "a": {"x": "y"}, "b": [true, null]}`), "/b/1")
	f.Add([]byte(`{"b": "x\`), "/a")
	f.Add([]byte(`[,,,]`), "/2")
	f.Fuzz(func(t *testing.T, data []byte, ptr string) {
		off := pointerOffset(data, ptr)
		if off < 0 || off > len(data) {
			t.Fatalf("%q: offset %d outside 0..%d", ptr, off, len(data))
		}
		if ptr != "" && ptr[0] != '/' {
			return
		}
		tree, err := parseTree(data)
		if err != nil {
			return
		}
		wl, wc := treePosition(tree, data, ptr)
		if gl, gc := position(data, off); gl != wl || gc != wc {
			t.Fatalf("%q: walk %d:%d, tree %d:%d", ptr, gl, gc, wl, wc)
		}
	})
}

// BenchmarkPointerOffset walks to every pointer of a real descriptor, as
// the findings of a lint run do once Load has dropped the parse tree.
func BenchmarkPointerOffset(b *testing.B) {
	seeds, _ := filepath.Glob(filepath.Join(corpusDir, "*", "usr/share/qemu/firmware/*"))
	var data []byte
	for _, s := range seeds {
		if d, err := os.ReadFile(s); err == nil && len(d) > len(data) {
			data = d
		}
	}
	tree, err := parseTree(data)
	if err != nil {
		b.Fatal(err)
	}
	var ptrs []string
	pointers(tree, "", &ptrs)
	b.ResetTimer()
	for range b.N {
		for _, ptr := range ptrs {
			pointerOffset(data, ptr)
		}
	}
}
