// Package nova turns what an OpenStack operator asks for — image properties
// and flavor extra specs such as hw_firmware_type=uefi, os_secure_boot=required
// or hw:mem_encryption=true — into the guest definition each nova release
// writes for libvirt, and predicts the firmware the guest then boots with:
// nova's own selection before 2026.1 (matcher.NovaLegacy) followed by
// libvirt, or libvirt's auto-selection alone from 2026.1.
//
// The mapping follows nova's source (nova/virt/libvirt/driver.py,
// config.py, host.py, hardware.py); the package README names the releases
// modelled and the nova tests the mapping is checked against.
package nova

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Properties are an instance's image properties and flavor extra specs, as
// strings the way glance and the flavor API store them.
type Properties struct {
	// Image holds image properties (hw_firmware_type, os_secure_boot, ...).
	Image map[string]string
	// Flavor holds flavor extra specs (os:secure_boot, hw:mem_encryption, ...).
	Flavor map[string]string
}

// Set records KEY=VALUE into m (allocating it), as --image-property and
// --flavor-extra-spec take it. An empty key or a missing '=' is an error.
func Set(m *map[string]string, kv string) error {
	k, v, ok := strings.Cut(kv, "=")
	k = strings.TrimSpace(k)
	if !ok || k == "" {
		return fmt.Errorf("%q: want KEY=VALUE", kv)
	}
	if *m == nil {
		*m = map[string]string{}
	}
	(*m)[k] = v
	return nil
}

// maxShowSize bounds the JSON ReadImage and ReadFlavor accept: the output
// of one "openstack ... show" is a few kilobytes.
const maxShowSize = 4 << 20

// ReadImage reads the JSON "openstack image show -f json" prints. The image
// properties are its "properties" member (an object, or the
// "key='value', ..." string older clients print); glance's own image
// representation, with the properties as top-level members, is accepted too
// (every member whose name starts with hw_, os_ or img_). name is the
// file's name, for errors.
func ReadImage(name string, data []byte) (map[string]string, error) {
	return readShow(name, data, func(k string) bool {
		return strings.HasPrefix(k, "hw_") || strings.HasPrefix(k, "os_") || strings.HasPrefix(k, "img_")
	})
}

// ReadFlavor reads the JSON "openstack flavor show -f json" prints: the
// extra specs are its "properties" member (an object, or the
// "key='value', ..." string older clients print), or "extra_specs" as the
// compute API returns it.
func ReadFlavor(name string, data []byte) (map[string]string, error) {
	return readShow(name, data, func(string) bool { return false })
}

func readShow(name string, data []byte, topLevel func(string) bool) (map[string]string, error) {
	if len(data) > maxShowSize {
		return nil, fmt.Errorf("%s: %d bytes is too large for an openstack show output (limit %d)", name, len(data), maxShowSize)
	}
	var top map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&top); err != nil {
		return nil, fmt.Errorf("%s: %s", name, jsonError(data, err, dec.InputOffset()))
	}
	out := map[string]string{}
	for _, key := range []string{"properties", "extra_specs"} {
		raw, ok := top[key]
		if !ok || string(raw) == "null" {
			continue
		}
		var obj map[string]any
		if err := json.Unmarshal(raw, &obj); err == nil {
			for k, v := range obj {
				out[k] = scalar(v)
			}
			continue
		}
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, fmt.Errorf("%s: %q is neither an object nor a string", name, key)
		}
		kv, err := parseCLIProperties(s)
		if err != nil {
			return nil, fmt.Errorf("%s: %q: %v", name, key, err)
		}
		for k, v := range kv {
			out[k] = v
		}
	}
	for k, raw := range top {
		if !topLevel(k) {
			continue
		}
		var v any
		if json.Unmarshal(raw, &v) == nil {
			if _, dup := out[k]; !dup {
				out[k] = scalar(v)
			}
		}
	}
	return out, nil
}

// scalar renders a JSON value the way nova sees a property: strings as they
// are, booleans and numbers in Python's str() form glance stores.
func scalar(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case bool:
		if v {
			return "True"
		}
		return "False"
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case nil:
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// parseCLIProperties reads "a='1', b='x y'" as older python-openstackclient
// releases format properties.
func parseCLIProperties(s string) (map[string]string, error) {
	out := map[string]string{}
	rest := strings.TrimSpace(s)
	for rest != "" {
		k, after, ok := strings.Cut(rest, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return nil, fmt.Errorf("cannot read %q as key='value' pairs", s)
		}
		after = strings.TrimLeft(after, " ")
		var v string
		if strings.HasPrefix(after, "'") {
			end := strings.IndexByte(after[1:], '\'')
			if end < 0 {
				return nil, fmt.Errorf("unterminated quote in %q", s)
			}
			v, after = after[1:1+end], after[2+end:]
		} else {
			v, after, _ = strings.Cut(after, ",")
			after = "," + after
		}
		out[k] = strings.TrimSpace(v)
		after = strings.TrimSpace(after)
		after = strings.TrimPrefix(after, ",")
		rest = strings.TrimSpace(after)
	}
	return out, nil
}

// jsonError words a decoding error with its line and column; at is the
// decoder's offset, for errors that carry none.
func jsonError(data []byte, err error, at int64) string {
	off := at
	switch e := err.(type) {
	case *json.SyntaxError:
		off = e.Offset
	case *json.UnmarshalTypeError:
		off = e.Offset
	}
	if off < 0 {
		return err.Error()
	}
	line, col := 1, 1
	for _, b := range data[:min(max(int(off)-1, 0), len(data))] {
		if b == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return fmt.Sprintf("%d:%d: %v", line, col, err)
}

// knownKeys are the properties and extra specs the package reads; others
// are ignored (they do not reach firmware selection).
var knownImage = []string{"hw_firmware_type", "hw_machine_type", "os_secure_boot", "hw_mem_encryption",
	"hw_mem_encryption_model", "hw_firmware_stateless", "hw_architecture", "architecture", "hw_tpm_version", "hw_tpm_model"}
var knownFlavor = []string{"os:secure_boot", "hw:mem_encryption", "hw:mem_encryption_model", "hw:tpm_version", "hw:tpm_model"}

// Ignored lists the keys of p that do not influence firmware: everything
// but the properties and extra specs this package reads.
func (p Properties) Ignored() []string {
	var out []string
	for k := range p.Image {
		if !slices.Contains(knownImage, k) {
			out = append(out, "image:"+k)
		}
	}
	for k := range p.Flavor {
		if !slices.Contains(knownFlavor, k) {
			out = append(out, "flavor:"+k)
		}
	}
	slices.Sort(out)
	return out
}
