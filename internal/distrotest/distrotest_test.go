package distrotest

import (
	"testing"

	"github.com/fwaudit/fwaudit/descriptor"
)

func TestLoad(t *testing.T) {
	set := Load(t, "debian-13", descriptor.RulesLatest)
	if len(set.Entries) == 0 || set.Rules != descriptor.RulesLatest {
		t.Errorf("debian-13: %d entries, rules %v", len(set.Entries), set.Rules)
	}
}
