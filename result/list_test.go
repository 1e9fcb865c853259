package result_test

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/fwaudit/fwaudit"
	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/result"
	"github.com/fwaudit/fwaudit/source"
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

// TestWriteListIsListOf: WriteList, which reads one descriptor at a time,
// writes the bytes ListOf's WriteJSON and WriteText write, and fails as
// ListOf's list does, for every bundled set and a root of odd entries.
func TestWriteListIsListOf(t *testing.T) {
	specs := map[string]source.Spec{}
	for _, name := range fwaudit.Distros() {
		specs[name] = source.Spec{Distro: name}
	}
	root := t.TempDir()
	const dir = "usr/share/qemu/firmware/"
	for name, data := range map[string]string{
		dir + "10-html.json": `{"description": "<a & b>\u2028", "interface-types": ["uefi"],
			"mapping": {"device": "memory", "filename": "@DATADIR@/x.fd"},
			"targets": [{"architecture": "x86_64", "machines": ["pc-*"]}], "features": ["weird"], "tags": []}`,
		dir + "20-bad.json":              `{bad`,
		dir + "30-mask.json":             ``,
		"etc/qemu/firmware/30-mask.json": `{}`,
		"etc/qemu/firmware/20-bad.json":  `{"description": "x"}`,
		dir + "40-\xff":                  `{"description": "x"}`,
	} {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	specs["odd"] = source.Spec{Root: root}
	specs["empty"] = source.Spec{Root: t.TempDir()}
	for name, spec := range specs {
		want, err := result.ListOf(spec)
		if err != nil {
			t.Fatal(err)
		}
		for _, format := range result.Formats {
			var wantOut, gotOut bytes.Buffer
			if format == result.JSON {
				err = want.WriteJSON(&wantOut)
			} else {
				err = want.WriteText(&wantOut, result.TextOptions{Color: true})
			}
			if err != nil {
				t.Fatal(err)
			}
			failed, err := result.WriteList(&gotOut, spec, format, result.TextOptions{Color: true})
			if err != nil {
				t.Fatalf("%s %s: %v", name, format, err)
			}
			if gotOut.String() != wantOut.String() {
				t.Errorf("%s %s: WriteList differs from ListOf:\n got %s\nwant %s", name, format, gotOut.String(), wantOut.String())
			}
			if failed != want.Failed() {
				t.Errorf("%s %s: failed %v, want %v", name, format, failed, want.Failed())
			}
		}
	}
	if _, err := result.WriteList(io.Discard, source.Spec{Root: root}, "yaml", result.TextOptions{}); err == nil {
		t.Error("WriteList accepts format yaml")
	}
}
