package matcher

import (
	"io/fs"
	"math/rand/v2"
	"reflect"
	"testing"
	"testing/fstest"

	"github.com/fwaudit/fwaudit"
	"github.com/fwaudit/fwaudit/descriptor"
)

// randomRequest draws a request from the values that steer matching.
func randomRequest(rng *rand.Rand) *Request {
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	tri := func() Tristate { return Tristate(max(0, rng.IntN(4)-1)) } // unset half the time
	machines := [][2]string{{"x86_64", "q35"}, {"x86_64", "pc"}, {"x86_64", "pc-q35-8.2"}, {"x86_64", "microvm"},
		{"i686", "q35"}, {"aarch64", "virt"}, {"armv7l", "virt"}, {"riscv64", "virt"}, {"loongarch64", "virt"},
		{"s390x", "s390-ccw-virtio"}, {"ppc64le", "pseries"}}
	m := machines[rng.IntN(len(machines))]
	r := &Request{Name: "vm", Arch: m[0], Machine: m[1], Firmware: pick("efi", "efi", "efi", "bios", ""),
		SMM: tri(), S3: tri(), S4: tri(), Existing: rng.IntN(4) == 0}
	if rng.IntN(2) == 0 && r.Firmware != "" {
		r.FirmwareFeatures, r.SecureBoot, r.EnrolledKeys = true, tri(), tri()
	}
	if rng.IntN(3) == 0 {
		r.LaunchSecurity = pick("sev", "sev-snp", "tdx", "s390-pv")
		r.SEVPolicy = uint64(rng.IntN(8))
	}
	if rng.IntN(3) == 0 || r.Firmware == "" {
		r.Loader = &Loader{Type: pick("", "", "pflash", "rom"), Readonly: tri(), Secure: tri(), Stateless: tri(),
			Format: pick("", "", "raw", "qcow2"), Path: pick("", "", "", "/usr/share/OVMF/OVMF_CODE.fd")}
	}
	if rng.IntN(3) == 0 {
		r.NVRAM = &NVRAM{Format: pick("", "raw", "qcow2"), Template: pick("", "", "/usr/share/OVMF/OVMF_VARS.fd"),
			Path: pick("", "/var/lib/libvirt/qemu/nvram/vm_VARS.fd")}
	}
	return r
}

// testRoots are every bundled set, and Debian 13's with a descriptor
// libvirt rejects and feature combinations the real sets lack.
func testRoots(t *testing.T) map[string]fs.FS {
	roots := map[string]fs.FS{}
	for _, name := range fwaudit.Distros() {
		roots[name], _ = fwaudit.Distro(name)
	}
	withInvalid := fstest.MapFS{}
	debian, _ := fwaudit.Distro("debian-13")
	err := fs.WalkDir(debian, "usr", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(debian, path)
		withInvalid[path] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	withInvalid["usr/share/qemu/firmware/70-broken.json"] = &fstest.MapFile{Data: []byte(`{"interface-types": ["uefi"]}`)}
	// Feature combinations the real sets lack.
	withInvalid["usr/share/qemu/firmware/20-s4-snp-tdx.json"] = &fstest.MapFile{Data: []byte(`{"interface-types": ["uefi"],
  "mapping": {"device": "flash", "mode": "stateless", "executable": {"filename": "/fw/a.fd", "format": "raw"}},
  "targets": [{"architecture": "x86_64", "machines": ["pc-q35-*"]}], "features": ["acpi-s4", "amd-sev-snp", "intel-tdx"]}`)}
	withInvalid["usr/share/qemu/firmware/21-memory.json"] = &fstest.MapFile{Data: []byte(`{"interface-types": ["bios", "uefi"],
  "mapping": {"device": "memory", "filename": "/fw/b.fd"},
  "targets": [{"architecture": "i386", "machines": ["pc-*"]}, {"architecture": "x86_64", "machines": ["*"]}],
  "features": ["acpi-s3", "acpi-s4", "enrolled-keys"]}`)}
	roots["debian-13+invalid"] = withInvalid
	return roots

}

// TestNoTraceDecides checks that NoTrace changes nothing but the trace: over
// every bundled set (and one with a descriptor libvirt rejects), every
// profile and random requests, Match decides the same with and without it,
// and leaves the caller's request as it was.
func TestNoTraceDecides(t *testing.T) {
	roots := testRoots(t)

	rng := rand.New(rand.NewPCG(1, 2))
	n := 300
	if testing.Short() {
		n = 20
	}
	for name, root := range roots {
		for _, p := range Profiles {
			set, err := descriptor.Load(descriptor.Options{FS: root, Rules: p.Rules})
			if err != nil {
				t.Fatal(err)
			}
			for range n {
				req := randomRequest(rng)
				before := *req
				var loader Loader
				if req.Loader != nil {
					loader = *req.Loader
				}
				full := Match(set, req, p, MatchOptions{})
				brief := Match(set, req, p, MatchOptions{NoTrace: true})
				if len(brief.Trace) != 0 || len(brief.Also) != 0 {
					t.Errorf("%s %s %+v: NoTrace built a trace", name, p.Name, *req)
				}
				full.Trace, full.Also = nil, nil
				brief.Trace, brief.Also = nil, nil
				if !reflect.DeepEqual(full, brief) {
					t.Errorf("%s %s %+v:\nwith trace %+v\nNoTrace    %+v", name, p.Name, *req, full, brief)
				}
				if !reflect.DeepEqual(before, *req) || (req.Loader != nil && loader != *req.Loader) {
					t.Errorf("%s %s: Match changed the caller's request", name, p.Name)
				}
			}
		}
	}
}

// TestPrefilterNecessary checks that the NoTrace prefilter only drops
// descriptors matchOne rejects: over every test root, profile and random
// requests, a descriptor mayMatch refuses is one matchOne skips, and the
// prefilter does refuse some.
func TestPrefilterNecessary(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	n := 200
	if testing.Short() {
		n = 20
	}
	dropped, kept := 0, 0
	for name, root := range testRoots(t) {
		for _, p := range Profiles {
			set, err := descriptor.Load(descriptor.Options{FS: root, Rules: p.Rules})
			if err != nil {
				t.Fatal(err)
			}
			for range n {
				r := randomRequest(rng)
				r.Machine = CanonicalMachine(r.Arch, r.Machine, p.QEMU)
				env := newMatchEnv(r, p, nil)
				for _, e := range set.Entries {
					if e.Status != descriptor.StatusActive {
						continue
					}
					if env.mayMatch(e) {
						kept++
						continue
					}
					dropped++
					if matchOne(r, e, p, &env).ok() {
						t.Errorf("%s %s %+v: the prefilter drops %s, which matches", name, p.Name, *r, e.Path)
					}
				}
			}
		}
	}
	if dropped == 0 || kept == 0 {
		t.Errorf("the prefilter dropped %d descriptors and kept %d: the test compares nothing", dropped, kept)
	}
	t.Logf("prefilter: %d descriptors dropped, %d kept", dropped, kept)
}

// TestEqualValuesDecideAlike checks that Match answers from the values it
// is given, not from which values they are: a set loaded twice, a copy of a
// set whose entries and descriptors are copies built by hand (so nothing
// Load worked out comes with them), and a copy of the profile and its rule
// set all get the decision the original gets, trace included.
func TestEqualValuesDecideAlike(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	n := 60
	if testing.Short() {
		n = 10
	}
	for name, root := range testRoots(t) {
		for _, p := range append(Profiles[:len(Profiles):len(Profiles)], NovaLegacy) {
			load := func() *descriptor.Set {
				set, err := descriptor.Load(descriptor.Options{FS: root, Rules: p.Rules})
				if err != nil {
					t.Fatal(err)
				}
				return set
			}
			set, again := load(), load()
			byHand := *set
			byHand.Entries = nil
			for _, e := range set.Entries {
				c := &descriptor.Entry{Name: e.Name, Path: e.Path, Dir: e.Dir, Status: e.Status, Overrides: e.Overrides,
					HiddenBy: e.HiddenBy, Target: e.Target, Size: e.Size, NotJSON: e.NotJSON, Problems: e.Problems,
					Libvirt: e.Libvirt, Data: append([]byte(nil), e.Data...)}
				if e.Descriptor != nil {
					d := *e.Descriptor
					d.Features = append([]descriptor.Feature(nil), d.Features...)
					d.Targets = append([]descriptor.Target(nil), d.Targets...)
					c.Descriptor = &d
				}
				byHand.Entries = append(byHand.Entries, c)
			}
			pc, rc := *p, *p.Rules
			rc.Features = append([]descriptor.Feature(nil), rc.Features...)
			rc.Architectures = append([]string(nil), rc.Architectures...)
			pc.Rules = &rc
			for range n {
				req := randomRequest(rng)
				for _, opts := range []MatchOptions{{}, {NoTrace: true}} {
					want := summary(Match(set, req, p, opts))
					for _, c := range []struct {
						what string
						set  *descriptor.Set
						p    *Profile
					}{{"loaded again", again, p}, {"built by hand", &byHand, p}, {"copied profile", set, &pc}} {
						if got := summary(Match(c.set, req, c.p, opts)); !reflect.DeepEqual(got, want) {
							t.Fatalf("%s %s %+v, set %s:\n got %+v\nwant %+v", name, p.Name, *req, c.what, got, want)
						}
					}
				}
			}
		}
	}
}

// decisionSummary is what TestEqualValuesDecideAlike compares of a
// Decision: everything but the pointers into the set and the profile.
type decisionSummary struct {
	Chosen, Err, Stage, Legacy string
	Also                       []string
	Trace                      []Step
	Request                    Request
	Loader                     *Loader
	NVRAM                      *NVRAM
}

func summary(d *Decision) decisionSummary {
	s := decisionSummary{Err: d.Err, Stage: d.Stage, Legacy: d.Legacy, Trace: d.Trace, Request: d.Request,
		Loader: d.Request.Loader, NVRAM: d.Request.NVRAM}
	s.Request.Loader, s.Request.NVRAM = nil, nil
	if d.Chosen != nil {
		s.Chosen = d.Chosen.Path
	}
	for _, e := range d.Also {
		s.Also = append(s.Also, e.Path)
	}
	return s
}
