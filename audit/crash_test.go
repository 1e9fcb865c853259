package audit

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/tools/txtar"

	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/matcher"
)

// TestCoverageCrash: a coverage cell whose guest makes libvirtd crash says
// so (daemon_crashed, and a message naming the crash), as the recorded
// oracle answers of the conformance case for that guest say, per release.
func TestCoverageCrash(t *testing.T) {
	const file = "../conformance/testdata/cases/crash-kernel-requires-smm-no-loader.txtar"
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	root := fstest.MapFS{}
	answers := map[string]struct {
		OK            bool `json:"ok"`
		DaemonCrashed bool `json:"daemon_crashed"`
	}{}
	for _, f := range ar.Files {
		switch {
		case strings.HasPrefix(f.Name, "root/"):
			root[strings.TrimPrefix(f.Name, "root/")] = &fstest.MapFile{Data: f.Data}
		case strings.HasPrefix(f.Name, "answer/libvirt") && strings.Count(f.Name, "-") == 0:
			a := answers[f.Name]
			if err := json.Unmarshal(f.Data, &a); err != nil {
				t.Fatalf("%s: %v", f.Name, err)
			}
			answers[strings.TrimSuffix(strings.TrimPrefix(f.Name, "answer/libvirt"), ".json")] = a
		}
	}
	// The case's domain is the coverage matrix's x86_64 q35 uefi guest.
	for major, p := range map[string]*matcher.Profile{"9": matcher.Libvirt90, "10": matcher.Libvirt100, "11": matcher.Libvirt113, "12": matcher.Libvirt128} {
		want, ok := answers[major]
		if !ok {
			t.Fatalf("%s has no answer of libvirt %s", file, major)
		}
		set, err := descriptor.Load(descriptor.Options{FS: root, Rules: p.Rules})
		if err != nil {
			t.Fatal(err)
		}
		r, err := Run(context.Background(), set, Options{Profile: p})
		if err != nil {
			t.Fatal(err)
		}
		var found bool
		for _, c := range r.Coverage {
			if c.Arch != "x86_64" || c.Machine != "q35" || c.FeatureSet != "uefi" {
				continue
			}
			found = true
			if c.DaemonCrashed != want.DaemonCrashed || (c.Status != "gap") != want.OK {
				t.Errorf("%s: cell %s, daemon_crashed %v; libvirt answered ok %v, daemon_crashed %v", p.Name, c.Status, c.DaemonCrashed, want.OK, want.DaemonCrashed)
			}
		}
		if !found {
			t.Fatalf("%s: no x86_64/q35/uefi cell", p.Name)
		}
		crashMsg := false
		for _, f := range r.Findings.All() {
			if f.Subject == "x86_64/q35/uefi" && strings.Contains(f.Message, "the daemon crashes (the client sees: ") {
				crashMsg = true
			}
		}
		if crashMsg != want.DaemonCrashed {
			t.Errorf("%s: the uefi cell's finding names a crash: %v, want %v", p.Name, crashMsg, want.DaemonCrashed)
		}
	}
}
