package descriptor

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// corpusDir holds real distribution sets, each laid out as a root.
const corpusDir = "../testdata/descriptors"

// TestCorpus loads every bundled distribution set and checks, against the
// files on disk, that every descriptor loads, in byte order, and against a
// golden file the status, features and summary of each. Every real
// descriptor must be accepted by the newest libvirt rules.
func TestCorpus(t *testing.T) {
	sets, err := os.ReadDir(corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	required := []string{"debian-12", "debian-13", "debian-unstable", "ubuntu-24.04", "fedora-39", "azurelinux-4.0-dev", "qemu-upstream"}
	for _, s := range sets {
		required = slices.DeleteFunc(required, func(n string) bool { return n == s.Name() })
		t.Run(s.Name(), func(t *testing.T) {
			root := filepath.Join(corpusDir, s.Name())
			files, err := os.ReadDir(filepath.Join(root, "usr/share/qemu/firmware"))
			if err != nil {
				t.Fatal(err)
			}
			set, err := Load(Options{Root: root})
			if err != nil {
				t.Fatal(err)
			}
			eff := set.Effective()
			if len(eff) != len(files) {
				t.Fatalf("%d effective entries, want %d (files on disk)", len(eff), len(files))
			}
			var b strings.Builder
			for i, e := range eff {
				if e.Name != files[i].Name() { // os.ReadDir sorts by name, byte-wise
					t.Errorf("entry %d is %s, want %s", i, e.Name, files[i].Name())
				}
				if e.Status != StatusActive {
					t.Errorf("%s: status %s (%v)", e.Name, e.Status, e.Libvirt)
				}
				fmt.Fprintf(&b, "%s\t%s\t%s\n", e.Name, e.Status, e.Descriptor.Summary())
				for _, p := range e.Problems {
					fmt.Fprintf(&b, "\t%s\n", p)
				}
			}
			golden(t, filepath.Join("testdata", "corpus", s.Name()+".txt"), b.String())
		})
	}
	if len(required) > 0 {
		t.Errorf("required sets missing from %s: %v", corpusDir, required)
	}
}

// golden compares got with the file at path, rewriting it with -update.
func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}
