package result

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fwaudit/fwaudit/matcher"
	"github.com/fwaudit/fwaudit/release"
	"github.com/fwaudit/fwaudit/source"
)

// TestMatchInputCheck: the domain is described in exactly one way, and a
// guest has what a domain needs; each refusal is a *release.UsageError.
func TestMatchInputCheck(t *testing.T) {
	guest := matcher.Guest{Name: "guest", Arch: "x86_64", Machine: "q35", Firmware: "efi"}
	nv := NovaInput{ImageProps: []string{"hw_firmware_type=uefi"}}
	for _, tc := range []struct {
		name string
		in   MatchInput
		want string // "" for no error
	}{
		{"guest", MatchInput{Guest: guest, GuestFlags: []string{"--arch", "--machine"}}, ""},
		{"domain file", MatchInput{DomainFile: "vm.xml"}, ""},
		{"domain file with flags", MatchInput{DomainFile: "vm.xml", GuestFlags: []string{"--arch", "--smm"}},
			"--domain describes the whole domain; it cannot be combined with --arch, --smm"},
		{"nova", MatchInput{Nova: nv}, ""},
		{"nova with --name", MatchInput{Nova: nv, GuestFlags: []string{"--name"}}, ""},
		{"nova with a file", MatchInput{Nova: NovaInput{Flavor: "f.json"}, DomainFile: "vm.xml"},
			"nova's flags describe the whole domain; they cannot be combined with --domain"},
		{"nova with flags", MatchInput{Nova: nv, GuestFlags: []string{"--name", "--arch"}},
			"nova's flags describe the whole domain; they cannot be combined with --name, --arch"},
		{"nothing", MatchInput{}, "give a domain: --domain FILE, or --arch and --machine"},
		{"no machine", MatchInput{Guest: matcher.Guest{Name: "g", Arch: "x86_64"}}, "--arch needs --machine (e.g. q35, pc, virt)"},
		{"alias", MatchInput{Guest: matcher.Guest{Name: "g", Arch: "i386", Machine: "pc"}},
			`--arch "i386": not an architecture libvirt knows (libvirt calls it i686)`},
		{"unknown arch", MatchInput{Guest: matcher.Guest{Name: "g", Arch: "aarch46", Machine: "virt"}},
			`--arch "aarch46": not an architecture libvirt knows; did you mean aarch64?`},
		{"no name", MatchInput{Guest: matcher.Guest{Arch: "x86_64", Machine: "q35"}}, "--name must not be empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.in.Check()
			if tc.want == "" {
				if err != nil {
					t.Fatalf("Check: %v", err)
				}
				return
			}
			var ue *release.UsageError
			if !errors.As(err, &ue) {
				t.Fatalf("Check = %v (%T), want a *release.UsageError", err, err)
			}
			if err.Error() != tc.want {
				t.Errorf("Check = %q\nwant    %q", err, tc.want)
			}
		})
	}
}

// TestMatchInputPredictChecks: Predict refuses what Check refuses before
// reading anything.
func TestMatchInputPredictChecks(t *testing.T) {
	_, _, err := MatchInput{DomainFile: "/nonexistent/vm.xml", GuestFlags: []string{"--arch"}}.Predict(t.Context())
	if err == nil || !strings.Contains(err.Error(), "cannot be combined") {
		t.Errorf("Predict = %v, want Check's error", err)
	}
}

// TestCheckArch: every architecture libvirt knows passes, every alias
// names libvirt's name, which itself passes.
func TestCheckArch(t *testing.T) {
	for alias, name := range ArchAliases {
		if err := CheckArch(name); err != nil {
			t.Errorf("CheckArch(%q), the alias %s's name: %v", name, alias, err)
		}
		if err := CheckArch(alias); err == nil || !strings.Contains(err.Error(), "libvirt calls it "+name) {
			t.Errorf("CheckArch(%q) = %v", alias, err)
		}
	}
}

// A guest built from the request flags stands for one the host runs: its
// KVM is taken to run the guest's architecture, whatever the host the
// release was recorded on could. The same kvm domain given as a file over a
// --root is judged as on that recorded x86_64 host, which cannot accelerate
// aarch64: libvirt 12.8 resolves its machine alias to nothing there
// (conformance case dtype-kvm-aarch64).
func TestMatchInputBuiltGuestKVM(t *testing.T) {
	spec := source.Spec{Root: "../testdata/descriptors/debian-13", Libvirt: "12.8"}
	guest := matcher.Guest{Name: "guest", Arch: "aarch64", Machine: "virt", Firmware: "efi"}
	file := filepath.Join(t.TempDir(), "vm.xml")
	x, err := guest.Domain().Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte(x), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		in   MatchInput
		ok   bool
	}{
		{"flags", MatchInput{Spec: spec, Guest: guest, GuestFlags: []string{"--arch", "--machine"}}, true},
		{"domain file", MatchInput{Spec: spec, DomainFile: file}, false},
	} {
		m, _, err := tc.in.Predict(context.Background())
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if m.Answer.OK != tc.ok {
			t.Errorf("%s: ok %v, want %v (%v)", tc.name, m.Answer.OK, tc.ok, m.Answer.Error)
		}
	}
}
