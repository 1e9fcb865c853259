package domcaps

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse feeds Parse arbitrary documents, starting from the real
// domain capabilities in testdata: it never panics, every error names the
// file, and a document it accepts has an architecture and keeps only what
// the document supports.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.xml")
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`<domainCapabilities><arch>x86_64</arch></domainCapabilities>`))
	f.Add([]byte(`<domainCapabilities><arch>x86_64</arch><os supported='yes'><loader supported='yes'><value> /a </value></loader></os></domainCapabilities>`))
	f.Add([]byte(`<domainCapabilities>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("caps.xml", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "caps.xml: ") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if c.File != "caps.xml" || c.Arch == "" {
			t.Fatalf("accepted caps without a file name or an arch: %+v", c)
		}
		if c.SEVES && !c.SEV {
			t.Fatalf("SEV-ES without SEV: %+v", c)
		}
		for _, l := range c.Loaders {
			if l != strings.TrimSpace(l) {
				t.Fatalf("loader %q keeps its surrounding space", l)
			}
		}
	})
}
