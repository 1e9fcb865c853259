package matcher

import (
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/hostfs"
)

// The checks below are libvirt's define-time refusals, each returning
// libvirt's message or "" when the definition passes. Profiles list, per
// phase, the checks their release runs and in which order (the first
// failing one is the error libvirt reports), because releases moved checks
// between XML parsing, the post-parse step that selects firmware, and
// validation. A check is named by a typed constant (check), which the
// compiler checks; vstate.run is a switch over it rather than a table of
// functions so that the state the checks read stays on the stack: Match
// allocates nothing.

// check identifies one of the checks below.
type check uint8

// The checks, grouped by the libvirt phase that first ran them; a Profile
// may run one in another phase.
const (
	_ check = iota
	// Parsing.
	checkLoaderFormat
	checkNVRAMFormat
	checkFormatMismatch
	checkArch
	checkEmulator
	checkNoTCGCrash
	checkLaunchSecurity
	checkFeaturesAutoselect
	checkROMFormat
	// Attribute values the XML parser refuses (Request.Invalid), by the
	// part of the definition it parses them in.
	checkXMLDomain
	checkXMLUSB
	checkXMLFirmware
	checkXMLLoader
	checkXMLFeatures
	// The <os> checks of generic domain validation (or, in later
	// releases, of parsing).
	checkEnrolledKeys
	checkAutoselectLoader
	checkNoLoaderPath
	checkBIOSNVRAM
	checkROMRW
	checkRWNVRAM
	checkStatelessNVRAM
	checkStatelessNo
	// The QEMU driver's validation.
	checkUSBDisabled
	checkOSType
	checkVirtType
	checkMachine
	checkACPI
	checkPM
	checkEnrolledKeysWritten
	checkTDX
	checkMicrovmPCI
	checkMicrovmPCIRoot
	checkMachineACPI
	checkPCIMachine
	checkS390PV
	checkTemplateFormat
	checkNVRAMType
	checkNVRAMDiskType
	checkSNPWorkarounds
	checkSecureBoot
	checkVMPort
	checkDefaultVideo
	checkMicrovmBinaryDevices
	checkRWNVRAMUntyped
	numChecks // not a check: the number of check values
)

// checkNames are the checks' names, as tests and panics print them.
var checkNames = [numChecks]string{
	checkLoaderFormat:         "loader-format",
	checkNVRAMFormat:          "nvram-format",
	checkFormatMismatch:       "format-mismatch",
	checkArch:                 "arch",
	checkEmulator:             "emulator",
	checkNoTCGCrash:           "no-tcg-crash",
	checkLaunchSecurity:       "launch-security",
	checkFeaturesAutoselect:   "features-autoselect",
	checkROMFormat:            "rom-format",
	checkEnrolledKeys:         "enrolled-keys",
	checkAutoselectLoader:     "autoselect-loader",
	checkNoLoaderPath:         "no-loader-path",
	checkBIOSNVRAM:            "bios-nvram",
	checkROMRW:                "rom-rw",
	checkRWNVRAM:              "rw-nvram",
	checkRWNVRAMUntyped:       "rw-nvram-untyped",
	checkStatelessNVRAM:       "stateless-nvram",
	checkStatelessNo:          "stateless-no",
	checkOSType:               "os-type",
	checkVirtType:             "virt-type",
	checkMachine:              "machine",
	checkACPI:                 "acpi",
	checkPM:                   "pm",
	checkEnrolledKeysWritten:  "enrolled-keys-written",
	checkTDX:                  "tdx",
	checkMicrovmPCI:           "microvm-pci",
	checkMicrovmPCIRoot:       "microvm-pci-root",
	checkMachineACPI:          "machine-acpi",
	checkPCIMachine:           "pci-machine",
	checkS390PV:               "s390-pv",
	checkTemplateFormat:       "template-format",
	checkNVRAMType:            "nvram-type",
	checkNVRAMDiskType:        "nvram-disk-type",
	checkSNPWorkarounds:       "snp-workarounds",
	checkSecureBoot:           "secure-boot",
	checkVMPort:               "vmport",
	checkDefaultVideo:         "default-video",
	checkMicrovmBinaryDevices: "microvm-binary-devices",
	checkXMLDomain:            "xml-domain",
	checkXMLUSB:               "xml-usb",
	checkUSBDisabled:          "usb-disabled",
	checkXMLFirmware:          "xml-firmware",
	checkXMLLoader:            "xml-loader",
	checkXMLFeatures:          "xml-features",
}

// String returns the check's name ("bios-nvram").
func (c check) String() string {
	if c > 0 && c < numChecks {
		return checkNames[c]
	}
	return fmt.Sprintf("check(%d)", uint8(c))
}

// vstate is what the checks read: the domain as requested, or as it
// stands after selection filled it in.
type vstate struct {
	arch, machine, firmware string
	hasLoader               bool // a <loader> element
	loader                  Loader
	template                string // <nvram template>
	nvramFile               bool   // <nvram> names a file or a network source
	nvramSource             bool   // libvirt keeps an NVRAM source: a file, a network source or just a format
	nvram                   bool   // an <nvram> element with something in it
	nvramElement            bool   // any <nvram> element, even an empty one
	nvramFormat             string
	templateFormat          string // <nvram templateFormat>
	nvramDiskType           string // NVRAM.DiskType
	smm                     Tristate
	noACPI                  bool
	s3, s4                  Tristate
	features                bool // <os><firmware> given
	sb, ek                  Tristate
	emulator                string
	osType                  string
	virtType                string
	host                    host
	// archKnown is p.Rules.KnowsArch(arch), asked once per Match: 0 not
	// asked yet, 1 known, 2 unknown.
	archKnown      int8
	files          fs.FS // the host's, for the emulator; nil: any emulator is there
	launchSecurity string
	launchParse    launchParse // Request.launchParse
	tdxPolicy      uint64
	snpWorkarounds int // Request.snpWorkarounds
	devices        Devices
	vmport         bool
	attrs          []AttrError // Request.Invalid
	// ekWithoutSB: the chosen descriptor has enrolled keys without Secure
	// Boot and libvirt writes those features for an <os firmware> request.
	ekWithoutSB bool
}

// requested is the state before selection.
func requested(r *Request) vstate {
	v := vstate{arch: r.Arch, machine: r.Machine, firmware: r.Firmware, smm: r.SMM,
		noACPI: r.NoACPI, s3: r.S3, s4: r.S4, features: r.FirmwareFeatures, sb: r.SecureBoot, ek: r.EnrolledKeys,
		emulator: r.Emulator, devices: r.Devices, vmport: r.VMPort, attrs: r.Invalid, osType: r.OSType, virtType: r.VirtType}
	if r.Loader != nil {
		v.hasLoader, v.loader = true, *r.Loader
	}
	v.launchSecurity, v.launchParse, v.tdxPolicy, v.snpWorkarounds = r.LaunchSecurity, r.launchParse, r.TDXPolicy, r.snpWorkarounds
	if n := r.NVRAM; n != nil {
		v.nvramElement = true
		// An element left empty (9.0 drops the format attributes it does
		// not know) is no element at all.
		v.nvram = n.Template != "" || n.Path != "" || n.Network || n.Format != "" || n.TemplateFormat != ""
		v.template = n.Template
		v.nvramFormat = n.Format
		v.templateFormat = n.TemplateFormat
		v.nvramDiskType = n.DiskType
		v.nvramFile = n.Path != "" || n.Network
		v.nvramSource = v.nvramFile || n.Format != ""
	}
	return v
}

// selected is the state after fw was chosen for r, as validation sees it.
func selected(r *Request, fw *descriptor.Descriptor, p *Profile) vstate {
	v := requested(r)
	v.hasLoader = true
	l := &v.loader
	m := &fw.Mapping
	switch m.Device {
	case descriptor.DeviceFlash:
		l.Type, l.Readonly = "pflash", Yes
		switch m.EffectiveMode() {
		case descriptor.ModeCombined:
			l.Readonly = No
		case descriptor.ModeStateless:
			l.Stateless = Yes
		case descriptor.ModeSplit:
			if recordsTemplate(m, r, p) {
				v.template = m.NVRAMTemplate.Filename
				v.nvram = true
			}
		}
	case descriptor.DeviceMemory:
		l.Type = "rom"
	}
	if known(fw, p, descriptor.FeatureRequiresSMM) {
		l.Secure = Yes
		if v.smm == Unset {
			v.smm = Yes
		}
	}
	if v.firmware == "" && !p.Selection.AtStart {
		v.firmware = osFirmwareOf(fw)
	}
	// The features are written wherever <os firmware> ends up set, by the
	// request or, for a manual loader, by the selection.
	v.ekWithoutSB = p.Writes.FirmwareFeatures && v.firmware != "" && writesEnrolledKeys(m, r, p) &&
		known(fw, p, descriptor.FeatureEnrolledKeys) && !known(fw, p, descriptor.FeatureSecureBoot)
	return v
}

// known reports whether fw has feature f as the release sees it (a feature
// the release does not know is as good as absent).
func known(fw *descriptor.Descriptor, p *Profile, f descriptor.Feature) bool {
	return fw.Has(f) && p.Rules.KnowsFeature(f)
}

// recordsTemplate reports whether libvirt records the chosen flash's NVRAM
// template: for split flash, unless the NVRAM is a network source (which
// 9.0 gives a template all the same).
func recordsTemplate(m *descriptor.Mapping, r *Request, p *Profile) bool {
	return m.Device == descriptor.DeviceFlash && m.EffectiveMode() == descriptor.ModeSplit && m.NVRAMTemplate != nil &&
		(r.NVRAM == nil || !r.NVRAM.Network || p.Writes.NetworkNVRAMTemplate)
}

// writesEnrolledKeys reports whether libvirt writes the enrolled-keys
// firmware feature for the chosen descriptor: not for a stateful flash
// whose template it does not record (network NVRAM, combined flash).
func writesEnrolledKeys(m *descriptor.Mapping, r *Request, p *Profile) bool {
	return m.Device != descriptor.DeviceFlash || m.EffectiveMode() == descriptor.ModeStateless || recordsTemplate(m, r, p)
}

// run runs check c on v.
func (v *vstate) run(c check, p *Profile) string {
	switch c {
	// Parsing.
	case checkXMLDomain:
		return v.invalid(partDomain)
	case checkXMLUSB:
		// The devices' parse, with <controller type='usb' model='none'/>
		// (usb-tablet-usb-none, usb-hostdev-usb-none).
		switch dv := &v.devices; {
		case dv.NoUSB && dv.USBInput:
			return "unsupported configuration: Can't add USB input device. USB bus is disabled"
		case dv.NoUSB && dv.USBHostdev:
			return "unsupported configuration: Can't add host USB device: USB is disabled in this host"
		}
		return ""
	case checkUSBDisabled:
		// Without a USB controller, given as none or, for q35 on an
		// emulator without TCG, never added (9.0: live-8700-20; i440fx
		// gets its PIIX3 controller all the same, live-9400-88), any USB
		// device.
		dv := &v.devices
		noUSB := dv.NoUSB || (v.host.noTCG && isQ35(v.machine) && !dv.USBController)
		if noUSB && (dv.USBOther || dv.USBInput || dv.USBHostdev) {
			return "unsupported configuration: USB is disabled for this domain, but USB devices are present in the domain XML"
		}
		return ""
	case checkXMLFirmware:
		return v.invalid(partFirmware)
	case checkXMLLoader:
		return v.invalid(partLoader)
	case checkXMLFeatures:
		return v.invalid(partFeatures)
	case checkLoaderFormat:
		if msg := v.invalid(partLoaderFormat); msg != "" {
			return msg
		}
		if l := &v.loader; v.hasLoader && l.Format != "" && l.Format != "raw" && l.Format != "qcow2" {
			return fmt.Sprintf("XML error: Unsupported loader format '%s'", l.Format)
		}
		return ""
	case checkTemplateFormat:
		// 11.3 and later read <nvram templateFormat> before its format
		// (xml-nvram-template-format-*); 9.0 and 10.0 do not read it.
		if p.Parsing.IgnoresFormats || p.Parsing.NoTemplateFormat {
			return ""
		}
		if msg := v.invalid(partTemplateFormat); msg != "" {
			return msg
		}
		if tf := v.templateFormat; tf != "" && tf != "raw" && tf != "qcow2" {
			return fmt.Sprintf("XML error: Unsupported nvram template format '%s'", tf)
		}
		return ""
	case checkNVRAMType:
		// After the NVRAM's formats, before the loader
		// (xml-nvram-type-*).
		return v.invalid(partNVRAMType)
	case checkNVRAMDiskType:
		// A source type the release cannot use for an NVRAM (9.0 at
		// define; the others after selecting: xml-nvram-type-dir).
		if v.nvramDiskType != "" && slices.Contains(p.Checks.UnsupportedNVRAMTypes, v.nvramDiskType) {
			return fmt.Sprintf("unsupported configuration: unsupported nvram disk type '%s'", v.nvramDiskType)
		}
		return ""
	case checkNVRAMFormat:
		if msg := v.invalid(partNVRAMFormat); msg != "" {
			return msg
		}
		if v.nvramFormat != "" && v.nvramFormat != "raw" && v.nvramFormat != "qcow2" {
			return fmt.Sprintf("XML error: Unsupported nvram format '%s'", v.nvramFormat)
		}
		return ""
	case checkFormatMismatch:
		if l := &v.loader; v.hasLoader && l.Format != "" && v.nvramFormat != "" && l.Format != v.nvramFormat {
			return fmt.Sprintf("XML error: Format mismatch: loader.format='%s' nvram.format='%s'", l.Format, v.nvramFormat)
		}
		return ""
	case checkArch:
		// <os><type arch> is parsed first.
		if v.arch != "" && !knownArch(&v.archKnown, p.Rules, v.arch) {
			return fmt.Sprintf("unsupported configuration: Unknown architecture %s", v.arch)
		}
		return ""
	case checkEmulator:
		// Post-parse reads the emulator's capabilities; the host decides.
		if v.files == nil {
			return ""
		}
		if v.emulator != "" {
			if !exists(v.files, v.emulator) {
				return fmt.Sprintf("Cannot check QEMU binary %s: No such file or directory", v.emulator)
			}
		} else if !exists(v.files, emulatorFor(&Request{Arch: v.arch})) {
			return fmt.Sprintf("unsupported configuration: No emulator found for arch '%s'", v.arch)
		}
		return ""
	case checkNoTCGCrash:
		// Post-parse, right after the emulator's capabilities are
		// looked up: before the feature and loader checks
		// (emulator-microvm-binary-*, live-9000-46).
		// A domain of any other type too (emulator-microvm-binary-kvm-*,
		// emulator-microvm-binary-dtype-*, live-11200-5).
		if p.Selection.CrashesWithoutTCG && v.host.tcgLess {
			return ErrDaemonCrashed
		}
		return ""
	case checkLaunchSecurity:
		// Parsed after <os>: its format errors come first.
		if msg := v.invalid(partLaunchSecurity); msg != "" {
			return msg
		}
		if v.launchSecurity != "" && !slices.Contains(p.Checks.LaunchSecurityTypes, v.launchSecurity) {
			return fmt.Sprintf("XML error: Invalid value for attribute 'type' in element 'launchSecurity': '%s'.", v.launchSecurity)
		}
		// Then what is inside it: kernelHashes, and the policy before
		// or after <cbitpos> and <reducedPhysBits> (xml-launchsec-*).
		return v.launchParse.err(v.launchSecurity, p.Parsing.LaunchPolicyFirst)
	case checkSNPWorkarounds:
		// 11.3 and later, after selecting (xml-launchsec-snp-workarounds-*).
		if v.launchSecurity == "sev-snp" && v.snpWorkarounds > 0 && v.snpWorkarounds-1 != 16 {
			return fmt.Sprintf("unsupported configuration: Unexpected length of 'guestVisibleWorkarounds', expected 16 got %d", v.snpWorkarounds-1)
		}
		return ""
	case checkS390PV:
		// No x86 or Arm QEMU runs s390 protected guests (the oracles have
		// no s390x emulator: xml-launchsec-s390-pv).
		if v.launchSecurity == "s390-pv" && v.arch != "s390x" {
			return p.Checks.Messages.S390PV
		}
		return ""
	case checkFeaturesAutoselect:
		if v.features && v.firmware == "" {
			return "cannot use feature-based firmware autoselection when firmware autoselection is disabled"
		}
		return ""
	case checkROMFormat:
		if l := &v.loader; v.romLoader() && l.Format != "" && l.Format != "raw" {
			return fmt.Sprintf("Invalid format '%s' for ROM loader type", l.Format)
		}
		return ""

	// The <os> checks of generic domain validation (or, in later
	// releases, of parsing).
	case checkEnrolledKeys:
		if v.features && v.ek == Yes && v.sb == No {
			return errEnrolledWithoutSB
		}
		return ""
	case checkAutoselectLoader:
		if v.firmware == "" {
			return ""
		}
		const f = "loader attribute '%s' cannot be specified when firmware autoselection is enabled"
		if l := &v.loader; v.hasLoader {
			switch {
			case l.Readonly != Unset:
				return fmt.Sprintf(f, "readonly")
			case l.Type != "", l.Path != "":
				return fmt.Sprintf(f, "type")
			}
		}
		if v.template != "" {
			return "nvram attribute 'template' cannot be specified when firmware autoselection is enabled"
		}
		if l := &v.loader; v.hasLoader && l.Secure == No {
			return fmt.Sprintf(f, "secure")
		}
		return ""
	case checkNoLoaderPath:
		// An <nvram> element makes a loader of its own.
		if v.firmware == "" && (v.hasLoader || v.nvramElement) && v.loader.Path == "" {
			return "no loader path specified and firmware auto selection disabled"
		}
		return ""
	case checkBIOSNVRAM:
		if v.firmware != "" && v.firmware != "efi" && v.nvram {
			return p.Checks.Messages.BIOSNVRAM
		}
		return ""
	case checkROMRW:
		if l := &v.loader; v.romLoader() && l.Readonly == No {
			return "ROM loader type cannot be used as read/write"
		}
		return ""
	case checkRWNVRAMUntyped:
		// 12.8's parse-time read/write NVRAM refusal meets an untyped
		// loader before post-parse makes it a ROM (live-fit-12300-19); a
		// type='rom' one is refused as a read/write ROM first
		// (live-manual-rom-rw-nvram, live-rom-rw-and-qcow2).
		if l := &v.loader; v.romLoader() && l.Type == "" && l.Readonly == No && (v.template != "" || v.nvramSource) {
			return p.Checks.Messages.RWNVRAM
		}
		return ""
	case checkRWNVRAM:
		if l := &v.loader; v.hasLoader && l.Readonly == No {
			if v.template != "" {
				return p.Checks.Messages.RWTemplate
			}
			if v.nvramSource {
				return p.Checks.Messages.RWNVRAM
			}
		}
		return ""
	case checkStatelessNVRAM:
		if l := &v.loader; v.hasLoader && l.Stateless == Yes {
			if v.template != "" {
				return p.Checks.Messages.StatelessTemplate
			}
			if v.nvramSource {
				return p.Checks.Messages.StatelessNVRAM
			}
		}
		return ""
	case checkStatelessNo:
		if l := &v.loader; v.hasLoader && l.Stateless == No {
			switch {
			case v.firmware == "" && l.Type != "pflash":
				return "Only pflash loader type permits NVRAM"
			case v.firmware != "" && v.firmware != "efi":
				return "Only EFI firmware permits NVRAM"
			}
		}
		return ""

	// The QEMU driver's validation.
	case checkOSType:
		if v.osType != "" && v.osType != "hvm" {
			return fmt.Sprintf("unsupported configuration: Emulator '%s' does not support os type '%s'", emulatorFor(&Request{Arch: v.arch, Emulator: v.emulator}), v.osType)
		}
		return ""
	case checkVirtType:
		if v.host.badVirtType {
			return fmt.Sprintf("unsupported configuration: Emulator '%s' does not support virt type '%s'", emulatorFor(&Request{Arch: v.arch, Emulator: v.emulator}), v.virtType)
		}
		return ""
	case checkMachine:
		if v.host.badMachine {
			return errMachine(emulatorFor(&Request{Arch: v.arch, Emulator: v.emulator}), v.machine)
		}
		return ""
	case checkMachineACPI:
		// The machine list says the type has no ACPI (aarch64 sbsa-ref,
		// the BMC boards, ...): <acpi/> is refused (10.0 and later).
		if v.host.machineNoACPI && !v.noACPI {
			return fmt.Sprintf("unsupported configuration: machine type '%s' does not support ACPI", v.machine)
		}
		return ""
	case checkPCIMachine:
		// 12.x: an x86 machine type other than the PC ones, microvm and
		// isapc is taken to support PCI, and none of its controllers is
		// added, whatever the domain declares (mach-pci-*).
		if isX86(v.arch) && !isQ35(v.machine) && !isI440FX(v.machine) && v.machine != "microvm" && v.machine != "isapc" {
			return fmt.Sprintf("internal error: Machine type '%s' supports PCI but no PCI controller added", v.machine)
		}
		return ""
	case checkACPI:
		uefi := v.firmware == "efi" || (v.hasLoader && v.loader.Type == "pflash")
		switch {
		case (v.arch == "x86_64" || v.arch == "i686") && uefi && v.noACPI:
			return errUEFIACPI
		case v.arch == "aarch64" && !uefi && !v.noACPI:
			return "unsupported configuration: ACPI requires UEFI on this architecture"
		}
		return ""
	case checkPM:
		if v.s3 == Unset && v.s4 == Unset {
			return ""
		}
		// microvm too, in every release (9.0-11.3 show it once the
		// domain's devices leave microvm room: live-microvm-pm-*).
		if (v.arch == "x86_64" || v.arch == "i686") && (isQ35(v.machine) || isI440FX(v.machine) || v.machine == "microvm") {
			return ""
		}
		if p.Checks.Messages.PM != "" {
			return p.Checks.Messages.PM
		}
		if v.s3 != Unset {
			return "unsupported configuration: setting ACPI S3 not supported"
		}
		return "unsupported configuration: setting ACPI S4 not supported"
	case checkEnrolledKeysWritten:
		if v.ekWithoutSB {
			return errEnrolledWithoutSB
		}
		return ""
	case checkTDX:
		if v.launchSecurity != "tdx" {
			return ""
		}
		if v.tdxPolicy&^(1|1<<28) != 0 {
			// Before SMM (xml-launchsec-tdx-policy-bits-smm).
			return "unsupported configuration: Only bit0(debug) and bit28(sept-ve-disable) are supported intel TDX launch security policy"
		}
		if v.smm == Yes {
			return "unsupported configuration: Intel TDX launch security is not supported with SMM enabled"
		}
		if v.hasLoader && v.loader.Type == "pflash" {
			return "unsupported configuration: Intel TDX launch security is not supported with pflash loader"
		}
		return ""
	case checkDefaultVideo:
		// Device post-parse: a <video> without a model (or the one
		// libvirt adds for <graphics>) takes cirrus, else VGA, on x86;
		// an emulator with neither leaves it without one (live-10100-149,
		// the microvm binary). Seen for a kvm q35 domain only: a qemu one
		// is refused its virt type first, an i440fx one its machine, and
		// a microvm one gets a video that wants a PCI bus
		// (emulator-microvm-binary-{q35,kvm-i440fx,kvm-microvm}-graphics,
		// live-10100-64).
		if v.host.videoModels != nil && v.virtType == "kvm" && isQ35(v.machine) && isX86(v.arch) && slices.Contains(v.devices.Videos, "") &&
			!slices.Contains(v.host.videoModels, "cirrus") && !slices.Contains(v.host.videoModels, "vga") {
			return "internal error: missing video model and cannot determine default"
		}
		return ""
	case checkMicrovmBinaryDevices:
		if !v.host.tcgLess || v.virtType != "kvm" || !isQ35(v.machine) {
			return ""
		}
		// Device validation meets the videos before the controllers
		// address assignment added: a model the emulator lacks is
		// refused first (live-10100-149: bochs on the microvm binary).
		if v.host.videoModels != nil {
			for _, m := range v.devices.Videos {
				if !slices.Contains(v.host.videoModels, m) {
					return fmt.Sprintf("unsupported configuration: domain configuration does not support video model '%s'", m)
				}
			}
		}
		// Address assignment on q35 wants a DMI-to-PCI bridge, which
		// the microvm build lacks, and validation refuses it
		// (emulator-microvm-binary-kvm-q35, live-9200-107; 9.0 and 10.0,
		// later releases crash first). A stored definition is loaded
		// and refused at its start (existing-emulator-microvm-binary-kvm-*).
		return "unsupported configuration: The 'i82801b11-bridge' device is not supported by this QEMU binary"
	case checkMicrovmPCI:
		// Address assignment: a device that wants a PCI slot on an x86
		// machine without a PCI bus of its own (microvm, isapc, and any
		// type but the PC ones: ' q35', Q35, pc-q35, none; mach-pci-*)
		// and without a declared PCI root. Releases before 12.x add a
		// USB controller and a memory balloon by default, both PCI.
		dv := &v.devices
		if isX86(v.arch) && !isQ35(v.machine) && !isI440FX(v.machine) && !dv.PCIRoot && (dv.PCI || (p.Checks.MicrovmDefaults && (!dv.NoUSB || !dv.NoBalloon))) {
			return "XML error: No PCI buses available"
		}
		// An aarch64 machine other than virt has no PCI bus either where
		// the release says so (Checks.PCIOnlyAArch64Virt; live-12200-144:
		// sbsa-ref, and raspi3b by hand).
		if p.Checks.PCIOnlyAArch64Virt && v.arch == "aarch64" && !strings.HasPrefix(v.machine, "virt") && !dv.PCIRoot && dv.PCI {
			return "XML error: No PCI buses available"
		}
		return ""
	case checkMicrovmPCIRoot:
		// Device validation (12.x): a microvm domain may not declare a
		// PCI root controller at all, whether or not anything uses it.
		// A USB controller that needs PCI and comes before the root is
		// met first (live-5000-337).
		if v.machine == "microvm" && v.devices.PCIRoot {
			if m := v.devices.USBBeforeRoot; m != "" {
				return fmt.Sprintf("unsupported configuration: USB controller model '%s' requires PCI but machine type 'microvm' does not support PCI", m)
			}
			return "unsupported configuration: Machine type 'microvm' does not support PCI"
		}
		return ""
	case checkVMPort:
		// QEMU's vmport exists on the PC machines only; the capability
		// it also asks for is in every QEMU the releases support
		// (live-5000-224, -371: microvm, and aarch64 virt, refused by
		// all four oracles; pc and q35 accepted).
		if v.vmport && !isI440FX(v.machine) && !isQ35(v.machine) && v.machine != "isapc" {
			return "unsupported configuration: vmport is not available with this QEMU binary"
		}
		return ""
	case checkSecureBoot:
		if !v.hasLoader || v.loader.Secure != Yes {
			return ""
		}
		switch {
		case !isQ35(v.machine):
			return "unsupported configuration: Secure boot is supported with q35 machine types only"
		case v.arch != "x86_64":
			return "unsupported configuration: Secure boot is supported for x86_64 architecture only"
		case v.smm != Yes && v.firmware == "":
			// With <os firmware> the selection turns SMM on.
			return "unsupported configuration: Secure boot requires SMM feature enabled"
		}
		return ""
	}
	panic("matcher: unknown check " + c.String())
}

// host is what the QEMU driver's checks know of the host beyond its
// files, worked out once per Match.
type host struct {
	// badMachine: the emulator has no such machine type.
	badMachine bool
	// machineNoACPI: the emulator's machine list says the type has no
	// ACPI (checkMachineACPI).
	machineNoACPI bool
	// badVirtType: the emulator does not run guests of the domain type
	// here (it runs qemu always, kvm where the host's KVM runs the
	// architecture).
	badVirtType bool
	// noTCG: the emulator has no TCG (Profile.NoTCGEmulators) for a qemu
	// domain, and so no default USB controller either.
	noTCG bool
	// tcgLess: the emulator is one of those, whatever the domain type.
	tcgLess bool
	// videoModels: the video models the emulator has, nil when it has
	// every one (Profile.NoTCGVideoModels for a tcgLess emulator).
	videoModels []string
}

// romLoader reports whether the parse-time ROM checks take the loader for
// a ROM: type='rom', or no type without <os firmware>, which libvirt makes
// a ROM (12.8 refuses a read/write or qcow2 untyped loader so; with <os
// firmware> the selection decides the type: live-5000-170), for an hvm
// guest only (a xen guest's untyped loader is none: live-8800-18).
func (v *vstate) romLoader() bool {
	return v.hasLoader && (v.loader.Type == "rom" || (v.loader.Type == "" && v.firmware == "" && readsFirmware(v.osType)))
}

// exists reports whether the rooted path p exists in files, symlinks
// followed (without allocating for a hostfs listing's plain file).
func exists(files fs.FS, p string) bool {
	if l, ok := files.(*hostfs.Listing); ok {
		return l.Exists(p)
	}
	_, _, err := descriptor.Stat(files, p)
	return err == nil
}

// phase selects the checks of a list that runChecks runs: all of them (a
// new definition), or, for a stored definition, those the daemon runs when
// it loads it (parsing and post-parse) or those it runs only at the start
// (validation, Checks.Validation).
type phase uint8

const (
	allChecks phase = iota
	loadChecks
	validationChecks
)

// runChecks runs the checks of phase ph in order and returns the first
// error.
func runChecks(checks []check, v *vstate, p *Profile, ph phase) string {
	msg, _ := firstCheck(checks, v, p, ph)
	return msg
}

// firstCheck is runChecks, also returning the check that failed.
func firstCheck(checks []check, v *vstate, p *Profile, ph phase) (string, check) {
	for _, c := range checks {
		if ph != allChecks && slices.Contains(p.Checks.Validation, c) != (ph == validationChecks) {
			continue
		}
		if msg := v.run(c, p); msg != "" {
			return msg, c
		}
	}
	return "", 0
}

// isI440FX is libvirt's qemuDomainMachineIsI440FX: its "rhel" prefix
// makes rhel7.0.0 a PC machine with a PCI bus even where the emulator
// lacks it (mach-list-rhel-prefix).
func isI440FX(machine string) bool {
	return machine == "pc" || strings.HasPrefix(machine, "pc-i440fx-") || strings.HasPrefix(machine, "pc-0.") || strings.HasPrefix(machine, "pc-1.") ||
		strings.HasPrefix(machine, "rhel")
}

func isX86(arch string) bool { return arch == "x86_64" || arch == "i686" }

// invalid is libvirt's error for the first attribute value of part that its
// XML parser refuses, or "".
func (v *vstate) invalid(part xmlPart) string {
	for _, e := range v.attrs {
		if e.part == part {
			return e.Error()
		}
	}
	return ""
}
