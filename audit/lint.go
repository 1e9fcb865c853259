package audit

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/matcher"
	"github.com/fwaudit/fwaudit/report"
)

// lint runs the rules over the descriptor files.
func (a *auditor) lint() {
	a.noDescriptors()
	a.lookupErrors()
	if !a.visited {
		for _, e := range a.set.Entries {
			a.entry(e)
			a.flush(e.Path)
		}
	}
	if a.opts.Files != nil {
		a.orphans()
	}
}

// entry runs the rules about one entry alone, those that read its bytes
// among them: during the lint, or as the entry is loaded (RunLoad).
// Nothing here reads the rest of the set or the coverage matrix
// (feature-ignored's severity waits for it: resolvePending).
func (a *auditor) entry(e *descriptor.Entry) {
	switch e.Status {
	case descriptor.StatusInvalid:
		a.invalid(e)
		a.stray(e)
	case descriptor.StatusActive:
		a.stray(e)
		a.active(e)
		a.contents(e)
		a.shadowed(e)
		if a.release {
			// Every rule that positions a finding in e has run.
			e.DropData()
		}
	case descriptor.StatusMasked:
		a.addEntry(e, RuleMasked, "", "", fmt.Sprintf("masked by the empty file %s: libvirt never reads it", e.HiddenBy))
	case descriptor.StatusOverridden:
		a.addEntry(e, RuleOverridden, "", "", fmt.Sprintf("overridden by %s: libvirt reads that file instead", e.HiddenBy))
	}
}

// noDescriptors reports a set with no descriptor at all: nothing libvirt
// could select, where the caller expected some.
func (a *auditor) noDescriptors() {
	for _, e := range a.set.Entries {
		if e.Status != descriptor.StatusIgnored && e.Status != descriptor.StatusMask {
			return
		}
	}
	var where []string
	for _, d := range a.set.Dirs {
		state := "no descriptor"
		switch {
		case d.Err != nil:
			state = "unreadable"
		case !d.Exists:
			state = "missing"
		}
		where = append(where, d.Path+" ("+state+")")
	}
	subject := "descriptor set"
	if len(where) == 0 {
		where = append(where, "the paths given")
	} else {
		subject = strings.Join(where, ", ")
	}
	msg := "no firmware descriptor found in " + strings.Join(where, ", ")
	if n := len(a.set.Entries); n > 0 {
		msg += fmt.Sprintf(" (only %d mask or ignored entries)", n)
	}
	a.add(report.Finding{Rule: RuleNoDescriptors, Subject: subject,
		Message: msg + ": libvirt finds no firmware and refuses every auto-selected domain; check the --root, --dir or paths"})
}

func (a *auditor) lookupErrors() {
	for _, d := range a.set.Dirs {
		if d.Err != nil {
			a.add(report.Finding{Rule: RuleLookupError, File: d.Path, Subject: d.Path,
				Message: d.Err.Msg + ": libvirt aborts every firmware lookup on this host"})
		}
	}
	for _, e := range a.set.Entries {
		if e.Status == descriptor.StatusError {
			msg := "cannot be examined"
			if len(e.Problems) > 0 {
				msg = e.Problems[0].Msg
			}
			a.addEntry(e, RuleLookupError, "", "", msg+": libvirt aborts every firmware lookup on this host (all releases)")
		}
	}
}

func (a *auditor) invalid(e *descriptor.Entry) {
	le := e.Libvirt
	if le == nil {
		return
	}
	f := report.Finding{Rule: RuleDescriptorInvalid, Descriptor: e.Name, File: e.Path, Line: le.Line, Column: le.Col, Pointer: le.Pointer}
	switch {
	case e.Descriptor == nil && notJSON(e):
		// Not JSON at all: no release can make sense of it, whatever it
		// does with the file.
		f.Severity = report.Error
		f.Message = fmt.Sprintf("not valid JSON: %s; libvirt %s then fails every firmware selection on this host", le.Msg, a.p.Version)
		if !a.p.Selection.InvalidFailsLookup {
			f.Message = fmt.Sprintf("not valid JSON: %s; libvirt %s skips the file, but 9.0 to 10.x fail every firmware selection on it", le.Msg, a.p.Version)
		}
	case a.p.Selection.InvalidFailsLookup:
		f.Severity = report.Error
		f.Message = fmt.Sprintf("libvirt rejects it: %s%s; libvirt %s then fails every firmware selection on this host", le.Msg, cause(le), a.p.Version)
	default:
		f.Severity = report.Warning
		f.Message = fmt.Sprintf("libvirt rejects it: %s%s; libvirt %s skips the file", le.Msg, cause(le), a.p.Version)
	}
	a.add(f)
}

// cause is " (why)" for an error that says why, else "".
func cause(e *descriptor.Error) string {
	if e.Cause == "" {
		return ""
	}
	return " (" + e.Cause + ")"
}

// notJSON reports whether the entry's data is not valid JSON at all.
func notJSON(e *descriptor.Entry) bool {
	for _, p := range e.Problems {
		if p.Kind == descriptor.KindSyntax {
			return true
		}
	}
	return false
}

// backupSuffixes are the names editors and package managers leave behind.
var backupSuffixes = []string{"~", ".bak", ".orig", ".old", ".tmp", ".swp", ".swo",
	".dpkg-old", ".dpkg-new", ".dpkg-dist", ".dpkg-bak", ".dpkg-tmp", ".ucf-old", ".ucf-new", ".ucf-dist",
	".rpmnew", ".rpmsave", ".rpmorig"}

func (a *auditor) stray(e *descriptor.Entry) {
	for _, s := range backupSuffixes {
		if strings.HasSuffix(e.Name, s) {
			a.addEntry(e, RuleStrayFile, "", "", fmt.Sprintf("a backup file (%s): libvirt parses it like any descriptor and sorts it by name; delete it", s))
			return
		}
	}
	if e.NotJSON {
		a.addEntry(e, RuleStrayFile, "", "", "the name does not end in .json: libvirt parses it all the same")
	}
}

var x86Arches = []string{"x86_64", "i686"}

func (a *auditor) targetsArch(d *descriptor.Descriptor, arches []string) bool {
	for _, t := range d.Targets {
		if arch, ok := a.p.Rules.Arch(t.Architecture); ok && slices.Contains(arches, arch) {
			return true
		}
	}
	return false
}

// has is the profile's view of a feature: listed and known.
func (a *auditor) has(d *descriptor.Descriptor, f descriptor.Feature) bool {
	return a.p.Rules.KnowsFeature(f) && d.Has(f)
}

func (a *auditor) active(e *descriptor.Entry) {
	d := e.Descriptor
	m := &d.Mapping
	for _, p := range e.Problems {
		msg := ""
		switch p.Kind {
		case descriptor.KindSchema:
			msg = "QEMU's schema rejects it (libvirt accepts it): " + p.Msg
		case descriptor.KindSyntax:
			msg = fmt.Sprintf("not strict JSON (libvirt %s's parser accepts it): %s", a.p.Version, p.Msg)
		default:
			continue
		}
		a.add(report.Finding{Rule: RuleDescriptorSchema, Descriptor: e.Name, File: e.Path, Line: p.Line, Column: p.Col,
			Pointer: p.Pointer, Message: msg})
	}
	unresolved := d.UnresolvedPaths()
	for _, ptr := range slices.Sorted(maps.Keys(unresolved)) {
		a.addEntry(e, RuleUnresolvedPath, "", ptr, fmt.Sprintf("%q cannot name a file on a host (relative, or a build placeholder): a guest given this firmware cannot start", unresolved[ptr]))
	}
	if a.opts.Files != nil {
		a.missing(e, unresolved)
	}

	if m.Device == descriptor.DeviceFlash {
		a.formats(e)
		if m.EffectiveMode() == descriptor.ModeCombined {
			if a.p.Filters.NonSplitSelectable {
				a.addEntry(e, RuleCombinedFlash, report.Warning, "/mapping/mode", fmt.Sprintf("combined flash: libvirt %s can auto-select it for any guest, giving a writable pflash and no separate NVRAM", a.p.Version))
			} else {
				a.addEntry(e, RuleCombinedFlash, "", "/mapping/mode", fmt.Sprintf("combined flash: libvirt %s never auto-selects it; only domains naming it explicitly use it", a.p.Version))
			}
		}
	}

	sb, smm := a.has(d, descriptor.FeatureSecureBoot), a.has(d, descriptor.FeatureRequiresSMM)
	if a.targetsArch(d, x86Arches) {
		persistentFlash := m.Device == descriptor.DeviceFlash && m.EffectiveMode() != descriptor.ModeStateless
		if sb && !smm && persistentFlash {
			a.addEntry(e, RuleSecureBootWithoutSMM, "", "/features", "secure-boot without requires-smm on x86: the variable store is not protected by SMM, so the guest can change its own Secure Boot keys")
		}
		if smm && !sb {
			a.addEntry(e, RuleSMMWithoutSecureBoot, "", "/features", "requires-smm without secure-boot: libvirt logs an invalid set of features; usually secure-boot was forgotten")
		}
	}
	if a.has(d, descriptor.FeatureEnrolledKeys) && !sb {
		if a.p.Writes.FirmwareFeatures {
			a.addEntry(e, RuleEnrolledKeysWithoutSB, report.Error, "/features", fmt.Sprintf("enrolled-keys without secure-boot: libvirt %s chooses it and then refuses the domain (firmware feature 'enrolled-keys' cannot be enabled when firmware feature 'secure-boot' is disabled)", a.p.Version))
		} else {
			a.addEntry(e, RuleEnrolledKeysWithoutSB, report.Warning, "/features", fmt.Sprintf("enrolled-keys without secure-boot: libvirt %s never offers it to guests asking for enrolled keys (they also need secure-boot); newer releases refuse the domain after choosing it", a.p.Version))
		}
	}
	if m.Device == descriptor.DeviceKernel && smm {
		a.addEntry(e, RuleKernelRequiresSMM, "", "/mapping/device", fmt.Sprintf("a kernel-device descriptor with requires-smm: when it wins for a domain without <loader>, libvirt %s crashes (NULL loader)", a.p.Version))
	}
	a.ignoredFeatures(e)
	a.machineGlobs(e)
}

func (a *auditor) formats(e *descriptor.Entry) {
	m := &e.Descriptor.Mapping
	check := func(ptr string, ff *descriptor.FlashFile, what string) {
		if ff == nil {
			return
		}
		switch {
		case a.p.Filters.Formats && ff.Format != "raw" && ff.Format != "qcow2":
			a.addEntry(e, RuleUnsupportedFormat, report.Warning, ptr, fmt.Sprintf("%s format %q: libvirt %s supports only raw and qcow2 and skips this descriptor", what, ff.Format, a.p.Version))
		case !a.p.Filters.Formats && ff.Format != "raw":
			a.addEntry(e, RuleUnsupportedFormat, report.Error, ptr, fmt.Sprintf("%s format %q: libvirt %s does not filter on formats, picks this descriptor when it matches and then fails (unsupported flash format)", what, ff.Format, a.p.Version))
		}
	}
	check("/mapping/executable/format", m.Executable, "executable")
	if m.EffectiveMode() == descriptor.ModeSplit {
		check("/mapping/nvram-template/format", m.NVRAMTemplate, "nvram-template")
	}
}

// needFeatures are features whose firmware needs the host to provide
// something: dropping them lets an ordinary guest boot firmware that
// cannot run.
func needsHost(d *descriptor.Descriptor, f descriptor.Feature) bool {
	switch f {
	case descriptor.FeatureIntelTDX, descriptor.FeatureHostUEFIVars:
		return true
	case descriptor.FeatureAMDSEVSNP:
		return !d.Has(descriptor.FeatureAMDSEV) && !d.Has(descriptor.FeatureAMDSEVES)
	}
	return false
}

// provides reports whether a coverage feature set's guest provides what f
// needs.
func provides(set string, f descriptor.Feature) bool {
	switch f {
	case descriptor.FeatureIntelTDX:
		return set == "intel-tdx"
	case descriptor.FeatureAMDSEVSNP:
		return set == "amd-sev-snp"
	}
	return false
}

func (a *auditor) ignoredFeatures(e *descriptor.Entry) {
	d := e.Descriptor
	for i, f := range d.Features {
		if a.p.Rules.KnowsFeature(f) {
			continue
		}
		ptr := fmt.Sprintf("/features/%d", i)
		what := "a feature QEMU does not define (a typo?)"
		if f.Known() {
			what = "a feature QEMU defines"
		}
		msg := fmt.Sprintf("%q is %s but libvirt %s does not know it and ignores it: the firmware looks like a build without it", f, what, a.p.Version)
		if needsHost(d, f) {
			a.pending = append(a.pending, pendingFeature{e: e, feature: f, finding: a.held.Len()})
			a.put(&a.held, a.entryFinding(e, RuleFeatureIgnored, report.Warning, ptr), msg, "", "")
			continue
		}
		a.addEntry(e, RuleFeatureIgnored, report.Warning, ptr, msg)
	}
}

// pendingFeature is a feature-ignored finding about a feature the guest
// must provide (needsHost): an error when the coverage matrix shows a
// guest that does not provide it getting the descriptor.
type pendingFeature struct {
	e       *descriptor.Entry
	feature descriptor.Feature
	finding int // index in auditor.held
}

// resolvePending records the pending feature-ignored findings, errors
// where the coverage matrix, once known, has victims for them.
func (a *auditor) resolvePending() {
	for _, pf := range a.pending {
		f := a.held.At(pf.finding)
		var victims []string
		for _, c := range a.cells {
			if c.chosen == pf.e && c.Status != "gap" && !provides(c.FeatureSet, pf.feature) {
				victims = append(victims, c.subject())
			}
		}
		if len(victims) > 0 {
			f.Severity = report.Error
			f.Message += fmt.Sprintf("; guests that do not provide %s get it and cannot boot: %s", pf.feature, strings.Join(victims, ", "))
		}
		a.findings.Add(f)
	}
	a.pending, a.held = nil, report.Findings{}
}

// shadowed flags e when an earlier active descriptor beats it for every
// request that could choose it. Conservative: see the rule's help. The
// first earlier descriptor that beats one is found through an index
// (shadow.go), not by trying every pair; entry calls it with each active
// entry in libvirt's order.
func (a *auditor) shadowed(b *descriptor.Entry) {
	if a.shadow == nil {
		a.shadow = &shadowIndex{a: a, groups: map[shadowKey][]shadowGroup{}}
	}
	x := a.shadow.push(b)
	if x == nil {
		return
	}
	msg := fmt.Sprintf("never auto-selected: %s sorts first and wins for every guest this descriptor could serve", x.Name)
	xe, xt := images(x.Descriptor)
	if be, bt := images(b.Descriptor); xe == be && xt == bt {
		msg += " (it names the same files: a duplicate)"
	} else {
		msg += "; only a domain naming its files explicitly can use it"
	}
	sev := report.Severity("")
	if verbose(b.Descriptor) && !verbose(x.Descriptor) {
		sev = report.Info
		msg += " (a verbose debug build next to its quiet twin: probably intended)"
	}
	a.addEntry(b, RuleShadowed, sev, "", msg)
}

func verbose(d *descriptor.Descriptor) bool {
	return d.Has(descriptor.FeatureVerboseStatic) || d.Has(descriptor.FeatureVerboseDynamic)
}

// matchFeatures are the features libvirt's matching reads.
var matchFeatures = []descriptor.Feature{
	descriptor.FeatureACPIS3, descriptor.FeatureACPIS4, descriptor.FeatureAMDSEV, descriptor.FeatureAMDSEVES,
	descriptor.FeatureAMDSEVSNP, descriptor.FeatureIntelTDX, descriptor.FeatureSecureBoot,
	descriptor.FeatureEnrolledKeys, descriptor.FeatureRequiresSMM,
}

// beats reports whether x wins over y for every request y satisfies.
func (a *auditor) beats(x, y *descriptor.Descriptor) bool {
	xm, ym := &x.Mapping, &y.Mapping
	if xm.Device != ym.Device || xm.EffectiveMode() != ym.EffectiveMode() {
		return false
	}
	switch xm.Device {
	case descriptor.DeviceFlash:
		if xm.Executable == nil || ym.Executable == nil || xm.Executable.Format != ym.Executable.Format {
			return false
		}
		if xm.EffectiveMode() == descriptor.ModeSplit &&
			(xm.NVRAMTemplate == nil || ym.NVRAMTemplate == nil || xm.NVRAMTemplate.Format != ym.NVRAMTemplate.Format) {
			return false
		}
	case descriptor.DeviceMemory:
	default: // kernel devices are pinned by <kernel>; do not judge
		return false
	}
	for _, i := range []descriptor.Interface{descriptor.InterfaceUEFI, descriptor.InterfaceBIOS} {
		if y.HasInterface(i) && !x.HasInterface(i) {
			return false
		}
	}
	for _, f := range matchFeatures {
		xh, yh := a.has(x, f), a.has(y, f)
		switch f {
		case descriptor.FeatureSecureBoot, descriptor.FeatureEnrolledKeys, descriptor.FeatureRequiresSMM:
			if xh != yh {
				return false
			}
		default:
			if yh && !xh {
				return false
			}
		}
	}
	// TDX guests fail after choosing a flash or SMM build, without
	// fallback; do not reason about them.
	if a.has(x, descriptor.FeatureIntelTDX) {
		return false
	}
	for _, yt := range y.Targets {
		yarch, ok := a.p.Rules.Arch(yt.Architecture)
		if !ok {
			continue
		}
		for _, pat := range yt.Machines {
			if !a.covers(x, yarch, pat) {
				return false
			}
		}
	}
	return len(y.Targets) > 0
}

// covers reports whether some target of x has arch and a pattern that
// matches every name pat matches.
func (a *auditor) covers(x *descriptor.Descriptor, arch, pat string) bool {
	for _, t := range x.Targets {
		if xa, ok := a.p.Rules.Arch(t.Architecture); !ok || xa != arch {
			continue
		}
		for _, q := range t.Machines {
			if q == pat || q == "*" {
				return true
			}
			if prefix, ok := strings.CutSuffix(q, "*"); ok && !strings.ContainsAny(prefix, "*?") &&
				len(pat) >= len(prefix) && !strings.ContainsAny(pat[:len(prefix)], "*?") && strings.HasPrefix(pat, prefix) {
				return true
			}
		}
	}
	return false
}

func (a *auditor) machineGlobs(e *descriptor.Entry) {
	for i, t := range e.Descriptor.Targets {
		arch, ok := a.p.Rules.Arch(t.Architecture)
		if !ok {
			continue
		}
		for j, pat := range t.Machines {
			if ok, hint := machinePatternUsable(arch, pat); !ok {
				msg := fmt.Sprintf("machine pattern %q matches no %s machine type libvirt can ask for", pat, arch)
				if hint != "" {
					msg += "; " + hint
				}
				a.addEntry(e, RuleMachineGlobUnmatched, "", fmt.Sprintf("/targets/%d/machines/%d", i, j), msg)
			}
		}
	}
}

// machinePatternUsable applies the machine-glob heuristic (see the rule's
// help) and returns a hint for a literal alias.
func machinePatternUsable(arch, pat string) (bool, string) {
	names, ok := machineNames(arch)
	if !ok {
		return true, ""
	}
	for _, n := range names {
		if matcher.GlobMatch(pat, n) {
			return true, ""
		}
	}
	if canon := matcher.CanonicalMachine(arch, pat, "10.0"); canon != pat {
		return false, fmt.Sprintf("%q is an alias: libvirt matches the canonical name (%s on QEMU 10.0), use %q", pat, canon, strings.TrimSuffix(canon, "10.0")+"*")
	}
	return false, ""
}
