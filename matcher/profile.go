package matcher

import (
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"

	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/hostfs"
)

// Profile is what one libvirt release does differently, as data. Every
// difference the matcher knows is a field here, grouped by what it decides;
// the matching code reads the fields and never the release number.
type Profile struct {
	// Name is "libvirt-MAJOR.MINOR"; Version the release it models.
	Name    string
	Version string
	// Rules is the release's descriptor parser.
	Rules *descriptor.Rules
	// QEMU is the QEMU version the release was observed with; it decides
	// how machine aliases are canonicalised unless a Request says otherwise.
	QEMU string
	// Note says where the profile's behaviour comes from.
	Note string

	// Selection is when selection runs, over what, and how it ends.
	Selection Selection
	// Parsing is how the release reads the domain's <os> before selection.
	Parsing Parsing
	// Filters are the reasons a descriptor is skipped that differ
	// between releases.
	Filters Filters
	// Checks are the refusals at define and at validation.
	Checks Checks
	// NVRAM is how the NVRAM is prepared at start and what the qemu.conf
	// legacy list gives a manual loader.
	NVRAM NVRAMHandling
	// Writes is what is written back into the definition.
	Writes WriteBack

	// HostFiles is the host file system a release that reads the host's
	// files (ReadsHostFiles) reads when MatchOptions.Files is nil: the
	// firmware files the release's distribution installs, as on the host
	// its answers were recorded on.
	HostFiles fs.FS
	// HostKVM are the guest architectures KVM runs on that host, for
	// MatchOptions.KVM left nil: x86_64 and i686 on the oracle's x86_64
	// machine, whose /dev/kvm the daemons use (dtype-kvm-*).
	HostKVM []string
	// NoTCGEmulators are the emulator binaries of the release's
	// distribution built without TCG, which run no type='qemu' guest
	// (Debian's and Ubuntu's qemu-system-x86_64-microvm:
	// emulator-microvm-binary-*).
	NoTCGEmulators []string
	// NoTCGVideoModels are the video models those binaries have (their
	// domain capabilities; the microvm build has neither cirrus nor VGA,
	// so no default video either: live-10100-149).
	NoTCGVideoModels []string

	// Nova marks OpenStack nova's own selection (NovaLegacy), which Match
	// runs instead of libvirt's; the fields above do not apply to it.
	Nova bool
}

// Selection is when a release runs firmware selection, for which domains,
// and how a selection without a usable result ends.
type Selection struct {
	// AtStart: selection happens at each start on the live definition,
	// and <os firmware> is dropped from it (before 9.2). Otherwise
	// selection happens at define time and is persisted.
	AtStart bool
	// InvalidFailsLookup: an invalid descriptor fails every lookup (9.0,
	// 10.x) instead of being skipped (11.x and later).
	InvalidFailsLookup bool
	// ManualTypes are the <loader type> values ("" for none given) for
	// which a domain without <os firmware> still runs selection;
	// ManualNeedsReadonly asks for <loader readonly='yes'> too.
	ManualTypes         []string
	ManualNeedsReadonly bool
	// CrashesOnKernelSMM: the daemon crashes when a kernel-device
	// descriptor with requires-smm wins for a domain without <loader>
	// (Decision.Crash).
	CrashesOnKernelSMM bool
	// NoMatch is the error when nothing matches; %s is "efi" or "bios".
	NoMatch string
	// CrashesWithoutTCG: the daemon crashes defining a domain whose
	// emulator has no TCG (NoTCGEmulators), whatever its type, before
	// selecting (11.3, 12.8: emulator-microvm-binary-*); older releases
	// refuse the virt type (kvm: a device).
	CrashesWithoutTCG bool
}

// Parsing is how a release reads the firmware parts of a domain before it
// selects.
type Parsing struct {
	EnrolledKeysImplySB     bool // enrolled-keys='yes' alone also requires secure-boot
	IgnoresFormats          bool // <loader format> and <nvram format> are unknown attributes, dropped at parse
	NoTemplateFormat        bool // <nvram templateFormat> does not exist yet: dropped at parse, never written
	LoaderFormatFromNVRAM   bool // with <os firmware> and no <loader> element, the loader format is <nvram format> before matching
	NVRAMFormatCopyExisting bool // ... only for an existing domain (a new one is matched by the template-format filter instead)
	// AccelMachines are the domain types whose machine aliases (q35) are
	// resolved in their own accelerator's machine list, which is empty
	// where the host lacks the accelerator: the alias then names no
	// machine and matches no descriptor (dtype-hvf, dtype-kvm-aarch64).
	// Other types use TCG's list.
	AccelMachines     []string
	LaunchPolicyFirst bool // <launchSecurity>'s policy is read before <cbitpos> and <reducedPhysBits>
}

// Filters are the per-descriptor tests of matching that differ between
// releases: each true field skips descriptors (or, for NonSplitSelectable,
// lets more through) where the release does.
type Filters struct {
	SMMOff                           bool // <smm state='off'> skips requires-smm descriptors (else: chosen, then a hard error)
	SecureNo                         bool // <loader secure='no'> skips requires-smm descriptors
	Formats                          bool // executable/template formats are checked while matching (else: a hard error after choosing a non-raw one)
	NVRAMFormat                      bool // <nvram format> must equal the template format
	TemplateFormat                   bool // <nvram templateFormat> must equal the template format
	NonSplitSelectable               bool // combined and stateless flash may win without <loader stateless='yes'>
	FlashChecksLoaderType            bool // a flash descriptor is skipped when <loader type> is set and is not pflash
	MemoryChecksLoader               bool // a memory descriptor is skipped when <loader type> is not rom, or readonly='no'
	KernelPathChecked                bool // a kernel descriptor must name the domain's <kernel> path, if any (else it overwrites it)
	MemoryNeedsStateless             bool // a memory descriptor is skipped when <loader stateless='no'>
	MemorySkipsNVRAM                 bool // a memory descriptor is skipped when the domain pins <nvram template> or names an NVRAM file or network source
	MemorySkipsEmptyNVRAM            bool // ... or has any <nvram> element, an empty one too (start-memory-build-empty-nvram)
	PinnedTemplateIgnoresNVRAMFormat bool // a pinned <nvram template> stops <nvram format> steering the match (the loader format copy, the template-format filter)
	NVRAMFormatNeedsNoLoader         bool // the NVRAMFormat filter applies only without a <loader> element (or with an empty <loader/>)

	// ResolvesPaths: the domain's loader path and NVRAM template are
	// compared with a descriptor's paths, and the loader path with the
	// qemu.conf legacy list, after resolving both sides as realpath(3)
	// does on the host (a path that does not resolve is compared as
	// written); otherwise the strings are compared. <kernel> is always
	// compared as written.
	ResolvesPaths bool
}

// Checks are a release's refusals of a definition: which checks run in
// which phase, and how their errors are worded.
type Checks struct {
	// Define are the refusals at define, before any selection, in the
	// order the release runs them (parsing, post-parse and, for a release
	// that selects at start, validation); Post are validation's, on the
	// definition as selection filled it in (or left it), for a release
	// that selects at define. The checks are the constants of type check
	// in validate.go; the first failing one is the error.
	Define []check
	Post   []check
	// Validation are the checks of Define and Post that are domain
	// validation. A stored definition (an existing domain) skips them when
	// the daemon loads it and meets them at its start; the other checks
	// are parsing and post-parse, which it meets at load: failing one of
	// those, the daemon does not load it (stage "load").
	Validation []check
	// LoadTolerates are the post-parse checks whose failure a stored
	// definition survives: the daemon keeps it as parsed, without a
	// selection, and its start fails (11.3 and 12.8 without the
	// emulator: upstream-firmware-auto-efi-loongarch64; 9.0 and 10.0 do
	// not load it).
	LoadTolerates []check
	// LaunchSecurityTypes are the <launchSecurity type> values the release
	// parses; others are an XML error.
	LaunchSecurityTypes []string
	// MicrovmDefaults: a microvm domain gets the default USB controller
	// and memory balloon too (both PCI devices, so it has no room for
	// them unless it says model='none'); later releases add neither.
	MicrovmDefaults bool
	// PCIOnlyAArch64Virt: on aarch64 only the virt machines have a PCI
	// bus, so a device that wants one on another machine (sbsa-ref,
	// raspi3b) fails address assignment (12.8: live-12200-144; 10.0 and
	// 11.3 take it).
	PCIOnlyAArch64Virt bool
	// Messages words the checks' errors the release's way.
	Messages Messages
	// UnsupportedNVRAMTypes are the <nvram> source types the release
	// refuses (checkNVRAMDiskType).
	UnsupportedNVRAMTypes []string
}

// NVRAMHandling is how a release prepares the NVRAM at start, and the
// qemu.conf legacy list a manual loader no descriptor matches falls back
// to.
type NVRAMHandling struct {
	// CreatesAtStart: the start creates an NVRAM given as a file or
	// block <source> (other than the default path) by copying a template:
	// the domain's, else the chosen descriptor's, else the legacy list's
	// for the loader path; with none it fails ("unable to find any master
	// var store"), and so it does when the template is not on the host
	// ("Failed to open file"). An NVRAM given as the element's text, or the
	// default one, is taken to exist, as for a domain started before (and
	// as the oracle prepares it). A manual read-only loader is matched
	// against the descriptors for that template. A release that selects
	// at define does the same at the first start, with the template the
	// define stored: the define succeeds, the start fails.
	CreatesAtStart bool
	// StartChecksBlock: the start refuses a block <source> NVRAM that is
	// not on the host before it looks for a template;
	// NoVarStoreNamesNVRAM: its "unable to find any master var store"
	// names the NVRAM's path instead of the loader's.
	StartChecksBlock, NoVarStoreNamesNVRAM bool
	// TemplateFormatMustMatch: creating an NVRAM (a file or block
	// <source>, or one without a path: CreatesNVRAMWithoutPath), the start
	// refuses a template whose stored templateFormat is set and differs
	// from the NVRAM's stored format, an unset one included ("conversion
	// of the nvram template to another target format is not supported").
	// It checks this once it has a template, before opening it. So does a
	// manual loader's written templateFormat='raw' beside an NVRAM format
	// it leaves unset (nvram-source-user-template-missing, 12.8), a domain's
	// templateFormat kept beside a memory build's or a read/write loader's
	// path-less NVRAM (live-fit-10800-0, 11.3), and a build's template
	// format beside the loader format 11.3 gives a <source> NVRAM
	// (start-template-format-*; 11.3 and 12.8; 10.0 has no templateFormat).
	TemplateFormatMustMatch bool
	// TemplateFormatAtEveryStart: that refusal comes at every start,
	// before the NVRAM is looked at, an existing one too (12.8:
	// live-fit-11900-19, and by hand an NVRAM file that exists and is not
	// empty; 11.3 starts over it).
	TemplateFormatAtEveryStart bool
	// StartRematchesNVRAMFormat: the first start selects again over the
	// stored definition, whose NVRAM now has the loader's format whatever
	// the domain asked for, so with Filters.NVRAMFormat a build whose
	// template format differs from its executable's is chosen at the
	// define and not found at the start (live-start-template-format-differs*,
	// live-fit-8300-37, 10.0).
	StartRematchesNVRAMFormat bool
	// CreatesNVRAMWithoutPath: the define gives no NVRAM path to the
	// NVRAM element of a manual read/write pflash loader or of a memory
	// (ROM) build it chose, and the first start creates that NVRAM all the
	// same, from the domain's template only (no legacy list): without one
	// "unable to find any master var store for loader", then (11.3) the
	// TemplateFormatMustMatch refusal, with one not on the host "Failed to
	// open file", else renaming to a NULL path fails
	// (live-*manual-rw-template-start, live-manual-rw-nvram-format-start,
	// live-memory-build-nvram-*-start; 10.0 and 11.3).
	CreatesNVRAMWithoutPath bool
	// RWLoaderNVRAMNeedsFormat: a manual read/write pflash loader with an
	// NVRAM path as the element's text or a network source, and no format
	// (the define writes none), with or without a template, fails its
	// first start:
	// "mishandled storage format 'none'" (live-manual-rw-nvram-path-start,
	// live-fit-9100-5; 10.0 and 11.3).
	RWLoaderNVRAMNeedsFormat bool
	// LegacyPairs is the build's qemu.conf nvram list, "CODE:VARS" pairs
	// a manual pflash loader no descriptor matches is looked up in.
	LegacyPairs []string
	// LegacyNeedsTemplate: a pinned <nvram template> must name the legacy
	// qemu.conf entry's VARS file too for the entry to match (else only
	// the loader path is compared and the pinned template is kept).
	LegacyNeedsTemplate bool
	// EmptySourceFailsStart: a file or block NVRAM <source> without its
	// path fails the start, before selection, with libvirt's unknown-cause
	// error (9.0: xml-nvram-source-no-path-*).
	EmptySourceFailsStart bool
	// NoneProtocolFailsStart: a network NVRAM source with protocol='none'
	// fails the start (9.0: xml-nvram-network-protocol-none).
	NoneProtocolFailsStart bool
}

// WriteBack is what a release writes into the definition after selection
// (Decision.Apply).
type WriteBack struct {
	FirmwareFeatures        bool // <os><firmware><feature> from the chosen descriptor
	Formats                 bool // format='raw' on loader and nvram, templateFormat
	ROMFormat               bool // format='raw' on a rom loader too
	ManualTemplateFormat    bool // templateFormat='raw' on a manual pflash loader
	RawFormatImplicit       bool // raw is the default format and format='raw' is never written back, whoever set it
	NVRAMFormatFromTemplate bool // a generated NVRAM file takes the template's format, whatever <nvram format> said
	NVRAMFormatFromLoader   bool // a generated NVRAM file takes the loader's format, whatever <nvram format> said
	// GivenNVRAMFormatFromTemplate: an NVRAM the domain names (the
	// element's text or a <source>) without a format takes the stored
	// templateFormat, else the loader's format (12.8); otherwise always
	// the loader's (start-template-format-*-path, -src).
	GivenNVRAMFormatFromTemplate bool
	RawSuffixFromTemplate        bool // a new domain's raw NVRAM file is named _VARS.raw when its template's name ends in .raw (an existing domain keeps .fd)
	NetworkNVRAMTemplate         bool // the template is recorded even for a network NVRAM source
	LiveNetworkTLS               bool // the live definition gets tls='no' on a network NVRAM source (start-time preparation)
	// NoneProtocolToFile: a network NVRAM source with protocol='none' is
	// written as the default file source (xml-nvram-network-protocol-none).
	NoneProtocolToFile bool
	// VolumeToFile: a storage-pool volume NVRAM source is written as the
	// default file source (10.0, which alone accepts it:
	// xml-nvram-type-volume).
	VolumeToFile bool
}

// ReadsHostFiles reports whether the release's answer depends on the
// host's files (MatchOptions.Files): it checks the emulator is there,
// resolves firmware paths, or its start copies NVRAM templates.
func (p *Profile) ReadsHostFiles() bool {
	return p.Filters.ResolvesPaths || p.NVRAM.CreatesAtStart || slices.Contains(p.Checks.Define, checkEmulator)
}

var launchBase = []string{"sev", "s390-pv"}

// Messages are the wordings of validation errors that changed between
// releases ("" where the release has no such check).
type Messages struct {
	BIOSNVRAM         string // firmware='bios' with an NVRAM
	RWTemplate        string // a read/write loader with an NVRAM template
	RWNVRAM           string // a read/write loader with an NVRAM file
	StatelessTemplate string // a stateless loader with an NVRAM template
	StatelessNVRAM    string // a stateless loader with an NVRAM file
	PM                string // <pm> on a machine without ACPI S3/S4 control ("": the S3 and S4 messages apart)
	S390PV            string // s390-pv launch security with a QEMU binary that has none
}

var (
	messagesOld = Messages{
		BIOSNVRAM:         "firmware type 'bios' does not support nvram",
		StatelessTemplate: "NVRAM template is not permitted when loader is stateless",
		StatelessNVRAM:    "NVRAM is not permitted when loader is stateless",
		S390PV:            "unsupported configuration: S390 PV launch security is not supported with this QEMU binary",
	}
	varstore   = "Variable storage (NVRAM/varstore) is not permitted when loader is "
	messages12 = Messages{
		BIOSNVRAM:         "Firmware type 'bios' does not support variable storage (NVRAM/varstore)",
		RWTemplate:        varstore + "read/write",
		RWNVRAM:           varstore + "read/write",
		StatelessTemplate: varstore + "stateless",
		StatelessNVRAM:    varstore + "stateless",
		PM:                "unsupported configuration: setting ACPI S3/S4 not supported",
		S390PV:            s390pv11,
	}
	s390pv11 = "unsupported configuration: 's390-pv' launch security is not supported with this QEMU binary"
)

// The checks of the releases that select at define and before the 12.x
// reordering (recorded from 11.3; 10.0 runs them too, with its own format
// mismatch check among the parse-time ones, the first two).
var (
	// The parse-time checks of releases that read formats, in libvirt's
	// parsing order: the domain and OS types, the architecture, the
	// states of <features> and <pm>, then the <os> attributes (<firmware>
	// features and firmware, <nvram>, <loader>); found with the oracle
	// (conformance cases xml-*, dtype-*, fstate-*).
	checksParse    = []check{checkXMLDomain, checkArch, checkXMLFeatures, checkXMLFirmware, checkTemplateFormat, checkNVRAMFormat, checkNVRAMType, checkXMLLoader, checkLoaderFormat}
	checks11Define = append(slices.Clip(checksParse), checkLaunchSecurity, checkXMLUSB, checkEmulator, checkNoTCGCrash, checkFeaturesAutoselect, checkEnrolledKeys, checkNoLoaderPath, checkBIOSNVRAM, checkStatelessNVRAM, checkStatelessNo)
	// The QEMU driver's domain validation (OS type ... SNP workarounds)
	// comes before its device validation (checkMicrovmBinaryDevices:
	// emulator-microvm-binary-kvm-q35-secure-smm-off, live-10900-93),
	// which comes before the generic checks (the written features, the
	// NVRAM).
	checks11Post = []check{checkDefaultVideo, checkMicrovmPCI, checkUSBDisabled, checkOSType, checkVirtType, checkMachine, checkMachineACPI, checkACPI, checkPM, checkSecureBoot, checkVMPort, checkS390PV, checkNVRAMDiskType, checkSNPWorkarounds, checkMicrovmBinaryDevices, checkEnrolledKeysWritten, checkBIOSNVRAM, checkRWNVRAM}
	checks12Post = []check{checkPCIMachine, checkMicrovmPCI, checkUSBDisabled, checkOSType, checkVirtType, checkMachine, checkMachineACPI, checkACPI, checkPM, checkSecureBoot, checkVMPort, checkS390PV, checkNVRAMDiskType, checkSNPWorkarounds, checkTDX, checkMicrovmPCIRoot, checkEnrolledKeysWritten, checkBIOSNVRAM}
	// Validation: the enrolled-keys and stateless NVRAM checks of Define
	// (existing-enrolled-keys-without-sb, existing-stateless-loader-template)
	// and all of Post but the address assignment at the end of
	// post-parse, which refuses to load a stored microvm domain with a PCI
	// device too (existing-microvm-pci-device). The microvm binary's
	// default video and its device refusals wait for the start
	// (existing-emulator-microvm-binary-kvm-*).
	checks11Validation = append([]check{checkEnrolledKeys, checkStatelessNVRAM, checkDefaultVideo}, checks11Post[2:]...)
	messages11         = func() Messages {
		m := messagesOld
		m.PM, m.S390PV = messages12.PM, messages12.S390PV
		return m
	}()
	// 10.0 words the s390-pv refusal as 9.0 does (xml-launchsec-s390-pv).
	messages10 = func() Messages {
		m := messages11
		m.S390PV = messagesOld.S390PV
		return m
	}()
)

// microvmBinary is the oracle hosts' QEMU build for microvm guests, which
// has no TCG.
var microvmBinary = []string{"/usr/bin/qemu-system-x86_64-microvm"}

// microvmBinaryVideos are the video models that build has (virtio-gpu,
// ramfb; 'none' needs no device), the same on the 9.0 and 10.0 hosts.
var microvmBinaryVideos = []string{"virtio", "ramfb", "none"}

// The modelled releases. Behaviour recorded from real libvirt through the
// project's oracle (9.0, 11.3, 12.8) and its Ubuntu 24.04 extension
// (10.0: its Ubuntu 24.04 oracle, query.sh --libvirt 10).
var (
	Libvirt90 = &Profile{
		Name: "libvirt-9.0", Version: "9.0.0", Rules: descriptor.RulesLibvirt9, QEMU: "7.2",
		Note:           "recorded from libvirt 9.0.0 (Debian 12) with QEMU 7.2",
		HostFiles:      hostfs.Debian12,
		HostKVM:        []string{"x86_64", "i686"},
		NoTCGEmulators: microvmBinary, NoTCGVideoModels: microvmBinaryVideos,
		Selection: Selection{
			InvalidFailsLookup:  true,
			AtStart:             true,
			CrashesOnKernelSMM:  true,
			ManualTypes:         []string{"pflash"},
			ManualNeedsReadonly: true,
			NoMatch:             "operation failed: Unable to find any firmware to satisfy '%s'",
		},
		Parsing: Parsing{
			AccelMachines:       []string{"kvm", "hvf"},
			EnrolledKeysImplySB: true,
			IgnoresFormats:      true,
			LaunchPolicyFirst:   true,
		},
		Filters: Filters{
			// A manual pflash loader never takes a memory build (live
			// differential, seed 4200; 10.0 does take it, as a rom).
			MemoryChecksLoader: true,
		},
		Checks: Checks{
			LaunchSecurityTypes:   launchBase,
			UnsupportedNVRAMTypes: []string{"dir", "volume"},
			// Validation at define, the QEMU driver's before the generic
			// one; the selection at start is not validated again here.
			Define: []check{checkXMLDomain, checkArch, checkXMLFeatures, checkXMLFirmware, checkNVRAMType, checkXMLLoader, checkLaunchSecurity, checkXMLUSB, checkEmulator, checkNoTCGCrash, checkEnrolledKeys, checkDefaultVideo, checkMicrovmPCI,
				checkUSBDisabled, checkOSType, checkVirtType, checkMachine, checkACPI, checkPM, checkSecureBoot, checkVMPort, checkS390PV, checkNVRAMDiskType, checkMicrovmBinaryDevices,
				checkFeaturesAutoselect, checkAutoselectLoader, checkBIOSNVRAM, checkNoLoaderPath, checkRWNVRAM, checkStatelessNVRAM, checkStatelessNo},
			// Everything after the emulator but the address assignment is
			// validation, which a stored definition meets at its start,
			// before the selection (existing-*).
			Validation: []check{checkDefaultVideo, checkMicrovmBinaryDevices, checkUSBDisabled, checkOSType, checkVirtType, checkMachine, checkACPI, checkPM, checkSecureBoot, checkVMPort, checkS390PV, checkNVRAMDiskType,
				checkAutoselectLoader, checkBIOSNVRAM, checkNoLoaderPath, checkRWNVRAM, checkStatelessNVRAM, checkStatelessNo},
			Messages:        messagesOld,
			MicrovmDefaults: true,
		},
		NVRAM: NVRAMHandling{
			EmptySourceFailsStart:  true,
			NoneProtocolFailsStart: true,
			LegacyPairs:            debianLegacy,
			CreatesAtStart:         true,
		},
		Writes: WriteBack{
			NetworkNVRAMTemplate: true,
			LiveNetworkTLS:       true,
		},
	}
	Libvirt100 = &Profile{
		Name: "libvirt-10.0", Version: "10.0.0", Rules: descriptor.RulesLibvirt9, QEMU: "8.2" + ubuntuSuffix,
		Note:           "recorded from libvirt 10.0.0 (Ubuntu 24.04) with QEMU 8.2",
		HostFiles:      hostfs.Ubuntu2404,
		HostKVM:        []string{"x86_64", "i686"},
		NoTCGEmulators: microvmBinary, NoTCGVideoModels: microvmBinaryVideos,
		Selection: Selection{
			CrashesOnKernelSMM: true,
			InvalidFailsLookup: true,
			ManualTypes:        []string{"", "pflash"},
			NoMatch:            "operation failed: Unable to find '%s' firmware that is compatible with the current configuration",
		},
		Parsing: Parsing{
			AccelMachines:         []string{"kvm", "hvf"},
			NoTemplateFormat:      true,
			LoaderFormatFromNVRAM: true,
			LaunchPolicyFirst:     true,
		},
		Filters: Filters{
			SMMOff:            true,
			KernelPathChecked: true,
			SecureNo:          true,
			Formats:           true,
			NVRAMFormat:       true,
		},
		Checks: Checks{
			Define:                append(append(slices.Clip(checksParse), checkFormatMismatch), checks11Define[len(checksParse):]...),
			Post:                  checks11Post,
			Validation:            checks11Validation,
			Messages:              messages10,
			MicrovmDefaults:       true,
			LaunchSecurityTypes:   launchBase,
			UnsupportedNVRAMTypes: []string{"dir"},
		},
		NVRAM: NVRAMHandling{
			LegacyPairs:               ubuntuLegacy,
			CreatesAtStart:            true,
			StartRematchesNVRAMFormat: true,
			CreatesNVRAMWithoutPath:   true,
			RWLoaderNVRAMNeedsFormat:  true,
		},
		Writes: WriteBack{
			VolumeToFile:          true,
			RawFormatImplicit:     true,
			NVRAMFormatFromLoader: true,
			FirmwareFeatures:      true,
			Formats:               true,
			RawSuffixFromTemplate: true,
		},
	}
	Libvirt113 = &Profile{
		Name: "libvirt-11.3", Version: "11.3.0", Rules: descriptor.RulesLibvirt11, QEMU: "10.0",
		Note:           "recorded from libvirt 11.3.0 (Debian 13) with QEMU 10.0",
		HostFiles:      hostfs.Debian13,
		HostKVM:        []string{"x86_64", "i686"},
		NoTCGEmulators: microvmBinary, NoTCGVideoModels: microvmBinaryVideos,
		Selection: Selection{
			CrashesOnKernelSMM: true,
			CrashesWithoutTCG:  true,
			ManualTypes:        []string{"", "pflash"},
			NoMatch:            "operation failed: Unable to find '%s' firmware that is compatible with the current configuration",
		},
		Parsing: Parsing{
			AccelMachines:         []string{"kvm", "hvf"},
			LoaderFormatFromNVRAM: true,
		},
		Filters: Filters{
			SMMOff:                true,
			KernelPathChecked:     true,
			SecureNo:              true,
			Formats:               true,
			FlashChecksLoaderType: true,
			MemoryChecksLoader:    true,
		},
		Checks: Checks{
			Define:                checks11Define,
			Post:                  checks11Post,
			Validation:            checks11Validation,
			LoadTolerates:         []check{checkEmulator},
			Messages:              messages11,
			MicrovmDefaults:       true,
			LaunchSecurityTypes:   append([]string{"sev-snp"}, launchBase...),
			UnsupportedNVRAMTypes: []string{"dir", "volume"},
		},
		NVRAM: NVRAMHandling{
			LegacyPairs:              debianLegacy,
			CreatesAtStart:           true,
			StartChecksBlock:         true,
			CreatesNVRAMWithoutPath:  true,
			RWLoaderNVRAMNeedsFormat: true,
			TemplateFormatMustMatch:  true,
		},
		Writes: WriteBack{
			NoneProtocolToFile:      true,
			NVRAMFormatFromTemplate: true,
			FirmwareFeatures:        true,
			Formats:                 true,
			RawSuffixFromTemplate:   true,
		},
	}
	Libvirt128 = &Profile{
		Name: "libvirt-12.8", Version: "12.8.0", Rules: descriptor.RulesLibvirt12, QEMU: "11.1",
		Note:           "recorded from libvirt 12.8.0 (Debian unstable) with QEMU 11.1",
		HostFiles:      hostfs.DebianUnstable,
		HostKVM:        []string{"x86_64", "i686"},
		NoTCGEmulators: microvmBinary, NoTCGVideoModels: microvmBinaryVideos,
		Selection: Selection{
			CrashesWithoutTCG: true,
			ManualTypes:       []string{"", "pflash", "rom"},
			NoMatch:           "operation failed: Unable to find '%s' firmware that is compatible with the current configuration",
		},
		Parsing: Parsing{
			AccelMachines:           []string{"kvm", "hvf", "hyperv"},
			LoaderFormatFromNVRAM:   true,
			NVRAMFormatCopyExisting: true,
		},
		Filters: Filters{
			PinnedTemplateIgnoresNVRAMFormat: true,
			NVRAMFormat:                      true,
			TemplateFormat:                   true,
			NVRAMFormatNeedsNoLoader:         true,
			MemoryNeedsStateless:             true,
			SMMOff:                           true,
			KernelPathChecked:                true,
			SecureNo:                         true,
			Formats:                          true,
			NonSplitSelectable:               true,
			FlashChecksLoaderType:            true,
			MemoryChecksLoader:               true,
			MemorySkipsNVRAM:                 true,
			MemorySkipsEmptyNVRAM:            true,
			ResolvesPaths:                    true,
		},
		Checks: Checks{
			// The read/write and stateless NVRAM checks moved to parsing;
			// the ROM loader checks come before the BIOS NVRAM one
			// (live-12200-3, and by hand with an NVRAM path or template),
			// and after an untyped loader's read/write NVRAM (live-fit-12300-19).
			Define: append(slices.Clip(checksParse), checkLaunchSecurity, checkXMLUSB, checkEmulator, checkNoTCGCrash, checkFeaturesAutoselect, checkEnrolledKeys, checkNoLoaderPath, checkRWNVRAMUntyped, checkROMRW, checkROMFormat, checkBIOSNVRAM,
				checkStatelessNVRAM, checkRWNVRAM),
			// The QEMU driver's validation (machine ... tdx), then its
			// device validation (a microvm PCI root), before the generic one
			// (the written features, the NVRAM).
			// Validation: the enrolled-keys and the stateless NVRAM
			// checks of Define (existing-*) and all of Post (12.8 loads a
			// stored microvm domain with a PCI device too:
			// existing-microvm-pci-device), but the PCI controller of an
			// x86 machine other than the PC ones, added at post-parse
			// (existing-pci-machine-unknown).
			Post:                  checks12Post,
			Validation:            append([]check{checkEnrolledKeys, checkStatelessNVRAM}, checks12Post[1:]...),
			LoadTolerates:         []check{checkEmulator},
			PCIOnlyAArch64Virt:    true,
			Messages:              messages12,
			LaunchSecurityTypes:   append([]string{"sev-snp", "tdx"}, launchBase...),
			UnsupportedNVRAMTypes: []string{"dir", "volume"},
		},
		NVRAM: NVRAMHandling{
			LegacyPairs:                debianLegacy,
			CreatesAtStart:             true,
			StartChecksBlock:           true,
			NoVarStoreNamesNVRAM:       true,
			TemplateFormatMustMatch:    true,
			TemplateFormatAtEveryStart: true,
			LegacyNeedsTemplate:        true,
		},
		Writes: WriteBack{
			NoneProtocolToFile:           true,
			FirmwareFeatures:             true,
			Formats:                      true,
			RawSuffixFromTemplate:        true,
			ROMFormat:                    true,
			ManualTemplateFormat:         true,
			GivenNVRAMFormatFromTemplate: true,
		},
	}
)

// Profiles lists the modelled libvirt releases, oldest first.
var Profiles = []*Profile{Libvirt90, Libvirt100, Libvirt113, Libvirt128}

// Latest is the newest modelled release.
var Latest = Libvirt128

// ProfileFor returns the newest profile not newer than version ("11.3",
// "11.3.0", "10"), or an error if version is older than every profile.
func ProfileFor(version string) (*Profile, error) {
	v, err := parseVersion(version)
	if err != nil {
		return nil, err
	}
	var best *Profile
	for _, p := range Profiles {
		pv, _ := parseVersion(p.Version)
		if compareVersion(pv, v) <= 0 {
			best = p
		}
	}
	if best == nil {
		return nil, fmt.Errorf("libvirt %s is older than every modelled release (oldest: %s)", version, Profiles[0].Version)
	}
	return best, nil
}

// ProfileNamed returns the profile with the given name ("libvirt-11.3", or
// "nova-legacy" for NovaLegacy).
func ProfileNamed(name string) (*Profile, bool) {
	if name == NovaLegacy.Name {
		return NovaLegacy, true
	}
	for _, p := range Profiles {
		if p.Name == name {
			return p, true
		}
	}
	return nil, false
}

func parseVersion(s string) ([3]int, error) {
	var v [3]int
	parts := strings.Split(strings.TrimSpace(s), ".")
	if len(parts) == 0 || len(parts) > 3 || parts[0] == "" {
		return v, fmt.Errorf("bad version %q (want e.g. 11.3 or 11.3.0)", s)
	}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return v, fmt.Errorf("bad version %q (want e.g. 11.3 or 11.3.0)", s)
		}
		v[i] = n
	}
	return v, nil
}

func compareVersion(a, b [3]int) int {
	for i := range a {
		if a[i] != b[i] {
			return a[i] - b[i]
		}
	}
	return 0
}
