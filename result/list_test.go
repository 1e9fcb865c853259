package result_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/fwaudit/fwaudit"
	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/result"
)

// TestListJSONStreamed: WriteJSON, which encodes the entries one at a
// time, writes the bytes encoding/json writes for the whole list (indented,
// HTML left unescaped), for every bundled set, an empty set and a set of
// odd entries.
func TestListJSONStreamed(t *testing.T) {
	sets := map[string]*descriptor.Set{}
	for _, name := range fwaudit.Distros() {
		fsys, _ := fwaudit.Distro(name)
		set, err := descriptor.Load(descriptor.Options{FS: fsys})
		if err != nil {
			t.Fatal(err)
		}
		sets[name] = set
	}
	const dir = "usr/share/qemu/firmware/"
	odd := fstest.MapFS{
		dir + "10-html.json": {Data: []byte(`{"description": "<a & b>\u2028", "interface-types": ["uefi"],
			"mapping": {"device": "memory", "filename": "@DATADIR@/x.fd"},
			"targets": [{"architecture": "x86_64", "machines": ["pc-*"]}], "features": ["weird"], "tags": []}`)},
		dir + "20-bad.json":              {Data: []byte(`{bad`)},
		dir + "30-mask.json":             {Data: []byte{}},
		"etc/qemu/firmware/30-mask.json": {Data: []byte(`{}`)},
		dir + "40-\xff":                  {Data: []byte(`{"description": "x"}`)},
	}
	for name, fsys := range map[string]fstest.MapFS{"empty": {}, "odd": odd, "<html & co>": odd} {
		set, err := descriptor.Load(descriptor.Options{FS: fsys})
		if err != nil {
			t.Fatal(err)
		}
		sets[name] = set
	}
	for name, set := range sets {
		l := result.NewList(set, name)
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(l); err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		if err := l.WriteJSON(&got); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("%s: WriteJSON differs from encoding/json:\n got %s\nwant %s", name, got.String(), want.String())
		}
		if name == "odd" && !strings.Contains(got.String(), `"distro": "odd"`) {
			t.Errorf("odd: no distro member:\n%s", got.String())
		}
	}
}
