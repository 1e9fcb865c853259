package descriptor

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse checks that Parse and libvirt's replayed parser never panic and
// that every error is located in the file. Seeds are the bundled real sets.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join(corpusDir, "*", "usr/share/qemu/firmware/*"))
	for _, s := range seeds {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(`{"a":[[[[`))
	f.Add([]byte("{\"x\":\"\\ud800\"}\x00"))
	f.Add([]byte("{\"interface-types\": [\"uefi\"]}\x00{"))
	f.Add([]byte(`{"a": 1, "a": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[{"b": NaN, "b": 1.}]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Parse("f.json", data)
		if err != nil {
			for _, e := range err.(Errors) {
				if e.File != "f.json" {
					t.Fatalf("error without file: %v", e)
				}
			}
		}
		if d != nil {
			_ = d.Summary()
			_, _ = d.Position("/mapping/executable/filename")
		}
		for _, r := range []*Rules{RulesLibvirt9, RulesLibvirt11, RulesLibvirt12} {
			lv, lerr := r.Decode("f.json", data, d)
			if lerr == nil {
				// Load selects from lv: it must be usable.
				if lv == nil {
					t.Fatalf("%s accepts the file but decodes no descriptor", r.Name)
				}
				_ = lv.Summary()
				_, _ = lv.Position("/mapping/executable/filename")
			} else if lv != nil {
				t.Fatalf("%s rejects the file (%v) but decodes a descriptor", r.Name, lerr)
			}
		}
	})
}
