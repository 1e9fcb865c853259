package matcher

import (
	"fmt"
	"io/fs"
	"path"
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
	// Stage is where libvirt fails: "define", or "start" for a domain
	// the define accepted (and stored), or an existing domain the daemon
	// loaded, and its first start refuses, or "load" for an existing
	// domain the daemon does not load from its stored definition.
	Stage string
	// Crash: instead of refusing, the daemon crashes at Stage (a libvirt
	// bug); Err is then what the client sees, ErrDaemonCrashed.
	Crash bool
	// Legacy is the qemu.conf nvram pair used when a manual loader matched
	// no descriptor, as "CODE:VARS", or "".
	Legacy string

	// manualNVRAM: no selection, but the manual loader gets its NVRAM
	// path as libvirt assigns it at parse time.
	manualNVRAM bool
	// droppedFeatures: the domain's <os><firmware> block was dropped when
	// the daemon loaded it (dropsFeatures).
	droppedFeatures bool
}

// OK reports whether libvirt would accept the domain, at define and at
// its first start.
func (d *Decision) OK() bool { return d.Err == "" }

// Defined reports whether libvirt's define accepts the domain (and, for
// a release that selects at define, stores the selection), whether or
// not the first start fails afterwards.
func (d *Decision) Defined() bool { return d.Err == "" || d.Stage == "start" }

// MatchOptions refine Match.
type MatchOptions struct {
	// QEMU is the installed QEMU's version, which decides machine aliases
	// (q35 -> pc-q35-X.Y); a version ending in "+ubuntu" ("8.2.2+ubuntu")
	// is Ubuntu's build, whose aliases lead to Ubuntu's own machine types.
	// Empty: the profile's.
	QEMU string
	// NoTrace stops at the first matching descriptor, as libvirt does,
	// and leaves Decision.Trace and Decision.Also empty; everything else
	// is decided as without it. For a caller that only needs the choice,
	// Match then allocates nothing (see ../benchmarks).
	NoTrace bool
	// Files is libvirt's host as a rooted file system (os.Root.FS of "/",
	// or a --root), for a release whose answer depends on the host's files
	// (Profile.ReadsHostFiles): 12.8 compares firmware paths after
	// resolving symlinks in it, 9.0's start copies the NVRAM template from
	// it. It must implement fs.ReadLinkFS for symlinks to be followed. Nil:
	// the profile's HostFiles.
	Files fs.FS
	// AnyEmulator takes every emulator as installed, with KVM for every
	// architecture, for a question about a descriptor set rather than a
	// host: libvirt refuses a domain whose emulator the host lacks ("No
	// emulator found for arch") or cannot accelerate ("does not support
	// virt type 'kvm'"), which says nothing about the descriptors.
	AnyEmulator bool
	// AnyMachine takes every machine type as one the emulator offers, as
	// libvirt's own test harness does with the capabilities it fakes;
	// aliases and the default machine still come from QEMU's machine list.
	AnyMachine bool
	// KVM are the guest architectures the host's KVM runs (x86_64 and
	// i686 on an x86_64 host with /dev/kvm; empty, not nil, without KVM;
	// AnyKVM for every architecture, for a host whose KVM is not known): a
	// kvm domain of another architecture is refused, and its machine
	// alias resolves to nothing. Nil: the profile's HostKVM, the host its
	// answers were recorded on.
	KVM []string
	// HostArch is the host's architecture, which libvirt gives a domain
	// whose <os><type> names none (or arch=''), whatever its emulator or
	// machine (mach-noarch-*). Empty: x86_64, the recorded hosts'.
	HostArch string
}

// Match predicts libvirt's firmware selection for req over set.
func Match(set *descriptor.Set, req *Request, p *Profile, opts MatchOptions) *Decision {
	// Kept small enough to be inlined, so that the Decision lives on the
	// caller's stack when the caller does not keep it.
	return match(new(Decision), set, req, p, opts)
}

// match is Match, filling d for libvirt's profiles.
func match(d *Decision, set *descriptor.Set, req *Request, p *Profile, opts MatchOptions) *Decision {
	if p.Nova {
		return matchNova(set, req, p, opts)
	}
	*d = Decision{Profile: p, Request: *req}
	r := &d.Request // its Loader and NVRAM stay req's until ownLoader or ownNVRAM copies them
	d.Stage = "define"
	if p.Selection.AtStart {
		d.Stage = "start"
	}
	qemu := cmpOr(opts.QEMU, p.QEMU)
	if r.Arch == "" {
		r.Arch = cmpOr(opts.HostArch, "x86_64")
	}
	kvm := hostKVM(r.Arch, opts, p)
	// An emulator without TCG has no machine type for a qemu guest, so
	// no alias resolves either (emulator-microvm-binary-q35, 10.0), nor
	// for any other domain type that reads TCG's machine list
	// (emulator-microvm-binary-dtype-*: none, xen, lxc, test, and
	// hyperv where it has no list of its own).
	tcgLess := slices.Contains(p.NoTCGEmulators, r.Emulator)
	noTCG := r.VirtType == "qemu" && tcgLess
	noTCGList := tcgLess && r.VirtType != "kvm" && !slices.Contains(p.Parsing.AccelMachines, r.VirtType)
	if (!slices.Contains(p.Parsing.AccelMachines, r.VirtType) || (r.VirtType == "kvm" && kvm)) && !noTCGList {
		if r.Machine == "" {
			// No machine type (or machine=''): the emulator's first.
			r.Machine = DefaultMachine(r.Arch, qemu)
		}
		if m := CanonicalMachine(r.Arch, r.Machine, qemu); !tcgLess || m == "microvm" || isQ35(m) {
			// The microvm binary has no other machine, and so no alias
			// for one ('pc' stays 'pc': emulator-microvm-binary-kvm-i440fx).
			r.Machine = m
		}
	}
	h := host{
		badMachine: !machineSupported(r.Arch, r.Machine, qemu),
		badVirtType: r.VirtType != "" && r.VirtType != "qemu" && (r.VirtType != "kvm" || !kvm) ||
			noTCG,
		noTCG:   noTCG,
		tcgLess: tcgLess,
	}
	if tcgLess {
		// The microvm binary has the microvm and q35 machines only
		// (live-10100-149's domain as i440fx: 9.0 and 10.0 refuse the
		// machine type) and only the video models listed.
		h.badMachine = h.badMachine || r.Machine != "microvm" && !isQ35(r.Machine)
		h.videoModels = p.NoTCGVideoModels
	}
	if l := machinesFor(r.Arch, qemu); l != nil {
		h.machineNoACPI = l.noACPI(r.Machine)
	}
	if opts.AnyMachine {
		h.badMachine, h.machineNoACPI = false, false
	}
	var archKnown int8                           // p.Rules.KnowsArch(r.Arch), asked once (knownArch)
	files := hostFiles(opts, p)                  // the host's files, read by the checks below
	stored := r.Existing && !r.ExistingValidated // loaded by the daemon: checks by phase
	if p.NVRAM.CreatesAtStart {
		// The first start, after the define and its validation (the
		// deferred calls run in reverse).
		defer func() {
			if d.Err == "" {
				if msg := d.firstStart(files); msg != "" {
					d.Stage, d.Err = "start", msg
				}
			}
		}()
	}
	if !p.Selection.AtStart {
		// Validation follows a define-time selection, whatever it found.
		// A stored definition meets only the post-parse checks when it is
		// loaded (failing one, it is not loaded); its validation waits
		// for the start, after the selection was stored.
		defer func() {
			switch {
			case !stored:
				if d.Err == "" {
					if msg := validate(d, h, allChecks); msg != "" {
						d.Stage, d.Err = "define", msg
					}
				}
			case d.Err == "" || d.Stage == "start":
				if msg := validate(d, h, loadChecks); msg != "" {
					d.Stage, d.Err = "load", msg
				} else if d.Err == "" {
					if msg := validate(d, h, validationChecks); msg != "" {
						d.Stage, d.Err = "start", msg
					}
				}
			}
		}()
	}

	if p.Parsing.IgnoresFormats {
		if r.Loader != nil && r.Loader.Format != "" {
			d.ownLoader(req).Format = ""
		}
		if r.NVRAM != nil && (r.NVRAM.Format != "" || r.NVRAM.TemplateFormat != "") {
			n := d.ownNVRAM(req)
			n.Format, n.TemplateFormat = "", ""
		}
	}
	if p.Parsing.NoTemplateFormat && r.NVRAM != nil && r.NVRAM.TemplateFormat != "" {
		d.ownNVRAM(req).TemplateFormat = ""
	}
	if dropsFeatures(r) {
		r.FirmwareFeatures, r.SecureBoot, r.EnrolledKeys = false, Unset, Unset
		d.droppedFeatures = true
	}
	if p.Parsing.EnrolledKeysImplySB && r.FirmwareFeatures && r.EnrolledKeys == Yes && r.SecureBoot == Unset {
		r.SecureBoot = Yes
	}
	emulators := files
	if opts.AnyEmulator {
		emulators = nil
	}
	if !stored {
		if err, c := preChecks(r, p, h, &archKnown, emulators, allChecks); err != "" {
			d.Stage, d.Err, d.Crash = "define", err, c == checkNoTCGCrash
			return d
		}
	} else {
		// A stored definition: what parsing and post-parse refuse, the
		// daemon does not load at all; validation waits for the start,
		// which, for a release that selects at start, validates before
		// it selects.
		if err, c := preChecks(r, p, h, &archKnown, emulators, loadChecks); err != "" {
			d.Stage, d.Err, d.Crash = "load", err, c == checkNoTCGCrash // (a crash at load: not recorded)
			if slices.Contains(p.Checks.LoadTolerates, c) {
				// Kept as parsed so far, without a selection; the start
				// fails.
				d.Stage, d.Selected = "start", true
			}
			return d
		}
		if p.Selection.AtStart {
			if err, _ := preChecks(r, p, h, &archKnown, emulators, validationChecks); err != "" {
				d.Stage, d.Err = "start", err
				return d
			}
		}
	}

	if p.NVRAM.EmptySourceFailsStart && r.NVRAM != nil && r.NVRAM.EmptySource {
		// 9.0's start, before it selects (xml-nvram-source-no-path-*).
		d.Stage, d.Err = "start", errUnknownCause
		return d
	}
	auto := r.Firmware != ""
	if !auto && (r.Loader == nil || !slices.Contains(p.Selection.ManualTypes, r.Loader.Type) || (p.Selection.ManualNeedsReadonly && r.Loader.Readonly != Yes)) {
		return d // nothing to select
	}
	if !auto && p.Selection.AtStart && r.Loader.Stateless != Yes && !nvramToCreate(r, p) {
		// libvirt 9.0 consults descriptors for a manual loader only to
		// find a template for an NVRAM file that does not exist yet; one
		// given as the element's text, or the default one, exists (as in
		// a domain started before, and as the oracle prepares it).
		d.manualNVRAM = true
		return d
	}
	if le := set.LookupError(); le != nil {
		// The descriptors could not be read: an existing domain is kept
		// as stored (before its loader format is forced), and its start
		// fails. (Recorded: the upstream-* existing cases on 10.0, whose
		// tree has a descriptor 10.0 cannot parse.)
		d.Selected = true
		d.Err = le.Msg
		if auto && r.Existing && !p.Selection.AtStart {
			d.Stage = "start"
		}
		return d
	}
	// A domain without <loader> takes the NVRAM's format for the loader
	// (any <loader> element, even without a format, stops that); only
	// then does an existing domain fall back to raw.
	if p.Parsing.LoaderFormatFromNVRAM && (!p.Parsing.NVRAMFormatCopyExisting || r.Existing) && auto && r.NVRAM != nil && r.NVRAM.Format != "" && r.Loader == nil &&
		!(p.Filters.PinnedTemplateIgnoresNVRAMFormat && r.NVRAM.Template != "") {
		d.ownLoader(req).Format = r.NVRAM.Format
	}
	if auto && r.Existing && !p.Selection.AtStart && (r.Loader == nil || r.Loader.Format == "") {
		d.ownLoader(req).Format = "raw"
	}
	d.Selected = true
	var resolveIn fs.FS
	if p.Filters.ResolvesPaths {
		resolveIn = files
	}
	env := newMatchEnv(r, p, resolveIn)
	env.archKnown = archKnown
	if !opts.NoTrace {
		d.Trace = make([]Step, 0, len(set.Entries))
	}
	for _, e := range set.Entries { // set.Effective(), without allocating
		if e.Status != descriptor.StatusActive && e.Status != descriptor.StatusInvalid {
			continue
		}
		if e.Status == descriptor.StatusInvalid {
			if p.Selection.InvalidFailsLookup {
				switch {
				case e.Data == nil: // the file could not be read
					d.Err = e.Libvirt.Msg
				case set.Rules.Equal(p.Rules):
					// Load judged the file with these rules.
					d.Err = "internal error: " + e.Libvirt.Msg
				default:
					d.Err = "internal error: " + p.Rules.Check(e.Path, e.Data, e.Descriptor).Msg
				}
				d.Chosen, d.Also = nil, nil
				if auto && r.Existing && !p.Selection.AtStart {
					// Kept as stored, without the loader format forced
					// above (see the LookupError case).
					d.Stage = "start"
					r.Loader = req.Loader
				}
				return d
			}
			if !opts.NoTrace {
				d.Trace = append(d.Trace, Step{e.Name, e.Path, false, "invalid descriptor skipped: " + e.Libvirt.Msg})
			}
			continue
		}
		if opts.NoTrace && (d.Chosen != nil || !env.mayMatch(e)) {
			// Only a later invalid descriptor can still matter, and this
			// one would be rejected: no reason is reported.
			continue
		}
		reason := matchOne(r, e, p, &env)
		ok := reason.ok()
		if ok {
			if d.Chosen == nil {
				d.Chosen = e
			} else {
				d.Also = append(d.Also, e)
			}
			reason = because("Firmware '%s' matches domain requirements", e.Path)
		}
		if !opts.NoTrace {
			d.Trace = append(d.Trace, Step{e.Name, e.Path, ok, reason.String()})
		} else if ok && !p.Selection.InvalidFailsLookup {
			break
		}
	}
	if d.Chosen == nil {
		if auto {
			d.Err = textf(p.Selection.NoMatch, r.Firmware)
			if r.Existing && !p.Selection.AtStart {
				// An existing domain is kept; starting it fails.
				d.Stage = "start"
			}
		} else if !p.Selection.AtStart {
			// (A release that selects at start reads the list only to
			// create the NVRAM, and writes nothing from it.)
			d.Legacy = legacyPair(r, p, &env)
		}
		return d
	}
	d.Err = postChecks(r, d.Chosen.Descriptor, p)
	if d.Err == "" && p.Selection.CrashesOnKernelSMM && r.Loader == nil && d.Chosen.Descriptor.Mapping.Device == descriptor.DeviceKernel &&
		known(d.Chosen.Descriptor, p, descriptor.FeatureRequiresSMM) {
		// Filling in the kernel's SMM requirement marks a <loader> secure
		// that the domain does not have: the daemon dereferences NULL.
		d.Err, d.Crash = ErrDaemonCrashed, true
	}
	return d
}

// ErrDaemonCrashed is what a client sees when libvirtd dies answering it
// (Decision.Crash): its connection drops.
const ErrDaemonCrashed = "End of file while reading data: Input/output error"

// anyArch stands for every architecture in MatchOptions.KVM.
const anyArch = "*"

// AnyKVM returns MatchOptions.KVM for a host whose KVM is taken to run
// every guest: this host and the bundled sets (fwaudit does not probe
// /dev/kvm), and the guests fwaudit builds itself.
func AnyKVM() []string { return []string{anyArch} }

// hostKVM reports whether the host's KVM runs guests of arch: the
// caller's host (MatchOptions.KVM), else the profile's; with AnyEmulator,
// every architecture.
func hostKVM(arch string, opts MatchOptions, p *Profile) bool {
	switch {
	case opts.AnyEmulator:
		return true
	case opts.KVM != nil:
		return slices.Contains(opts.KVM, arch) || slices.Contains(opts.KVM, anyArch)
	}
	return slices.Contains(p.HostKVM, arch)
}

// hostFiles is the host file system Match reads: the caller's, else the
// profile's.
func hostFiles(opts MatchOptions, p *Profile) fs.FS {
	if opts.Files != nil {
		return opts.Files
	}
	return p.HostFiles
}

// nvramToCreate reports whether the start has to create the domain's NVRAM
// (Profile.NVRAM.CreatesAtStart): one given as a file or block <source>
// other than the default path.
func nvramToCreate(r *Request, p *Profile) bool {
	n := r.NVRAM
	return p.NVRAM.CreatesAtStart && n != nil && n.Source && n.Path != path.Join(nvramDir, r.Name+"_VARS.fd")
}

// firstStart is what the first start refuses of a definition the define
// (or the daemon's load) accepted, for a release whose start prepares the
// NVRAM (Profile.NVRAM.CreatesAtStart); it returns libvirt's error, or "".
func (d *Decision) firstStart(files fs.FS) string {
	r, p := &d.Request, d.Profile
	if p.NVRAM.NoneProtocolFailsStart && r.NVRAM != nil && r.NVRAM.NoneProtocol {
		// 9.0 (xml-nvram-network-protocol-none).
		return "internal error: Unexpected enum value 0 for virStorageNetProtocol"
	}
	if p.NVRAM.TemplateFormatAtEveryStart && d.convertsTemplate() {
		return errConvertTemplate
	}
	if p.NVRAM.StartRematchesNVRAMFormat && !p.Selection.AtStart && d.Chosen != nil {
		// The start selects again over the stored definition, whose
		// NVRAM the define gave the loader's format, whatever format the
		// domain asked for: the template-format filter
		// (Filters.NVRAMFormat) now rejects a build whose template's
		// format differs from its executable's
		// (live-start-template-format-differs*, live-fit-8300-37:
		// <nvram format='qcow2'/> over a raw executable and a qcow2
		// template).
		m := &d.Chosen.Descriptor.Mapping
		if m.Device == descriptor.DeviceFlash && m.Executable != nil && m.EffectiveMode() == descriptor.ModeSplit && m.NVRAMTemplate != nil &&
			m.NVRAMTemplate.Format != m.Executable.Format {
			return textf(p.Selection.NoMatch, cmpOr(r.Firmware, "efi"))
		}
	}
	// A manual read/write pflash loader with an NVRAM element: the define
	// gives its NVRAM neither a path from a template nor a format.
	n := r.NVRAM
	rwManual := d.Chosen == nil && r.Loader != nil && r.Loader.Type == "pflash" && r.Loader.Readonly == No && n != nil && !n.Network
	// A memory (ROM) build chosen for a domain with an NVRAM element: the
	// define keeps the element, and gives it no path either.
	memoryBuild := d.Chosen != nil && d.Chosen.Descriptor.Mapping.Device == descriptor.DeviceMemory && n != nil && !n.Network
	if p.NVRAM.CreatesNVRAMWithoutPath && (rwManual || memoryBuild) && n.Path == "" && !n.Source {
		// The start creates that NVRAM all the same, at a NULL path, from
		// the domain's template only (no legacy list).
		if n.Template == "" {
			var loader string
			if memoryBuild { // a domain without <loader> may get one
				loader = d.Chosen.Descriptor.Mapping.Filename
			} else {
				loader = r.Loader.Path
			}
			return "operation failed: unable to find any master var store for loader: " + loader
		}
		if d.convertsTemplate() {
			return errConvertTemplate
		}
		if files != nil {
			if _, _, err := descriptor.Stat(files, n.Template); err != nil {
				return fmt.Sprintf("Failed to open file '%s': No such file or directory", n.Template)
			}
		}
		return "cannot rename file '(null).new' as '(null)': Bad address"
	}
	rwNetwork := d.Chosen == nil && r.Loader != nil && r.Loader.Type == "pflash" && r.Loader.Readonly == No && n != nil && n.Network
	if p.NVRAM.RWLoaderNVRAMNeedsFormat && (rwManual && n.Path != "" && !n.Source || rwNetwork) && n.Format == "" {
		// The define writes no format for the NVRAM of a read/write
		// loader; the start cannot give QEMU one (a network NVRAM too:
		// live-manual-rw-network-nvram, start-rw-network-nvram*).
		return "internal error: mishandled storage format 'none'"
	}
	return d.createNVRAM(files)
}

// createNVRAM is the start's creation of the NVRAM from a template, for a
// release that selects at start; it returns libvirt's error, or "".
func (d *Decision) createNVRAM(files fs.FS) string {
	r, p := &d.Request, d.Profile
	if !nvramToCreate(r, p) {
		return ""
	}
	if p.NVRAM.StartChecksBlock && r.NVRAM.Block && files != nil && !exists(files, r.NVRAM.Path) {
		return fmt.Sprintf("invalid argument: 'block' nvram backing device '%s' doesn't exist", r.NVRAM.Path)
	}
	// Whatever the loader's type: libvirt prepares any NVRAM the domain
	// names.
	loader, template := "", r.NVRAM.Template
	if r.Loader != nil {
		loader = r.Loader.Path
	}
	if d.Chosen != nil {
		switch m := &d.Chosen.Descriptor.Mapping; {
		case m.Device == descriptor.DeviceFlash && m.Executable != nil:
			loader = m.Executable.Filename
			if template == "" && m.EffectiveMode() == descriptor.ModeSplit && m.NVRAMTemplate != nil {
				template = m.NVRAMTemplate.Filename
			}
		case m.Device == descriptor.DeviceMemory:
			loader = m.Filename
		}
	}
	if template == "" && (p.Selection.AtStart || r.Loader == nil || r.Loader.Readonly != No) {
		// (The legacy list is not read for a read/write loader, spec
		// §3.4: live-manual-rw-file-nvram-start.)
		for _, pair := range p.NVRAM.LegacyPairs {
			if code, vars, _ := strings.Cut(pair, ":"); code == loader {
				template = vars
				break
			}
		}
	}
	if template == "" {
		if p.NVRAM.NoVarStoreNamesNVRAM {
			loader = r.NVRAM.Path
		}
		return "operation failed: unable to find any master var store for loader: " + loader
	}
	if d.convertsTemplate() {
		return errConvertTemplate
	}
	if files != nil {
		if _, _, err := descriptor.Stat(files, template); err != nil {
			return fmt.Sprintf("Failed to open file '%s': No such file or directory", template)
		}
	}
	return ""
}

// errConvertTemplate is the start's refusal to create an NVRAM in another
// format than its template's (Profile.NVRAM.TemplateFormatMustMatch).
const errConvertTemplate = "Operation not supported: conversion of the nvram template to another target format is not supported"

// convertsTemplate reports whether the start would have to convert the
// template to create the NVRAM: the stored templateFormat is set and
// differs from the NVRAM's stored format, unset included
// (Profile.NVRAM.TemplateFormatMustMatch). It is checked once a template
// is found, before the template is opened.
func (d *Decision) convertsTemplate() bool {
	if !d.Profile.NVRAM.TemplateFormatMustMatch || d.Request.NVRAM == nil {
		// Without an <nvram> element the define writes the NVRAM the
		// template's format (or both the loader's): nothing to compare,
		// and Match stays free of allocations (TestMatchAllocs).
		return false
	}
	n := d.storedNVRAM()
	return n != nil && n.TemplateFormat != "" && n.TemplateFormat != n.Format
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// preChecks are the define-time refusals that precede selection.
// archKnown is knownArch's answer for r.Arch, shared with the caller.
func preChecks(r *Request, p *Profile, h host, archKnown *int8, files fs.FS, ph phase) (string, check) {
	v := requested(r)
	v.host = h
	v.archKnown = *archKnown
	v.files = files
	msg, c := firstCheck(p.Checks.Define, &v, p, ph)
	*archKnown = v.archKnown
	return msg, c
}

// validate is the validation that follows a define-time selection, on the
// definition as the selection filled it in (or left it).
func validate(d *Decision, h host, ph phase) string {
	p := d.Profile
	if p.Selection.AtStart || len(p.Checks.Post) == 0 {
		return ""
	}
	var v vstate
	if d.Chosen != nil {
		v = selected(&d.Request, d.Chosen.Descriptor, p)
	} else {
		v = requested(&d.Request)
	}
	v.host = h
	if ph == validationChecks {
		// The start validates a stored definition as a whole: the checks
		// a new one meets before the selection come first.
		if msg := runChecks(p.Checks.Define, &v, p, ph); msg != "" {
			return msg
		}
	}
	return runChecks(p.Checks.Post, &v, p, ph)
}

// errUEFIACPI is domain validation's verdict on x86 UEFI without ACPI.
const errUEFIACPI = "unsupported configuration: UEFI requires ACPI on this architecture"

// errEnrolledWithoutSB is domain validation's verdict on enrolled keys
// without Secure Boot, whether the domain asks for it or the chosen
// descriptor implies it.
const errEnrolledWithoutSB = "firmware feature 'enrolled-keys' cannot be enabled when firmware feature 'secure-boot' is disabled"

// matchOne is libvirt's per-descriptor predicate (qemuFirmwareMatchDomain):
// it returns the zero why when e satisfies r, else the reason it is skipped.
func matchOne(r *Request, e *descriptor.Entry, p *Profile, env *matchEnv) why {
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
			return because("No matching interface in '%s'", path)
		}
	} else if want == "" || !fw.HasInterface(want) {
		return because("No matching interface in '%s'", path)
	}

	switch m.Device {
	case descriptor.DeviceFlash:
		if l != nil && l.Path != "" && (m.Executable == nil || !env.samePath(&env.loader, l.Path, m.Executable.Filename)) {
			return because("No matching path in '%s'", path)
		}
		if r.NVRAM != nil && r.NVRAM.Template != "" &&
			(m.EffectiveMode() != descriptor.ModeSplit || m.NVRAMTemplate == nil || !env.samePath(&env.template, r.NVRAM.Template, m.NVRAMTemplate.Filename)) {
			return because("No matching path in '%s'", path)
		}
	case descriptor.DeviceMemory:
		if l != nil && l.Path != "" && !env.samePath(&env.loader, l.Path, m.Filename) {
			return because("No matching path in '%s'", path)
		}
		if p.Filters.MemorySkipsNVRAM && r.NVRAM != nil {
			if r.NVRAM.Template != "" {
				return because("No matching path in '%s'", path)
			}
			if r.NVRAM.Path != "" || r.NVRAM.Network || r.NVRAM.Format != "" || p.Filters.MemorySkipsEmptyNVRAM {
				// libvirt skips it without a word.
				return because("Memory firmware '%s' takes no NVRAM (libvirt logs nothing)", path)
			}
		}
	case descriptor.DeviceKernel:
		if p.Filters.KernelPathChecked && r.Kernel != "" && r.Kernel != m.Filename {
			return because("No matching path in '%s'", path)
		}
	}

	if !matchesMachine(fw, env, r.Arch, r.Machine) {
		return because("No matching machine type in '%s'", path)
	}

	feats := env.featuresOf(e) // what the release reads of the features the tests read
	if t, failed := firstFailed(env.tests.earlyTests(), feats); failed {
		return because(t.reason, path)
	}

	switch m.Device {
	case descriptor.DeviceFlash:
		if reason := matchFlash(r, m, p); !reason.ok() {
			return reason
		}
	case descriptor.DeviceMemory:
		if p.Filters.MemoryChecksLoader && l != nil {
			if l.Type != "" && l.Type != "rom" {
				return because("Discarding rom loader")
			}
			if l.Readonly == No {
				return because("Discarding readonly loader")
			}
		}
		if p.Filters.MemoryNeedsStateless && l != nil && l.Stateless == No {
			return because("Discarding stateless loader")
		}
	}

	if t, failed := firstFailed(env.tests.lateTests(), feats); failed {
		return because(t.reason, path)
	}
	return why{}
}

func matchFlash(r *Request, m *descriptor.Mapping, p *Profile) why {
	l := r.Loader
	if p.Filters.FlashChecksLoaderType && l != nil && l.Type != "" && l.Type != "pflash" {
		return because("Discarding flash loader")
	}
	mode := m.EffectiveMode()
	stateless := wantsStateless(r)
	switch {
	case stateless && mode != descriptor.ModeStateless:
		return because("Discarding loader without stateless flash")
	case !stateless && mode != descriptor.ModeSplit:
		if !p.Filters.NonSplitSelectable || (l != nil && l.Stateless == No && mode == descriptor.ModeStateless) {
			return because("Discarding loader without split flash")
		}
		if n := r.NVRAM; n != nil && (n.Path != "" || n.Network || n.Format != "") {
			if mode == descriptor.ModeStateless {
				return because("Discarding stateless loader")
			}
			return because("Discarding non split loader (nvram configured)")
		}
	}
	if l != nil && l.Readonly == No && mode != descriptor.ModeCombined {
		return because("Discarding readonly loader")
	}
	if l != nil && l.Readonly == Yes && mode == descriptor.ModeCombined {
		// Combined flash is written to: a read-only loader cannot be it.
		return because("Discarding read/write loader")
	}
	if !p.Filters.Formats {
		return why{}
	}
	exe := m.Executable
	if exe.Format != "raw" && exe.Format != "qcow2" {
		return because("Discarding loader with unsupported flash format '%s'", exe.Format)
	}
	if l != nil && l.Format != "" && l.Format != exe.Format {
		return because("Discarding loader with mismatching flash format '%s' != '%s'", exe.Format, l.Format)
	}
	if mode == descriptor.ModeSplit {
		t := m.NVRAMTemplate
		if t.Format != "raw" && t.Format != "qcow2" {
			return because("Discarding loader with unsupported nvram template format '%s'", t.Format)
		}
		if p.Filters.TemplateFormat && r.NVRAM != nil && r.NVRAM.TemplateFormat != "" && r.NVRAM.TemplateFormat != t.Format {
			return because("Discarding loader with mismatching nvram template format '%s' != '%s'", t.Format, r.NVRAM.TemplateFormat)
		}
		if p.Filters.NVRAMFormat && r.NVRAM != nil && r.NVRAM.Format != "" && r.NVRAM.Format != t.Format &&
			!(p.Filters.PinnedTemplateIgnoresNVRAMFormat && r.NVRAM.Template != "") &&
			(!p.Filters.NVRAMFormatNeedsNoLoader || l == nil || *l == (Loader{})) {
			return because("Discarding loader with mismatching nvram template format '%s' != '%s'", t.Format, r.NVRAM.Format)
		}
	}
	return why{}
}

// matchesMachine is libvirt's arch + machine-glob test.
func matchesMachine(fw *descriptor.Descriptor, env *matchEnv, arch, machine string) bool {
	for _, t := range fw.Targets {
		// p.Rules.Arch(t.Architecture) == arch, with the release's
		// list consulted at most once per Match.
		if a, fixed := descriptor.LibvirtArch(t.Architecture); a != arch || !(fixed || env.knowsArch()) {
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
	if !p.Filters.Formats && m.Device == descriptor.DeviceFlash {
		if m.Executable.Format != "raw" {
			return textf("Operation not supported: unsupported flash format '%s'", m.Executable.Format)
		}
		if m.NVRAMTemplate != nil && m.NVRAMTemplate.Format != "raw" {
			return textf("Operation not supported: unsupported nvram template format '%s'", m.NVRAMTemplate.Format)
		}
	}
	if known(fw, p, descriptor.FeatureRequiresSMM) && !p.Filters.SMMOff && r.SMM == No {
		return "Requested operation is not valid: domain has SMM turned off but chosen firmware requires it"
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

// The built-in qemu.conf nvram lists ("CODE:VARS"), consulted for a manual
// pflash loader no descriptor matches: Debian's build (9.0, 11.3, 12.8) and
// Ubuntu's (10.0), which adds the Microsoft-keys pair (read from the
// binaries of the oracle hosts).
var (
	debianLegacy = []string{
		"/usr/share/OVMF/OVMF_CODE.fd:/usr/share/OVMF/OVMF_VARS.fd",
		"/usr/share/OVMF/OVMF_CODE.secboot.fd:/usr/share/OVMF/OVMF_VARS.fd",
		"/usr/share/AAVMF/AAVMF_CODE.fd:/usr/share/AAVMF/AAVMF_VARS.fd",
		"/usr/share/AAVMF/AAVMF32_CODE.fd:/usr/share/AAVMF/AAVMF32_VARS.fd",
	}
	ubuntuLegacy = append(slices.Clip(debianLegacy), "/usr/share/OVMF/OVMF_CODE.ms.fd:/usr/share/OVMF/OVMF_VARS.ms.fd")
)

func legacyPair(r *Request, p *Profile, env *matchEnv) string {
	l := r.Loader
	if l == nil || l.Type != "pflash" || l.Readonly == No || l.Stateless == Yes || (l.Format != "" && l.Format != "raw") {
		return ""
	}
	for _, pair := range p.NVRAM.LegacyPairs {
		code, vars, _ := strings.Cut(pair, ":")
		if !env.samePath(&env.loader, l.Path, code) {
			continue
		}
		if p.NVRAM.LegacyNeedsTemplate && r.NVRAM != nil && r.NVRAM.Template != "" && !env.samePath(&env.template, r.NVRAM.Template, vars) {
			continue
		}
		return pair
	}
	return ""
}
