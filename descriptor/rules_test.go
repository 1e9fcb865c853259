package descriptor

import (
	"slices"
	"strings"
	"testing"
)

// TestRulesCheck checks libvirt's verdict per release. The messages are the
// strings libvirt's parser reports (src/qemu/qemu_firmware.c).
func TestRulesCheck(t *testing.T) {
	const p = "/etc/qemu/firmware/x.json"
	base := func(mapping, arch, features string) string {
		return `{"interface-types":["uefi"],"mapping":` + mapping + `,"targets":[{"architecture":"` + arch +
			`","machines":["virt"]}],"features":` + features + `}`
	}
	flash := `{"device":"flash","executable":{"filename":"/c","format":"raw"},"nvram-template":{"filename":"/v","format":"raw"}}`
	tests := []struct {
		name  string
		input string
		rules *Rules
		want  string // "" = accepted
	}{
		{"ok", base(flash, "x86_64", `[]`), RulesLibvirt9, ""},
		{"i386 maps to i686", base(flash, "i386", `[]`), RulesLibvirt9, ""},
		{"bad json", `{`, RulesLibvirt11, "unable to parse json file '" + p + "'"},
		{"json up to NUL is all libvirt reads", base(flash, "x86_64", `[]`) + "\x00garbage", RulesLibvirt11, ""},
		{"not an object", `[]`, RulesLibvirt11, "failed to get interface-types from '" + p + "'"},
		{"unknown interface", `{"interface-types":["efi"]}`, RulesLibvirt11, "unknown interface type: 'efi'"},
		{"non-string interface", `{"interface-types":[1]}`, RulesLibvirt11, "unknown interface type: '(null)'"},
		{"no mapping", `{"interface-types":[]}`, RulesLibvirt11, "missing mapping in '" + p + "'"},
		{"no device", `{"interface-types":[],"mapping":{}}`, RulesLibvirt11, "missing device type in '" + p + "'"},
		{"unknown device", `{"interface-types":[],"mapping":{"device":"igvm"}}`, RulesLibvirt11, "unknown device type in '" + p + "'"},
		{"kernel on 11", base(`{"device":"kernel","filename":"/k"}`, "x86_64", `[]`), RulesLibvirt11, ""},
		{"kernel on 12", base(`{"device":"kernel","filename":"/k"}`, "x86_64", `[]`), RulesLibvirt12, "unknown device type in '" + p + "'"},
		{"mode not a string", base(`{"device":"flash","mode":1}`, "x86_64", `[]`), RulesLibvirt11, "Firmware flash mode value was malformed"},
		{"unknown mode", base(`{"device":"flash","mode":"dual"}`, "x86_64", `[]`), RulesLibvirt11, "Firmware flash mode value 'dual' unexpected"},
		{"split without template", base(`{"device":"flash","executable":{"filename":"/c","format":"raw"}}`, "x86_64", `[]`), RulesLibvirt11, "missing 'nvram-template' in '" + p + "'"},
		{"stateless without template", base(`{"device":"flash","mode":"stateless","executable":{"filename":"/c","format":"raw"}}`, "x86_64", `[]`), RulesLibvirt11, ""},
		{"executable without format", base(`{"device":"flash","executable":{"filename":"/c"}}`, "x86_64", `[]`), RulesLibvirt11, "missing 'format' in '" + p + "'"},
		{"memory without filename on 9", base(`{"device":"memory"}`, "x86_64", `[]`), RulesLibvirt9, ""},
		{"memory without filename on 11", base(`{"device":"memory"}`, "x86_64", `[]`), RulesLibvirt11, "missing 'filename' in '" + p + "'"},
		{"unknown arch", base(flash, "amd64", `[]`), RulesLibvirt11, "unknown architecture 'amd64'"},
		{"loongarch64 on 9", base(flash, "loongarch64", `[]`), RulesLibvirt9, "unknown architecture 'loongarch64'"},
		{"loongarch64 on 11", base(flash, "loongarch64", `[]`), RulesLibvirt11, ""},
		{"no machines", `{"interface-types":[],"mapping":` + flash + `,"targets":[{"architecture":"x86_64"}],"features":[]}`, RulesLibvirt11, "missing 'machines' in '" + p + "'"},
		{"no features", `{"interface-types":[],"mapping":` + flash + `,"targets":[]}`, RulesLibvirt11, "failed to get features from '" + p + "'"},
		{"unknown features are ignored", base(flash, "x86_64", `["sparkles", 7]`), RulesLibvirt11, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte(tt.input)
			d, _ := Parse(p, data)
			got := ""
			if err := tt.rules.Check(p, data, d); err != nil {
				got = err.Msg
				if !strings.HasPrefix(err.Error(), p+":") || err.Kind != KindLibvirt {
					t.Errorf("error %q not located in %s or of kind %s", err, p, err.Kind)
				}
			}
			if got != tt.want {
				t.Errorf("Check = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestRulesEqual checks that rule sets compare by value.
func TestRulesEqual(t *testing.T) {
	cp := *RulesLibvirt11
	cp.Features = slices.Clone(cp.Features)
	changed := cp
	changed.Features = changed.Features[:len(changed.Features)-1]
	for _, tt := range []struct {
		a, b *Rules
		want bool
	}{
		{RulesLibvirt11, RulesLibvirt11, true},
		{RulesLibvirt11, &cp, true},
		{&cp, RulesLibvirt11, true},
		{RulesLibvirt11, &changed, false},
		{RulesLibvirt11, RulesLibvirt12, false},
		{RulesLibvirt9, nil, false},
		{nil, nil, true},
	} {
		if got := tt.a.Equal(tt.b); got != tt.want {
			t.Errorf("%v.Equal(%v) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
