package main

import (
	"io"
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
