package descriptor

import (
	"path/filepath"
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

// TestSetsFollowTheValue checks that FeatureSet and Rules' answers come
// from the value asked, however it was made: changed after Parse (a copy of
// its list changed in place too, which a cache keyed on the slice's first
// element missed), copied, or built by hand equal to a parsed one.
func TestSetsFollowTheValue(t *testing.T) {
	d, err := Parse("x.json", []byte(`{"interface-types": ["uefi"],
  "mapping": {"device": "memory", "filename": "/fw.bin"},
  "targets": [{"architecture": "i386", "machines": ["pc-*"]}], "features": ["acpi-s3", "future-feature"]}`))
	if d == nil {
		t.Fatal(err) // schema errors (no description, no tags) are fine
	}
	if got, want := d.FeatureSet(), FeatureBit(FeatureACPIS3); got != want {
		t.Errorf("FeatureSet = %#x, want %#x", got, want)
	}
	// Parse's lists may be shared with other descriptors (read-only):
	// change a copy in place, once FeatureSet has answered for it.
	d.Features = slices.Clone(d.Features)
	if got, want := d.FeatureSet(), FeatureBit(FeatureACPIS3); got != want {
		t.Errorf("a copy of the list: FeatureSet = %#x, want %#x", got, want)
	}
	d.Features[0] = FeatureRequiresSMM // same slice, same length
	if got, want := d.FeatureSet(), FeatureBit(FeatureRequiresSMM); got != want {
		t.Errorf("after a change in place, FeatureSet = %#x, want %#x", got, want)
	}
	d.Features = append(slices.Clone(d.Features), FeatureSecureBoot)
	if got, want := d.FeatureSet(), FeatureBit(FeatureRequiresSMM)|FeatureBit(FeatureSecureBoot); got != want {
		t.Errorf("after a new slice, FeatureSet = %#x, want %#x", got, want)
	}
	c := *d
	c.Features = slices.Clone(d.Features)
	c.Features[2] = FeatureAMDSEV // was secure-boot
	if got, want := c.FeatureSet(), FeatureBit(FeatureRequiresSMM)|FeatureBit(FeatureAMDSEV); got != want {
		t.Errorf("a changed copy: FeatureSet = %#x, want %#x", got, want)
	}
	hand := &Descriptor{Features: slices.Clone(d.Features)}
	if hand.FeatureSet() != d.FeatureSet() {
		t.Errorf("an equal Descriptor built by hand: FeatureSet %#x, parsed %#x", hand.FeatureSet(), d.FeatureSet())
	}

	// A copy of a built-in rule set, and the built-in itself changed in
	// place (restored after), answer from what they hold.
	cp := *RulesLibvirt9
	cp.Features = []Feature{FeatureSecureBoot}
	cp.Architectures = []string{"vax"}
	if cp.KnownFeatures() != FeatureBit(FeatureSecureBoot) || !cp.KnowsArch("vax") || cp.KnowsArch("x86_64") {
		t.Errorf("a changed copy of %s: KnownFeatures %#x, KnowsArch(vax) %v, KnowsArch(x86_64) %v",
			cp.Name, cp.KnownFeatures(), cp.KnowsArch("vax"), cp.KnowsArch("x86_64"))
	}
	saved := *RulesLibvirt11
	t.Cleanup(func() { *RulesLibvirt11 = saved })
	RulesLibvirt11.Features = []Feature{FeatureACPIS3}
	RulesLibvirt11.Architectures = []string{"x86_64"}
	if RulesLibvirt11.KnownFeatures() != FeatureBit(FeatureACPIS3) || RulesLibvirt11.KnowsArch("aarch64") {
		t.Errorf("%s changed in place: KnownFeatures %#x, KnowsArch(aarch64) %v", RulesLibvirt11.Name,
			RulesLibvirt11.KnownFeatures(), RulesLibvirt11.KnowsArch("aarch64"))
	}
}

// TestLookupErrorFollowsSet checks that LookupError answers from what the
// Set holds when asked, whoever built it and however it changed since:
// entries added, an entry replaced (the lengths stay the same) and a
// directory's error set in place.
func TestLookupErrorFollowsSet(t *testing.T) {
	dir := t.TempDir()
	tree(t, dir, map[string]string{"50-a.json": desc("/a"), "60-b.json": desc("/b")})
	set, err := Load(Options{Dirs: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	if le := set.LookupError(); le != nil {
		t.Fatalf("after Load: LookupError = %v, want nil", le)
	}
	bad := &Error{File: filepath.Join(dir, "60-b.json"), Kind: KindIO, Msg: "Unable to access 60-b.json: Permission denied"}
	set.Entries[1] = &Entry{Name: "60-b.json", Dir: dir, Status: StatusError, Problems: Errors{bad}}
	if got := set.LookupError(); got != bad {
		t.Errorf("after an entry was replaced: LookupError = %v, want %v", got, bad)
	}
	dirErr := &Error{File: dir, Kind: KindIO, Msg: "Unable to open " + dir + ": Permission denied"}
	set.Dirs[0].Err = dirErr
	if got := set.LookupError(); got != dirErr {
		t.Errorf("after a directory error was set: LookupError = %v, want %v", got, dirErr)
	}
	set.Dirs[0].Err = nil
	set.Entries = append(set.Entries[:1], set.Entries[2:]...)
	if le := set.LookupError(); le != nil {
		t.Errorf("after the bad entry was removed: LookupError = %v, want nil", le)
	}
	built := &Set{Dirs: []Dir{{Path: "/a"}}}
	if built.LookupError() != nil {
		t.Fatal("empty set: LookupError != nil")
	}
	built.Entries = append(built.Entries, &Entry{Name: "x.json", Dir: "/a", Status: StatusError, Problems: Errors{bad}})
	if got := built.LookupError(); got != bad {
		t.Errorf("after an entry was added: LookupError = %v, want %v", got, bad)
	}
}

// TestListed checks FeatureSet.Listed against FeatureSetOf, and that bit i
// is QEMUFeatures[i], which Listed relies on.
func TestListed(t *testing.T) {
	for i, f := range QEMUFeatures {
		if FeatureBit(f) != 1<<i {
			t.Errorf("FeatureBit(%s) = %#x, want bit %d", f, FeatureBit(f), i)
		}
	}
	lists := [][]Feature{nil, {"future-feature"}, QEMUFeatures, {FeatureSecureBoot, FeatureACPIS3, "x"}, {FeatureHostUEFIVars}}
	sets := []FeatureSet{0, FeatureBit(FeatureSecureBoot), FeatureSetOf(QEMUFeatures), FeatureBit(FeatureACPIS3) | FeatureBit(FeatureHostUEFIVars)}
	for _, fs := range lists {
		for _, s := range sets {
			if got, want := s.Listed(fs), FeatureSetOf(fs)&s; got != want {
				t.Errorf("%#x.Listed(%v) = %#x, want %#x", s, fs, got, want)
			}
		}
	}
}
