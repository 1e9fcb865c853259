package nova_test

import (
	"os"
	"strings"
	"testing"

	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/matcher"
	"github.com/fwaudit/fwaudit/nova"
	"libvirt.org/go/libvirtxml"
)

// fixture is nova's LibvirtFixture loader list (testdata/upstream/README.md).
func fixture(t *testing.T, p *matcher.Profile) *descriptor.Set {
	t.Helper()
	set, err := descriptor.Load(descriptor.Options{Root: "testdata/upstream/fixture", Rules: p.Rules})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(set.Effective()); n != 3 {
		t.Fatalf("fixture has %d descriptors, want nova's 3", n)
	}
	return set
}

func readImage(t *testing.T, name string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	img, err := nova.ReadImage(name, data)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// nova/tests/functional/libvirt/test_uefi.py UEFIServersTest.test_create_server:
// the <os> element nova 2025.2 and before writes for a Secure Boot image.
func TestUpstreamUEFICreateServer(t *testing.T) {
	set := fixture(t, matcher.Libvirt100)
	img := readImage(t, "testdata/upstream/test_uefi.create_server.image.json")
	data, err := os.ReadFile("testdata/upstream/test_uefi.create_server.os.xml")
	if err != nil {
		t.Fatal(err)
	}
	var wantDom libvirtxml.Domain
	if err := wantDom.Unmarshal("<domain type='kvm'>" + string(data) + "</domain>"); err != nil {
		t.Fatal(err)
	}
	want := *wantDom.OS
	pr, err := nova.Predict(set, nova.Properties{Image: img}, nova.Legacy, matcher.Libvirt100, nova.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if pr.Domain == nil {
		t.Fatalf("nova refused: %s", pr.Err)
	}
	got := pr.Domain.OS
	if got.Type == nil || got.Type.Machine != want.Type.Machine || got.Type.Type != want.Type.Type {
		t.Errorf("<type> = %+v, want machine %q %q", got.Type, want.Type.Machine, want.Type.Type)
	}
	if got.Firmware != want.Firmware {
		t.Errorf("<os firmware> = %q, want %q", got.Firmware, want.Firmware)
	}
	if got.Loader == nil {
		t.Fatal("no <loader>")
	}
	gl, wl := *got.Loader, *want.Loader
	gl.Path, wl.Path = strings.TrimSpace(gl.Path), strings.TrimSpace(wl.Path)
	if gl != wl {
		t.Errorf("<loader> = %+v, want %+v", gl, wl)
	}
	if got.NVRam == nil || want.NVRam == nil || got.NVRam.Template != want.NVRam.Template || strings.TrimSpace(got.NVRam.NVRam) != strings.TrimSpace(want.NVRam.NVRam) {
		t.Errorf("<nvram> = %+v, want %+v", got.NVRam, want.NVRam)
	}
}

// nova/tests/functional/libvirt/test_stateless_firmware.py
// LibvirtStatelessFirmwareTest.test_create_server: os_loader_stateless is
// set only for the image with hw_firmware_stateless.
func TestUpstreamStatelessCreateServer(t *testing.T) {
	set := fixture(t, matcher.Libvirt128)
	base := map[string]string{"hw_machine_type": "q35", "hw_firmware_type": "uefi"}
	with := map[string]string{"hw_machine_type": "q35", "hw_firmware_type": "uefi", "hw_firmware_stateless": "True"}
	for _, rel := range nova.Releases {
		for _, tt := range []struct {
			img  map[string]string
			want string
		}{{with, "yes"}, {base, ""}} {
			pr, err := nova.Predict(set, nova.Properties{Image: tt.img}, rel, matcher.Libvirt128, nova.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if pr.Domain == nil {
				t.Fatalf("%s: nova refused: %s", rel.Name, pr.Err)
			}
			got := ""
			if l := pr.Domain.OS.Loader; l != nil {
				got = l.Stateless
			}
			if got != tt.want {
				t.Errorf("%s %v: <loader stateless> = %q, want %q", rel.Name, tt.img, got, tt.want)
			}
		}
	}
}

// nova/tests/functional/libvirt/test_amd_sev.py TestSEV and
// test_intel_tdx.py TestTDX: nova accepts these images and boots them.
func TestUpstreamMemoryEncryptionAccepted(t *testing.T) {
	sev := map[string]string{"hw_firmware_type": "uefi", "hw_machine_type": "q35", "hw_mem_encryption": "True"}
	sevES := map[string]string{"hw_firmware_type": "uefi", "hw_machine_type": "q35", "hw_mem_encryption": "True", "hw_mem_encryption_model": "amd-sev-es"}
	tdx := map[string]string{"hw_firmware_type": "uefi", "hw_firmware_stateless": "True", "hw_machine_type": "q35",
		"hw_mem_encryption": "True", "hw_mem_encryption_model": "intel-tdx", "hw_video_model": "none"}
	for _, tt := range []struct {
		rel   *nova.Release
		img   map[string]string
		model string
	}{
		{nova.Legacy, sev, "amd-sev"},
		{nova.Legacy, sevES, "amd-sev-es"},
		{nova.AutoSelect, sev, "amd-sev"},
		{nova.AutoSelect, sevES, "amd-sev-es"},
		{nova.AutoSelect, tdx, "intel-tdx"},
	} {
		r, err := nova.Decide(nova.Properties{Image: tt.img}, tt.rel, nova.Options{})
		if err != nil {
			t.Errorf("%s %v: %v", tt.rel.Name, tt.img, err)
			continue
		}
		if r.Encryption != tt.model || !r.UEFI {
			t.Errorf("%s %v: %+v, want model %s", tt.rel.Name, tt.img, r, tt.model)
		}
	}
	// Before 2026.1 nova's own selection reads no SEV feature: the SEV
	// images boot on the fixture's first descriptor.
	set := fixture(t, matcher.Libvirt100)
	for _, img := range []map[string]string{sev, sevES} {
		pr, err := nova.Predict(set, nova.Properties{Image: img}, nova.Legacy, matcher.Libvirt100, nova.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if pr.Nova == nil || !pr.Nova.OK() || pr.Nova.Chosen == nil || pr.Nova.Chosen.Name != "10-ovmf.json" {
			t.Errorf("%v: nova's selection = %+v, err %q", img, pr.Nova, pr.Err)
		}
	}
}
