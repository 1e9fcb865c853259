package audit

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/report"
	"github.com/fwaudit/fwaudit/varstore"
)

// The contents rules read what the images hold: the NVRAM templates'
// variable stores (Secure Boot keys), the containers against the
// descriptors' formats, and the CODE/VARS pairs against edk2's layouts.
// They run when Options.Contents is set and Options.Files is given.

// storeRead is one template or NVRAM file read, kept for the whole audit
// (coverage, lint and domains ask about the same templates), keyed by the
// rooted path resolved inside Options.Files.
type storeRead struct {
	img *varstore.Image
	err error // nil, a read error (*varstore.Error or *fs.PathError)
}

// readStore reads the store at rooted path p inside Options.Files; ok is
// false when the file does not exist or is not a regular file (other rules
// report that).
func (a *auditor) readStore(p string) (storeRead, bool) {
	if a.opts.Files == nil || !a.opts.Contents {
		return storeRead{}, false
	}
	r, info, err := a.stat(p)
	if err != nil || !info.Mode().IsRegular() {
		return storeRead{}, false
	}
	if s, ok := a.stores[r]; ok {
		return s, true
	}
	img, err := varstore.Open(a.opts.Files, strings.TrimPrefix(r, "/"))
	var ve *varstore.Error
	if errors.As(err, &ve) {
		ve.File = p // name it as the descriptor does
	}
	s := storeRead{img, err}
	if a.stores == nil {
		a.stores = map[string]storeRead{}
	}
	a.stores[r] = s
	return s, true
}

// at is the date certificate expiry is judged at.
func (a *auditor) at() time.Time {
	if a.opts.At.IsZero() {
		return time.Now()
	}
	return a.opts.At
}

// lacks2023 says what a store lacks of the Microsoft 2023 CAs ("" if
// nothing): "KEK lacks Microsoft Corporation KEK 2K CA 2023; db lacks ...".
func lacks2023(sb *varstore.SecureBoot) string {
	var parts []string
	for _, g := range sb.Missing2023() {
		var names []string
		for _, m := range g.Missing {
			names = append(names, m.Name)
		}
		parts = append(parts, g.Var+" lacks "+strings.Join(names, ", "))
	}
	return strings.Join(parts, "; ")
}

// TemplateInfo is what a summary says of one NVRAM template.
type TemplateInfo struct {
	// Missing2023 lists the Microsoft 2023 CAs the template lacks where
	// their 2011 predecessors are enrolled ("KEK: Microsoft Corporation KEK
	// 2K CA 2023", ...); empty when none is missing.
	Missing2023 []string
	// Source says where the summary comes from (package and version).
	Source string
}

// templateLacks says what the template at p lacks of the 2023 CAs, from
// the image when it is read, else from Options.Templates; ok is false when
// neither knows.
func (a *auditor) templateLacks(p string) (lacks string, ok bool) {
	if s, read := a.readStore(p); read {
		if s.err != nil {
			return "", false
		}
		return lacks2023(s.img.SecureBoot()), true
	}
	ti, known := a.opts.Templates[p]
	if !known {
		return "", false
	}
	if len(ti.Missing2023) == 0 {
		return "", true
	}
	return strings.Join(ti.Missing2023, "; ") + " (from the bundled summary of " + ti.Source + ")", true
}

// lack2023 is the coverage lack for a template without the 2023 CAs.
const lack2023 = "microsoft-2023-cas"

// contents runs the contents rules for one active descriptor.
func (a *auditor) contents(e *descriptor.Entry) {
	d := e.Descriptor
	m := &d.Mapping
	if m.Device != descriptor.DeviceFlash {
		return
	}
	if a.opts.Files == nil && m.EffectiveMode() == descriptor.ModeSplit && m.NVRAMTemplate != nil {
		// No images: the bundled summary, if any, still knows the keys.
		if l, ok := a.templateLacks(m.NVRAMTemplate.Filename); ok && l != "" {
			a.addEntry(e, RuleSecureBootCAsOutdated, "", "/mapping/nvram-template/filename", fmt.Sprintf("the template %s holds Microsoft's 2011 CAs without their 2023 successors (%s): new guests cannot take boot loaders, shims and db/dbx updates signed only by the 2023 CAs", m.NVRAMTemplate.Filename, l))
		}
		return
	}
	if a.opts.Files == nil || !a.opts.Contents {
		return
	}
	var exeSize int64 = -1
	if m.Executable != nil {
		exeSize = a.containerCheck(e, "/mapping/executable", m.Executable)
	}
	if m.EffectiveMode() != descriptor.ModeSplit || m.NVRAMTemplate == nil {
		return
	}
	tmpl := m.NVRAMTemplate.Filename
	s, ok := a.readStore(tmpl)
	if !ok {
		return
	}
	const ptr = "/mapping/nvram-template/filename"
	if s.err != nil {
		a.addEntry(e, RuleTemplateUnreadable, "", ptr, fmt.Sprintf("the NVRAM template cannot be read as a variable store: %v: every new guest gets a copy of it", s.err))
		return
	}
	img := s.img
	if want := formatOf(m.NVRAMTemplate); img.Container != varstore.ContainerJSON && string(img.Container) != want {
		a.addEntry(e, RuleImageFormatMismatch, "", "/mapping/nvram-template/format", fmt.Sprintf("the NVRAM template %s is %s but the descriptor says format %q: QEMU reads it as %s and the firmware finds no variable store", tmpl, img.Container, want, want))
	}
	if exeSize >= 0 {
		a.layoutCheck(e, exeSize, img)
	}
	sb := img.SecureBoot()
	for _, k := range sb.DBs() {
		if k.Err != nil {
			a.addEntry(e, RuleTemplateUnreadable, "", ptr, fmt.Sprintf("the NVRAM template's %s variable does not parse: %v", k.Name, k.Err))
		}
	}
	claim := d.Has(descriptor.FeatureEnrolledKeys)
	switch {
	case claim && !sb.Enrolled():
		a.addEntry(e, RuleEnrolledKeysMismatch, report.Error, ptr, fmt.Sprintf("the descriptor claims enrolled-keys but the template %s holds PK %d, KEK %d, db %d entries: guests asking for enrolled keys boot with Secure Boot not enforced", tmpl, len(sb.PK.Entries), len(sb.KEK.Entries), len(sb.DB.Entries)))
	case !claim && len(sb.PK.Entries) > 0:
		a.addEntry(e, RuleEnrolledKeysMismatch, report.Warning, ptr, fmt.Sprintf("the template %s enrolls keys (PK: %s) but the descriptor does not claim enrolled-keys: libvirt gives it to guests that asked for no enrolled keys", tmpl, certLabels(&sb.PK)))
	}
	if l := lacks2023(sb); l != "" {
		a.addEntry(e, RuleSecureBootCAsOutdated, "", ptr, fmt.Sprintf("the template %s holds Microsoft's 2011 CAs without their 2023 successors (%s): new guests cannot take boot loaders, shims and db/dbx updates signed only by the 2023 CAs", tmpl, l))
	}
	at := a.at()
	for _, k := range []*varstore.KeyDB{&sb.PK, &sb.KEK, &sb.DB} {
		if k.AllExpired(at) {
			a.addEntry(e, RuleCertificatesExpired, "", ptr, fmt.Sprintf("every certificate in the template's %s has expired by %s (%s)", k.Name, at.Format(time.DateOnly), certLabels(k)))
		}
	}
}

func certLabels(k *varstore.KeyDB) string {
	var out []string
	for _, c := range k.Certs() {
		s := c.Label()
		if c.Err == "" {
			s += " until " + c.NotAfter.Format(time.DateOnly)
		}
		out = append(out, s)
	}
	return strings.Join(out, ", ")
}

// formatOf is the descriptor's format for a flash file; QEMU's schema
// requires it, libvirt reads a missing one as raw.
func formatOf(f *descriptor.FlashFile) string {
	if f.Format == "" {
		return "raw"
	}
	return f.Format
}

// containerCheck compares the executable's container with its format and
// returns the size of the image it holds (-1 if unknown).
func (a *auditor) containerCheck(e *descriptor.Entry, ptr string, f *descriptor.FlashFile) int64 {
	r, info, err := a.stat(f.Filename)
	if err != nil || !info.Mode().IsRegular() {
		return -1
	}
	c, size, err := varstore.Probe(a.opts.Files, strings.TrimPrefix(r, "/"))
	if err != nil {
		return -1 // a broken executable is QEMU's to report; only VARS are read here
	}
	if want := formatOf(f); (want == "raw" || want == "qcow2") && string(c) != want {
		a.addEntry(e, RuleImageFormatMismatch, "", ptr+"/format", fmt.Sprintf("the executable %s is %s but the descriptor says format %q: QEMU maps the container's bytes as the firmware and the guest does not start", f.Filename, c, want))
	}
	return size
}

// flashLayout is one way edk2 splits a flash device between CODE and VARS.
type flashLayout struct {
	name       string
	arches     []string
	code, vars int64
	// volume is the variable volume's length the build writes, 0 when it
	// may be anything up to vars.
	volume uint64
}

// flashLayouts are edk2's builds as distributions ship them (sizes read
// from the Debian 12, 13 and unstable packages: OVMF_CODE_4M.fd 3653632 +
// OVMF_VARS_4M.fd 540672 = 4 MiB; OVMF_CODE.fd 1966080 + OVMF_VARS.fd
// 131072 = 2 MiB; AAVMF_CODE.fd and AAVMF_VARS.fd 64 MiB each, the varstore
// volume 786432 bytes).
var flashLayouts = []flashLayout{
	{"edk2 x86 4 MiB (CODE 3568 KiB + VARS 528 KiB)", []string{"x86_64", "i386"}, 3653632, 540672, 540672},
	{"edk2 x86 2 MiB (CODE 1920 KiB + VARS 128 KiB)", []string{"x86_64", "i386"}, 1966080, 131072, 131072},
	{"AAVMF 64 MiB (CODE and VARS padded to 64 MiB each)", []string{"aarch64", "arm"}, 64 << 20, 64 << 20, 0},
}

// layoutCheck compares the CODE and VARS sizes with edk2's layouts for
// the descriptor's architectures.
func (a *auditor) layoutCheck(e *descriptor.Entry, codeSize int64, img *varstore.Image) {
	if img.Container == varstore.ContainerJSON {
		return
	}
	var cands []flashLayout
	for _, l := range flashLayouts {
		for _, t := range e.Descriptor.Targets {
			if containsStr(l.arches, t.Architecture) {
				cands = append(cands, l)
				break
			}
		}
	}
	if len(cands) == 0 {
		return // no known layout for this architecture
	}
	var names []string
	for _, l := range cands {
		if l.code == codeSize && l.vars == img.ImageSize {
			if l.volume != 0 && img.Volume != nil && img.Volume.Length != l.volume {
				a.addEntry(e, RuleFlashLayoutMismatch, "", "/mapping/nvram-template/filename", fmt.Sprintf("the template's variable volume is %d bytes but %s writes %d: the firmware looks for its store where this one does not end", img.Volume.Length, l.name, l.volume))
			}
			return
		}
		names = append(names, l.name)
	}
	if img.Volume != nil && img.Volume.Length > uint64(img.ImageSize) {
		return // reported as unreadable already
	}
	a.addEntry(e, RuleFlashLayoutMismatch, "", "/mapping/nvram-template/filename", fmt.Sprintf("a %s VARS (%d bytes) with a %s CODE (%d bytes) make none of edk2's flash layouts (%s): the guest boots but the firmware finds no variable store where it expects it, so no variable (boot entry, Secure Boot key) persists",
		kib(img.ImageSize), img.ImageSize, kib(codeSize), codeSize, strings.Join(names, "; ")))
}

func kib(n int64) string {
	if n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d KiB", n>>10)
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// domainNVRAM reads a domain's own NVRAM file (its <nvram> path inside
// Options.Files) and warns when it lacks the 2023 CAs.
func (a *auditor) domainNVRAM(file, name, nvram string) {
	if nvram == "" || !strings.HasPrefix(nvram, "/") {
		return
	}
	s, ok := a.readStore(nvram)
	if !ok {
		return
	}
	if s.err != nil {
		a.add(report.Finding{Rule: RuleDomainNVRAMUnreadable, File: file, Subject: name,
			Message: fmt.Sprintf("domain %s: its NVRAM %s cannot be read as a variable store: %v", name, nvram, s.err)})
		return
	}
	sb := s.img.SecureBoot()
	if l := lacks2023(sb); l != "" {
		a.add(report.Finding{Rule: RuleDomainSecureBootCAsOutdated, File: file, Subject: name,
			Message: fmt.Sprintf("domain %s: its NVRAM %s holds Microsoft's 2011 CAs without their 2023 successors (%s); on a Windows guest with BitLocker, have the recovery key at hand before anyone changes its Secure Boot keys", name, nvram, l)})
	}
}
