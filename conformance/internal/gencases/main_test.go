package main

import (
	"strings"
	"testing"
)

// TestSyntheticTable checks that every synthetic case builds a valid, unique case file.
func TestSyntheticTable(t *testing.T) {
	cases := synthetic()
	if len(cases) < 170 {
		t.Errorf("%d synthetic cases, want at least 170", len(cases))
	}
	seen := map[string]bool{}
	for _, c := range cases {
		if seen[c.Name] {
			t.Errorf("duplicate case %s", c.Name)
		}
		seen[c.Name] = true
		ar, err := c.archive()
		if err != nil {
			t.Error(err)
			continue
		}
		if !strings.Contains(string(ar.Files[0].Data), "<name>fwc-"+c.Name+"</name>") {
			t.Errorf("%s: domain name is not fwc-%s", c.Name, c.Name)
		}
	}
}
