// Package domcaps reads libvirt's domain capabilities (the XML "virsh
// domcapabilities" prints) and compares what libvirt advertises about
// firmware — the firmware types, loader paths, Secure Boot and the
// confidential-computing features the host can run — with what a
// descriptor set gives guests of that architecture and machine.
package domcaps

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/matcher"
	"libvirt.org/go/libvirtxml"
)

// MaxSize bounds the XML Parse accepts: real domain capabilities are
// 10–40 KiB.
const MaxSize = 8 << 20

// Caps is the firmware part of one domain capabilities document.
type Caps struct {
	// File names the document in findings.
	File string
	// Arch and Machine are the architecture and the canonical machine type
	// the capabilities are for; Emulator is the QEMU binary.
	Arch, Machine, Emulator string
	// Firmware lists <os><enum name='firmware'> ("bios", "efi").
	Firmware []string
	// Loaders are the <loader><value> paths.
	Loaders []string
	// Secure lists <loader><enum name='secure'> ("yes", "no").
	Secure []string
	// Launch security the host can run: SEV (<sev supported='yes'>),
	// SEVES (the same with maxESGuests > 0), SNP and TDX (listed in
	// <launchSecurity><enum name='sectype'>, or <tdx supported='yes'>).
	SEV, SEVES, SNP, TDX bool
}

// Parse reads a domain capabilities document with libvirtxml. name is the
// file's name, for errors.
func Parse(name string, data []byte) (*Caps, error) {
	if len(data) > MaxSize {
		return nil, fmt.Errorf("%s: %d bytes is too large for domain capabilities (limit %d)", name, len(data), MaxSize)
	}
	var dc libvirtxml.DomainCaps
	if err := dc.Unmarshal(string(data)); err != nil {
		return nil, fmt.Errorf("%s: not domain capabilities XML: %w", name, err)
	}
	if dc.Arch == "" {
		return nil, fmt.Errorf("%s: no <arch>: not the output of virsh domcapabilities", name)
	}
	c := &Caps{File: name, Arch: dc.Arch, Machine: dc.Machine, Emulator: dc.Path}
	if os := dc.OS; os != nil && os.Supported == "yes" {
		c.Firmware = enum(os.Enums, "firmware")
		if l := os.Loader; l != nil && l.Supported == "yes" {
			for _, v := range l.Values {
				c.Loaders = append(c.Loaders, strings.TrimSpace(v))
			}
			c.Secure = enum(l.Enums, "secure")
		}
	}
	if f := dc.Features; f != nil {
		if s := f.SEV; s != nil && s.Supported == "yes" {
			c.SEV = true
			c.SEVES = s.MaxESGuests > 0
		}
		if t := f.TDX; t != nil && t.Supported == "yes" {
			c.TDX = true
		}
		if ls := f.LaunchSecurity; ls != nil && ls.Supported == "yes" {
			types := enum(ls.Enums, "sectype")
			c.SEV = c.SEV || slices.Contains(types, "sev")
			c.SNP = slices.Contains(types, "sev-snp")
			c.TDX = c.TDX || slices.Contains(types, "tdx")
		}
	}
	return c, nil
}

func enum(es []libvirtxml.DomainCapsEnum, name string) []string {
	for _, e := range es {
		if e.Name == name {
			return e.Values
		}
	}
	return nil
}

// Kind is what a Disagreement is about.
type Kind int

// The kinds of disagreement.
const (
	// FeatureUnserved: the host can run a confidential-computing guest
	// (SEV, SEV-ES, SEV-SNP, TDX) but no descriptor serves it.
	FeatureUnserved Kind = iota + 1
	// LoaderUndescribed: libvirt lists a loader no descriptor names.
	LoaderUndescribed
	// FirmwareMismatch: libvirt's firmware or Secure Boot enums and the
	// descriptors' answers disagree.
	FirmwareMismatch
)

// Disagreement is one difference between the capabilities and the set.
type Disagreement struct {
	Kind Kind
	// Subject names what it is about: "x86_64/pc-q35-10.0/amd-sev-es", a
	// loader path.
	Subject string
	Message string
}

// Options refine Compare.
type Options struct {
	// Match is passed to every prediction (the QEMU version, the host's
	// files).
	Match matcher.MatchOptions
}

// feature is one launch security the host may run, and the guest that
// asks for it (nova's SEV policies, as matcher.Guest writes them).
var features = []struct {
	name   string
	has    func(*Caps) bool
	launch string
}{
	{"amd-sev", func(c *Caps) bool { return c.SEV }, "sev"},
	{"amd-sev-es", func(c *Caps) bool { return c.SEVES }, "sev-es"},
	{"amd-sev-snp", func(c *Caps) bool { return c.SNP }, "sev-snp"},
	{"intel-tdx", func(c *Caps) bool { return c.TDX }, "tdx"},
}

// Compare reports where caps and the descriptor set disagree for caps'
// architecture and machine, with libvirt release p deciding the
// predictions.
func Compare(set *descriptor.Set, caps *Caps, p *matcher.Profile, opts Options) []Disagreement {
	var out []Disagreement
	if opts.Match.QEMU == "" {
		// libvirt lists the machine an alias stands for, the newest of
		// its QEMU: pc-q35-10.0 comes from QEMU 10.0.
		if i := strings.LastIndexByte(caps.Machine, '-'); i >= 0 && strings.Count(caps.Machine[i+1:], ".") == 1 {
			opts.Match.QEMU = caps.Machine[i+1:]
		}
	}
	cell := caps.Arch + "/" + cmp.Or(caps.Machine, "default")
	ask := func(g matcher.Guest) *matcher.Decision {
		g.Name, g.Arch, g.Machine = "domcaps", caps.Arch, caps.Machine
		req, err := matcher.FromDomain(g.Domain())
		if err != nil {
			return &matcher.Decision{Err: err.Error()}
		}
		return matcher.Match(set, req, p, opts.Match)
	}

	efi := ask(matcher.Guest{Firmware: "efi"})
	switch lists := slices.Contains(caps.Firmware, "efi"); {
	case lists && !efi.OK():
		out = append(out, Disagreement{FirmwareMismatch, cell + "/uefi",
			fmt.Sprintf("%s: libvirt lists firmware 'efi' for %s, but no descriptor of the set serves a plain UEFI guest: %s", caps.File, cell, efi.Err)})
	case !lists && efi.OK() && efi.Chosen != nil:
		out = append(out, Disagreement{FirmwareMismatch, cell + "/uefi",
			fmt.Sprintf("%s: libvirt does not list firmware 'efi' for %s, but the set serves UEFI guests (%s): the capabilities come from another host or another set", caps.File, cell, efi.Chosen.Name)})
	}
	sb := ask(matcher.Guest{Firmware: "efi", SecureBoot: matcher.Yes})
	switch lists := slices.Contains(caps.Secure, "yes"); {
	case lists && !sb.OK():
		out = append(out, Disagreement{FirmwareMismatch, cell + "/secure-boot",
			fmt.Sprintf("%s: libvirt lists <loader secure='yes'> for %s, but no descriptor of the set serves a Secure Boot guest: %s", caps.File, cell, sb.Err)})
	case !lists && sb.OK() && sb.Chosen != nil:
		out = append(out, Disagreement{FirmwareMismatch, cell + "/secure-boot",
			fmt.Sprintf("%s: libvirt does not list <loader secure='yes'> for %s, but the set serves Secure Boot guests (%s)", caps.File, cell, sb.Chosen.Name)})
	}

	for _, f := range features {
		if !f.has(caps) {
			continue
		}
		d := ask(matcher.Guest{Firmware: "efi", LaunchSecurity: f.launch})
		if d.OK() {
			continue
		}
		msg := fmt.Sprintf("%s: the host can run %s guests, but no descriptor serves one on %s: %s", caps.File, f.name, cell, d.Err)
		if st := ask(matcher.Guest{Firmware: "efi", LaunchSecurity: f.launch, Stateless: true}); st.OK() && st.Chosen != nil {
			msg = fmt.Sprintf("%s: the host can run %s guests, but on %s only a stateless loader (<loader stateless='yes'>) gets one (%s); without it libvirt fails: %s",
				caps.File, f.name, cell, st.Chosen.Name, d.Err)
		}
		out = append(out, Disagreement{FeatureUnserved, cell + "/" + f.name, msg})
	}

	described := map[string]bool{}
	for _, e := range set.Effective() {
		d := e.Descriptor
		if d == nil {
			continue
		}
		if d.Mapping.Executable != nil {
			described[d.Mapping.Executable.Filename] = true
		}
		if d.Mapping.Filename != "" {
			described[d.Mapping.Filename] = true
		}
	}
	for _, l := range caps.Loaders {
		if !described[l] {
			out = append(out, Disagreement{LoaderUndescribed, l,
				fmt.Sprintf("%s: libvirt lists the loader %s for %s, but no descriptor of the set names it: libvirt's auto-selection never picks it (it comes from qemu.conf's nvram list or another set)", caps.File, l, cell)})
		}
	}
	return out
}
