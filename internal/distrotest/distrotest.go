// Package distrotest loads the bundled descriptor sets for the tests of
// the packages that judge them (audit, domcaps, nova).
package distrotest

import (
	"testing"

	"github.com/fwaudit/fwaudit"
	"github.com/fwaudit/fwaudit/descriptor"
)

// Load loads the bundled set name with rules, failing the test when there
// is no such set or it cannot be loaded.
func Load(t testing.TB, name string, rules *descriptor.Rules) *descriptor.Set {
	t.Helper()
	root, ok := fwaudit.Distro(name)
	if !ok {
		t.Fatalf("no bundled set %s", name)
	}
	set, err := descriptor.Load(descriptor.Options{FS: root, Rules: rules})
	if err != nil {
		t.Fatal(err)
	}
	return set
}
