package matcher_test

import (
	"io/fs"
	"testing"
	"testing/fstest"

	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/matcher"
)

// TestMatchOptionsFiles checks that the host's files, not the strings,
// decide a 12.8 path comparison, and that MatchOptions.Files replaces the
// profile's HostFiles. What real libvirt does with Debian unstable's files
// is recorded in conformance/testdata/cases/path-resolve-*.txtar; here the
// host is changed under the same request.
func TestMatchOptionsFiles(t *testing.T) {
	const exec = "/usr/share/AAVMF/AAVMF_CODE.fd"
	descriptors := fstest.MapFS{"usr/share/qemu/firmware/50-x.json": {Data: []byte(`{
  "interface-types": ["uefi"],
  "mapping": {"device": "flash",
    "executable": {"filename": "` + exec + `", "format": "raw"},
    "nvram-template": {"filename": "/opt/t/VARS.fd", "format": "raw"}},
  "targets": [{"architecture": "aarch64", "machines": ["virt-*"]}],
  "features": []}`)}}
	domain := func(loader string) string {
		return `<domain type='qemu'><name>vm</name><os>
  <type arch='aarch64' machine='virt-7.2'>hvm</type>
  <loader readonly='yes' type='pflash'>` + loader + `</loader></os>
  <features><acpi/></features></domain>`
	}
	link := &fstest.MapFile{Mode: fs.ModeSymlink, Data: []byte("AAVMF_CODE.no-secboot.fd")}
	ownFiles := withEmulators(fstest.MapFS{ // AAVMF_CODE.fd a file of its own
		"usr/share/AAVMF/AAVMF_CODE.fd":            {},
		"usr/share/AAVMF/AAVMF_CODE.no-secboot.fd": {},
	})
	linked := withEmulators(fstest.MapFS{
		"usr/share/AAVMF/AAVMF_CODE.fd":            link,
		"usr/share/AAVMF/AAVMF_CODE.no-secboot.fd": {},
	})
	tests := []struct {
		name    string
		p       *matcher.Profile
		files   fs.FS
		loader  string
		want    string // chosen descriptor, "" none
		wantLoc string // the loader path written
	}{
		{"profile host files", matcher.Libvirt128, nil, "/usr/share/AAVMF/AAVMF_CODE.no-secboot.fd", "50-x.json", exec},
		{"given host, linked", matcher.Libvirt128, linked, "/usr/share/AAVMF/AAVMF_CODE.no-secboot.fd", "50-x.json", exec},
		{"given host, own file", matcher.Libvirt128, ownFiles, "/usr/share/AAVMF/AAVMF_CODE.no-secboot.fd", "", "/usr/share/AAVMF/AAVMF_CODE.no-secboot.fd"},
		{"spelling resolved", matcher.Libvirt128, ownFiles, "/usr/share//AAVMF/./AAVMF_CODE.fd", "50-x.json", exec},
		{"missing files compare as written", matcher.Libvirt128, withEmulators(fstest.MapFS{}), "/usr/share//AAVMF/AAVMF_CODE.fd", "", "/usr/share//AAVMF/AAVMF_CODE.fd"},
		{"11.3 compares strings", matcher.Libvirt113, linked, "/usr/share/AAVMF/AAVMF_CODE.no-secboot.fd", "", "/usr/share/AAVMF/AAVMF_CODE.no-secboot.fd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, err := descriptor.Load(descriptor.Options{FS: descriptors, Rules: tt.p.Rules})
			if err != nil {
				t.Fatal(err)
			}
			dom, req, err := matcher.ParseDomain([]byte(domain(tt.loader)))
			if err != nil {
				t.Fatal(err)
			}
			for _, notrace := range []bool{false, true} {
				d := matcher.Match(set, req, tt.p, matcher.MatchOptions{Files: tt.files, NoTrace: notrace})
				got := ""
				if d.Chosen != nil {
					got = d.Chosen.Name
				}
				if !d.OK() || got != tt.want {
					t.Errorf("NoTrace=%v: chose %q (err %q), want %q", notrace, got, d.Err, tt.want)
				}
			}
			d := matcher.Match(set, req, tt.p, matcher.MatchOptions{Files: tt.files})
			d.Apply(dom)
			if dom.OS.Loader.Path != tt.wantLoc {
				t.Errorf("loader path written = %q, want %q", dom.OS.Loader.Path, tt.wantLoc)
			}
		})
	}
}

// TestNVRAMCreatedAtStart checks that 9.0's start looks the template of an
// NVRAM it has to create up on the host MatchOptions.Files describes (the
// conformance cases nvram-source-* record what real 9.0 does on its own
// host, whose listing is the profile's HostFiles).
func TestNVRAMCreatedAtStart(t *testing.T) {
	descriptors := fstest.MapFS{"usr/share/qemu/firmware/50-x.json": {Data: []byte(`{
  "interface-types": ["uefi"],
  "mapping": {"device": "flash",
    "executable": {"filename": "/opt/t/CODE.fd", "format": "raw"},
    "nvram-template": {"filename": "/opt/t/VARS.fd", "format": "raw"}},
  "targets": [{"architecture": "x86_64", "machines": ["pc-q35-*"]}],
  "features": []}`)}}
	set, err := descriptor.Load(descriptor.Options{FS: descriptors, Rules: matcher.Libvirt90.Rules})
	if err != nil {
		t.Fatal(err)
	}
	domain := func(nvram string) string {
		return `<domain type='qemu'><name>vm</name><os firmware='efi'>
  <type arch='x86_64' machine='q35'>hvm</type>` + nvram + `</os>
  <features><acpi/></features></domain>`
	}
	withTemplate := withEmulators(fstest.MapFS{"opt/t/VARS.fd": {}})
	tests := []struct {
		name, nvram string
		files       fs.FS
		wantErr     string
	}{
		{"template not on the profile's host", `<nvram type='file'><source file='/srv/vm.fd'/></nvram>`, nil,
			"Failed to open file '/opt/t/VARS.fd': No such file or directory"},
		{"template on the given host", `<nvram type='file'><source file='/srv/vm.fd'/></nvram>`, withTemplate, ""},
		{"block device, template missing", `<nvram type='block'><source dev='/dev/vm'/></nvram>`, withEmulators(fstest.MapFS{}),
			"Failed to open file '/opt/t/VARS.fd': No such file or directory"},
		{"element text: the file exists", `<nvram>/srv/vm.fd</nvram>`, withEmulators(fstest.MapFS{}), ""},
		{"default path: the file exists", `<nvram type='file'><source file='/var/lib/libvirt/qemu/nvram/vm_VARS.fd'/></nvram>`, withEmulators(fstest.MapFS{}), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, req, err := matcher.ParseDomain([]byte(domain(tt.nvram)))
			if err != nil {
				t.Fatal(err)
			}
			d := matcher.Match(set, req, matcher.Libvirt90, matcher.MatchOptions{Files: tt.files})
			if d.Err != tt.wantErr || (d.Err != "" && d.Stage != "start") {
				t.Errorf("error %q at %s, want %q at start", d.Err, d.Stage, tt.wantErr)
			}
			if d.Chosen == nil || d.Chosen.Name != "50-x.json" {
				t.Errorf("chose %v, want 50-x.json", d.Chosen)
			}
		})
	}
}

// withEmulators adds the x86_64 and aarch64 emulators to a host: libvirt
// refuses a domain whose emulator is not there.
func withEmulators(m fstest.MapFS) fstest.MapFS {
	m["usr/bin/qemu-system-x86_64"] = &fstest.MapFile{}
	m["usr/bin/qemu-system-aarch64"] = &fstest.MapFile{}
	return m
}

// TestEmulatorCheck: the host decides whether the domain's emulator, or the
// architecture's default one, is there (recorded: conformance cases
// emulator-*).
func TestEmulatorCheck(t *testing.T) {
	set, err := descriptor.Load(descriptor.Options{FS: fstest.MapFS{}, Rules: matcher.Libvirt113.Rules})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		emulator string
		files    fs.FS
		want     string
	}{
		{"", withEmulators(fstest.MapFS{}), "operation failed: Unable to find 'efi' firmware that is compatible with the current configuration"},
		{"", fstest.MapFS{}, "unsupported configuration: No emulator found for arch 'x86_64'"},
		{"/usr/libexec/qemu-kvm", withEmulators(fstest.MapFS{}), "Cannot check QEMU binary /usr/libexec/qemu-kvm: No such file or directory"},
		{"/usr/libexec/qemu-kvm", nil, "Cannot check QEMU binary /usr/libexec/qemu-kvm: No such file or directory"}, // the profile's host
	} {
		emu := ""
		if tt.emulator != "" {
			emu = "<devices><emulator>" + tt.emulator + "</emulator></devices>"
		}
		_, req, err := matcher.ParseDomain([]byte(`<domain type='qemu'><name>vm</name><os firmware='efi'>
  <type arch='x86_64' machine='q35'>hvm</type></os><features><acpi/></features>` + emu + `</domain>`))
		if err != nil {
			t.Fatal(err)
		}
		if d := matcher.Match(set, req, matcher.Libvirt113, matcher.MatchOptions{Files: tt.files}); d.Err != tt.want {
			t.Errorf("emulator %q: error %q, want %q", tt.emulator, d.Err, tt.want)
		}
		// AnyEmulator: a question about the descriptors, not the host.
		if d := matcher.Match(set, req, matcher.Libvirt113, matcher.MatchOptions{Files: tt.files, AnyEmulator: true}); d.Err != "operation failed: Unable to find 'efi' firmware that is compatible with the current configuration" {
			t.Errorf("emulator %q with AnyEmulator: error %q", tt.emulator, d.Err)
		}
	}
}
