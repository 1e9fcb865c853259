package descriptor

import (
	"slices"
	"testing"
)

// TestFeatureSet checks that every QEMU feature has its own bit, that
// unknown features have none, and that the precomputed sets agree with the
// slices they stand for.
func TestFeatureSet(t *testing.T) {
	var all FeatureSet
	for _, f := range QEMUFeatures {
		b := FeatureBit(f)
		if b == 0 || b&(b-1) != 0 || all&b != 0 {
			t.Errorf("FeatureBit(%s) = %#x, want a bit of its own", f, b)
		}
		all |= b
	}
	if b := FeatureBit("future-feature"); b != 0 {
		t.Errorf("FeatureBit(future-feature) = %#x, want 0", b)
	}
	for _, r := range []*Rules{RulesLibvirt9, RulesLibvirt11, RulesLibvirt12, {Name: "custom", Features: []Feature{FeatureSecureBoot}}} {
		for _, f := range QEMUFeatures {
			if got, want := r.KnownFeatures().Has(f), r.KnowsFeature(f); got != want {
				t.Errorf("%s: KnownFeatures().Has(%s) = %v, KnowsFeature %v", r.Name, f, got, want)
			}
		}
	}
}

// TestPrecomputedSetsFollowChanges checks that a descriptor whose Features
// or Targets are replaced after Parse is answered from the new values.
func TestPrecomputedSetsFollowChanges(t *testing.T) {
	d, err := Parse("x.json", []byte(`{"interface-types": ["uefi"],
  "mapping": {"device": "memory", "filename": "/fw.bin"},
  "targets": [{"architecture": "i386", "machines": ["pc-*"]}], "features": ["acpi-s3", "future-feature"]}`))
	if d == nil {
		t.Fatal(err) // schema errors (no description, no tags) are fine
	}
	if got, want := d.FeatureSet(), FeatureBit(FeatureACPIS3); got != want {
		t.Errorf("FeatureSet = %#x, want %#x", got, want)
	}
	if got, want := d.ArchSet(), ArchBit("i686"); got != want {
		t.Errorf("ArchSet = %#x, want %#x (i686)", got, want)
	}
	d.Features = append(slices.Clone(d.Features), FeatureSecureBoot)
	if got, want := d.FeatureSet(), FeatureBit(FeatureACPIS3)|FeatureBit(FeatureSecureBoot); got != want {
		t.Errorf("after a change, FeatureSet = %#x, want %#x", got, want)
	}
	d.Targets = []Target{{"aarch64", []string{"virt-*"}}, {"arm", []string{"virt-*"}}}
	if got, want := d.ArchSet(), ArchBit("aarch64")|ArchBit("armv7l"); got != want {
		t.Errorf("after a change, ArchSet = %#x, want %#x", got, want)
	}
	hand := &Descriptor{Features: []Feature{FeatureAMDSEV}, Targets: []Target{{Architecture: "x86_64"}}}
	if hand.FeatureSet() != FeatureBit(FeatureAMDSEV) || hand.ArchSet() != ArchBit("x86_64") {
		t.Errorf("a Descriptor built by hand: FeatureSet %#x, ArchSet %#x", hand.FeatureSet(), hand.ArchSet())
	}
}

// TestArch checks Rules.Arch, now built from LibvirtArch and KnowsArch,
// against libvirt's mapping.
func TestArch(t *testing.T) {
	for _, tt := range []struct {
		rules      *Rules
		qemu, want string
		ok         bool
	}{
		{RulesLibvirt9, "i386", "i686", true},
		{RulesLibvirt9, "arm", "armv7l", true},
		{RulesLibvirt9, "or32", "or32", true},
		{RulesLibvirt9, "x86_64", "x86_64", true},
		{RulesLibvirt9, "loongarch64", "", false},
		{RulesLibvirt11, "loongarch64", "loongarch64", true},
		{RulesLibvirt12, "i686", "i686", true},
		{RulesLibvirt12, "amd64", "", false},
	} {
		if got, ok := tt.rules.Arch(tt.qemu); got != tt.want || ok != tt.ok {
			t.Errorf("%s: Arch(%s) = %q, %v; want %q, %v", tt.rules.Name, tt.qemu, got, ok, tt.want, tt.ok)
		}
	}
	for _, a := range archNames {
		if ArchBit(a) == 0 {
			t.Errorf("ArchBit(%s) = 0", a)
		}
	}
	custom := &Rules{Name: "custom", Architectures: []string{"x86_64", "vax"}}
	for _, r := range []*Rules{RulesLibvirt9, RulesLibvirt11, RulesLibvirt12, custom} {
		for _, a := range append(slices.Clone(archNames), "vax", "amd64", "") {
			if got, want := r.KnowsArch(a), slices.Contains(r.Architectures, a); got != want {
				t.Errorf("%s: KnowsArch(%q) = %v, want %v", r.Name, a, got, want)
			}
		}
	}
}

// TestLookupErrorIndex checks that the precomputed lookup error is the one
// the full search finds, and that a Set extended after Load is searched
// again.
func TestLookupErrorIndex(t *testing.T) {
	set := &Set{Dirs: []Dir{{Path: "/a"}}}
	set.index = newSetIndex(set)
	if set.LookupError() != nil {
		t.Fatal("empty set: LookupError != nil")
	}
	bad := &Error{File: "/a/x.json", Kind: KindIO, Msg: "Unable to access /a/x.json: Permission denied"}
	set.Entries = append(set.Entries, &Entry{Name: "x.json", Dir: "/a", Status: StatusError, Problems: Errors{bad}})
	if got := set.LookupError(); got != bad {
		t.Errorf("after an entry was added: LookupError = %v, want %v", got, bad)
	}
}
