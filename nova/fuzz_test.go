package nova

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzRead feeds the readers of openstack's JSON (image show, flavor show,
// combinations) arbitrary bytes, starting from nova's own test images: they
// never panic, and every error names the file.
func FuzzRead(f *testing.F) {
	files, _ := filepath.Glob("testdata/upstream/*.json")
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"properties": "hw_firmware_type='uefi', os_secure_boot='required'"}`))
	f.Add([]byte(`{"properties": {"hw:mem_encryption": true, "n": 1.5}, "extra_specs": null}`))
	f.Add([]byte(`{"hw_machine_type": "q35", "img_config_drive": "mandatory"}`))
	f.Add([]byte(`[{"name": "a", "image": {"hw_firmware_type": "uefi"}, "flavor": {"hw:mem_encryption": "true"}}]`))
	f.Add([]byte(`{"properties": "a='b"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, read := range []func(string, []byte) error{
			func(n string, d []byte) error { _, err := ReadImage(n, d); return err },
			func(n string, d []byte) error { _, err := ReadFlavor(n, d); return err },
			func(n string, d []byte) error { _, err := ReadCombinations(n, d); return err },
		} {
			if err := read("show.json", data); err != nil && !strings.HasPrefix(err.Error(), "show.json: ") {
				t.Fatalf("error does not name the file: %v", err)
			}
		}
		// KEY=VALUE as --image-property takes it.
		m := map[string]string{}
		if err := Set(&m, string(data)); err == nil && len(m) != 1 {
			t.Fatalf("Set(%q) accepted and stored %d properties", data, len(m))
		}
	})
}
