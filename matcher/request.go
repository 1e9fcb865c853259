// Package matcher predicts libvirt's QEMU firmware auto-selection: given a
// descriptor set, what a domain asks for (a Request) and a libvirt release (a
// Profile), Match returns the Decision libvirt would take, with a trace that
// says, per descriptor, why it was taken or skipped, in libvirt's words.
// Decision.Apply writes the result into a domain as libvirt does.
package matcher

import (
	"encoding/xml"
	"fmt"
	"reflect"
	"slices"
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
	// DiskType is a source type other than file, block and network
	// ("dir", "volume", ...), which releases refuse for an NVRAM
	// (Checks.UnsupportedNVRAMTypes).
	DiskType string
	// EmptySource: a file or block <source> without its path, which
	// 10.0 and later replace by the default file source and 9.0's start
	// fails on (Profile.NVRAM.EmptySourceFailsStart).
	EmptySource bool
	// NoneProtocol: a network source with protocol='none', which 11.3 and
	// later replace by the default file source (after deciding, as for a
	// network NVRAM, to record no template) and 9.0's start fails on.
	NoneProtocol bool
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
	// TDXPolicy is the TDX policy (12.8 takes bits 0 and 28 only).
	TDXPolicy uint64
	// snpWorkarounds is the length of SEV-SNP's guestVisibleWorkarounds
	// as libvirt decodes it (it wants 16), plus one; 0 without one.
	snpWorkarounds int
	// launchParse is what libvirt's parser refuses inside the
	// <launchSecurity> element (checkLaunchSecurity).
	launchParse launchParse
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
	// VirtType is <domain type>, the hypervisor the guest asks for
	// ("kvm", "qemu", "hvf", ...): the QEMU driver runs qemu (TCG) and
	// kvm where the host's KVM runs the guest's architecture
	// (MatchOptions.KVM), and resolves a machine alias with the machine
	// list of the guest's accelerator. "" (a Request built by hand) is not
	// checked.
	VirtType string
	// OSType is the text of <os><type>; "" is hvm. libvirt reads <os
	// firmware> and <os><firmware> of an hvm guest only, and <loader> and
	// <nvram> of hvm, xen, xenpvh and uml guests; the QEMU driver then
	// refuses any type but hvm.
	OSType string
	// Invalid are the attribute values of the definition that libvirt's
	// XML parser refuses, in the order it parses them (FromDomain finds
	// them; a profile's checks report the first one their release meets).
	Invalid []AttrError
	// ExistingValidated: with Existing, the definition is validated as a
	// new one is, as libvirt's own test harness does for its abi-update
	// false cases (it parses without an ABI update, and validates). The
	// daemon loading its stored definitions validates nothing then: only
	// parsing and post-parse refuse one (it is not loaded), validation
	// waits for its start (Profile.Checks.Validation; the existing-*
	// conformance cases).
	ExistingValidated bool
}

// An AttrError is an attribute of a domain definition that libvirt's XML
// parser refuses: a value outside the attribute's enumeration (values are
// case-sensitive; yes/no and on/off are not interchangeable), or a
// required attribute left out. Error is libvirt's message.
type AttrError struct {
	Element, Attr, Value string
	Missing              bool
	part                 xmlPart
	msg                  string // libvirt's message, where it is not the usual one
}

// xmlPart is the part of the definition libvirt parses an attribute in,
// which decides which check reports it (checkXMLFirmware, ...).
type xmlPart uint8

const (
	partDomain         xmlPart = iota + 1 // <domain type> and <os><type>'s text
	partFirmware                          // <os><firmware><feature> and <os firmware>
	partNVRAMFormat                       // <nvram format>
	partTemplateFormat                    // <nvram templateFormat>
	partNVRAMType                         // <nvram type>
	partLoader                            // <loader> but its format
	partLoaderFormat                      // <loader format>
	partFeatures                          // the states of <features> (<smm>, <pmu>, ...) and <pm>
	partLaunchSecurity                    // <launchSecurity type>
)

// Error is libvirt's message for the refusal.
func (e AttrError) Error() string {
	switch {
	case e.msg != "":
		return e.msg
	case e.Element == "domain" && e.Attr == "type" && e.Missing:
		return "internal error: missing domain type attribute"
	case e.Element == "domain" && e.Attr == "type":
		return "unsupported configuration: invalid domain type " + e.Value
	case e.Element == "type" && e.Attr == "" && e.Missing: // <os><type>'s text
		return "XML error: an os <type> must be specified"
	case e.Element == "type" && e.Attr == "":
		return fmt.Sprintf("unsupported configuration: unknown OS type '%s'", e.Value)
	case e.Element == "init" && e.Missing:
		return "XML error: init binary must be specified"
	case e.Missing:
		return fmt.Sprintf("XML error: Missing required attribute '%s' in element '%s'", e.Attr, e.Element)
	case e.Element == "os" && e.Attr == "firmware":
		return "XML error: unknown firmware value " + e.Value
	}
	return fmt.Sprintf("XML error: Invalid value for attribute '%s' in element '%s': '%s'.", e.Attr, e.Element, e.Value)
}

// storageFormats are libvirt's storage file formats (virStorageFileFormat):
// a loader or NVRAM format outside them is an XML error, one of them other
// than raw and qcow2 is unsupported (checkLoaderFormat).
var storageFormats = []string{"raw", "dir", "bochs", "cloop", "dmg", "iso", "vpc", "vdi", "fat", "vhd", "ploop",
	"cow", "qcow", "qcow2", "qed", "vmdk"}

// attrChecks lists the attribute values of dom that libvirt's parser
// refuses, in its parsing order (found with the oracle: the attribute
// errors of one definition are reported in this order; conformance cases
// xml-*). An attribute written empty reads as absent here, where libvirt
// refuses it (secure=”): libvirtxml does not tell them apart.
func attrChecks(dom *libvirtxml.Domain) []AttrError {
	var bad []AttrError
	add := func(part xmlPart, elem, attr, val string, ok bool) {
		if val == emptyValue { // written empty (LibvirtXML)
			ok, val = false, ""
		}
		if !ok {
			bad = append(bad, AttrError{Element: elem, Attr: attr, Value: val, part: part})
		}
	}
	required := func(part xmlPart, elem, attr, val string) bool {
		if val == "" {
			bad = append(bad, AttrError{Element: elem, Attr: attr, Missing: true, part: part})
			return false
		}
		return true
	}
	// The domain's type, then the guest's OS type.
	if required(partDomain, "domain", "type", dom.Type) {
		add(partDomain, "domain", "type", dom.Type, slices.Contains(virtTypes, dom.Type))
	}
	ostype := osType(dom)
	if required(partDomain, "type", "", ostype) {
		add(partDomain, "type", "", ostype, slices.Contains(osTypes, ostype))
	}
	yesNo := func(s string) bool { return s == "" || s == "yes" || s == "no" }
	onOff := func(s string) bool { return s == "" || s == "on" || s == "off" }
	format := func(s string) bool { return s == "" || s == "none" || slices.Contains(storageFormats, s) }
	os := dom.OS
	if ostype == "exe" && os.Init == "" {
		bad = append(bad, AttrError{Element: "init", Missing: true, part: partFirmware})
	}
	// The <firmware> features before the firmware attribute.
	if fi := os.FirmwareInfo; fi != nil && readsFirmware(ostype) {
		for _, f := range fi.Features {
			if required(partFirmware, "feature", "name", f.Name) {
				add(partFirmware, "feature", "name", f.Name, f.Name == "secure-boot" || f.Name == "enrolled-keys")
			}
			if required(partFirmware, "feature", "enabled", f.Enabled) {
				add(partFirmware, "feature", "enabled", f.Enabled, yesNo(f.Enabled))
			}
		}
	}
	if readsFirmware(ostype) {
		add(partFirmware, "os", "firmware", os.Firmware, os.Firmware == "" || os.Firmware == "efi" || os.Firmware == "bios")
	}
	// <nvram> before <loader>, whose format comes after its other
	// attributes.
	if n := os.NVRam; n != nil && readsLoader(ostype) {
		// templateFormat before format (11.3 and later; 9.0 and 10.0 do
		// not read it: checkTemplateFormat).
		add(partTemplateFormat, "nvram", "templateFormat", n.TemplateFormat, format(n.TemplateFormat))
		add(partNVRAMFormat, "nvram", "format", n.Format, format(n.Format))
		// Then its type (LibvirtXML marks what libvirt refuses).
		if v, ok := strings.CutPrefix(n.NVRam, nvramTypeInvalid); ok {
			bad = append(bad, AttrError{Element: "nvram", Attr: "type", Value: v, part: partNVRAMType})
		} else if strings.HasPrefix(n.NVRam, nvramTypeNoSource) {
			bad = append(bad, AttrError{Element: "nvram", Attr: "type", part: partNVRAMType, msg: errUnknownCause})
		} else if s := n.Source; s != nil && s.Network != nil {
			// A network source's protocol (xml-nvram-network-protocol-*).
			if required(partNVRAMType, "source", "protocol", s.Network.Protocol) {
				add(partNVRAMType, "source", "protocol", s.Network.Protocol, slices.Contains(netProtocols, s.Network.Protocol))
			}
		}
	}
	if l := os.Loader; l != nil && readsLoader(ostype) {
		add(partLoader, "loader", "readonly", l.Readonly, yesNo(l.Readonly))
		add(partLoader, "loader", "type", l.Type, l.Type == "" || l.Type == "rom" || l.Type == "pflash")
		add(partLoader, "loader", "secure", l.Secure, yesNo(l.Secure))
		add(partLoader, "loader", "stateless", l.Stateless, yesNo(l.Stateless))
		add(partLoaderFormat, "loader", "format", l.Format, format(l.Format))
	}
	if dom.Features != nil {
		featureStates(reflect.ValueOf(dom.Features), "features", func(elem, state string) {
			add(partFeatures, elem, "state", state, onOff(state))
		})
	}
	if pm := dom.PM; pm != nil {
		if pm.SuspendToMem != nil {
			add(partFeatures, "suspend-to-mem", "enabled", pm.SuspendToMem.Enabled, yesNo(pm.SuspendToMem.Enabled))
		}
		if pm.SuspendToDisk != nil {
			add(partFeatures, "suspend-to-disk", "enabled", pm.SuspendToDisk.Enabled, yesNo(pm.SuspendToDisk.Enabled))
		}
	}
	// <launchSecurity> after <pm>; a type libvirtxml does not model comes
	// marked (LibvirtXML). Types it models but a release does not are
	// that release's (checkLaunchSecurity).
	if typ, missing, ok := markedLaunchSecurity(dom); ok {
		if !missing || required(partLaunchSecurity, "launchSecurity", "type", "") {
			add(partLaunchSecurity, "launchSecurity", "type", typ, false)
		}
	}
	return bad
}

// virtTypes are libvirt's domain types (virDomainVirtType), in every
// modelled release; another <domain type> is refused while parsing
// (dtype-* conformance cases: nvmm, mshv and whpx are refused too).
var virtTypes = []string{"none", "qemu", "kqemu", "kvm", "xen", "lxc", "uml", "openvz", "test", "vmware",
	"hyperv", "vbox", "phyp", "parallels", "bhyve", "vz", "hvf"}

// osTypes are libvirt's guest OS types (virDomainOSType).
var osTypes = []string{"hvm", "xen", "linux", "exe", "uml", "xenpvh"}

// osType is the guest OS type libvirt parses: <os><type> as written, but
// the old 'linux' of a xen domain is 'xen' (libvirt's back-compat rewrite,
// made before the rest of <os> is read: live-11200-29).
func osType(dom *libvirtxml.Domain) string {
	t := dom.OS.Type.Type
	if dom.Type == "xen" && t == "linux" {
		return "xen"
	}
	return t
}

// readsFirmware reports whether libvirt parses <os firmware> and
// <os><firmware> for a guest of OS type t: for hvm guests only
// (dtype-ostype-xen-bad-firmware, -xen-features).
func readsFirmware(t string) bool { return t == "" || t == "hvm" }

// readsLoader reports whether libvirt parses <loader> and <nvram> for a
// guest of OS type t: hvm, and the xen, xenpvh and uml kinds
// (dtype-ostype-*-manual-loader, -bad-loader-attr).
func readsLoader(t string) bool { return readsFirmware(t) || t == "xen" || t == "xenpvh" || t == "uml" }

// markedLaunchSecurity reads the <launchSecurity> type LibvirtXML marked as
// one libvirtxml does not model: the type as written, or missing.
func markedLaunchSecurity(dom *libvirtxml.Domain) (typ string, missing, ok bool) {
	ls := dom.LaunchSecurity
	if ls == nil || ls.SEV == nil {
		return "", false, false
	}
	rest, ok := strings.CutPrefix(ls.SEV.DHCert, unknownLaunchSecurity)
	if !ok {
		return "", false, false
	}
	typ, found := strings.CutPrefix(rest, "=")
	return typ, !found, true
}

// featureStates calls found for every state attribute of <features> and
// its descendants (<smm state>, <pmu state>, <hyperv><relaxed state>, ...),
// with the element's name, in the order libvirtxml's types declare them:
// libvirt reads each as on/off, in document order (fstate-*), which
// LibvirtXML keeps by leaving only the first bad one bad.
func featureStates(v reflect.Value, elem string, found func(elem, state string)) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			featureStates(v.Elem(), elem, found)
		}
	case reflect.Slice:
		for i := range v.Len() {
			featureStates(v.Index(i), elem, found)
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			name, opts, _ := strings.Cut(f.Tag.Get("xml"), ",")
			switch {
			case !f.IsExported():
			case f.Anonymous: // an embedded DomainFeatureState
				featureStates(v.Field(i), elem, found)
			case name == "state" && strings.Contains(opts, "attr") && f.Type.Kind() == reflect.String:
				if s := v.Field(i).String(); s != "" {
					found(elem, s)
				}
			case name != "" && name != "-" && !strings.Contains(opts, "attr") && f.Type != reflect.TypeFor[xml.Name]():
				featureStates(v.Field(i), name, found)
			}
		}
	}
}

// netProtocols are libvirt's network storage protocols
// (virStorageNetProtocol).
var netProtocols = []string{"none", "nbd", "rbd", "sheepdog", "gluster", "iscsi", "http", "https", "ftp", "ftps", "tftp", "ssh", "vxhs", "nfs"}

// noneFormat reads a storage format as libvirt does: "none" is no format.
func noneFormat(s string) string {
	if s == "none" {
		return ""
	}
	return s
}

// FromDomain extracts the Request from a parsed domain definition.
func FromDomain(dom *libvirtxml.Domain) (*Request, error) {
	if dom == nil || dom.OS == nil || dom.OS.Type == nil {
		return nil, fmt.Errorf("domain has no <os><type>")
	}
	ostype := osType(dom)
	r := &Request{
		Name:     dom.Name,
		Arch:     dom.OS.Type.Arch,
		Machine:  dom.OS.Type.Machine,
		Kernel:   dom.OS.Kernel,
		VirtType: dom.Type,
		OSType:   ostype,
		Invalid:  attrChecks(dom),
	}
	if readsFirmware(ostype) {
		r.Firmware = dom.OS.Firmware
	}
	if l := dom.OS.Loader; l != nil && readsLoader(ostype) {
		r.Loader = &Loader{
			// As written: libvirt does not trim the element's text.
			Path:      l.Path,
			Type:      l.Type,
			Readonly:  parseTristate(l.Readonly),
			Secure:    parseTristate(l.Secure),
			Stateless: parseTristate(l.Stateless),
			Format:    noneFormat(l.Format),
		}
	}
	if n := dom.OS.NVRam; n != nil && readsLoader(ostype) {
		r.NVRAM = &NVRAM{Template: n.Template, TemplateFormat: noneFormat(n.TemplateFormat), Format: noneFormat(n.Format), Path: strings.TrimSpace(n.NVRam)}
		if strings.HasPrefix(n.NVRam, nvramTypeInvalid) || strings.HasPrefix(n.NVRam, nvramTypeNoSource) {
			r.NVRAM.Path = "" // a refused type (Invalid), not a path
		}
		if s := n.Source; s != nil {
			switch {
			case s.File != nil && s.File.File == "", s.Block != nil && s.Block.Dev == "":
				// A source without its path is none
				// (xml-nvram-source-no-path-*).
				r.NVRAM.EmptySource = true
			case s.File != nil:
				r.NVRAM.Path, r.NVRAM.Source = s.File.File, true
			case s.Block != nil:
				r.NVRAM.Path, r.NVRAM.Source, r.NVRAM.Block = s.Block.Dev, true, true
			case s.Network != nil:
				r.NVRAM.Network = true
				r.NVRAM.NoneProtocol = s.Network.Protocol == "none"
			case s.Dir != nil:
				r.NVRAM.DiskType = "dir"
			case s.Volume != nil:
				// Not a local file: no template is recorded for it
				// (xml-nvram-type-volume).
				r.NVRAM.DiskType, r.NVRAM.Network = "volume", true
			}
		}
	}
	if fi := dom.OS.FirmwareInfo; fi != nil && readsFirmware(ostype) {
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
	// A marked type is refused (Invalid): no launch security; a marked
	// content keeps its type, for the release's type check to come first.
	if typ, lp, refused := refusedLaunchSecurity(dom); refused {
		r.LaunchSecurity, r.launchParse = typ, lp
	} else if _, _, marked := markedLaunchSecurity(dom); !marked && dom.LaunchSecurity != nil {
		ls := dom.LaunchSecurity
		switch {
		case ls.SEV != nil:
			r.LaunchSecurity = "sev"
			if ls.SEV.Policy != nil {
				r.SEVPolicy = uint64(*ls.SEV.Policy)
			}
		case ls.SEVSNP != nil:
			r.LaunchSecurity = "sev-snp"
			if w := ls.SEVSNP.GuestVisibleWorkarounds; w != "" {
				r.snpWorkarounds = glibBase64Len(w) + 1
			}
		case ls.TDX != nil:
			r.LaunchSecurity = "tdx"
			if ls.TDX.Policy != nil {
				r.TDXPolicy = uint64(*ls.TDX.Policy)
			}
		case ls.S390PV != nil:
			r.LaunchSecurity = "s390-pv"
		}
	}
	return r, nil
}

// ParseDomain parses domain XML, as libvirt reads it (LibvirtXML), and
// extracts its Request. Launch security types that libvirtxml models but a
// release does not know are kept as written, so that a profile can reject
// them as the libvirt release would; other types, and a missing one, are in
// Request.Invalid, as every release refuses them.
func ParseDomain(xml []byte) (*libvirtxml.Domain, *Request, error) {
	dom := &libvirtxml.Domain{}
	if err := dom.Unmarshal(string(LibvirtXML(xml))); err != nil {
		return nil, nil, fmt.Errorf("parsing domain XML: %w", err)
	}
	req, err := FromDomain(dom)
	return dom, req, err
}
