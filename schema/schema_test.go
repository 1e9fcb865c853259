package schema

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// decode parses a JSON text the way Validate's documentation asks for.
func decode(t *testing.T, text string) any {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(text))
	if err != nil {
		t.Fatalf("test input is not JSON: %v\n%s", err, text)
	}
	return doc
}

// Valid descriptors, one per mapping shape.
const (
	flashSplit = `{
    "description": "UEFI firmware for x86_64, with Secure Boot and SMM",
    "interface-types": ["uefi"],
    "mapping": {
        "device": "flash",
        "executable": {"filename": "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd", "format": "raw"},
        "nvram-template": {"filename": "/usr/share/OVMF/OVMF_VARS_4M.fd", "format": "raw"}
    },
    "targets": [{"architecture": "x86_64", "machines": ["pc-q35-*"]}],
    "features": ["acpi-s3", "requires-smm", "secure-boot", "verbose-dynamic"],
    "tags": []
}`
	flashStateless = `{
    "description": "OVMF with SEV-ES support",
    "interface-types": ["uefi"],
    "mapping": {
        "device": "flash",
        "mode": "stateless",
        "executable": {"filename": "/usr/share/edk2/ovmf/OVMF.amdsev.fd", "format": "raw"}
    },
    "targets": [{"architecture": "x86_64", "machines": ["pc-q35-*"]}],
    "features": ["amd-sev", "amd-sev-es", "verbose-dynamic"],
    "tags": []
}`
	memory = `{
    "description": "SeaBIOS",
    "interface-types": ["bios"],
    "mapping": {"device": "memory", "filename": "/usr/share/seabios/bios-256k.bin"},
    "targets": [
        {"architecture": "i386", "machines": ["pc-i440fx-*", "pc-q35-*"]},
        {"architecture": "x86_64", "machines": ["pc-i440fx-*", "pc-q35-*"]}
    ],
    "features": ["acpi-s3", "acpi-s4"],
    "tags": ["CONFIG_BOOTSPLASH=n", "CONFIG_ROM_SIZE=256", "CONFIG_USE_SMM=n"]
}`
	kernel = `{
    "description": "OpenSBI for RISC-V",
    "interface-types": ["uboot"],
    "mapping": {"device": "kernel", "filename": "@DATADIR@/opensbi-riscv64-generic-fw_dynamic.bin"},
    "targets": [{"architecture": "riscv64", "machines": ["virt"]}],
    "features": [],
    "tags": []
}`
	igvm = `{
    "description": "COCONUT-SVSM with OVMF",
    "interface-types": ["uefi"],
    "mapping": {"device": "igvm", "filename": "/usr/share/coconut-svsm/coconut-qemu.igvm"},
    "targets": [{"architecture": "x86_64", "machines": ["pc-q35-*"]}],
    "features": ["amd-sev-snp"],
    "tags": []
}`
)

func TestValidateValid(t *testing.T) {
	for name, text := range map[string]string{
		"flash split":     flashSplit,
		"flash stateless": flashStateless,
		"memory":          memory,
		"kernel":          kernel,
		"igvm":            igvm,
		// Enum values are deliberately open: other packages judge them.
		"unknown enum values": strings.NewReplacer(
			`"uefi"`, `"efi"`,
			`"x86_64"`, `"amd64"`,
			`"amd-sev-es"`, `"amd-sev-tio"`,
			`"stateless"`, `"readonly"`,
			`"format": "raw"`, `"format": "vmdk"`,
		).Replace(flashStateless),
		"empty lists and strings": `{
    "description": "",
    "interface-types": ["uefi"],
    "mapping": {"device": "memory", "filename": ""},
    "targets": [],
    "features": [],
    "tags": []
}`,
	} {
		t.Run(name, func(t *testing.T) {
			if got := Validate(decode(t, text)); got != nil {
				t.Errorf("Validate() = %v, want nil", got)
			}
		})
	}
}

func TestValidateInvalid(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want []Violation
	}{{
		name: "missing mapping",
		doc:  drop(memory, "mapping"),
		want: []Violation{
			{"", "/required", "missing property 'mapping'"},
		},
	}, {
		name: "missing description and tags",
		doc:  drop(drop(memory, "tags"), "description"),
		want: []Violation{
			{"", "/required", "missing property 'description'"},
			{"", "/required", "missing property 'tags'"},
		},
	}, {
		name: "missing executable",
		doc: set(flashSplit, "mapping", `{
            "device": "flash",
            "nvram-template": {"filename": "/usr/share/OVMF/OVMF_VARS_4M.fd", "format": "raw"}
        }`),
		want: []Violation{
			{"/mapping", "/$defs/FirmwareMappingFlash/required", "missing property 'executable'"},
		},
	}, {
		name: "missing device",
		doc:  set(memory, "mapping", `{"filename": "/usr/share/seabios/bios.bin"}`),
		want: []Violation{
			{"/mapping", "/properties/mapping/required", "missing property 'device'"},
		},
	}, {
		name: "wrong type for features",
		doc:  set(memory, "features", `"acpi-s3"`),
		want: []Violation{
			{"/features", "/properties/features/type", "got string, want array"},
		},
	}, {
		name: "unknown device",
		doc:  set(memory, "mapping", `{"device": "rom", "filename": "/usr/share/seabios/bios.bin"}`),
		want: []Violation{
			{"/mapping/device", "/properties/mapping/properties/device/enum", "value must be one of 'flash', 'memory', 'kernel', 'igvm'"},
		},
	}, {
		name: "device not a string",
		doc:  set(memory, "mapping", `{"device": 1, "filename": "/usr/share/seabios/bios.bin"}`),
		want: []Violation{
			{"/mapping/device", "/properties/mapping/properties/device/type", "got number, want string"},
		},
	}, {
		name: "extra top-level member",
		doc:  set(memory, "priority", `50`),
		want: []Violation{
			{"", "/additionalProperties", "property 'priority' is not allowed"},
		},
	}, {
		name: "member of another mapping shape",
		doc: set(flashSplit, "mapping", `{
            "device": "flash",
            "filename": "/usr/share/OVMF/OVMF.fd",
            "executable": {"filename": "/usr/share/OVMF/OVMF_CODE.fd", "format": "raw", "readonly": true}
        }`),
		want: []Violation{
			{"/mapping", "/$defs/FirmwareMappingFlash/additionalProperties", "property 'filename' is not allowed"},
			{"/mapping/executable", "/$defs/FirmwareFlashFile/additionalProperties", "property 'readonly' is not allowed"},
		},
	}, {
		name: "targets item without machines",
		doc:  set(memory, "targets", `[{"architecture": "x86_64", "machines": ["pc-q35-*"]}, {"architecture": "i386"}]`),
		want: []Violation{
			{"/targets/1", "/$defs/FirmwareTarget/required", "missing property 'machines'"},
		},
	}, {
		name: "filename not a string",
		doc:  set(kernel, "mapping", `{"device": "kernel", "filename": ["/boot/fw.bin"]}`),
		want: []Violation{
			{"/mapping/filename", "/$defs/FirmwareMappingKernel/properties/filename/type", "got array, want string"},
		},
	}, {
		name: "nested wrong types",
		doc: `{
    "description": 7,
    "interface-types": ["uefi", null],
    "mapping": {
        "device": "flash",
        "mode": false,
        "executable": {"filename": "/usr/share/AAVMF/AAVMF_CODE.fd", "format": 2},
        "nvram-template": "/usr/share/AAVMF/AAVMF_VARS.fd"
    },
    "targets": [{"architecture": ["aarch64"], "machines": ["virt-*", 9]}],
    "features": [{"name": "verbose-static"}],
    "tags": [true]
}`,
		want: []Violation{
			{"/description", "/properties/description/type", "got number, want string"},
			{"/features/0", "/properties/features/items/type", "got object, want string"},
			{"/interface-types/1", "/properties/interface-types/items/type", "got null, want string"},
			{"/mapping/executable/format", "/$defs/FirmwareFlashFile/properties/format/type", "got number, want string"},
			{"/mapping/mode", "/$defs/FirmwareMappingFlash/properties/mode/type", "got boolean, want string"},
			{"/mapping/nvram-template", "/$defs/FirmwareFlashFile/type", "got string, want object"},
			{"/tags/0", "/properties/tags/items/type", "got boolean, want string"},
			{"/targets/0/architecture", "/$defs/FirmwareTarget/properties/architecture/type", "got array, want string"},
			{"/targets/0/machines/1", "/$defs/FirmwareTarget/properties/machines/items/type", "got number, want string"},
		},
	}, {
		name: "empty interface-types",
		doc:  set(memory, "interface-types", `[]`),
		want: []Violation{
			{"/interface-types", "/properties/interface-types/minItems", "got 0 items, want at least 1"},
		},
	}, {
		name: "not an object",
		doc:  `[` + memory + `]`,
		want: []Violation{
			{"", "/type", "got array, want object"},
		},
	}, {
		name: "odd member name at the root",
		doc:  set(memory, "a/b~c", `1`),
		want: []Violation{
			{"", "/additionalProperties", "property 'a/b~c' is not allowed"},
		},
	}, {
		name: "odd member name in mapping",
		doc:  set(memory, "mapping", `{"device": "memory", "filename": "/x", "a/b~c": 1}`),
		want: []Violation{
			{"/mapping", "/$defs/FirmwareMappingMemory/additionalProperties", "property 'a/b~c' is not allowed"},
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Validate(decode(t, tt.doc))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Validate() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPointer checks RFC 6901 escaping. The schema forbids unknown
// members, so Validate never descends into a member whose name needs
// escaping; the helper is tested directly.
func TestPointer(t *testing.T) {
	for _, tt := range []struct {
		tokens []string
		want   string
	}{
		{nil, ""},
		{[]string{"targets", "0", "machines"}, "/targets/0/machines"},
		{[]string{"a/b~c", "~1"}, "/a~1b~0c/~01"},
	} {
		if got := pointer(tt.tokens); got != tt.want {
			t.Errorf("pointer(%q) = %q, want %q", tt.tokens, got, tt.want)
		}
	}
}

// TestValidateConcurrent runs Validate from several goroutines; run it
// with -race.
func TestValidateConcurrent(t *testing.T) {
	good := decode(t, flashSplit)
	bad := decode(t, drop(flashSplit, "tags"))
	want := []Violation{{"", "/required", "missing property 'tags'"}}
	type result struct {
		bad bool
		got []Violation
	}
	done := make(chan result)
	for i := range 16 {
		go func() {
			if i%2 == 0 {
				done <- result{false, Validate(good)}
			} else {
				done <- result{true, Validate(bad)}
			}
		}()
	}
	for range 16 {
		r := <-done
		var w []Violation
		if r.bad {
			w = want
		}
		if diff := cmp.Diff(w, r.got); diff != "" {
			t.Errorf("Validate() mismatch (-want +got):\n%s", diff)
		}
	}
}

// TestValidateEncodingJSON checks that documents decoded by encoding/json
// (float64 numbers) work as well as those from jsonschema.UnmarshalJSON.
func TestValidateEncodingJSON(t *testing.T) {
	var doc any
	if err := json.Unmarshal([]byte(set(memory, "tags", `[1.5]`)), &doc); err != nil {
		t.Fatal(err)
	}
	want := []Violation{{"/tags/0", "/properties/tags/items/type", "got number, want string"}}
	if diff := cmp.Diff(want, Validate(doc)); diff != "" {
		t.Errorf("Validate() mismatch (-want +got):\n%s", diff)
	}
	if err := json.Unmarshal([]byte(flashSplit), &doc); err != nil {
		t.Fatal(err)
	}
	if got := Validate(doc); got != nil {
		t.Errorf("Validate() = %v, want nil", got)
	}
}

// TestValidateNonJSONValue checks that Go values outside the JSON data
// model are reported instead of crashing.
func TestValidateNonJSONValue(t *testing.T) {
	got := Validate(struct{}{})
	if len(got) != 1 || got[0].Pointer != "" {
		t.Errorf("Validate(struct{}{}) = %v, want one violation at the root", got)
	}
}

func TestSchemaCompiles(t *testing.T) {
	if _, err := compiled(); err != nil {
		t.Fatal(err)
	}
}

func TestIDMatchesSource(t *testing.T) {
	var doc struct {
		Schema  string `json:"$schema"`
		ID      string `json:"$id"`
		Comment string `json:"$comment"`
	}
	if err := json.Unmarshal(Source(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.ID != ID {
		t.Errorf("$id = %q, want ID = %q", doc.ID, ID)
	}
	if want := "https://json-schema.org/draft/2020-12/schema"; doc.Schema != want {
		t.Errorf("$schema = %q, want %q", doc.Schema, want)
	}
	if !strings.Contains(doc.Comment, "docs/interop/firmware.json") || !strings.Contains(doc.Comment, "QEMU 10.1") {
		t.Errorf("$comment does not name the QEMU file and version: %q", doc.Comment)
	}
}

func TestSourceIsACopy(t *testing.T) {
	s := Source()
	s[0] = 'X'
	if Source()[0] == 'X' {
		t.Error("Source() returns the embedded slice itself")
	}
}

// TestEveryPropertyHasADescription walks the schema and checks that each
// member declared under "properties" carries a description.
func TestEveryPropertyHasADescription(t *testing.T) {
	var doc any
	if err := json.Unmarshal(Source(), &doc); err != nil {
		t.Fatal(err)
	}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			if props, ok := v["properties"].(map[string]any); ok {
				for name, p := range props {
					pm, _ := p.(map[string]any)
					if d, _ := pm["description"].(string); d == "" {
						t.Errorf("%s/properties/%s has no description", path, name)
					}
				}
			}
			for k, c := range v {
				if k == "if" {
					// Discriminator conditions, not declarations.
					continue
				}
				walk(path+"/"+k, c)
			}
		case []any:
			for i, c := range v {
				walk(fmt.Sprintf("%s/%d", path, i), c)
			}
		}
	}
	walk("", doc)
}

// drop returns the JSON object text with top-level member name removed.
func drop(text, name string) string {
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(text), &m); err != nil {
		panic(err)
	}
	delete(m, name)
	b, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// set returns the JSON object text with top-level member name set to the
// JSON text value.
func set(text, name, value string) string {
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(text), &m); err != nil {
		panic(err)
	}
	m[name] = json.RawMessage(value)
	b, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func ExampleValidate() {
	const descriptor = `{
    "description": "UEFI firmware for aarch64",
    "interface-types": ["uefi"],
    "mapping": {
        "device": "flash",
        "executable": {"filename": "/usr/share/AAVMF/AAVMF_CODE.fd", "format": "raw"},
        "nvram-template": {"filename": "/usr/share/AAVMF/AAVMF_VARS.fd"}
    },
    "targets": [{"architecture": "aarch64", "machines": ["virt-*"]}],
    "features": ["verbose-static"]
}`
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(descriptor))
	if err != nil {
		panic(err)
	}
	for _, v := range Validate(doc) {
		fmt.Printf("%s\t%s\n", v, v.Keyword)
	}
	// Output:
	// (root): missing property 'tags'	/required
	// /mapping/nvram-template: missing property 'format'	/$defs/FirmwareFlashFile/required
}
