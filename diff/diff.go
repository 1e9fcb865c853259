// Package diff compares two descriptor sets, each judged with its own
// libvirt release, as an upgrade replaces one with the other: the coverage
// cells whose answer changes, the descriptors added, removed or renamed,
// the loader and template paths no descriptor names any more (domains
// pinning them break), and, for given domains, each one whose firmware or
// verdict changes. Result.Regressed says whether anything got worse, so
// that a package update can be gated on it.
//
// For two roots it also compares the Secure Boot keys enrolled in the NVRAM
// templates each descriptor names (package varstore).
package diff

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/fwaudit/fwaudit/audit"
	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/matcher"
	"github.com/fwaudit/fwaudit/report"
)

// SchemaVersion versions the JSON form of Result (schema/diff.schema.json).
const SchemaVersion = 1

// Side is one descriptor set with the libvirt release that judges it.
type Side struct {
	// Name describes the side in output ("distro:debian-12@9.0").
	Name string
	Set  *descriptor.Set
	// Profile is the libvirt release (or nova-legacy); QEMU the version
	// that resolves machine aliases ("" for the profile's).
	Profile *matcher.Profile
	QEMU    string
	// HostFiles is the host file system a release that resolves paths
	// reads (matcher.MatchOptions.Files); nil for the profile's.
	HostFiles fs.FS
	// Files are the firmware files installed on this side, as a rooted
	// file system ("usr/share/OVMF/x.fd"), to tell a path no descriptor
	// names from a file that is gone; nil when unknown. Contents says
	// whether they can be read (a root), so that the NVRAM templates'
	// enrolled keys are compared; a package listing has names only.
	Files    fs.FS
	Contents bool

	close func() error
}

// Close releases what Load opened.
func (s Side) Close() error {
	if s.close != nil {
		return s.close()
	}
	return nil
}

// Domain is one domain definition to follow across the upgrade.
type Domain struct {
	// Name and File name it in output.
	Name, File string
	// Request is what the domain asks for (matcher.ParseDomain).
	Request *matcher.Request
}

// ReadDomains parses domain files (audit.ReadDomains' output) once, for
// Compare. Files that cannot be read or parsed, and domains that use no
// firmware (QEMU's default BIOS), are left out; the error lists the
// unreadable ones, joined, next to the domains that could be read.
func ReadDomains(files []audit.DomainFile) ([]Domain, error) {
	var out []Domain
	var errs []error
	for _, f := range files {
		if f.Err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", f.Path, f.Err))
			continue
		}
		name, req, err := parseDomain(f.Data)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", f.Path, err))
			continue
		}
		if !audit.UsesFirmware(req) {
			continue
		}
		out = append(out, Domain{Name: cmp.Or(name, f.Path), File: f.Path, Request: req})
	}
	return out, errors.Join(errs...)
}

// Result is what changes from Old to New.
type Result struct {
	SchemaVersion int     `json:"schema_version"`
	Old           SideRef `json:"old"`
	New           SideRef `json:"new"`
	// Coverage lists the cells whose status or firmware changed, and the
	// cells that exist on one side only.
	Coverage []CellChange `json:"coverage"`
	// Added and Removed are descriptors (by name) present on one side
	// only; Renamed pairs a removed and an added descriptor that name the
	// same files.
	Added   []DescriptorRef `json:"added"`
	Removed []DescriptorRef `json:"removed"`
	Renamed []Rename        `json:"renamed"`
	// PathsGone are loader, template and ROM paths the old descriptors
	// name and no new descriptor names.
	PathsGone []PathGone `json:"paths_gone"`
	// Keys lists the NVRAM templates whose enrolled Secure Boot keys
	// change (both sides roots whose files can be read).
	Keys []KeysChange `json:"keys"`
	// Domains lists the domains whose firmware or verdict changes.
	Domains []DomainChange `json:"domains"`
	// DomainsCompared counts the domains followed.
	DomainsCompared int `json:"domains_compared"`
	// Regressions counts the regressed cells and domains and the paths
	// gone.
	Regressions int `json:"regressions"`
}

// SideRef describes a side in the result.
type SideRef struct {
	Name        string `json:"name"`
	Profile     string `json:"profile"`
	QEMU        string `json:"qemu"`
	Descriptors int    `json:"descriptors"`
}

// CellChange is one coverage cell whose answer differs.
type CellChange struct {
	Arch       string `json:"arch"`
	Machine    string `json:"machine"`
	FeatureSet string `json:"feature_set"`
	// Old and New are the answers; nil where the cell does not exist on
	// that side (the set targets no such architecture or machine).
	Old *Answer `json:"old"`
	New *Answer `json:"new"`
	// Regression: the cell got worse (ok to degraded or gap, degraded to
	// gap, or an ok cell vanished).
	Regression bool `json:"regression"`
}

// Key names the cell: "ARCH/MACHINE/FEATURESET".
func (c CellChange) Key() string { return c.Arch + "/" + c.Machine + "/" + c.FeatureSet }

// Answer is a coverage cell's answer on one side.
type Answer struct {
	Status        string `json:"status"`
	Descriptor    string `json:"descriptor,omitempty"`
	Executable    string `json:"executable,omitempty"`
	NVRAMTemplate string `json:"nvram_template,omitempty"`
	Error         string `json:"error,omitempty"`
}

// DescriptorRef names a descriptor.
type DescriptorRef struct {
	Name string `json:"name"`
	Path string `json:"path"`
}

// Rename is a descriptor whose name changed but whose files did not.
type Rename struct {
	Old DescriptorRef `json:"old"`
	New DescriptorRef `json:"new"`
}

// PathGone is a firmware file no descriptor names any more.
type PathGone struct {
	Path string `json:"path"`
	// Kind is "executable", "nvram-template" or "rom" (a memory or kernel
	// mapping's file).
	Kind string `json:"kind"`
	// Descriptor named it on the old side.
	Descriptor string `json:"descriptor"`
	// File is "removed" (the new side's files lack it), "installed" (it
	// is still there, e.g. as a compatibility symlink: domains pinning it
	// keep booting) or "unknown" (the new side's files are not known).
	File string `json:"file"`
}

// Breaks reports whether domains pinning the path may fail: it is not
// known to stay installed.
func (p PathGone) Breaks() bool { return p.File != "installed" }

// DomainChange is a domain whose firmware or verdict differs.
type DomainChange struct {
	Name string `json:"name"`
	File string `json:"file"`
	// Old and New are what the domain boots with as defined (its pinned
	// loader, or libvirt's choice at each start); Rebuilt* what a
	// definition written afresh (nova 2026.1's rebuild, resize, ...) gets.
	Old        report.Choice `json:"old"`
	New        report.Choice `json:"new"`
	RebuiltOld report.Choice `json:"rebuilt_old"`
	RebuiltNew report.Choice `json:"rebuilt_new"`
	// Regression: it starts (or rebuilds) on the old side and fails on
	// the new one.
	Regression bool `json:"regression"`
}

// Regressed reports whether anything got worse: a regressed cell or
// domain, or a firmware path no descriptor names any more.
func (r *Result) Regressed() bool { return r.Regressions > 0 }

// Compare judges old and new and reports what changes. ctx cancels it.
func Compare(ctx context.Context, old, new Side, domains []Domain) (*Result, error) {
	if old.Set == nil || new.Set == nil || old.Profile == nil || new.Profile == nil {
		return nil, errors.New("diff: each side needs a descriptor set and a profile")
	}
	r := &Result{SchemaVersion: SchemaVersion,
		Old:      sideRef(old),
		New:      sideRef(new),
		Coverage: []CellChange{}, Added: []DescriptorRef{}, Removed: []DescriptorRef{}, Renamed: []Rename{},
		PathsGone: []PathGone{}, Keys: []KeysChange{}, Domains: []DomainChange{}, DomainsCompared: len(domains)}

	if err := r.coverage(ctx, old, new); err != nil {
		return nil, err
	}
	r.descriptors(old.Set, new.Set, new.Files)
	r.keys(old, new)
	if err := r.domains(ctx, old, new, domains); err != nil {
		return nil, err
	}
	for _, c := range r.Coverage {
		if c.Regression {
			r.Regressions++
		}
	}
	for _, d := range r.Domains {
		if d.Regression {
			r.Regressions++
		}
	}
	// A path gone breaks every domain that pins it.
	for _, p := range r.PathsGone {
		if p.Breaks() {
			r.Regressions++
		}
	}
	return r, nil
}

func sideRef(s Side) SideRef {
	return SideRef{Name: s.Name, Profile: s.Profile.Name, QEMU: cmp.Or(s.QEMU, s.Profile.QEMU), Descriptors: len(s.Set.Effective())}
}

var statusRank = map[string]int{"ok": 2, "degraded": 1, "gap": 0}

func (r *Result) coverage(ctx context.Context, old, new Side) error {
	run := func(s Side) (map[string]report.Coverage, []string, error) {
		rep, err := audit.Run(ctx, s.Set, audit.Options{Profile: s.Profile, QEMU: s.QEMU, HostFiles: s.HostFiles})
		if err != nil {
			return nil, nil, fmt.Errorf("diff: %s: %w", s.Name, err)
		}
		m := map[string]report.Coverage{}
		var keys []string
		for _, c := range rep.Coverage {
			m[c.Key()] = c
			keys = append(keys, c.Key())
		}
		return m, keys, nil
	}
	om, okeys, err := run(old)
	if err != nil {
		return err
	}
	nm, nkeys, err := run(new)
	if err != nil {
		return err
	}
	keys := okeys
	for _, k := range nkeys {
		if _, ok := om[k]; !ok {
			keys = append(keys, k)
		}
	}
	for _, k := range keys {
		o, hasO := om[k]
		n, hasN := nm[k]
		var ch CellChange
		switch {
		case hasO && hasN:
			if o.Status == n.Status && o.Executable == n.Executable && o.NVRAMTemplate == n.NVRAMTemplate {
				// The same answer; a gap worded otherwise by another release is no change.
				continue
			}
			ch = CellChange{Arch: o.Arch, Machine: o.Machine, FeatureSet: o.FeatureSet, Old: answer(o), New: answer(n),
				Regression: statusRank[n.Status] < statusRank[o.Status]}
		case hasO:
			ch = CellChange{Arch: o.Arch, Machine: o.Machine, FeatureSet: o.FeatureSet, Old: answer(o), Regression: o.Status == "ok"}
		default:
			ch = CellChange{Arch: n.Arch, Machine: n.Machine, FeatureSet: n.FeatureSet, New: answer(n)}
		}
		r.Coverage = append(r.Coverage, ch)
	}
	return nil
}

func answer(c report.Coverage) *Answer {
	return &Answer{Status: c.Status, Descriptor: c.Descriptor, Executable: c.Executable, NVRAMTemplate: c.NVRAMTemplate, Error: c.Error}
}

// files are the paths a descriptor names, by kind.
func files(d *descriptor.Descriptor) [][2]string {
	var out [][2]string
	m := d.Mapping
	if m.Executable != nil && m.Executable.Filename != "" {
		out = append(out, [2]string{"executable", m.Executable.Filename})
	}
	if m.NVRAMTemplate != nil && m.NVRAMTemplate.Filename != "" {
		out = append(out, [2]string{"nvram-template", m.NVRAMTemplate.Filename})
	}
	if m.Filename != "" {
		out = append(out, [2]string{"rom", m.Filename})
	}
	return out
}

func identity(d *descriptor.Descriptor) string {
	var s string
	for _, f := range files(d) {
		s += f[0] + "=" + f[1] + "\x00"
	}
	return s
}

func (r *Result) descriptors(old, new *descriptor.Set, installed fs.FS) {
	index := func(s *descriptor.Set) (map[string]*descriptor.Entry, []*descriptor.Entry) {
		m := map[string]*descriptor.Entry{}
		var list []*descriptor.Entry
		for _, e := range s.Effective() {
			if e.Descriptor == nil {
				continue
			}
			m[e.Name] = e
			list = append(list, e)
		}
		return m, list
	}
	om, olist := index(old)
	nm, nlist := index(new)
	var removed, added []*descriptor.Entry
	for _, e := range olist {
		if _, ok := nm[e.Name]; !ok {
			removed = append(removed, e)
		}
	}
	for _, e := range nlist {
		if _, ok := om[e.Name]; !ok {
			added = append(added, e)
		}
	}
	// A removed and an added descriptor naming the same files are a
	// rename.
	byID := map[string][]*descriptor.Entry{}
	for _, e := range added {
		byID[identity(e.Descriptor)] = append(byID[identity(e.Descriptor)], e)
	}
	renamedTo := map[*descriptor.Entry]bool{}
	for _, e := range removed {
		id := identity(e.Descriptor)
		if cands := byID[id]; id != "" && len(cands) > 0 {
			n := cands[0]
			byID[id] = cands[1:]
			renamedTo[n] = true
			r.Renamed = append(r.Renamed, Rename{ref(e), ref(n)})
			continue
		}
		r.Removed = append(r.Removed, ref(e))
	}
	for _, e := range added {
		if !renamedTo[e] {
			r.Added = append(r.Added, ref(e))
		}
	}
	// Paths no new descriptor names.
	named := map[string]bool{}
	for _, e := range nlist {
		for _, f := range files(e.Descriptor) {
			named[f[1]] = true
		}
	}
	seen := map[string]bool{}
	for _, e := range olist {
		for _, f := range files(e.Descriptor) {
			if !named[f[1]] && !seen[f[1]] {
				seen[f[1]] = true
				state := "unknown"
				if installed != nil {
					state = "removed"
					if _, err := fs.Stat(installed, strings.TrimPrefix(path.Clean(f[1]), "/")); err == nil {
						state = "installed"
					}
				}
				r.PathsGone = append(r.PathsGone, PathGone{Path: f[1], Kind: f[0], Descriptor: e.Name, File: state})
			}
		}
	}
}

func ref(e *descriptor.Entry) DescriptorRef { return DescriptorRef{Name: e.Name, Path: e.Path} }

// domains predicts every domain on both sides.
func (r *Result) domains(ctx context.Context, old, new Side, domains []Domain) error {
	gone := map[string]bool{}
	for _, p := range r.PathsGone {
		gone[p.Path] = p.Breaks()
	}
	mo := func(s Side) matcher.MatchOptions {
		return matcher.MatchOptions{QEMU: s.QEMU, NoTrace: true, Files: s.HostFiles, AnyEmulator: true}
	}
	oo, no := mo(old), mo(new)
	for i, d := range domains {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		cur := *d.Request
		cur.Existing = true
		regen := audit.Regenerated(d.Request)
		ch := DomainChange{Name: d.Name, File: d.File,
			Old:        audit.ChoiceOf(matcher.Match(old.Set, &cur, old.Profile, oo)),
			New:        audit.ChoiceOf(matcher.Match(new.Set, &cur, new.Profile, no)),
			RebuiltOld: audit.ChoiceOf(matcher.Match(old.Set, regen, old.Profile, oo)),
			RebuiltNew: audit.ChoiceOf(matcher.Match(new.Set, regen, new.Profile, no)),
		}
		if l := d.Request.Loader; l != nil && l.Path != "" {
			// A pinned loader boots as long as its file stays; a path
			// no new descriptor names is taken to be gone with its
			// package.
			pinned := report.Choice{Loader: l.Path}
			if d.Request.NVRAM != nil {
				pinned.NVRAMTemplate = d.Request.NVRAM.Template
			}
			if ch.Old.Error == "" && ch.Old.Loader == l.Path {
				pinned.Descriptor = ch.Old.Descriptor
			}
			ch.Old = pinned
			if gone[l.Path] || (pinned.NVRAMTemplate != "" && gone[pinned.NVRAMTemplate]) {
				ch.New = report.Choice{Error: "the pinned loader or template is no longer shipped: " + l.Path}
				if r.fileState(l.Path) == "unknown" {
					ch.New.Error = "no descriptor names the pinned loader or template any more (the file is likely gone): " + l.Path
				}
			} else if ch.New.Error == "" {
				ch.New.Loader, ch.New.NVRAMTemplate = pinned.Loader, pinned.NVRAMTemplate
			}
		}
		if ch.Old == ch.New && ch.RebuiltOld == ch.RebuiltNew {
			continue
		}
		ch.Regression = (ch.Old.Error == "" && ch.New.Error != "") || (ch.RebuiltOld.Error == "" && ch.RebuiltNew.Error != "")
		r.Domains = append(r.Domains, ch)
	}
	slices.SortStableFunc(r.Domains, func(a, b DomainChange) int { return cmp.Compare(a.Name, b.Name) })
	return nil
}

func (r *Result) fileState(p string) string {
	for _, g := range r.PathsGone {
		if g.Path == p {
			return g.File
		}
	}
	return ""
}
