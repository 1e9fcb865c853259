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
			_ = r.Check("f.json", data, d)
		}
	})
}
