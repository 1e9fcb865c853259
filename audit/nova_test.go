package audit

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fwaudit/fwaudit/internal/distrotest"
	"github.com/fwaudit/fwaudit/matcher"
	"github.com/fwaudit/fwaudit/nova"
)

// The nova view over the bundled Ubuntu 24.04 set with its own libvirt
// (10.0): which combinations the move to nova 2026.1 breaks or changes.
func TestNovaCombinations(t *testing.T) {
	combos, err := nova.ReadCombinations("combos.json", []byte(`[
 {"name": "bios", "image": {}},
 {"name": "uefi", "image": {"hw_firmware_type": "uefi", "hw_machine_type": "q35"}},
 {"name": "sb", "image": {"hw_firmware_type": "uefi", "hw_machine_type": "q35", "os_secure_boot": "required"}},
 {"name": "sev-es", "image": {"hw_firmware_type": "uefi", "hw_machine_type": "q35", "hw_mem_encryption_model": "amd-sev-es"}, "flavor": {"hw:mem_encryption": "true"}},
 {"name": "stateless", "image": {"hw_firmware_type": "uefi", "hw_machine_type": "q35", "hw_firmware_stateless": "true"}},
 {"name": "conflict", "image": {"os_secure_boot": "required"}, "flavor": {"os:secure_boot": "disabled"}}
]`))
	if err != nil {
		t.Fatal(err)
	}
	set := distrotest.Load(t, "ubuntu-24.04", matcher.Libvirt100.Rules)
	r, err := Run(context.Background(), set, Options{Profile: matcher.Libvirt100, Nova: combos})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range r.Findings.All() {
		if f.Rule == RuleNovaUpgradeFails || f.Rule == RuleNovaFirmwareChanges || f.Rule == RuleNovaRefused {
			got[f.Subject] = f.Rule
		}
	}
	// Ubuntu 24.04's descriptors have no amd-sev-es build and no
	// stateless one: nova's own selection never looked.
	want := map[string]string{
		"nova:sev-es":    RuleNovaUpgradeFails,
		"nova:stateless": RuleNovaUpgradeFails,
		"nova:conflict":  RuleNovaRefused,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("nova findings (-want +got):\n%s", d)
	}
	if _, err := Run(context.Background(), set, Options{Profile: matcher.NovaLegacy, Nova: combos}); err == nil {
		t.Error("nova combinations judged with the nova-legacy profile")
	}
}
