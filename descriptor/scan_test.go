package descriptor_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/fwaudit/fwaudit"
	"github.com/fwaudit/fwaudit/descriptor"
)

// TestScanIsLoad: Listing.Entries yields, one at a time and in the same
// order, the entries Load returns (same JSON, bytes and feature set), and
// the listing's lookup error is the set's, for every bundled set and for
// trees of odd entries (overrides, masks, links, bad and oversized files,
// FIFOs, dot-files, files named one by one); after the loop body an entry
// keeps its verdict without its bytes or descriptor.
func TestScanIsLoad(t *testing.T) {
	opts := map[string]descriptor.Options{}
	for _, name := range fwaudit.Distros() {
		fsys, _ := fwaudit.Distro(name)
		opts[name] = descriptor.Options{FS: fsys}
	}
	const usr, etc = "usr/share/qemu/firmware/", "etc/qemu/firmware/"
	good := `{"description":"t","interface-types":["uefi"],"mapping":{"device":"flash",` +
		`"executable":{"filename":"/c","format":"raw"},"nvram-template":{"filename":"/v","format":"raw"}},` +
		`"targets":[{"architecture":"x86_64","machines":["pc-q35-*"]}],"features":["secure-boot"],"tags":[]}`
	root := t.TempDir()
	descriptor.TreeForTest(t, root, map[string]string{
		usr + "10-a.json":      good,
		etc + "10-a.json":      strings.Replace(good, `"t"`, `"local"`, 1),
		usr + "20-masked.json": good,
		etc + "20-masked.json": "",
		usr + "30-bad.json":    `{bad`,
		etc + "30-bad.json":    `{"description": 1}`,
		usr + "40-link.json":   "->../../../../srv/fw.json",
		"srv/fw.json":          good,
		usr + "50-dangling":    "->/nowhere.json",
		usr + "60-fifo.json":   "fifo",
		usr + ".hidden.json":   good,
		usr + "70-large.json":  strings.Repeat(" ", descriptor.MaxSize+1),
		usr + "80-invalid":     strings.Replace(good, `"uefi"`, `"floppy"`, 1),
		"pkg/90-named.json":    good,
		"pkg/91-fifo.json":     "fifo",
	})
	opts["odd tree"] = descriptor.Options{Root: root}
	opts["odd tree with files"] = descriptor.Options{Root: root, Dirs: []string{"/" + usr, "/" + etc},
		Files: []string{"/pkg/90-named.json", "/pkg/91-fifo.json", "/pkg/none.json"}}
	opts["odd fs"] = descriptor.Options{FS: fstest.MapFS{
		usr + "10-x.json": {Data: []byte(good)},
		etc + "10-x.json": {Data: []byte{}},
		usr + "20-y":      {Data: []byte(`[]`)},
	}}
	opts["empty"] = descriptor.Options{FS: fstest.MapFS{}}
	enc := func(e *descriptor.Entry) string {
		b, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for name, o := range opts {
		set, err := descriptor.Load(o)
		if err != nil {
			t.Fatal(err)
		}
		l, err := descriptor.Scan(o)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := fmt.Sprint(l.LookupError()), fmt.Sprint(set.LookupError()); got != want {
			t.Errorf("%s: LookupError = %v, want %v", name, got, want)
		}
		if l.Len() != len(set.Entries) {
			t.Errorf("%s: Len = %d, want %d", name, l.Len(), len(set.Entries))
		}
		var seen []*descriptor.Entry
		for e := range l.Entries() {
			i := len(seen)
			seen = append(seen, e)
			if i >= len(set.Entries) {
				t.Errorf("%s: extra entry %s", name, e.Path)
				continue
			}
			want := set.Entries[i]
			if got, want := enc(e), enc(want); got != want {
				t.Errorf("%s: entry %d:\n got %s\nwant %s", name, i, got, want)
			}
			if !bytes.Equal(e.Data, want.Data) || e.FeatureSet() != want.FeatureSet() {
				t.Errorf("%s: %s: data or feature set differ", name, e.Path)
			}
		}
		if len(seen) != len(set.Entries) {
			t.Errorf("%s: %d entries yielded, want %d", name, len(seen), len(set.Entries))
		}
		for i, e := range seen {
			want := set.Entries[i]
			if e.Data != nil || e.Descriptor != nil {
				t.Errorf("%s: %s keeps its bytes or descriptor after the loop body", name, e.Path)
			}
			if e.Status != want.Status || e.FeatureSet() != want.FeatureSet() || (e.Libvirt == nil) != (want.Libvirt == nil) ||
				len(e.Problems) != len(want.Problems) {
				t.Errorf("%s: %s: verdict lost after the loop body", name, e.Path)
			}
		}
		if err := l.Close(); err != nil {
			t.Error(err)
		}
	}
}
