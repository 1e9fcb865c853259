// Package matcher predicts libvirt's QEMU firmware auto-selection: given a
// descriptor set, what a domain asks for (a Request) and a libvirt release (a
// Profile), Match returns the Decision libvirt would take, with a trace that
// says, per descriptor, why it was taken or skipped, in libvirt's words.
// Decision.Apply writes the result into a domain as libvirt does.
package matcher

import (
	"fmt"
	"strings"

	"libvirt.org/go/libvirtxml"
)

// Tristate is a setting a domain may leave unspecified.
type Tristate int8

// Tristate values.
const (
	Unset Tristate = iota
	Yes
	No
)

func (t Tristate) String() string {
	switch t {
	case Yes:
		return "yes"
	case No:
		return "no"
	}
	return ""
}

// parseTristate reads libvirt's yes/no (and on/off) attribute values.
func parseTristate(s string) Tristate {
	switch s {
	case "yes", "on":
		return Yes
	case "no", "off":
		return No
	}
	return Unset
}

// Loader is the domain's <loader> element.
type Loader struct {
	Path      string
	Type      string // "", "rom" or "pflash"
	Readonly  Tristate
	Secure    Tristate
	Stateless Tristate
	Format    string // "", "raw", "qcow2", ...
}

// NVRAM is the domain's <nvram> element.
type NVRAM struct {
	Template       string
	TemplateFormat string
	Format         string
	// Path is a local file's path (the element text or a file source).
	Path string
	// Source: Path is given as a file or block <source> (type='file' or
	// 'block'), not as the element's text; Block: a block device.
	Source, Block bool
	// Network is set for a network source (nbd, iscsi, ...), where libvirt
	// records no template.
	Network bool
}

// Request is everything libvirt's firmware selection reads from a domain.
type Request struct {
	// Name is the domain name, which names the NVRAM file.
	Name string
	// Arch is the libvirt architecture ("x86_64", "i686", "aarch64").
	Arch string
	// Machine is the machine type as written; aliases ("q35") are
	// canonicalised for a QEMU version by Match.
	Machine string
	// Firmware is <os firmware=...>: "efi", "bios" or "" (none).
	Firmware string
	Loader   *Loader
	NVRAM    *NVRAM
	// FirmwareFeatures is set when the domain has an <os><firmware> block;
	// SecureBoot and EnrolledKeys are its feature requests.
	FirmwareFeatures bool
	SecureBoot       Tristate
	EnrolledKeys     Tristate
	// SMM is <features><smm state=...>.
	SMM Tristate
	// S3 and S4 are <pm><suspend-to-mem/disk enabled=...>.
	S3, S4 Tristate
	// NoACPI is set when <features> lacks <acpi/>: x86 UEFI then fails
	// domain validation.
	NoACPI bool
	// LaunchSecurity is <launchSecurity type=...>: "sev", "sev-snp", "tdx",
	// "s390-pv" or "". SEVPolicy is the SEV policy (bit 0x4 asks for SEV-ES).
	LaunchSecurity string
	SEVPolicy      uint64
	// Kernel is <os><kernel>.
	Kernel string
	// Emulator is <devices><emulator>, or "" for the architecture's
	// default binary; libvirt names it when it refuses a machine type.
	Emulator string
	// Devices is what libvirt's checks read of <devices>.
	Devices Devices
	// VMPort is <features><vmport>, in any state: the QEMU driver's
	// validation refuses it on a machine other than i440fx, q35 and
	// isapc, in every modelled release.
	VMPort bool
	// Existing marks a domain loaded from its stored definition rather than
	// newly defined (no ABI update): libvirt then forces the loader format
	// to raw before selecting, so an old domain never moves to qcow2.
	Existing bool
	// ExistingValidated: with Existing, the definition is validated as a
	// new one is, as libvirt's own test harness does for its abi-update
	// false cases (it parses without an ABI update, and validates). The
	// daemon loading its stored definitions validates nothing then: only
	// parsing and post-parse refuse one (it is not loaded), validation
	// waits for its start (Profile.Checks.Validation; the existing-*
	// conformance cases).
	ExistingValidated bool
}

// FromDomain extracts the Request from a parsed domain definition.
func FromDomain(dom *libvirtxml.Domain) (*Request, error) {
	if dom == nil || dom.OS == nil || dom.OS.Type == nil {
		return nil, fmt.Errorf("domain has no <os><type>")
	}
	r := &Request{
		Name:     dom.Name,
		Arch:     dom.OS.Type.Arch,
		Machine:  dom.OS.Type.Machine,
		Firmware: dom.OS.Firmware,
		Kernel:   dom.OS.Kernel,
	}
	if l := dom.OS.Loader; l != nil {
		r.Loader = &Loader{
			Path:      strings.TrimSpace(l.Path),
			Type:      l.Type,
			Readonly:  parseTristate(l.Readonly),
			Secure:    parseTristate(l.Secure),
			Stateless: parseTristate(l.Stateless),
			Format:    l.Format,
		}
	}
	if n := dom.OS.NVRam; n != nil {
		r.NVRAM = &NVRAM{Template: n.Template, TemplateFormat: n.TemplateFormat, Format: n.Format, Path: strings.TrimSpace(n.NVRam)}
		if s := n.Source; s != nil {
			switch {
			case s.File != nil:
				r.NVRAM.Path, r.NVRAM.Source = s.File.File, true
			case s.Block != nil:
				r.NVRAM.Path, r.NVRAM.Source, r.NVRAM.Block = s.Block.Dev, true, true
			case s.Network != nil:
				r.NVRAM.Network = true
			}
		}
	}
	if fi := dom.OS.FirmwareInfo; fi != nil {
		r.FirmwareFeatures = true
		for _, f := range fi.Features {
			switch f.Name {
			case "secure-boot":
				r.SecureBoot = parseTristate(f.Enabled)
			case "enrolled-keys":
				r.EnrolledKeys = parseTristate(f.Enabled)
			}
		}
	}
	if dom.Devices != nil {
		r.Emulator = dom.Devices.Emulator
	}
	r.Devices = readDevices(dom.Devices)
	r.NoACPI = dom.Features == nil || dom.Features.ACPI == nil
	r.VMPort = dom.Features != nil && dom.Features.VMPort != nil
	if dom.Features != nil && dom.Features.SMM != nil {
		r.SMM = parseTristate(dom.Features.SMM.State)
		if r.SMM == Unset {
			r.SMM = Yes // <smm/> means on
		}
	}
	if pm := dom.PM; pm != nil {
		if pm.SuspendToMem != nil {
			r.S3 = parseTristate(pm.SuspendToMem.Enabled)
		}
		if pm.SuspendToDisk != nil {
			r.S4 = parseTristate(pm.SuspendToDisk.Enabled)
		}
	}
	if ls := dom.LaunchSecurity; ls != nil {
		switch {
		case ls.SEV != nil:
			r.LaunchSecurity = "sev"
			if ls.SEV.Policy != nil {
				r.SEVPolicy = uint64(*ls.SEV.Policy)
			}
		case ls.SEVSNP != nil:
			r.LaunchSecurity = "sev-snp"
		case ls.TDX != nil:
			r.LaunchSecurity = "tdx"
		case ls.S390PV != nil:
			r.LaunchSecurity = "s390-pv"
		}
	}
	return r, nil
}

// ParseDomain parses domain XML and extracts its Request. Launch security
// types that libvirtxml does not model are kept as written, so that a
// profile can reject them as the libvirt release would.
func ParseDomain(xml []byte) (*libvirtxml.Domain, *Request, error) {
	dom := &libvirtxml.Domain{}
	if err := dom.Unmarshal(string(xml)); err != nil {
		return nil, nil, fmt.Errorf("parsing domain XML: %w", err)
	}
	req, err := FromDomain(dom)
	return dom, req, err
}
