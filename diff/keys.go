package diff

import (
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/varstore"
)

// KeysChange is an NVRAM template whose enrolled Secure Boot keys differ
// between the sides: new guests of that firmware start with other keys.
type KeysChange struct {
	// Descriptor names the template on both sides; Old and New are its
	// template paths (the same path when the package replaced the file).
	Descriptor string `json:"descriptor"`
	Old        string `json:"old"`
	New        string `json:"new"`
	// Variables lists, per Secure Boot variable that differs, the
	// certificates added and removed (by name) and the entry counts.
	Variables []KeysVariable `json:"variables"`
}

// KeysVariable is one Secure Boot variable's change.
type KeysVariable struct {
	Name       string   `json:"name"` // PK, KEK, db, dbx
	Added      []string `json:"added"`
	Removed    []string `json:"removed"`
	OldEntries int      `json:"old_entries"`
	NewEntries int      `json:"new_entries"`
}

// keys compares the templates a descriptor names on both sides, when both
// sides' files can be read (roots; a bundled set's listing holds no
// contents). A template that cannot be read on either side is left out:
// the audit's content rules report unreadable stores.
func (r *Result) keys(old, new Side) {
	if !old.Contents || !new.Contents {
		return
	}
	templates := func(s *descriptor.Set) map[string]string {
		m := map[string]string{}
		for _, e := range s.Effective() {
			if d := e.Descriptor; d != nil && d.Mapping.NVRAMTemplate != nil && d.Mapping.NVRAMTemplate.Filename != "" {
				m[e.Name] = d.Mapping.NVRAMTemplate.Filename
			}
		}
		return m
	}
	om, nm := templates(old.Set), templates(new.Set)
	names := make([]string, 0, len(om))
	for n := range om {
		if _, ok := nm[n]; ok {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	for _, n := range names {
		ob, ok1 := readKeys(old.Files, om[n])
		nb, ok2 := readKeys(new.Files, nm[n])
		if !ok1 || !ok2 {
			continue
		}
		var vars []KeysVariable
		for i, odb := range ob.DBs() {
			ndb := nb.DBs()[i]
			v := KeysVariable{Name: odb.Name, OldEntries: len(odb.Entries), NewEntries: len(ndb.Entries), Added: []string{}, Removed: []string{}}
			oc, nc := certs(odb), certs(ndb)
			for sha, label := range nc {
				if _, ok := oc[sha]; !ok {
					v.Added = append(v.Added, label)
				}
			}
			for sha, label := range oc {
				if _, ok := nc[sha]; !ok {
					v.Removed = append(v.Removed, label)
				}
			}
			slices.Sort(v.Added)
			slices.Sort(v.Removed)
			if len(v.Added)+len(v.Removed) > 0 || v.OldEntries != v.NewEntries {
				vars = append(vars, v)
			}
		}
		if len(vars) > 0 {
			r.Keys = append(r.Keys, KeysChange{Descriptor: n, Old: om[n], New: nm[n], Variables: vars})
		}
	}
}

func readKeys(fsys fs.FS, p string) (*varstore.SecureBoot, bool) {
	img, err := varstore.Open(fsys, strings.TrimPrefix(p, "/"))
	if err != nil {
		return nil, false
	}
	return img.SecureBoot(), true
}

// certs maps each certificate's SHA-256 to its label.
func certs(db *varstore.KeyDB) map[string]string {
	m := map[string]string{}
	for _, c := range db.Certs() {
		m[c.SHA256] = c.Label()
	}
	return m
}

// describe words the change for people.
func (k KeysChange) describe() string {
	var parts []string
	for _, v := range k.Variables {
		var s []string
		for _, a := range v.Added {
			s = append(s, "+"+a)
		}
		for _, r := range v.Removed {
			s = append(s, "-"+r)
		}
		if len(s) == 0 {
			s = append(s, fmt.Sprintf("%d -> %d entries", v.OldEntries, v.NewEntries))
		}
		parts = append(parts, v.Name+": "+strings.Join(s, ", "))
	}
	return strings.Join(parts, "; ")
}
