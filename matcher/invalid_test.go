package matcher

import (
	"testing"
	"testing/fstest"

	"github.com/fwaudit/fwaudit/descriptor"
)

// A release that fails every lookup on an invalid descriptor words the
// error as that release parses the file, whichever rules the set was
// loaded with: from the entry's own verdict when they are the profile's,
// by checking the file again otherwise. Both ways must give one message.
func TestInvalidLookupMessage(t *testing.T) {
	files := map[string]string{
		"not-json":      `{"interface-types": ["uefi"],`,
		"no-executable": `{"interface-types": ["uefi"], "mapping": {"device": "flash"}, "targets": [{"architecture": "x86_64", "machines": ["pc-q35-*"]}], "features": []}`,
		"bad-device":    `{"interface-types": ["uefi"], "mapping": {"device": "rom", "filename": "/x.fd"}, "targets": [{"architecture": "x86_64", "machines": ["pc-q35-*"]}], "features": []}`,
	}
	req := &Request{Firmware: "efi", Arch: "x86_64", Machine: "pc-q35-8.2"}
	for name, data := range files {
		fsys := fstest.MapFS{"etc/qemu/firmware/50-" + name + ".json": {Data: []byte(data)}}
		for _, p := range Profiles {
			if !p.Selection.InvalidFailsLookup {
				continue
			}
			own := load(t, fsys, p.Rules)
			want := Match(own, req, p, MatchOptions{})
			if own.Entries[0].Status != descriptor.StatusInvalid {
				t.Fatalf("%s under %s: status %s, want invalid", name, p.Name, own.Entries[0].Status)
			}
			if want.Err == "" || want.Err == "internal error: " {
				t.Fatalf("%s under %s: no lookup error: %+v", name, p.Name, want)
			}
			compared := 0
			for _, other := range Profiles {
				set := load(t, fsys, other.Rules)
				if set.Entries[0].Status != descriptor.StatusInvalid {
					continue // the other release reads the file: another path
				}
				compared++
				if got := Match(set, req, p, MatchOptions{}); got.Err != want.Err {
					t.Errorf("%s under %s, set loaded with %s rules:\n got %q\nwant %q", name, p.Name, other.Name, got.Err, want.Err)
				}
			}
			if compared < 2 {
				t.Errorf("%s under %s: compared %d loads, want the own one and another", name, p.Name, compared)
			}
		}
	}
}

func load(t *testing.T, fsys fstest.MapFS, rules *descriptor.Rules) *descriptor.Set {
	t.Helper()
	set, err := descriptor.Load(descriptor.Options{FS: fsys, Rules: rules})
	if err != nil {
		t.Fatal(err)
	}
	return set
}
