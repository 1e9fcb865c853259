package audit

import (
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/internal/safefile"
	"github.com/fwaudit/fwaudit/matcher"
	"github.com/fwaudit/fwaudit/report"
)

// DomainFile is one libvirt domain definition given to the audit: a file
// of /etc/libvirt/qemu or the output of virsh dumpxml.
type DomainFile struct {
	// Path names the file in findings.
	Path string
	// Data is the XML.
	Data []byte
	// Err is set when the file could not be read; the audit reports it
	// as a domain-invalid finding.
	Err error
}

// MaxDomainSize is the largest domain definition ReadDomains reads: 10 MiB,
// the most virsh define reads from a file (VSH_MAX_XML_FILE in libvirt's
// tools/vsh.h). A larger file is kept with an error.
const MaxDomainSize = 10 << 20

// ReadDomains reads domain XML files. A directory contributes its *.xml
// files (not its subdirectories: /etc/libvirt/qemu holds networks/ and
// autostart/), sorted by name. A path that does not exist is an error; a
// file that cannot be read is kept with Err set: one that is not a regular
// file (a named pipe, /dev/zero) or is larger than MaxDomainSize is
// refused without blocking and without reading it whole.
func ReadDomains(paths []string) ([]DomainFile, error) {
	var out []DomainFile
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("domains: %w", err)
		}
		if !info.IsDir() {
			data, err := safefile.Read(p, MaxDomainSize)
			out = append(out, DomainFile{Path: p, Data: data, Err: err})
			continue
		}
		ents, err := safefile.ReadDir(p)
		if err != nil {
			return nil, fmt.Errorf("domains: %w", err)
		}
		for _, e := range ents {
			if e.IsDir() || !strings.HasSuffix(e.Name(), ".xml") {
				continue
			}
			f := filepath.Join(p, e.Name())
			data, err := safefile.Read(f, MaxDomainSize)
			out = append(out, DomainFile{Path: f, Data: data, Err: err})
		}
	}
	return out, nil
}

// domains predicts the impact on every domain.
func (a *auditor) domains() ([]report.DomainImpact, error) {
	var out []report.DomainImpact
	for _, df := range a.opts.Domains {
		if err := a.ctx.Err(); err != nil {
			return nil, err
		}
		if df.Err != nil {
			a.add(report.Finding{Rule: RuleDomainInvalid, File: df.Path, Subject: df.Path, Message: "cannot read the domain: " + df.Err.Error()})
			continue
		}
		dom, req, err := matcher.ParseDomain(df.Data)
		if err != nil {
			a.add(report.Finding{Rule: RuleDomainInvalid, File: df.Path, Subject: df.Path, Message: "cannot parse the domain XML: " + err.Error()})
			continue
		}
		name := cmp.Or(dom.Name, df.Path)
		if !usesFirmware(req) {
			continue // QEMU's default BIOS: no firmware selection involved
		}
		out = append(out, a.domain(df.Path, name, req))
	}
	return out, nil
}

// UsesFirmware reports whether libvirt's firmware handling concerns the
// domain: auto-selection or a loader (otherwise QEMU's default BIOS runs).
func UsesFirmware(r *matcher.Request) bool { return usesFirmware(r) }

func usesFirmware(r *matcher.Request) bool {
	return r.Firmware != "" || (r.Loader != nil && (r.Loader.Path != "" || r.Loader.Type == "pflash"))
}

// ChoiceOf is what a decision chose, as a report says it: the
// descriptor and the loader and NVRAM template it gives the guest (by its
// device and flash mode), a legacy qemu.conf pair, or libvirt's error
// (with the descriptor it had chosen, for a refusal after selection).
func ChoiceOf(d *matcher.Decision) report.Choice {
	if !d.OK() {
		c := report.Choice{Error: d.Err}
		if d.Chosen != nil {
			c.Descriptor = d.Chosen.Name
		}
		return c
	}
	if d.Chosen == nil {
		if d.Legacy != "" {
			code, vars, _ := strings.Cut(d.Legacy, ":")
			return report.Choice{Loader: code, NVRAMTemplate: vars}
		}
		return report.Choice{}
	}
	exe, tmpl := images(d.Chosen.Descriptor)
	return report.Choice{Descriptor: d.Chosen.Name, Loader: exe, NVRAMTemplate: tmpl}
}

// describing returns the descriptor naming loader (and template, if
// given): the active ones first, in libvirt's order, then any other entry.
func (a *auditor) describing(loader, tmpl string) *descriptor.Entry {
	var fallback *descriptor.Entry
	for _, e := range a.set.Entries {
		if e.Descriptor == nil {
			continue
		}
		exe, t := images(e.Descriptor)
		if exe != loader || (tmpl != "" && t != tmpl) {
			continue
		}
		if e.Status == descriptor.StatusActive {
			return e
		}
		if fallback == nil {
			fallback = e
		}
	}
	return fallback
}

// secureRequest is the domain's Secure Boot request: the firmware feature
// when given, else the loader's secure attribute.
func secureRequest(r *matcher.Request) matcher.Tristate {
	if r.FirmwareFeatures && r.SecureBoot != matcher.Unset {
		return r.SecureBoot
	}
	if r.Loader != nil {
		return r.Loader.Secure
	}
	return matcher.Unset
}

// Regenerated is the request of the domain's XML built afresh, as nova
// 2026.1 does at rebuild, resize, cold migration, evacuate and unshelve:
// no loader path, type, format or template, no NVRAM; firmware='efi' (or
// 'bios'), the firmware feature requests, loader secure (from the Secure
// Boot request) and stateless, launch security, S3/S4 and an explicit SMM
// off.
func Regenerated(r *matcher.Request) *matcher.Request { return regenerated(r) }

func regenerated(r *matcher.Request) *matcher.Request {
	n := *r
	n.Existing = false
	n.NVRAM = nil
	if n.Firmware == "" {
		n.Firmware = "efi"
		if r.Loader != nil && r.Loader.Type == "rom" {
			n.Firmware = "bios"
		}
	}
	n.Loader = nil
	if sec, stateless := secureRequest(r), stateless(r); sec != matcher.Unset || stateless != matcher.Unset {
		n.Loader = &matcher.Loader{Secure: sec, Stateless: stateless}
	}
	if n.SMM == matcher.Yes {
		n.SMM = matcher.Unset // libvirt turns it on itself when the firmware needs it
	}
	return &n
}

func stateless(r *matcher.Request) matcher.Tristate {
	if r.Loader == nil {
		return matcher.Unset
	}
	return r.Loader.Stateless
}

func (a *auditor) domain(file, name string, req *matcher.Request) report.DomainImpact {
	mo := a.matchOptions() // only the choice is read
	im := report.DomainImpact{Name: name, File: file, HardRebootKeeps: true}

	// Current firmware: as the XML names it, or libvirt's choice for a
	// definition that leaves it to selection at every start.
	if req.Loader != nil && req.Loader.Path != "" {
		im.Current.Loader = req.Loader.Path
		if req.NVRAM != nil {
			im.Current.NVRAMTemplate = req.NVRAM.Template
		}
		if e := a.describing(im.Current.Loader, im.Current.NVRAMTemplate); e != nil {
			im.Current.Descriptor = e.Name
		}
	} else {
		cur := *req
		cur.Existing = true
		im.Current = ChoiceOf(matcher.Match(a.set, &cur, a.p, mo))
	}

	regen := regenerated(req)
	im.Regenerated = ChoiceOf(matcher.Match(a.set, regen, a.p, mo))
	if p, ok := matcher.ProfileNamed("nova-legacy"); ok {
		c := ChoiceOf(matcher.Match(a.set, regen, p, mo))
		im.NovaLegacy = &c
	}
	im.Changes = im.Regenerated.Error != "" || im.Regenerated.Loader != im.Current.Loader ||
		(im.Current.NVRAMTemplate != "" && im.Regenerated.NVRAMTemplate != im.Current.NVRAMTemplate)

	subject := name
	var reasons []string
	// Files on disk.
	missingLoader := false
	if a.opts.Files != nil {
		for _, f := range []struct{ what, path string }{{"loader", im.Current.Loader}, {"NVRAM template", im.Current.NVRAMTemplate}} {
			if f.path == "" {
				continue
			}
			if ok, why := a.fileState(f.path); !ok {
				missingLoader = missingLoader || f.what == "loader"
				reasons = append(reasons, fmt.Sprintf("the %s %s %s on this host", f.what, f.path, why))
				a.add(report.Finding{Rule: RuleDomainFirmwareMissing, File: file, Subject: subject,
					Message: fmt.Sprintf("domain %s: its %s %s %s: it cannot start with its current definition, and nova re-selects the firmware at the next hard reboot", name, f.what, f.path, why)})
			}
		}
	}
	if req.NVRAM != nil {
		a.domainNVRAM(file, subject, req.NVRAM.Path)
	}
	if im.Current.Loader != "" && im.Current.Descriptor == "" && !missingLoader && req.Loader != nil && req.Loader.Path != "" {
		msg := fmt.Sprintf("domain %s: no descriptor describes its loader %s: it keeps booting only while the file exists, and libvirt cannot re-select it", name, im.Current.Loader)
		if a.opts.Files == nil {
			msg += " (image files not checked: the package may have dropped it)"
		}
		a.add(report.Finding{Rule: RuleDomainUndescribed, File: file, Subject: subject, Message: msg})
	}
	// Secure Boot request against the loader's secure attribute.
	if req.FirmwareFeatures && req.SecureBoot != matcher.Unset && req.Loader != nil && req.Loader.Secure != matcher.Unset &&
		req.SecureBoot != req.Loader.Secure {
		reasons = append(reasons, fmt.Sprintf("the Secure Boot request (secure-boot %s) differs from <loader secure='%s'>", yesNo(req.SecureBoot), yesNo(req.Loader.Secure)))
		a.add(report.Finding{Rule: RuleDomainSecureBootChange, File: file, Subject: subject,
			Message: fmt.Sprintf("domain %s: asks for secure-boot %s but its loader has secure='%s': nova re-selects the firmware at the next hard reboot", name, yesNo(req.SecureBoot), yesNo(req.Loader.Secure))})
	}
	if len(reasons) > 0 {
		im.HardRebootKeeps = false
		im.HardRebootReason = strings.Join(reasons, "; ")
	}

	switch {
	case im.Regenerated.Error != "":
		a.add(report.Finding{Rule: RuleDomainUnsatisfiable, File: file, Subject: subject,
			Message: fmt.Sprintf("domain %s: defining it afresh (rebuild, resize, cold migration, evacuate, unshelve) fails on libvirt %s: %s", name, a.p.Version, im.Regenerated.Error)})
	case im.Changes:
		a.add(report.Finding{Rule: RuleDomainFirmwareChanges, File: file, Subject: subject,
			Message: fmt.Sprintf("domain %s: regenerating its XML selects %s instead of %s", name, describeChoice(im.Regenerated), describeChoice(im.Current))})
	}
	return im
}

func describeChoice(c report.Choice) string {
	if c.Error != "" {
		return "nothing (" + c.Error + ")"
	}
	if c.Loader == "" {
		return "no loader"
	}
	s := c.Loader
	if c.NVRAMTemplate != "" {
		s += " with template " + c.NVRAMTemplate
	}
	if c.Descriptor != "" {
		s += " (" + c.Descriptor + ")"
	}
	return s
}

func yesNo(t matcher.Tristate) string {
	return map[matcher.Tristate]string{matcher.Yes: "yes", matcher.No: "no"}[t]
}

// EmptyDomainDirs returns the directories among paths that contributed no
// file to domains (as ReadDomains read them), for Options.EmptyDomainDirs.
func EmptyDomainDirs(paths []string, domains []DomainFile) []string {
	var out []string
	for _, p := range paths {
		if info, err := os.Stat(p); err != nil || !info.IsDir() {
			continue
		}
		found := false
		for _, d := range domains {
			if filepath.Dir(d.Path) == filepath.Clean(p) {
				found = true
				break
			}
		}
		if !found {
			out = append(out, p)
		}
	}
	return out
}
