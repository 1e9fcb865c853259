package nova

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/matcher"
)

// Combination is one image and flavor pairing an operator runs.
type Combination struct {
	// Name names it in findings ("windows-sb on m1.large").
	Name string
	Properties
}

// ReadCombinations reads a combinations file: a JSON array of objects with
// "name", "image" (image properties) and "flavor" (flavor extra specs);
// property values may be strings, booleans or numbers. name is the file's
// name, for errors, which give the line and column.
//
//	[{"name": "win11", "image": {"hw_firmware_type": "uefi", "hw_machine_type": "q35",
//	  "os_secure_boot": "required"}, "flavor": {"hw:mem_encryption": "true"}}]
func ReadCombinations(name string, data []byte) ([]Combination, error) {
	if len(data) > maxShowSize {
		return nil, fmt.Errorf("%s: %d bytes is too large for a combinations file (limit %d)", name, len(data), maxShowSize)
	}
	var raw []struct {
		Name   string         `json:"name"`
		Image  map[string]any `json:"image"`
		Flavor map[string]any `json:"flavor"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("%s: %s", name, jsonError(data, err, dec.InputOffset()))
	}
	out := make([]Combination, 0, len(raw))
	seen := map[string]bool{}
	for i, r := range raw {
		if r.Name == "" {
			r.Name = fmt.Sprintf("#%d", i+1)
		}
		if seen[r.Name] {
			return nil, fmt.Errorf("%s: combination %d: name %q used twice", name, i+1, r.Name)
		}
		seen[r.Name] = true
		c := Combination{Name: r.Name, Properties: Properties{Image: map[string]string{}, Flavor: map[string]string{}}}
		for k, v := range r.Image {
			c.Image[k] = scalar(v)
		}
		for k, v := range r.Flavor {
			c.Flavor[k] = scalar(v)
		}
		out = append(out, c)
	}
	return out, nil
}

// Upgrade is what nova's move to libvirt's auto-selection does to one
// combination on one host.
type Upgrade struct {
	Combination Combination
	// Before is nova 2025.2 (its own selection), After nova 2026.1.
	Before, After *Prediction
}

// Changes reports whether the instance boots another firmware after the
// upgrade (or is refused on one side only).
func (u *Upgrade) Changes() bool { return u.Before.Firmware() != u.After.Firmware() }

// Fails reports whether the instance boots before the upgrade and is
// refused after it.
func (u *Upgrade) Fails() bool { return u.Before.Err == "" && u.After.Err != "" }

// CompareUpgrade predicts c before and after the upgrade on set, with
// libvirt release lv on both sides (the host's libvirt does not change
// with nova).
func CompareUpgrade(set *descriptor.Set, c Combination, lv *matcher.Profile, opts Options) (*Upgrade, error) {
	if opts.Name == "" {
		opts.Name = "instance"
	}
	before, err := Predict(set, c.Properties, Legacy, lv, opts)
	if err != nil {
		return nil, err
	}
	after, err := Predict(set, c.Properties, AutoSelect, lv, opts)
	if err != nil {
		return nil, err
	}
	return &Upgrade{Combination: c, Before: before, After: after}, nil
}
