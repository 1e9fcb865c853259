package nova_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fwaudit/fwaudit/internal/distrotest"
	"github.com/fwaudit/fwaudit/matcher"
	"github.com/fwaudit/fwaudit/nova"
)

func TestSet(t *testing.T) {
	var m map[string]string
	for _, kv := range []string{"hw_firmware_type=uefi", "os_secure_boot=required", "x=a=b", "empty="} {
		if err := nova.Set(&m, kv); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]string{"hw_firmware_type": "uefi", "os_secure_boot": "required", "x": "a=b", "empty": ""}
	if d := cmp.Diff(want, m); d != "" {
		t.Error(d)
	}
	for _, bad := range []string{"novalue", "=x", ""} {
		if err := nova.Set(&m, bad); err == nil {
			t.Errorf("Set(%q) accepted", bad)
		}
	}
}

func TestReadShow(t *testing.T) {
	for _, tt := range []struct {
		name, data string
		flavor     bool
		want       map[string]string
		err        string
	}{
		{name: "image object", data: `{"id":"x","properties":{"hw_firmware_type":"uefi","hw_firmware_stateless":true,"os_hash_algo":"sha512"}}`,
			want: map[string]string{"hw_firmware_type": "uefi", "hw_firmware_stateless": "True", "os_hash_algo": "sha512"}},
		{name: "image top level", data: `{"id":"x","hw_machine_type":"q35","os_secure_boot":"required","name":"img"}`,
			want: map[string]string{"hw_machine_type": "q35", "os_secure_boot": "required"}},
		{name: "old client string", data: `{"properties":"hw_firmware_type='uefi', os_secure_boot='required'"}`,
			want: map[string]string{"hw_firmware_type": "uefi", "os_secure_boot": "required"}},
		{name: "flavor object", flavor: true, data: `{"name":"m1","properties":{"hw:mem_encryption":"true","os:secure_boot":"disabled"},"hw_ignored":"x"}`,
			want: map[string]string{"hw:mem_encryption": "true", "os:secure_boot": "disabled"}},
		{name: "flavor string", flavor: true, data: `{"name":"m1","properties":"hw:mem_encryption='True'"}`,
			want: map[string]string{"hw:mem_encryption": "True"}},
		{name: "flavor extra_specs", flavor: true, data: `{"extra_specs":{"hw:mem_encryption":"1"}}`,
			want: map[string]string{"hw:mem_encryption": "1"}},
		{name: "no properties", data: `{"id":"x"}`, want: map[string]string{}},
		{name: "syntax", data: "{\n  \"properties\": {,}\n}", err: "show.json: 2:18"},
		{name: "not an object", data: `[1]`, err: "show.json"},
		{name: "bad string", data: `{"properties":"a='x"}`, err: "unterminated quote"},
		{name: "bad type", data: `{"properties":3}`, err: "neither an object nor a string"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			read := nova.ReadImage
			if tt.flavor {
				read = nova.ReadFlavor
			}
			got, err := read("show.json", []byte(tt.data))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Error(d)
			}
		})
	}
	if _, err := nova.ReadImage("big.json", make([]byte, 5<<20)); err == nil || !strings.Contains(err.Error(), "big.json") {
		t.Errorf("a 5 MiB input: err = %v", err)
	}
}

func TestDecide(t *testing.T) {
	for _, tt := range []struct {
		name   string
		rel    *nova.Release
		image  map[string]string
		flavor map[string]string
		opts   nova.Options
		want   nova.Request
		err    string
	}{
		{name: "bios default", rel: nova.Legacy, want: nova.Request{Arch: "x86_64", Machine: "pc"}},
		{name: "configured machine", rel: nova.Legacy, opts: nova.Options{Machine: "q35"}, image: map[string]string{"hw_firmware_type": "uefi"},
			want: nova.Request{Arch: "x86_64", Machine: "q35", UEFI: true}},
		{name: "aarch64 is uefi", rel: nova.AutoSelect, image: map[string]string{"hw_architecture": "aarch64"},
			want: nova.Request{Arch: "aarch64", Machine: "virt", UEFI: true}},
		{name: "flavor secure boot", rel: nova.AutoSelect, image: map[string]string{"hw_firmware_type": "uefi", "hw_machine_type": "q35"},
			flavor: map[string]string{"os:secure_boot": "required"},
			want:   nova.Request{Arch: "x86_64", Machine: "q35", UEFI: true, SecureBoot: "required"}},
		{name: "flavor sev", rel: nova.Legacy, image: map[string]string{"hw_firmware_type": "uefi", "hw_machine_type": "pc-q35-8.2"},
			flavor: map[string]string{"hw:mem_encryption": "yes"},
			want:   nova.Request{Arch: "x86_64", Machine: "pc-q35-8.2", UEFI: true, Encryption: "amd-sev"}},
		{name: "false is false", rel: nova.Legacy, image: map[string]string{"hw_firmware_type": "uefi", "hw_mem_encryption": "False", "hw_firmware_stateless": "no"},
			want: nova.Request{Arch: "x86_64", Machine: "pc", UEFI: true}},
		{name: "secure boot conflict", rel: nova.Legacy, image: map[string]string{"os_secure_boot": "required"},
			flavor: map[string]string{"os:secure_boot": "disabled"}, err: "FlavorImageConflict"},
		{name: "bad policy", rel: nova.Legacy, image: map[string]string{"os_secure_boot": "yes"}, err: "want required"},
		{name: "bad firmware", rel: nova.Legacy, image: map[string]string{"hw_firmware_type": "efi"}, err: "want bios or uefi"},
		{name: "sev without uefi", rel: nova.Legacy, image: map[string]string{"hw_mem_encryption": "true", "hw_machine_type": "q35"}, err: "requires hw_firmware_type=uefi"},
		{name: "sev on pc", rel: nova.Legacy, image: map[string]string{"hw_mem_encryption": "true", "hw_firmware_type": "uefi"}, err: "InvalidMachineType"},
		{name: "tdx before 2026.1", rel: nova.Legacy, image: map[string]string{"hw_mem_encryption": "true", "hw_mem_encryption_model": "intel-tdx",
			"hw_firmware_type": "uefi", "hw_machine_type": "q35", "hw_firmware_stateless": "true"}, err: "not known to nova 2025.2"},
		{name: "tdx needs stateless", rel: nova.AutoSelect, image: map[string]string{"hw_mem_encryption": "true", "hw_mem_encryption_model": "intel-tdx",
			"hw_firmware_type": "uefi", "hw_machine_type": "q35"}, err: "hw_firmware_stateless"},
		{name: "model conflict", rel: nova.AutoSelect, image: map[string]string{"hw_mem_encryption_model": "amd-sev", "hw_firmware_type": "uefi", "hw_machine_type": "q35"},
			flavor: map[string]string{"hw:mem_encryption": "true", "hw:mem_encryption_model": "amd-sev-es"}, err: "FlavorImageConflict"},
		{name: "stateless bios", rel: nova.AutoSelect, image: map[string]string{"hw_firmware_stateless": "true"}, err: "requires hw_firmware_type=uefi"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := nova.Decide(nova.Properties{Image: tt.image, Flavor: tt.flavor}, tt.rel, tt.opts)
			if tt.err != "" {
				var ne *nova.Error
				if err == nil || !strings.Contains(err.Error(), tt.err) || !errors.As(err, &ne) {
					t.Fatalf("err = %v, want a *nova.Error with %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, *got); d != "" {
				t.Error(d)
			}
		})
	}
}

func TestReleaseFor(t *testing.T) {
	for in, want := range map[string]*nova.Release{"2024.2": nova.Legacy, "2025.1": nova.Legacy, "2025.2": nova.Legacy,
		"2026.1": nova.AutoSelect, "2027.2": nova.AutoSelect, "legacy": nova.Legacy, "auto": nova.AutoSelect} {
		if got, err := nova.ReleaseFor(in); err != nil || got != want {
			t.Errorf("ReleaseFor(%q) = %v, %v", in, got, err)
		}
	}
	for _, bad := range []string{"2024.1", "2025.3", "2025", "x", "2025.1.1"} {
		if _, err := nova.ReleaseFor(bad); err == nil {
			t.Errorf("ReleaseFor(%q) accepted", bad)
		}
	}
}

// The upgrade over the bundled Ubuntu 24.04 set: what each combination
// boots with before (nova 2025.2, nova's selection, libvirt 10.0) and after
// (nova 2026.1, libvirt's).
func TestUbuntuUpgrade(t *testing.T) {
	set := distrotest.Load(t, "ubuntu-24.04", matcher.Libvirt100.Rules)
	q35 := func(kv ...string) nova.Properties {
		p := nova.Properties{Image: map[string]string{"hw_firmware_type": "uefi", "hw_machine_type": "q35"}}
		for i := 0; i < len(kv); i += 2 {
			p.Image[kv[i]] = kv[i+1]
		}
		return p
	}
	for _, tt := range []struct {
		name          string
		p             nova.Properties
		before, after string
	}{
		{"bios", nova.Properties{}, "bios", "bios"},
		{"uefi", q35(), "/usr/share/OVMF/OVMF_CODE_4M.fd + /usr/share/OVMF/OVMF_VARS_4M.fd",
			"/usr/share/OVMF/OVMF_CODE_4M.fd + /usr/share/OVMF/OVMF_VARS_4M.fd"},
		// nova's legacy selection takes the first secure-boot build,
		// the enrolled one; libvirt too (the enrolled build sorts first).
		{"secure boot", q35("os_secure_boot", "required"),
			"/usr/share/OVMF/OVMF_CODE_4M.ms.fd + /usr/share/OVMF/OVMF_VARS_4M.ms.fd",
			"/usr/share/OVMF/OVMF_CODE_4M.ms.fd + /usr/share/OVMF/OVMF_VARS_4M.ms.fd"},
		// SEV-ES: nova never looked; libvirt finds no descriptor with
		// amd-sev-es.
		{"sev-es", q35("hw_mem_encryption", "true", "hw_mem_encryption_model", "amd-sev-es"),
			"/usr/share/OVMF/OVMF_CODE_4M.fd + /usr/share/OVMF/OVMF_VARS_4M.fd", "refused (define)"},
	} {
		before, err := nova.Predict(set, tt.p, nova.Legacy, matcher.Libvirt100, nova.Options{})
		if err != nil {
			t.Fatal(err)
		}
		after, err := nova.Predict(set, tt.p, nova.AutoSelect, matcher.Libvirt100, nova.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got := before.Firmware(); got != tt.before {
			t.Errorf("%s before: %s, want %s", tt.name, got, tt.before)
		}
		if got := after.Firmware(); !strings.HasPrefix(got, tt.after) {
			t.Errorf("%s after: %s, want %s...", tt.name, got, tt.after)
		}
	}
}

func TestReadCombinations(t *testing.T) {
	got, err := nova.ReadCombinations("c.json", []byte(`[{"name":"a","image":{"hw_firmware_stateless":true,"hw_firmware_type":"uefi"}},{"flavor":{"hw:mem_encryption":1}}]`))
	if err != nil {
		t.Fatal(err)
	}
	want := []nova.Combination{
		{Name: "a", Properties: nova.Properties{Image: map[string]string{"hw_firmware_stateless": "True", "hw_firmware_type": "uefi"}, Flavor: map[string]string{}}},
		{Name: "#2", Properties: nova.Properties{Image: map[string]string{}, Flavor: map[string]string{"hw:mem_encryption": "1"}}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Error(d)
	}
	for _, tt := range []struct{ data, err string }{
		{`[{"name":"a"},{"name":"a"}]`, `c.json: combination 2: name "a" used twice`},
		{`[{"nmae":"a"}]`, `c.json: 1:`},
		{"[\n{\"name\": 3}]", "c.json: 2:"},
		{`{}`, "c.json"},
	} {
		if _, err := nova.ReadCombinations("c.json", []byte(tt.data)); err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%s: err = %v, want %q", tt.data, err, tt.err)
		}
	}
}

func TestIgnored(t *testing.T) {
	p := nova.Properties{Image: map[string]string{"hw_firmware_type": "uefi", "hw_disk_bus": "scsi"}, Flavor: map[string]string{"hw:cpu_policy": "dedicated", "os:secure_boot": "required"}}
	if d := cmp.Diff([]string{"flavor:hw:cpu_policy", "image:hw_disk_bus"}, p.Ignored()); d != "" {
		t.Error(d)
	}
}
