// Package descriptor reads QEMU firmware descriptors (QEMU's
// docs/interop/firmware.json) and discovers them the way libvirt does.
//
// Parse turns the bytes of one descriptor into a *Descriptor, keeping values
// it does not know so later rules can judge them, and reports every problem
// with file, line, column and JSON pointer. Two verdicts are kept apart: does
// the file conform to QEMU's schema, and would libvirt accept it (see Rules).
//
// Load walks libvirt's search path (or a root, or explicit directories) and
// returns a Set in libvirt's order with masking, overriding and per-entry
// errors; it never stops at the first bad file.
package descriptor

import (
	"bytes"
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Interface is a firmware interface type ("interface-types" member): how the
// firmware presents itself to the guest OS.
type Interface string

// Interface types defined by QEMU.
const (
	InterfaceBIOS         Interface = "bios"         // x86 BIOS services
	InterfaceOpenFirmware Interface = "openfirmware" // IEEE 1275 Open Firmware
	InterfaceUBoot        Interface = "uboot"        // Das U-Boot
	InterfaceUEFI         Interface = "uefi"         // UEFI
)

// Known reports whether QEMU's schema defines the interface type.
func (i Interface) Known() bool {
	switch i {
	case InterfaceBIOS, InterfaceOpenFirmware, InterfaceUBoot, InterfaceUEFI:
		return true
	}
	return false
}

// Device is how the firmware is mapped into the guest ("mapping.device").
type Device string

// Devices defined by QEMU.
const (
	// DeviceFlash: the firmware is loaded into emulated pflash chips
	// (-drive if=pflash / -blockdev), executable and optional NVRAM.
	DeviceFlash Device = "flash"
	// DeviceMemory: the firmware image is loaded into guest memory
	// (-bios), read-only, with no persistent variable store.
	DeviceMemory Device = "memory"
	// DeviceKernel: the firmware is loaded like a kernel (-kernel).
	DeviceKernel Device = "kernel"
	// DeviceIGVM: an Independent Guest Virtual Machine file (QEMU 10.1).
	DeviceIGVM Device = "igvm"
)

// Known reports whether QEMU's schema defines the device.
func (d Device) Known() bool {
	return d == DeviceFlash || d == DeviceMemory || d == DeviceKernel || d == DeviceIGVM
}

// FlashMode is the layout of a flash mapping ("mapping.mode").
type FlashMode string

// Flash modes defined by QEMU (since QEMU 7.0).
const (
	// ModeSplit: separate read-only executable and a per-VM NVRAM copied
	// from a template. The default when "mode" is absent.
	ModeSplit FlashMode = "split"
	// ModeCombined: one writable image holding code and variables.
	ModeCombined FlashMode = "combined"
	// ModeStateless: a read-only executable with no variable store.
	ModeStateless FlashMode = "stateless"
)

// Known reports whether QEMU's schema defines the flash mode.
func (m FlashMode) Known() bool {
	return m == ModeSplit || m == ModeCombined || m == ModeStateless
}

// Feature is a firmware property ("features" member).
type Feature string

// Features defined by QEMU's firmware.json.
const (
	FeatureACPIS3         Feature = "acpi-s3"         // the guest may suspend to RAM (S3)
	FeatureACPIS4         Feature = "acpi-s4"         // the guest may hibernate (S4)
	FeatureAMDSEV         Feature = "amd-sev"         // supports AMD Secure Encrypted Virtualization
	FeatureAMDSEVES       Feature = "amd-sev-es"      // supports SEV with Encrypted State
	FeatureAMDSEVSNP      Feature = "amd-sev-snp"     // supports SEV with Secure Nested Paging
	FeatureIntelTDX       Feature = "intel-tdx"       // supports Intel Trust Domain Extensions
	FeatureEnrolledKeys   Feature = "enrolled-keys"   // the NVRAM template has Secure Boot keys enrolled
	FeatureRequiresSMM    Feature = "requires-smm"    // needs SMM emulation; pflash writes restricted to SMM
	FeatureSecureBoot     Feature = "secure-boot"     // implements UEFI Secure Boot
	FeatureVerboseDynamic Feature = "verbose-dynamic" // debug log level chosen at run time
	FeatureVerboseStatic  Feature = "verbose-static"  // debug log level fixed at build time
	FeatureHostUEFIVars   Feature = "host-uefi-vars"  // variables kept by the host (uefi-vars device)
)

// QEMUFeatures lists every feature QEMU's schema defines, in schema order.
var QEMUFeatures = []Feature{
	FeatureACPIS3, FeatureACPIS4, FeatureAMDSEV, FeatureAMDSEVES, FeatureAMDSEVSNP,
	FeatureIntelTDX, FeatureEnrolledKeys, FeatureRequiresSMM, FeatureSecureBoot,
	FeatureVerboseDynamic, FeatureVerboseStatic, FeatureHostUEFIVars,
}

// Known reports whether QEMU's schema defines the feature.
func (f Feature) Known() bool { return slices.Contains(QEMUFeatures, f) }

// FlashFile names one flash image and its block driver format
// ("executable" and "nvram-template").
type FlashFile struct {
	Filename string `json:"filename"`
	Format   string `json:"format"` // a QEMU block driver name: "raw", "qcow2", ...
}

// Mapping says how the firmware is loaded. Which members apply depends on
// Device: Mode, Executable and NVRAMTemplate for flash, Filename for memory,
// kernel and igvm.
type Mapping struct {
	Device Device `json:"device"`
	// Mode is the flash mode as written; "" when the member is absent.
	// Use EffectiveMode for the mode that applies.
	Mode          FlashMode  `json:"mode,omitempty"`
	Executable    *FlashFile `json:"executable,omitempty"`
	NVRAMTemplate *FlashFile `json:"nvram-template,omitempty"`
	Filename      string     `json:"filename,omitempty"`
}

// EffectiveMode is Mode with QEMU's default applied: an absent mode is split.
func (m *Mapping) EffectiveMode() FlashMode {
	if m.Mode == "" {
		return ModeSplit
	}
	return m.Mode
}

// Target is an emulator target the firmware runs on.
type Target struct {
	// Architecture is a QEMU target name ("x86_64", "i386", "aarch64", ...),
	// not a libvirt architecture name.
	Architecture string `json:"architecture"`
	// Machines are glob patterns over machine types ("pc-q35-*").
	Machines []string `json:"machines"`
}

// Descriptor is one parsed firmware descriptor. Unknown enum values are kept
// as they were written.
//
// The lists of a Descriptor that Parse or Load made (InterfaceTypes,
// Targets with their Machines, Features, Tags) may be shared with other
// descriptors that hold equal lists, and must be treated as read-only:
// replace a list rather than change its elements (copy it first, e.g. with
// slices.Clone; an append copies, as the shared lists have no spare
// capacity), and unmarshal JSON into a new Descriptor rather than into
// such a one (encoding/json reuses a slice's array).
type Descriptor struct {
	Description    string      `json:"description"`
	InterfaceTypes []Interface `json:"interface-types"`
	Mapping        Mapping     `json:"mapping"`
	Targets        []Target    `json:"targets"`
	Features       []Feature   `json:"features"`
	Tags           []string    `json:"tags"`

	// src is what the descriptor keeps of its file, nil once its bytes
	// are dropped (Entry.DropData): one pointer in the Descriptor, so that
	// a descriptor without its bytes costs 8 bytes for them.
	src *source
}

// source is what a parsed Descriptor keeps of its file. It is not changed
// once the Descriptor is handed out (a copy of the Descriptor shares it):
// dropping the bytes replaces the pointer.
type source struct {
	// data and tree allow positions to be computed and libvirt's own
	// parse to be replayed (Rules.Check). Load drops the tree once it has
	// judged the descriptor (it is several times the file's size); then
	// Position walks data.
	data []byte
	tree *node
	// quirks are what the document holds that a release's parser reads
	// otherwise than strict JSON (see Rules.Decode); read with the tree
	// only.
	quirks quirks
}

// Has reports whether the descriptor lists feature f.
func (d *Descriptor) Has(f Feature) bool { return slices.Contains(d.Features, f) }

// HasInterface reports whether the descriptor lists interface type i.
func (d *Descriptor) HasInterface(i Interface) bool { return slices.Contains(d.InterfaceTypes, i) }

// Position returns the line and column (1-based) of the value at the JSON
// pointer ptr, or of the nearest existing ancestor.
func (d *Descriptor) Position(ptr string) (line, col int) {
	src := d.src
	if src == nil {
		return 0, 0
	}
	tree := src.tree
	if tree == nil && src.data != nil {
		if ptr == "" || ptr[0] == '/' {
			// Load dropped the tree: walk the bytes to the value
			// instead of building it again.
			return position(src.data, pointerOffset(src.data, ptr))
		}
		tree, _ = parseTree(src.data)
	}
	return treePosition(tree, src.data, ptr)
}

// treePosition is Position over a parsed tree of data.
func treePosition(tree *node, data []byte, ptr string) (line, col int) {
	if tree == nil {
		return 0, 0
	}
	for {
		if n := tree.lookup(ptr); n != nil {
			return position(data, n.off)
		}
		i := strings.LastIndexByte(ptr, '/')
		if i < 0 {
			return position(data, tree.off)
		}
		ptr = ptr[:i]
	}
}

// compact drops the parse tree, keeping what the descriptor needs to
// answer Position (the bytes) and everything else (the decoded fields).
// It changes the source in place: Load calls it on the descriptor it has
// just parsed, before anything else holds it.
func (d *Descriptor) compact() {
	if d != nil && d.src != nil {
		d.src.tree = nil
	}
}

// UnknownValues lists the values QEMU's schema does not define, by JSON
// pointer, so that rules can judge them.
func (d *Descriptor) UnknownValues() map[string]string {
	out := map[string]string{}
	for i, it := range d.InterfaceTypes {
		if !it.Known() {
			out[pointer("interface-types", i)] = string(it)
		}
	}
	if d.Mapping.Device != "" && !d.Mapping.Device.Known() {
		out["/mapping/device"] = string(d.Mapping.Device)
	}
	if d.Mapping.Mode != "" && !d.Mapping.Mode.Known() {
		out["/mapping/mode"] = string(d.Mapping.Mode)
	}
	for i, f := range d.Features {
		if !f.Known() {
			out[pointer("features", i)] = string(f)
		}
	}
	return out
}

// Summary is a one-line description: interfaces, targets, mapping, features.
func (d *Descriptor) Summary() string {
	var b strings.Builder
	for i, it := range d.InterfaceTypes {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(string(it))
	}
	b.WriteString(" | ")
	for i, t := range d.Targets {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(t.Architecture)
		b.WriteByte(' ')
		b.WriteString(strings.Join(t.Machines, ","))
	}
	b.WriteString(" | ")
	m := &d.Mapping
	b.WriteString(string(m.Device))
	switch m.Device {
	case DeviceFlash:
		b.WriteByte(' ')
		b.WriteString(string(m.EffectiveMode()))
		if m.Executable != nil {
			b.WriteByte(' ')
			b.WriteString(m.Executable.Format)
		}
	}
	b.WriteString(" | ")
	for i, f := range d.Features {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(string(f))
	}
	return b.String()
}

// MarshalJSON writes the descriptor in QEMU's format. Strings are written
// as they are: unlike json.Marshal, it does not escape <, > and & (a
// descriptor is not HTML, and its paths and description should read as in
// the file).
func (d *Descriptor) MarshalJSON() ([]byte, error) {
	type plain Descriptor
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode((*plain)(d)); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

func pointer(member string, i int) string {
	return "/" + member + "/" + strconv.Itoa(i)
}

func jsonNumber(s string) any { return json.Number(s) }

// Paths returns the file names the descriptor refers to, by JSON pointer.
func (d *Descriptor) Paths() map[string]string {
	out := map[string]string{}
	m := &d.Mapping
	if m.Executable != nil {
		out["/mapping/executable/filename"] = m.Executable.Filename
	}
	if m.NVRAMTemplate != nil {
		out["/mapping/nvram-template/filename"] = m.NVRAMTemplate.Filename
	}
	if m.Filename != "" {
		out["/mapping/filename"] = m.Filename
	}
	return out
}

// UnresolvedPaths returns, by JSON pointer, the file names that cannot name a
// file on a host: relative paths, and paths still holding a build-time
// placeholder such as QEMU's "@DATADIR@".
func (d *Descriptor) UnresolvedPaths() map[string]string {
	out := map[string]string{}
	for ptr, p := range d.Paths() {
		if !strings.HasPrefix(p, "/") || placeholder.MatchString(p) {
			out[ptr] = p
		}
	}
	return out
}

var placeholder = regexp.MustCompile(`@[A-Za-z_][A-Za-z0-9_]*@`)
