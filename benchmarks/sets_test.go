package benchmarks

import (
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/fwaudit/fwaudit"
	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/matcher"
)

// fwDir is where a distribution installs its descriptors, relative to a
// catalogue root.
const fwDir = "usr/share/qemu/firmware"

// mergedDistros are merged into one root for the Match benchmarks: 36
// descriptors for x86_64, i686, aarch64, armv7l, riscv64 and loongarch64.
var mergedDistros = []string{"debian-unstable", "fedora-39", "ubuntu-24.04"}

var priority = regexp.MustCompile(`^[0-9]+-`)

// descriptorFiles returns the descriptors of a catalogue set by base name.
func descriptorFiles(tb testing.TB, distro string) map[string][]byte {
	tb.Helper()
	root, ok := fwaudit.Distro(distro)
	if !ok {
		tb.Fatalf("no bundled set %s", distro)
	}
	ents, err := fs.ReadDir(root, fwDir)
	if err != nil {
		tb.Fatal(err)
	}
	files := map[string][]byte{}
	for _, e := range ents {
		data, err := fs.ReadFile(root, path.Join(fwDir, e.Name()))
		if err != nil {
			tb.Fatal(err)
		}
		files[e.Name()] = data
	}
	return files
}

// mergedRoot merges several catalogue sets into one root. Each file keeps
// its priority prefix and gets its set's name after it
// ("60-fedora-39-edk2-ovmf-x64-amdsev.json"), so that same-named files of
// different sets do not override each other and the merged order still
// follows the priorities.
func mergedRoot(tb testing.TB, distros ...string) fstest.MapFS {
	tb.Helper()
	m := fstest.MapFS{}
	for _, d := range distros {
		for name, data := range descriptorFiles(tb, d) {
			p := priority.FindString(name)
			m[path.Join(fwDir, p+d+"-"+name[len(p):])] = &fstest.MapFile{Data: data, Mode: 0o644}
		}
	}
	return m
}

// syntheticRoot makes a root of n valid descriptors that vary in interface,
// mapping, targets and features, as a large vendor set would.
func syntheticRoot(n int) fstest.MapFS {
	m := fstest.MapFS{}
	feats := [][]string{
		{"acpi-s3", "verbose-dynamic"},
		{"acpi-s3", "requires-smm", "secure-boot", "verbose-dynamic"},
		{"acpi-s3", "amd-sev", "enrolled-keys", "requires-smm", "secure-boot", "verbose-dynamic"},
		{"amd-sev", "amd-sev-es", "amd-sev-snp", "verbose-dynamic"},
		{"intel-tdx", "verbose-static"},
	}
	for i := range n {
		f := feats[i%len(feats)]
		fl := ""
		for j, x := range f {
			if j > 0 {
				fl += ", "
			}
			fl += fmt.Sprintf("%q", x)
		}
		arch, machines := "x86_64", `"pc-q35-*"`
		if i%3 == 1 {
			arch, machines = "aarch64", `"virt-*"`
		} else if i%3 == 2 {
			machines = `"pc-i440fx-*", "pc-q35-*"`
		}
		mapping := fmt.Sprintf(`{"device": "flash", "executable": {"filename": "/usr/share/fw/%d/CODE.fd", "format": "raw"},
      "nvram-template": {"filename": "/usr/share/fw/%d/VARS.fd", "format": "raw"}}`, i, i)
		if i%4 == 3 {
			mapping = fmt.Sprintf(`{"device": "flash", "mode": "stateless", "executable": {"filename": "/usr/share/fw/%d/OVMF.fd", "format": "raw"}}`, i)
		}
		data := fmt.Sprintf(`{
  "description": "synthetic firmware %d",
  "interface-types": ["uefi"],
  "mapping": %s,
  "targets": [{"architecture": %q, "machines": [%s]}],
  "features": [%s],
  "tags": ["synthetic"]
}
`, i, mapping, arch, machines, fl)
		m[path.Join(fwDir, fmt.Sprintf("%02d-synthetic-%03d.json", 10+i%90, i))] = &fstest.MapFile{Data: []byte(data), Mode: 0o644}
	}
	return m
}

// loadMerged loads the merged real set under p's parser rules and checks
// that it is what the benchmarks claim: at least 30 descriptors, all active.
// Files p's parser rejects are left out (libvirt 9.0 and 10.x, which fail
// every lookup on such a file, do not know Debian's loongarch64 descriptor).
func loadMerged(tb testing.TB, p *matcher.Profile) *descriptor.Set {
	tb.Helper()
	root := mergedRoot(tb, mergedDistros...)
	set, err := descriptor.Load(descriptor.Options{FS: root, Rules: p.Rules})
	if err != nil {
		tb.Fatal(err)
	}
	dropped := false
	for _, e := range set.Effective() {
		if e.Status == descriptor.StatusInvalid {
			delete(root, strings.TrimPrefix(e.Path, "/"))
			dropped = true
		}
	}
	if dropped {
		if set, err = descriptor.Load(descriptor.Options{FS: root, Rules: p.Rules}); err != nil {
			tb.Fatal(err)
		}
	}
	n := 0
	for _, e := range set.Effective() {
		if e.Status != descriptor.StatusActive {
			tb.Fatalf("%s: %s: %v", e.Path, e.Status, e.Libvirt)
		}
		n++
	}
	if n < 30 {
		tb.Fatalf("merged set has %d descriptors, want at least 30", n)
	}
	return set
}

// requests are the Match benchmark's questions, each with the descriptor
// libvirt 12.8 picks on the merged set ("" for none).
var requests = []struct {
	name string
	req  matcher.Request
	// serves says what the chosen descriptor must offer for the request
	// to ask what its name says; nil means no descriptor serves it.
	serves func(*descriptor.Descriptor) bool
}{
	{"uefi", matcher.Request{Name: "vm", Arch: "x86_64", Machine: "q35", Firmware: "efi"}, uefiX86},
	{"secure-boot-enrolled", matcher.Request{Name: "vm", Arch: "x86_64", Machine: "q35", Firmware: "efi",
		FirmwareFeatures: true, SecureBoot: matcher.Yes, EnrolledKeys: matcher.Yes},
		func(d *descriptor.Descriptor) bool {
			return uefiX86(d) && d.Has(descriptor.FeatureSecureBoot) && d.Has(descriptor.FeatureEnrolledKeys)
		}},
	{"sev-es", matcher.Request{Name: "vm", Arch: "x86_64", Machine: "q35", Firmware: "efi",
		LaunchSecurity: "sev", SEVPolicy: 0x7},
		func(d *descriptor.Descriptor) bool { return uefiX86(d) && d.Has(descriptor.FeatureAMDSEVES) }},
	{"stateless", matcher.Request{Name: "vm", Arch: "x86_64", Machine: "q35", Firmware: "efi",
		Loader: &matcher.Loader{Stateless: matcher.Yes}},
		func(d *descriptor.Descriptor) bool {
			// No variable store: a memory image or a stateless flash.
			return uefiX86(d) && (d.Mapping.Device == descriptor.DeviceMemory || d.Mapping.EffectiveMode() == descriptor.ModeStateless)
		}},
	// An emulator the hosts have, so that the whole set is scanned (the
	// hosts have no qemu-system-s390x: libvirt would stop there).
	{"miss", matcher.Request{Name: "vm", Arch: "s390x", Machine: "s390-ccw-virtio", Firmware: "efi", Emulator: "/usr/bin/qemu-system-x86_64"}, nil},
}

// uefiX86 reports a UEFI descriptor for x86_64.
func uefiX86(d *descriptor.Descriptor) bool {
	if !d.HasInterface(descriptor.InterfaceUEFI) {
		return false
	}
	for _, t := range d.Targets {
		if t.Architecture == "x86_64" {
			return true
		}
	}
	return false
}
