package domcaps_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fwaudit/fwaudit/domcaps"
	"github.com/fwaudit/fwaudit/internal/distrotest"
	"github.com/fwaudit/fwaudit/matcher"
)

func read(t testing.TB, name string) *domcaps.Caps {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	c, err := domcaps.Parse(name, data)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The values are those of libvirt's test data (testdata/README.md).
func TestParse(t *testing.T) {
	for _, tt := range []struct {
		file string
		want domcaps.Caps
	}{
		{"qemu_10.0.0-q35.x86_64+amdsev.xml", domcaps.Caps{File: "qemu_10.0.0-q35.x86_64+amdsev.xml", Arch: "x86_64", Machine: "pc-q35-10.0",
			Emulator: "/usr/bin/qemu-system-x86_64", Firmware: []string{"bios", "efi"},
			Loaders: []string{"/obviously/fake/firmware1.fd", "/obviously/fake/firmware2.fd"}, Secure: []string{"yes", "no"},
			SEV: true, SEVES: true, SNP: true}},
		{"qemu_10.1.0-q35.x86_64+inteltdx.xml", domcaps.Caps{File: "qemu_10.1.0-q35.x86_64+inteltdx.xml", Arch: "x86_64", Machine: "pc-q35-10.1",
			Emulator: "/usr/bin/qemu-system-x86_64", Firmware: []string{"bios", "efi"},
			Loaders: []string{"/obviously/fake/firmware1.fd", "/obviously/fake/firmware2.fd"}, Secure: []string{"yes", "no"}}},
		{"qemu_10.0.0-virt.aarch64.xml", domcaps.Caps{File: "qemu_10.0.0-virt.aarch64.xml", Arch: "aarch64", Machine: "virt-10.0",
			Emulator: "/usr/bin/qemu-system-aarch64", Firmware: []string{"efi"},
			Loaders: []string{"/obviously/fake/firmware1.fd", "/obviously/fake/firmware2.fd"}, Secure: []string{"no"}}},
	} {
		if d := cmp.Diff(tt.want, *read(t, tt.file)); d != "" {
			t.Errorf("%s (-want +got):\n%s", tt.file, d)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, tt := range []struct{ data, err string }{
		{"<domainCapabilities><arch>x86_64", "caps.xml: not domain capabilities XML"},
		{"<domain type='kvm'><name>x</name></domain>", "caps.xml: not domain capabilities XML"},
		{"<domainCapabilities/>", "caps.xml: no <arch>"},
		{strings.Repeat(" ", domcaps.MaxSize+1), "too large"},
	} {
		if _, err := domcaps.Parse("caps.xml", []byte(tt.data)); err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%.40q: err = %v, want %q", tt.data, err, tt.err)
		}
	}
}

type got struct {
	Kind    domcaps.Kind
	Subject string
}

func compare(t *testing.T, setName, capsFile string, p *matcher.Profile) ([]got, []domcaps.Disagreement) {
	t.Helper()
	ds := domcaps.Compare(distrotest.Load(t, setName, p.Rules), read(t, capsFile), p, domcaps.Options{Match: matcher.MatchOptions{AnyEmulator: true}})
	var out []got
	for _, d := range ds {
		out = append(out, got{d.Kind, d.Subject})
	}
	return out, ds
}

func TestCompare(t *testing.T) {
	fake := []got{{domcaps.LoaderUndescribed, "/obviously/fake/firmware1.fd"}, {domcaps.LoaderUndescribed, "/obviously/fake/firmware2.fd"}}
	for _, tt := range []struct {
		set, caps string
		p         *matcher.Profile
		want      []got
		text      string
	}{
		// Ubuntu 24.04 as released: no SEV-ES nor SNP build on an AMD
		// host that runs both.
		{"ubuntu-24.04", "qemu_10.0.0-q35.x86_64+amdsev.xml", matcher.Libvirt100, append([]got{
			{domcaps.FeatureUnserved, "x86_64/pc-q35-10.0/amd-sev-es"},
			{domcaps.FeatureUnserved, "x86_64/pc-q35-10.0/amd-sev-snp"}}, fake...), "the host can run amd-sev-es guests"},
		// noble-updates has an SEV-ES build, stateless only.
		{"ubuntu-24.04-updates", "qemu_10.0.0-q35.x86_64+amdsev.xml", matcher.Libvirt100, append([]got{
			{domcaps.FeatureUnserved, "x86_64/pc-q35-10.0/amd-sev-es"},
			{domcaps.FeatureUnserved, "x86_64/pc-q35-10.0/amd-sev-snp"}}, fake...), "only a stateless loader"},
		// Debian unstable serves everything the AMD host runs.
		{"debian-unstable", "qemu_10.0.0-q35.x86_64+amdsev.xml", matcher.Libvirt128, fake, ""},
		// No launch security on the TDX file's host.
		{"debian-13", "qemu_10.1.0-q35.x86_64+inteltdx.xml", matcher.Libvirt113, fake, ""},
		// libvirt's aarch64 capabilities list no Secure Boot, but Ubuntu's
		// set has Secure Boot builds for aarch64 virt.
		{"ubuntu-24.04", "qemu_10.0.0-virt.aarch64.xml", matcher.Libvirt100, append([]got{
			{domcaps.FirmwareMismatch, "aarch64/virt-10.0/secure-boot"}}, fake...), "does not list <loader secure='yes'>"},
	} {
		g, ds := compare(t, tt.set, tt.caps, tt.p)
		if d := cmp.Diff(tt.want, g); d != "" {
			t.Errorf("%s vs %s (-want +got):\n%s", tt.set, tt.caps, d)
			for _, x := range ds {
				t.Log(x.Message)
			}
		}
		if tt.text != "" && !strings.Contains(ds[0].Message, tt.text) {
			t.Errorf("%s vs %s: %q lacks %q", tt.set, tt.caps, ds[0].Message, tt.text)
		}
	}
}
