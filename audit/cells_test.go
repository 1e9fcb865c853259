package audit

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/fwaudit/fwaudit/internal/distrotest"
	"github.com/fwaudit/fwaudit/matcher"
	"github.com/fwaudit/fwaudit/report"
)

// TestCells: every cell Cells names is one --require accepts and an audit
// reports under that key, and every architecture fwaudit knows is listed.
func TestCells(t *testing.T) {
	cells := Cells()
	if _, err := parseRequire(cells); err != nil {
		t.Fatal(err)
	}
	for arch := range knownFamilies {
		if !slices.ContainsFunc(cells, func(c string) bool { return strings.HasPrefix(c, arch+"/") }) {
			t.Errorf("no cell of %s (archOrder lacks it?)", arch)
		}
	}
	var x86 []string
	for _, c := range cells {
		if strings.HasPrefix(c, "x86_64/") || strings.HasPrefix(c, "aarch64/") {
			x86 = append(x86, c)
		}
	}
	r, err := Run(context.Background(), distrotest.Load(t, "debian-unstable", matcher.Latest.Rules), Options{Profile: matcher.Latest, Require: x86})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range x86 {
		if !slices.ContainsFunc(r.Coverage, func(c report.Coverage) bool { return c.Key() == want }) {
			t.Errorf("no coverage cell %s in the audit", want)
		}
	}
}
