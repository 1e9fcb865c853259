package matcher

import (
	"fmt"
	"slices"
	"strings"

	"github.com/fwaudit/fwaudit/descriptor"
)

// Step is the verdict on one descriptor, in libvirt's order.
type Step struct {
	Name     string `json:"name"`
	Path     string `json:"path"`
	Accepted bool   `json:"accepted"`
	// Reason is why the descriptor was skipped (or "matches domain
	// requirements"), worded like libvirt's debug message.
	Reason string `json:"reason"`
}

// Decision is libvirt's answer for one Request.
type Decision struct {
	Profile *Profile
	// Request is the request as matched: machine canonicalised, and the
	// loader format forced to raw for an existing domain.
	Request Request
	// Selected reports whether auto-selection ran at all (it does not for
	// a domain with neither <os firmware> nor a pflash loader).
	Selected bool
	// Chosen is the winning descriptor, or nil.
	Chosen *descriptor.Entry
	// Also lists the other descriptors that would match, in order (the
	// second choice first), whether or not the winner was usable.
	Also []*descriptor.Entry
	// Trace has one step per descriptor considered.
	Trace []Step
	// Err is libvirt's error, prefixed with its category as virsh prints
	// it ("operation failed: ..."), or "" on success. A Decision can have
	// both Chosen and Err: libvirt chose a descriptor and then failed.
	Err string
	// Stage is where libvirt fails: "define" or "start".
	Stage string
	// Legacy is the qemu.conf nvram pair used when a manual loader matched
	// no descriptor, as "CODE:VARS", or "".
	Legacy string

	// manualNVRAM: no selection, but the manual loader gets its NVRAM
	// path as libvirt assigns it at parse time.
	manualNVRAM bool
}

// OK reports whether libvirt would accept the domain.
func (d *Decision) OK() bool { return d.Err == "" }

// MatchOptions refine Match.
type MatchOptions struct {
	// QEMU is the installed QEMU's version, which decides machine aliases
	// (q35 -> pc-q35-X.Y). Empty: the profile's.
	QEMU string
}

// Match predicts libvirt's firmware selection for req over set.
func Match(set *descriptor.Set, req *Request, p *Profile, opts MatchOptions) *Decision {
	if p.Nova {
		return matchNova(set, req, p, opts)
	}
	d := &Decision{Profile: p, Request: *req}
	r := &d.Request
	if req.Loader != nil {
		l := *req.Loader
		r.Loader = &l
	}
	if req.NVRAM != nil {
		n := *req.NVRAM
		r.NVRAM = &n
	}
	d.Stage = "define"
	if p.SelectAtStart {
		d.Stage = "start"
	}
	r.Machine = CanonicalMachine(r.Arch, r.Machine, cmpOr(opts.QEMU, p.QEMU))

	if r.LaunchSecurity != "" && !slices.Contains(p.LaunchSecurityTypes, r.LaunchSecurity) {
		d.Stage = "define"
		d.Err = fmt.Sprintf("XML error: Invalid value for attribute 'type' in element 'launchSecurity': '%s'.", r.LaunchSecurity)
		return d
	}
	if r.FirmwareFeatures && r.Firmware == "" {
		d.Stage = "define"
		d.Err = "cannot use feature-based firmware autoselection when firmware autoselection is disabled"
		return d
	}
	if p.IgnoresFormats {
		if r.Loader != nil {
			r.Loader.Format = ""
		}
		if r.NVRAM != nil {
			r.NVRAM.Format, r.NVRAM.TemplateFormat = "", ""
		}
	}
	if p.EnrolledKeysImplySB && r.FirmwareFeatures && r.EnrolledKeys == Yes && r.SecureBoot == Unset {
		r.SecureBoot = Yes
	}
	if err := preChecks(r, p); err != "" {
		d.Stage = "define"
		d.Err = err
		return d
	}

	auto := r.Firmware != ""
	if !auto && (r.Loader == nil || !slices.Contains(p.ManualSelectTypes, r.Loader.Type)) {
		return d // nothing to select
	}
	if !auto && p.SelectAtStart && r.Loader.Stateless != Yes {
		// libvirt 9.0 consults descriptors for a manual loader only to
		// find a template for an NVRAM file that does not exist yet, and
		// never fails; the oracle pre-creates that file, as a started
		// domain has it.
		d.manualNVRAM = true
		return d
	}
	if auto && r.Existing && !p.SelectAtStart {
		if r.Loader == nil {
			r.Loader = &Loader{}
		}
		if r.Loader.Format == "" {
			r.Loader.Format = "raw"
		}
	}

	if p.LoaderFormatFromNVRAM && r.NVRAM != nil && r.NVRAM.Format != "" && (r.Loader == nil || r.Loader.Format == "") {
		if r.Loader == nil {
			r.Loader = &Loader{}
		}
		r.Loader.Format = r.NVRAM.Format
	}
	d.Selected = true
	if le := set.LookupError(); le != nil {
		d.Err = le.Msg
		return d
	}
	for _, e := range set.Effective() {
		if e.Status == descriptor.StatusInvalid {
			if p.InvalidFailsLookup {
				if e.Data == nil { // the file could not be read
					d.Err = e.Libvirt.Msg
				} else {
					d.Err = "internal error: " + p.Rules.Check(e.Path, e.Data, e.Descriptor).Msg
				}
				d.Chosen, d.Also = nil, nil
				return d
			}
			d.Trace = append(d.Trace, Step{e.Name, e.Path, false, "invalid descriptor skipped: " + e.Libvirt.Msg})
			continue
		}
		reason := matchOne(r, e, p)
		ok := reason == ""
		if ok {
			reason = fmt.Sprintf("Firmware '%s' matches domain requirements", e.Path)
			if d.Chosen == nil {
				d.Chosen = e
			} else {
				d.Also = append(d.Also, e)
			}
		}
		d.Trace = append(d.Trace, Step{e.Name, e.Path, ok, reason})
	}
	if d.Chosen == nil {
		if auto {
			d.Err = fmt.Sprintf(p.NoMatch, r.Firmware)
		} else {
			d.Legacy = legacyPair(r.Loader)
		}
		return d
	}
	d.Err = postChecks(r, d.Chosen.Descriptor, p)
	return d
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// preChecks are the define-time refusals that precede selection.
func preChecks(r *Request, p *Profile) string {
	l := r.Loader
	if p.RefusesLoaderConstraints && r.Firmware == "efi" {
		if l != nil {
			switch {
			case l.Readonly != Unset:
				return "loader attribute 'readonly' cannot be specified when firmware autoselection is enabled"
			case l.Type != "":
				return "loader attribute 'type' cannot be specified when firmware autoselection is enabled"
			case l.Path != "":
				return "loader attribute 'type' cannot be specified when firmware autoselection is enabled"
			case l.Secure == No:
				return "loader attribute 'secure' cannot be specified when firmware autoselection is enabled"
			}
		}
		if r.NVRAM != nil && r.NVRAM.Template != "" {
			return "unsupported configuration: nvram template is not allowed when firmware autoselection is enabled"
		}
	}
	if l != nil {
		if l.Format != "" && l.Format != "raw" && l.Format != "qcow2" && !p.SelectAtStart {
			return fmt.Sprintf("XML error: Unsupported loader format '%s'", l.Format)
		}
	}
	if n := r.NVRAM; n != nil && n.Format != "" && n.Format != "raw" && n.Format != "qcow2" && !p.SelectAtStart {
		return fmt.Sprintf("XML error: Unsupported nvram format '%s'", n.Format)
	}
	if p.ValidatesFirmwareFeatures && r.FirmwareFeatures && r.EnrolledKeys == Yes && r.SecureBoot == No {
		return errEnrolledWithoutSB
	}
	if p.SelectAtStart && r.Firmware == "efi" && needsACPI(r) {
		return errUEFIACPI
	}
	return ""
}

// errUEFIACPI is domain validation's verdict on x86 UEFI without ACPI.
const errUEFIACPI = "unsupported configuration: UEFI requires ACPI on this architecture"

func needsACPI(r *Request) bool {
	return r.NoACPI && (r.Arch == "x86_64" || r.Arch == "i686")
}

// errEnrolledWithoutSB is domain validation's verdict on enrolled keys
// without Secure Boot, whether the domain asks for it or the chosen
// descriptor implies it.
const errEnrolledWithoutSB = "firmware feature 'enrolled-keys' cannot be enabled when firmware feature 'secure-boot' is disabled"

// matchOne is libvirt's per-descriptor predicate (qemuFirmwareMatchDomain):
// it returns "" when e satisfies r, else the reason it is skipped.
func matchOne(r *Request, e *descriptor.Entry, p *Profile) string {
	fw := e.Descriptor
	path := e.Path
	m := &fw.Mapping
	l := r.Loader

	want := descriptor.Interface("")
	switch r.Firmware {
	case "efi":
		want = descriptor.InterfaceUEFI
	case "bios":
		want = descriptor.InterfaceBIOS
	default:
		if l != nil && l.Type == "pflash" {
			want = descriptor.InterfaceUEFI
		}
	}
	if l != nil && l.Type == "rom" && r.Firmware == "" {
		// A manual rom loader (selected by 12.x only) takes either.
		if !fw.HasInterface(descriptor.InterfaceBIOS) && !fw.HasInterface(descriptor.InterfaceUEFI) {
			return fmt.Sprintf("No matching interface in '%s'", path)
		}
	} else if want == "" || !fw.HasInterface(want) {
		return fmt.Sprintf("No matching interface in '%s'", path)
	}

	switch m.Device {
	case descriptor.DeviceFlash:
		if l != nil && l.Path != "" && (m.Executable == nil || l.Path != m.Executable.Filename) {
			return fmt.Sprintf("No matching path in '%s'", path)
		}
		if r.NVRAM != nil && r.NVRAM.Template != "" &&
			(m.EffectiveMode() != descriptor.ModeSplit || m.NVRAMTemplate == nil || r.NVRAM.Template != m.NVRAMTemplate.Filename) {
			return fmt.Sprintf("No matching path in '%s'", path)
		}
	case descriptor.DeviceMemory:
		if l != nil && l.Path != "" && l.Path != m.Filename {
			return fmt.Sprintf("No matching path in '%s'", path)
		}
		if p.MemorySkipsTemplate && r.NVRAM != nil && r.NVRAM.Template != "" {
			return fmt.Sprintf("No matching path in '%s'", path)
		}
	case descriptor.DeviceKernel:
		if r.Kernel != "" && r.Kernel != m.Filename {
			return fmt.Sprintf("No matching path in '%s'", path)
		}
	}

	if !matchesMachine(fw, p.Rules, r.Arch, r.Machine) {
		return fmt.Sprintf("No matching machine type in '%s'", path)
	}

	has := func(f descriptor.Feature) bool { return p.Rules.KnowsFeature(f) && fw.Has(f) }
	if r.S3 == Yes && !has(descriptor.FeatureACPIS3) {
		return fmt.Sprintf("Domain requires S3, firmware '%s' doesn't support it", path)
	}
	if r.S4 == Yes && !has(descriptor.FeatureACPIS4) {
		return fmt.Sprintf("Domain requires S4, firmware '%s' doesn't support it", path)
	}
	if r.FirmwareFeatures {
		sb, ek := r.SecureBoot, r.EnrolledKeys
		switch {
		case sb == Yes && !has(descriptor.FeatureSecureBoot):
			return fmt.Sprintf("User requested Secure Boot, firmware '%s' doesn't support it", path)
		case sb == No && has(descriptor.FeatureSecureBoot):
			return fmt.Sprintf("User refused Secure Boot, firmware '%s' supports it", path)
		case ek == Yes && !has(descriptor.FeatureEnrolledKeys):
			return fmt.Sprintf("User requested Enrolled keys, firmware '%s' doesn't have them", path)
		case ek == No && has(descriptor.FeatureEnrolledKeys):
			return fmt.Sprintf("User refused Enrolled keys, firmware '%s' has them", path)
		}
	}

	smm := has(descriptor.FeatureRequiresSMM)
	if smm {
		if p.SMMOffFilters && r.SMM == No {
			return fmt.Sprintf("Domain explicitly disables SMM, but firmware '%s' requires it to be enabled", path)
		}
		if p.SecureNoFilters && l != nil && l.Secure == No {
			return fmt.Sprintf("Domain doesn't restrict pflash programming to SMM, but firmware '%s' requires use of SMM", path)
		}
	} else if l != nil && l.Secure == Yes {
		return fmt.Sprintf("Domain restricts pflash programming to SMM, but firmware '%s' doesn't support SMM", path)
	}

	switch m.Device {
	case descriptor.DeviceFlash:
		if reason := matchFlash(r, m, p); reason != "" {
			return reason
		}
	case descriptor.DeviceMemory:
		if p.MemoryChecksLoader && l != nil {
			if l.Type != "" && l.Type != "rom" {
				return "Discarding rom loader"
			}
			if l.Readonly == No {
				return "Discarding readonly loader"
			}
		}
	}

	switch r.LaunchSecurity {
	case "sev":
		if !has(descriptor.FeatureAMDSEV) {
			return fmt.Sprintf("Domain requires SEV, firmware '%s' doesn't support it", path)
		}
		if r.SEVPolicy&0x4 != 0 && !has(descriptor.FeatureAMDSEVES) {
			return fmt.Sprintf("Domain requires SEV-ES, firmware '%s' doesn't support it", path)
		}
	case "sev-snp":
		if !has(descriptor.FeatureAMDSEVSNP) {
			return fmt.Sprintf("Domain requires SEV-SNP firmware '%s' doesn't support it", path)
		}
	case "tdx":
		if !has(descriptor.FeatureIntelTDX) {
			return fmt.Sprintf("Domain requires TDX, firmware '%s' doesn't support it", path)
		}
	}
	return ""
}

func matchFlash(r *Request, m *descriptor.Mapping, p *Profile) string {
	l := r.Loader
	if p.FlashChecksLoaderType && l != nil && l.Type != "" && l.Type != "pflash" {
		return "Discarding flash loader"
	}
	mode := m.EffectiveMode()
	stateless := l != nil && l.Stateless == Yes
	switch {
	case stateless && mode != descriptor.ModeStateless:
		return "Discarding loader without stateless flash"
	case !stateless && mode != descriptor.ModeSplit:
		if !p.NonSplitSelectable || (l != nil && l.Stateless == No && mode == descriptor.ModeStateless) {
			return "Discarding loader without split flash"
		}
	}
	if l != nil && l.Readonly == No && mode != descriptor.ModeCombined {
		return "Discarding readonly loader"
	}
	if !p.FormatFilters {
		return ""
	}
	exe := m.Executable
	if exe.Format != "raw" && exe.Format != "qcow2" {
		return fmt.Sprintf("Discarding loader with unsupported flash format '%s'", exe.Format)
	}
	if l != nil && l.Format != "" && l.Format != exe.Format {
		return fmt.Sprintf("Discarding loader with mismatching flash format '%s' != '%s'", exe.Format, l.Format)
	}
	if mode == descriptor.ModeSplit {
		t := m.NVRAMTemplate
		if t.Format != "raw" && t.Format != "qcow2" {
			return fmt.Sprintf("Discarding loader with unsupported nvram template format '%s'", t.Format)
		}
		if p.NVRAMFormatFilters && r.NVRAM != nil && r.NVRAM.Format != "" && r.NVRAM.Format != t.Format {
			return fmt.Sprintf("Discarding loader with mismatching nvram template format '%s' != '%s'", t.Format, r.NVRAM.Format)
		}
	}
	return ""
}

// matchesMachine is libvirt's arch + machine-glob test.
func matchesMachine(fw *descriptor.Descriptor, rules *descriptor.Rules, arch, machine string) bool {
	for _, t := range fw.Targets {
		if a, ok := rules.Arch(t.Architecture); !ok || a != arch {
			continue
		}
		for _, pat := range t.Machines {
			if GlobMatch(pat, machine) {
				return true
			}
		}
	}
	return false
}

// postChecks are the failures that follow a choice: the old release's hard
// errors, and the newer releases' validation of the filled-in domain (they
// never go back to try the next descriptor).
func postChecks(r *Request, fw *descriptor.Descriptor, p *Profile) string {
	m := &fw.Mapping
	has := func(f descriptor.Feature) bool { return p.Rules.KnowsFeature(f) && fw.Has(f) }
	if !p.FormatFilters && m.Device == descriptor.DeviceFlash {
		if m.Executable.Format != "raw" {
			return fmt.Sprintf("Operation not supported: unsupported flash format '%s'", m.Executable.Format)
		}
		if m.NVRAMTemplate != nil && m.NVRAMTemplate.Format != "raw" {
			return fmt.Sprintf("Operation not supported: unsupported nvram template format '%s'", m.NVRAMTemplate.Format)
		}
	}
	if has(descriptor.FeatureRequiresSMM) {
		if !p.SMMOffFilters && r.SMM == No {
			return "Requested operation is not valid: domain has SMM turned off but chosen firmware requires it"
		}
		if !p.SelectAtStart {
			// The loader becomes secure='yes', which domain validation
			// allows only on x86_64 q35.
			if !isQ35(r.Machine) {
				return "unsupported configuration: Secure boot is supported with q35 machine types only"
			}
			if r.Arch != "x86_64" {
				return "unsupported configuration: Secure boot is supported for x86_64 architecture only"
			}
		}
	}
	if p.WriteFirmwareFeatures && has(descriptor.FeatureEnrolledKeys) && !has(descriptor.FeatureSecureBoot) && r.Firmware != "" {
		return errEnrolledWithoutSB
	}
	if p.BIOSNVRAM != "" && cmpOr(r.Firmware, osFirmwareOf(fw)) == "bios" && m.Device == descriptor.DeviceFlash && m.EffectiveMode() == descriptor.ModeSplit {
		return p.BIOSNVRAM
	}
	if !p.SelectAtStart && cmpOr(r.Firmware, osFirmwareOf(fw)) == "efi" && needsACPI(r) {
		return errUEFIACPI
	}
	if r.LaunchSecurity == "tdx" {
		if m.Device == descriptor.DeviceFlash {
			return "unsupported configuration: Intel TDX launch security is not supported with pflash loader"
		}
		if r.SMM == Yes || has(descriptor.FeatureRequiresSMM) {
			return "unsupported configuration: Intel TDX launch security is not supported with SMM enabled"
		}
	}
	return ""
}

// osFirmwareOf is the <os firmware> a release that persists the choice
// writes for a manual loader: the descriptor's first bios or uefi interface.
func osFirmwareOf(fw *descriptor.Descriptor) string {
	for _, it := range fw.InterfaceTypes {
		switch it {
		case descriptor.InterfaceUEFI:
			return "efi"
		case descriptor.InterfaceBIOS:
			return "bios"
		}
	}
	return ""
}

func isQ35(machine string) bool {
	return machine == "q35" || strings.HasPrefix(machine, "pc-q35-")
}

// legacyPairs are libvirt's built-in qemu.conf nvram list as Debian builds it,
// consulted for a manual pflash loader no descriptor matches.
var legacyPairs = []string{
	"/usr/share/OVMF/OVMF_CODE.fd:/usr/share/OVMF/OVMF_VARS.fd",
	"/usr/share/OVMF/OVMF_CODE.secboot.fd:/usr/share/OVMF/OVMF_VARS.fd",
	"/usr/share/AAVMF/AAVMF_CODE.fd:/usr/share/AAVMF/AAVMF_VARS.fd",
	"/usr/share/AAVMF/AAVMF32_CODE.fd:/usr/share/AAVMF/AAVMF32_VARS.fd",
}

func legacyPair(l *Loader) string {
	if l == nil || l.Type != "pflash" || l.Readonly == No || l.Stateless == Yes || (l.Format != "" && l.Format != "raw") {
		return ""
	}
	for _, pair := range legacyPairs {
		if code, _, _ := strings.Cut(pair, ":"); code == l.Path {
			return pair
		}
	}
	return ""
}
