package audit

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/matcher"
	"github.com/fwaudit/fwaudit/report"
)

// FeatureSet is one kind of guest of the coverage matrix: what it asks
// libvirt for, and what the firmware it gets must provide.
type FeatureSet struct {
	// Name is the stable name used in reports and --require.
	Name string
	// Summary says what the guest asks for.
	Summary string
	// request turns a base request (arch, machine, firmware='efi') into
	// this guest's.
	request func(r *matcher.Request)
	// lacks lists what the chosen descriptor does not provide although
	// the guest needs it (whatever libvirt checked).
	lacks func(d *descriptor.Descriptor) []string
}

// Lacks values.
const (
	lackNVRAM = "nvram"
)

func needs(fs ...descriptor.Feature) func(d *descriptor.Descriptor) []string {
	return func(d *descriptor.Descriptor) []string {
		var out []string
		for _, f := range fs {
			if !d.Has(f) {
				out = append(out, string(f))
			}
		}
		return out
	}
}

// persistent is the need of an ordinary UEFI guest: a variable store that
// survives a reboot (boot entries, Secure Boot state).
func persistent(extra func(d *descriptor.Descriptor) []string) func(d *descriptor.Descriptor) []string {
	return func(d *descriptor.Descriptor) []string {
		var out []string
		if d.Mapping.Device != descriptor.DeviceFlash || d.Mapping.EffectiveMode() == descriptor.ModeStateless {
			out = append(out, lackNVRAM)
		}
		if extra != nil {
			out = append(out, extra(d)...)
		}
		return out
	}
}

func refuses(f descriptor.Feature) func(d *descriptor.Descriptor) []string {
	return func(d *descriptor.Descriptor) []string {
		if d.Has(f) {
			return []string{"no " + string(f)}
		}
		return nil
	}
}

func fwFeatures(sb, ek matcher.Tristate) func(r *matcher.Request) {
	return func(r *matcher.Request) {
		r.FirmwareFeatures = true
		r.SecureBoot, r.EnrolledKeys = sb, ek
	}
}

// featureSets are the guests of the coverage matrix, in report order.
var featureSets = []FeatureSet{
	{Name: "uefi", Summary: "<os firmware='efi'> and nothing else",
		request: func(*matcher.Request) {}, lacks: persistent(nil)},
	{Name: "secure-boot", Summary: "Secure Boot (<feature name='secure-boot' enabled='yes'>)",
		request: fwFeatures(matcher.Yes, matcher.Unset), lacks: persistent(needs(descriptor.FeatureSecureBoot))},
	{Name: "secure-boot+enrolled-keys", Summary: "Secure Boot with the default keys enrolled",
		request: fwFeatures(matcher.Yes, matcher.Yes), lacks: persistent(needs(descriptor.FeatureSecureBoot, descriptor.FeatureEnrolledKeys))},
	{Name: "secure-boot-no-keys", Summary: "Secure Boot without enrolled keys (enroll your own)",
		request: fwFeatures(matcher.Yes, matcher.No), lacks: persistent(needs(descriptor.FeatureSecureBoot))},
	{Name: "no-secure-boot", Summary: "Secure Boot refused (<feature name='secure-boot' enabled='no'>)",
		request: fwFeatures(matcher.No, matcher.Unset), lacks: persistent(refuses(descriptor.FeatureSecureBoot))},
	{Name: "smm-off", Summary: "<smm state='off'>",
		request: func(r *matcher.Request) { r.SMM = matcher.No }, lacks: persistent(refuses(descriptor.FeatureRequiresSMM))},
	{Name: "stateless", Summary: "<loader stateless='yes'> (no NVRAM)",
		request: func(r *matcher.Request) { r.Loader = &matcher.Loader{Stateless: matcher.Yes} },
		lacks:   func(*descriptor.Descriptor) []string { return nil }},
	{Name: "amd-sev", Summary: "<launchSecurity type='sev'> (policy 0x3)",
		request: func(r *matcher.Request) { r.LaunchSecurity, r.SEVPolicy = "sev", 0x3 }, lacks: needs(descriptor.FeatureAMDSEV)},
	{Name: "amd-sev-es", Summary: "<launchSecurity type='sev'> with the SEV-ES policy bit (0x7)",
		request: func(r *matcher.Request) { r.LaunchSecurity, r.SEVPolicy = "sev", 0x7 }, lacks: needs(descriptor.FeatureAMDSEV, descriptor.FeatureAMDSEVES)},
	{Name: "amd-sev-es+stateless", Summary: "SEV-ES (policy 0x7) with <loader stateless='yes'>, as nova asks for hw_firmware_stateless",
		request: func(r *matcher.Request) {
			r.LaunchSecurity, r.SEVPolicy = "sev", 0x7
			r.Loader = &matcher.Loader{Stateless: matcher.Yes}
		}, lacks: needs(descriptor.FeatureAMDSEV, descriptor.FeatureAMDSEVES)},
	{Name: "amd-sev-snp", Summary: "<launchSecurity type='sev-snp'>",
		request: func(r *matcher.Request) { r.LaunchSecurity = "sev-snp" }, lacks: needs(descriptor.FeatureAMDSEVSNP)},
	{Name: "intel-tdx", Summary: "<launchSecurity type='tdx'>",
		request: func(r *matcher.Request) { r.LaunchSecurity = "tdx" }, lacks: needs(descriptor.FeatureIntelTDX)},
	{Name: "bios", Summary: "<os firmware='bios'>",
		request: func(r *matcher.Request) { r.Firmware = "bios" }, lacks: func(*descriptor.Descriptor) []string { return nil }},
}

// FeatureSets returns the guests of the coverage matrix, in report order.
func FeatureSets() []FeatureSet { return slices.Clone(featureSets) }

func featureSet(name string) (FeatureSet, bool) {
	for _, f := range featureSets {
		if f.Name == name {
			return f, true
		}
	}
	return FeatureSet{}, false
}

// family is a machine family of one architecture, named by the machine
// (alias) a guest asks for.
type family struct {
	Arch, Machine string
}

// knownFamilies are the families fwaudit knows by architecture (libvirt
// names), with the feature sets that make sense for them; a descriptor
// pattern belongs to a family when it matches the family's canonical
// machine name.
var knownFamilies = map[string][]struct {
	machine string
	sets    []string
}{
	"x86_64": {
		{"q35", []string{"uefi", "secure-boot", "secure-boot+enrolled-keys", "secure-boot-no-keys", "no-secure-boot",
			"smm-off", "stateless", "amd-sev", "amd-sev-es", "amd-sev-es+stateless", "amd-sev-snp", "intel-tdx", "bios"}},
		{"pc", []string{"uefi", "no-secure-boot", "bios"}},
		{"microvm", []string{"uefi", "bios"}},
	},
	"i686": {
		{"q35", []string{"uefi", "secure-boot", "no-secure-boot", "bios"}},
		{"pc", []string{"uefi", "bios"}},
	},
	"aarch64": {
		{"virt", []string{"uefi", "secure-boot", "secure-boot+enrolled-keys", "secure-boot-no-keys", "no-secure-boot"}},
	},
	"armv7l":      {{"virt", []string{"uefi"}}},
	"riscv64":     {{"virt", []string{"uefi"}}},
	"loongarch64": {{"virt", []string{"uefi"}}},
	"ppc64":       {{"pseries", []string{"uefi"}}},
	"ppc64le":     {{"pseries", []string{"uefi"}}},
	"s390x":       {{"s390-ccw-virtio", []string{"uefi"}}},
}

// Cells lists the coverage cells fwaudit knows, as --require names them
// (ARCH/MACHINE/FEATURESET, "x86_64/q35/amd-sev-es"), architectures in a
// stable order; an audit asks for those whose family the set targets.
func Cells() []string {
	var out []string
	for _, arch := range archOrder {
		for _, f := range knownFamilies[arch] {
			for _, set := range f.sets {
				out = append(out, arch+"/"+f.machine+"/"+set)
			}
		}
	}
	return out
}

var archOrder = []string{"x86_64", "i686", "aarch64", "armv7l", "riscv64", "loongarch64", "ppc64", "ppc64le", "s390x"}

// cell is one coverage cell with what the findings need.
type cell struct {
	report.Coverage
	chosen *descriptor.Entry
	fs     FeatureSet
	// keys says what the chosen template lacks of the Microsoft 2023
	// CAs (lack2023), for the finding.
	keys string
}

// subject names a cell in findings and --require: ARCH/MACHINE/FEATURESET.
func (c *cell) subject() string { return c.Arch + "/" + c.Machine + "/" + c.FeatureSet }

type requirement struct{ arch, machine, set string }

// parseRequire validates --require values: a feature set name (the x86_64
// q35 cell) or ARCH/MACHINE/FEATURESET.
func parseRequire(vals []string) ([]requirement, error) {
	var out []requirement
	for _, v := range vals {
		parts := strings.Split(v, "/")
		r := requirement{"x86_64", "q35", v}
		switch len(parts) {
		case 1:
		case 3:
			r = requirement{parts[0], parts[1], parts[2]}
		default:
			return nil, fmt.Errorf("--require %q: want FEATURESET or ARCH/MACHINE/FEATURESET", v)
		}
		if _, ok := featureSet(r.set); !ok {
			var names []string
			for _, f := range featureSets {
				names = append(names, f.Name)
			}
			return nil, fmt.Errorf("--require %q: unknown feature set %q (known: %s)", v, r.set, strings.Join(names, ", "))
		}
		out = append(out, r)
	}
	return out, nil
}

// families lists the arch/machine families the set's active descriptors
// target, in a stable order, with the feature sets to ask for each.
func (a *auditor) families() ([]family, map[family][]string) {
	sets := map[family][]string{}
	var fams []family
	addFam := func(f family, names []string) {
		if _, ok := sets[f]; !ok {
			fams = append(fams, f)
		}
		for _, n := range names {
			if !slices.Contains(sets[f], n) {
				sets[f] = append(sets[f], n)
			}
		}
	}
	for _, e := range a.set.Entries {
		if e.Status != descriptor.StatusActive {
			continue
		}
		d := e.Descriptor
		for _, t := range d.Targets {
			arch, ok := a.p.Rules.Arch(t.Architecture)
			if !ok {
				continue
			}
			for _, pat := range t.Machines {
				matched := false
				for _, kf := range knownFamilies[arch] {
					if matcher.GlobMatch(pat, matcher.CanonicalMachine(arch, kf.machine, a.qemu)) {
						addFam(family{arch, kf.machine}, kf.sets)
						matched = true
					}
				}
				if !matched && !strings.ContainsAny(pat, "*?") && knownFamilies[arch] == nil {
					var names []string
					if d.HasInterface(descriptor.InterfaceUEFI) {
						names = append(names, "uefi")
					}
					if d.HasInterface(descriptor.InterfaceBIOS) {
						names = append(names, "bios")
					}
					addFam(family{arch, pat}, names)
				}
			}
		}
	}
	rank := func(f family) (int, int) {
		ai := slices.Index(archOrder, f.Arch)
		if ai < 0 {
			ai = len(archOrder)
		}
		mi := slices.IndexFunc(knownFamilies[f.Arch], func(k struct {
			machine string
			sets    []string
		}) bool {
			return k.machine == f.Machine
		})
		if mi < 0 {
			mi = len(knownFamilies[f.Arch])
		}
		return ai, mi
	}
	slices.SortStableFunc(fams, func(x, y family) int {
		xa, xm := rank(x)
		ya, ym := rank(y)
		if xa != ya {
			return xa - ya
		}
		if x.Arch != y.Arch {
			return strings.Compare(x.Arch, y.Arch)
		}
		if xm != ym {
			return xm - ym
		}
		return strings.Compare(x.Machine, y.Machine)
	})
	return fams, sets
}

// coverage predicts libvirt's choice for every cell (and every required
// cell, present in the set or not).
func (a *auditor) coverage(reqs []requirement) []cell {
	fams, sets := a.families()
	for _, r := range reqs {
		f := family{r.arch, r.machine}
		if _, ok := sets[f]; !ok {
			fams = append(fams, f)
		}
		if !slices.Contains(sets[f], r.set) {
			sets[f] = append(sets[f], r.set)
		}
	}
	var cells []cell
	for _, f := range fams {
		for _, fs := range featureSets { // report order
			if !slices.Contains(sets[f], fs.Name) {
				continue
			}
			c := a.cell(f, fs)
			for _, r := range reqs {
				if r.arch == f.Arch && r.machine == f.Machine && r.set == fs.Name {
					c.Required = true
				}
			}
			cells = append(cells, c)
		}
	}
	return cells
}

// Request returns the request fwaudit's coverage matrix asks libvirt for a
// guest of feature set name on arch and machine (e.g. "x86_64", "q35",
// "amd-sev-es").
func Request(arch, machine, name string) (*matcher.Request, error) {
	fs, ok := featureSet(name)
	if !ok {
		return nil, fmt.Errorf("unknown feature set %q", name)
	}
	r := &matcher.Request{Name: "fwaudit-coverage", Arch: arch, Machine: machine, Firmware: "efi"}
	fs.request(r)
	return r, nil
}

func (a *auditor) cell(f family, fs FeatureSet) cell {
	r, _ := Request(f.Arch, f.Machine, fs.Name)
	d := matcher.Match(a.set, r, a.p, a.matchOptions())
	c := cell{Coverage: report.Coverage{Arch: f.Arch, Machine: f.Machine, FeatureSet: fs.Name}, fs: fs}
	if !d.OK() {
		c.Status = "gap"
		c.Error = d.Err
		c.DaemonCrashed = d.Crash
		c.chosen = d.Chosen
		return c
	}
	c.chosen = d.Chosen
	c.Status = "ok"
	if d.Chosen != nil {
		c.Descriptor = d.Chosen.Name
		c.Executable, c.NVRAMTemplate = images(d.Chosen.Descriptor)
		lacks := fs.lacks(d.Chosen.Descriptor)
		if f.Machine == "microvm" { // no pflash on microvm: ROM builds are the norm
			lacks = slices.DeleteFunc(lacks, func(s string) bool { return s == lackNVRAM })
		}
		if fs.Name == "secure-boot" || fs.Name == "secure-boot+enrolled-keys" {
			if l, ok := a.templateLacks(c.NVRAMTemplate); ok && l != "" {
				c.keys = l
				lacks = append(lacks, lack2023)
			}
		}
		// A firmware whose files are not there is not a pass: the guest
		// is defined and then fails to start.
		if a.opts.Files != nil {
			for _, p := range []string{c.Executable, c.NVRAMTemplate} {
				if p == "" || !path.IsAbs(p) {
					continue
				}
				if ok, _ := a.fileState(p); !ok {
					lacks = append(lacks, "file "+p)
				}
			}
		}
		if len(lacks) > 0 {
			c.Status = "degraded"
			c.Lacks = lacks
		}
	}
	return c
}

// images returns the executable (or ROM, kernel) and the NVRAM template a
// descriptor gives a guest.
func images(d *descriptor.Descriptor) (exe, tmpl string) {
	m := &d.Mapping
	if m.Device != descriptor.DeviceFlash {
		return m.Filename, ""
	}
	if m.Executable != nil {
		exe = m.Executable.Filename
	}
	if m.EffectiveMode() == descriptor.ModeSplit && m.NVRAMTemplate != nil {
		tmpl = m.NVRAMTemplate.Filename
	}
	return exe, tmpl
}

func (a *auditor) coverageFindings() {
	for i := range a.cells {
		c := &a.cells[i]
		sev := report.Severity("")
		if c.Required {
			sev = report.Error
		}
		guest := fmt.Sprintf("%s %s guests asking for %s", c.Arch, c.Machine, c.FeatureSet)
		switch c.Status {
		case "gap":
			msg := fmt.Sprintf("no firmware for %s: %s", guest, c.Error)
			switch {
			case c.DaemonCrashed && c.chosen != nil:
				msg = fmt.Sprintf("no usable firmware for %s: libvirt chooses %s and the daemon crashes (the client sees: %s)", guest, c.chosen.Name, c.Error)
			case c.DaemonCrashed:
				msg = fmt.Sprintf("no firmware for %s: the daemon crashes (the client sees: %s)", guest, c.Error)
			case c.chosen != nil:
				msg = fmt.Sprintf("no usable firmware for %s: libvirt chooses %s and then fails: %s", guest, c.chosen.Name, c.Error)
			}
			if c.Required {
				msg += " (required)"
			}
			a.add(report.Finding{Rule: RuleCoverageGap, Severity: sev, Subject: c.subject(), Message: msg})
		case "degraded":
			msg := fmt.Sprintf("%s get %s, which lacks %s", guest, c.Descriptor, strings.Join(c.Lacks, ", "))
			if slices.Contains(c.Lacks, lackNVRAM) {
				msg += " (no persistent UEFI variable store: boot entries and settings are lost at every start)"
			}
			if c.keys != "" {
				msg += fmt.Sprintf(" (its template %s has Microsoft's 2011 CAs without the 2023 ones: %s)", c.NVRAMTemplate, c.keys)
			}
			if slices.ContainsFunc(c.Lacks, func(l string) bool { return strings.HasPrefix(l, "file ") }) {
				msg += " (a file of the firmware is missing: the guest is defined and then fails to start)"
			}
			if c.Required {
				msg += " (required)"
			}
			a.add(report.Finding{Rule: RuleCoverageDegraded, Severity: sev, Subject: c.subject(), Message: msg})
		}
	}
}
