package main

import (
	"io"
	"strings"
	"testing"
)

// TestRequestFlagsDefined: every name in requestFlags is one of match's
// flags (pflag's Changed is silently false for a name never defined, so a
// typo would let --domain combine with that flag).
func TestRequestFlagsDefined(t *testing.T) {
	c := newMatchCmd(&app{stdout: &errWriter{w: io.Discard}, stderr: io.Discard, term: io.Discard})
	for _, n := range requestFlags {
		if c.Flags().Lookup(n) == nil {
			t.Errorf("requestFlags names --%s, which match does not define", n)
		}
	}
	if c.Flags().Lookup("domain") == nil || len(requestFlags) < 15 {
		t.Fatal("match's flags are not registered")
	}
}

// TestFlagTableUsed: every entry of flagTable is some command's flag, with
// the entry's help (an entry no command takes is dead).
func TestFlagTableUsed(t *testing.T) {
	root := (&app{stdout: &errWriter{w: io.Discard}, stderr: io.Discard, term: io.Discard}).newRoot()
	for key, d := range flagTable {
		name, _, _ := strings.Cut(key, "/")
		used := false
		for _, c := range root.Commands() {
			if f := c.Flags().Lookup(name); f != nil && f.Usage == d.usage {
				used = true
			}
		}
		if !used {
			t.Errorf("flagTable[%q]: no command takes it", key)
		}
	}
}
