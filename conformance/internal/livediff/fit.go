package main

import (
	"fmt"
	"math/rand/v2"
	"path"
	"slices"
	"strings"

	"github.com/fwaudit/fwaudit/conformance/internal/casefile"
	"golang.org/x/tools/txtar"
	"libvirt.org/go/libvirtxml"
)

// Building an upgrade case to define. A firmware upgrade only matters to a
// domain that the define over define-root/ stores; a random live case is
// refused at that define about two times in three (seed 6300: no firmware
// fits the request, or the domain itself is refused). So GenerateUpgrade
// builds most define-root/ trees to define:
//
//   - it draws live cases until one has a domain that none of the
//     define-time refusals listed in domainRefusal applies to (the draws are
//     live cases of derived seeds, so each is reproducible on its own);
//   - it adds to that tree one descriptor made from the domain's own
//     request by the rules libvirt's matcher reads (spec §3.2: interface,
//     pinned paths, architecture and machine, S3/S4, firmware features, SMM
//     and loader secure, flash mode and formats, memory or flash, launch
//     security), under a random name and directory like the others.
//
// Nothing here asks fwaudit's matcher: whether the define succeeds is the
// oracle's answer. The construction is a bias, not a filter on what is
// compared: the other descriptors, their order and directories, masks and
// links and the domain's elements are drawn as for any live case, so an
// earlier descriptor can still win or fail, and a release that differs from
// the rules (9.0 and qcow2, 12.8 and combined flash, ...) still answers its
// own way. A share of upgrade cases (asDrawn) keeps live case (seed, i)
// exactly as drawn, refusals included.

// domainRefusal says why libvirt refuses the domain at define whatever the
// descriptors, for the refusals the generator is known to produce (read off
// the oracle's answers to live cases, e.g. seed 6300); "" when none
// applies. It covers refusals of all four releases only: one release's own
// (9.0 refusing loader attributes beside autoselection, 10.0 failing on a
// descriptor it cannot parse) is left to that release's answer.
func domainRefusal(d *libvirtxml.Domain) string {
	if d.OS == nil || d.OS.Type == nil {
		return "no <os><type>"
	}
	arch, fw := d.OS.Type.Arch, d.OS.Firmware
	ld, nv := d.OS.Loader, d.OS.NVRam
	switch arch {
	case "riscv64", "loongarch64":
		return "no emulator for " + arch + " on the oracle hosts"
	}
	if featureState(d, "enrolled-keys") == "yes" && featureState(d, "secure-boot") == "no" {
		return "enrolled-keys enabled with secure-boot disabled"
	}
	if fw == "" && d.OS.FirmwareInfo != nil && len(d.OS.FirmwareInfo.Features) > 0 {
		return "firmware features without firmware autoselection"
	}
	if fw == "" && ld != nil && strings.TrimSpace(ld.Path) == "" {
		return "a loader without a path and no firmware autoselection"
	}
	if nv != nil && (fw == "bios" || (ld != nil && (ld.Type == "rom" || ld.Stateless == "yes"))) {
		return "NVRAM beside a BIOS, ROM or stateless loader"
	}
	if fw == "bios" && ld != nil && ld.Stateless != "" {
		return "a stateless attribute with BIOS firmware"
	}
	if ld != nil && nv != nil && ld.Format != "" && nv.Format != "" && ld.Format != nv.Format {
		return "loader and NVRAM formats differ"
	}
	smmOff := d.Features != nil && d.Features.SMM != nil && d.Features.SMM.State == "off"
	if ld != nil && ld.Secure == "yes" && (smmOff || !q35(d.OS.Type.Machine) || arch != "x86_64") {
		return "a secure loader without SMM, q35 or x86_64"
	}
	if arch == "aarch64" && d.PM != nil {
		return "S3/S4 settings on aarch64"
	}
	if arch == "aarch64" && fw != "efi" && (ld == nil || ld.Type != "pflash") {
		return "ACPI without UEFI on aarch64"
	}
	return ""
}

func q35(machine string) bool { return strings.Contains(machine, "q35") }

// featureState is the domain's enabled value for an <os><firmware> feature,
// "" when it names none.
func featureState(d *libvirtxml.Domain, name string) string {
	if d.OS == nil || d.OS.FirmwareInfo == nil {
		return ""
	}
	for _, f := range d.OS.FirmwareInfo.Features {
		if f.Name == name {
			return f.Enabled
		}
	}
	return ""
}

// firmwareArch is the descriptor architecture libvirt matches a domain
// architecture against.
func firmwareArch(arch string) string {
	switch arch {
	case "i686":
		return "i386"
	case "armv7l":
		return "arm"
	}
	return arch
}

// machineGlobs are machine pattern lists that match the canonical name of a
// domain machine (libvirt matches the canonicalised name: q35 is
// pc-q35-X.Y on every oracle).
func machineGlobs(arch, machine string) [][]string {
	switch {
	case machine == "microvm":
		return [][]string{{"microvm"}, {"*"}}
	case q35(machine):
		return [][]string{{"pc-q35-*"}, {"pc-i440fx-*", "pc-q35-*"}, {"pc-*"}, {"*"}}
	case machine == "pc" || strings.HasPrefix(machine, "pc-i440fx"):
		return [][]string{{"pc-i440fx-*"}, {"pc-i440fx-*", "pc-q35-*"}, {"pc-*"}, {"*"}}
	case strings.HasPrefix(machine, "virt"):
		return [][]string{{"virt-*"}, {"virt", "virt-*"}, {"*"}}
	}
	return [][]string{{machine}, {"*"}}
}

// wantsSelection reports whether libvirt consults descriptors for the
// domain at all (spec §3.1: <os firmware> set, or a manual pflash loader).
func wantsSelection(d *libvirtxml.Domain) bool {
	return d.OS.Firmware != "" || (d.OS.Loader != nil && d.OS.Loader.Type == "pflash")
}

// fitting makes a descriptor that the domain's request selects, from a pool
// descriptor of the domain's architecture (its file names and other
// features kept where the request leaves them free). It returns nil when
// the domain asks for no selection. The note names the pool origin.
func (g *gen) fitting(pool []PoolEntry, d *libvirtxml.Domain) (map[string]any, string) {
	if !wantsSelection(d) {
		return nil, ""
	}
	arch, machine := firmwareArch(d.OS.Type.Arch), d.OS.Type.Machine
	var same []PoolEntry
	for _, e := range pool {
		if slices.Contains(archs(e.Doc), arch) {
			same = append(same, e)
		}
	}
	if len(same) == 0 {
		same = pool
	}
	e := same[g.r.IntN(len(same))]
	doc := clone(e.Doc)

	globs := machineGlobs(d.OS.Type.Arch, machine)
	doc["targets"] = []any{map[string]any{"architecture": arch, "machines": strs(globs[g.r.IntN(len(globs))])}}
	iface := "uefi"
	if d.OS.Firmware == "bios" {
		iface = "bios"
	}
	if cur, _ := doc["interface-types"].([]any); !slices.Contains(cur, any(iface)) {
		doc["interface-types"] = strs([]string{iface})
	}

	// Features: what the request requires or refuses; the rest kept.
	var fs []string
	cur, _ := doc["features"].([]any)
	for _, f := range cur {
		if s, ok := f.(string); ok {
			fs = append(fs, s)
		}
	}
	set := func(name string, on bool) {
		fs = slices.DeleteFunc(fs, func(s string) bool { return s == name })
		if on {
			fs = append(fs, name)
		}
	}
	for _, name := range []string{"secure-boot", "enrolled-keys"} {
		switch featureState(d, name) {
		case "yes":
			set(name, true)
		case "no":
			set(name, false)
		}
	}
	if featureState(d, "enrolled-keys") == "yes" && featureState(d, "secure-boot") == "" {
		set("secure-boot", true)
	}
	if !slices.Contains(fs, "secure-boot") && featureState(d, "enrolled-keys") != "yes" {
		set("enrolled-keys", false) // libvirt would write enrolled keys without Secure Boot, and refuse that
	}
	ld, nv := d.OS.Loader, d.OS.NVRam
	smmOff := d.Features != nil && d.Features.SMM != nil && d.Features.SMM.State == "off"
	tdx := d.LaunchSecurity != nil && d.LaunchSecurity.TDX != nil
	x86q35 := arch == "x86_64" && q35(machine) && !tdx // Secure Boot (SMM) is x86_64 and q35 only; TDX refuses SMM
	switch {
	case ld != nil && ld.Secure == "yes":
		set("requires-smm", true)
	case !x86q35 || smmOff || (ld != nil && ld.Secure == "no"):
		set("requires-smm", false)
	case slices.Contains(fs, "secure-boot") && !slices.Contains(fs, "requires-smm"):
		set("requires-smm", g.chance(0.8)) // as real Secure Boot builds, mostly
	}
	if d.PM != nil && d.PM.SuspendToMem != nil && d.PM.SuspendToMem.Enabled == "yes" {
		set("acpi-s3", true)
	}
	if d.PM != nil && d.PM.SuspendToDisk != nil && d.PM.SuspendToDisk.Enabled == "yes" {
		set("acpi-s4", true)
	}
	memory := false // the device: memory (ROM) or flash
	switch {
	case ld != nil && ld.Type == "rom":
		memory = true
	case nv != nil || (ld != nil && (ld.Type == "pflash" || ld.Stateless != "" || ld.Readonly == "no")):
	case d.OS.Firmware == "bios":
		memory = true
	case d.LaunchSecurity != nil && d.LaunchSecurity.TDX != nil:
		memory = true // 12.8 refuses a pflash loader for TDX
	case d.LaunchSecurity != nil && d.LaunchSecurity.SEVSNP != nil:
		memory = g.chance(0.7) // as the real amdsev builds
	}
	if ls := d.LaunchSecurity; ls != nil {
		switch {
		case ls.SEV != nil:
			set("amd-sev", true)
			if ls.SEV.Policy != nil && *ls.SEV.Policy&0x4 != 0 {
				set("amd-sev-es", true)
			}
		case ls.SEVSNP != nil:
			set("amd-sev-snp", true)
		case ls.TDX != nil:
			set("intel-tdx", true)
		}
	}
	doc["features"] = strs(fs)

	// The mapping: memory or flash, with the pinned paths and formats.
	m, _ := doc["mapping"].(map[string]any)
	code, vars := paths([]map[string]any{doc})
	exe := "/opt/oracle-fw/fit/CODE.fd"
	if len(code) > 0 {
		exe = code[0]
	}
	if ld != nil && strings.TrimSpace(ld.Path) != "" {
		exe = ld.Path
	}
	if memory {
		doc["mapping"] = map[string]any{"device": "memory", "filename": exe}
		return doc, e.Origin
	}
	format := "raw"
	if x, ok := m["executable"].(map[string]any); ok {
		if f, ok := x["format"].(string); ok && (f == "raw" || f == "qcow2") {
			format = f
		}
	}
	if ld != nil && ld.Format != "" {
		format = ld.Format
	}
	nm := map[string]any{"device": "flash", "executable": map[string]any{"filename": exe, "format": format}}
	switch {
	case ld != nil && ld.Stateless == "yes":
		nm["mode"] = "stateless"
	case ld != nil && ld.Readonly == "no" && (nv == nil || nv.Template == ""):
		nm["mode"] = "combined" // selectable by 12.8 only
	default:
		if g.chance(0.6) {
			nm["mode"] = "split"
		}
		tmpl := strings.TrimSuffix(exe, path.Ext(exe)) + "_VARS.fd"
		if len(vars) > 0 {
			tmpl = vars[0]
		}
		tfmt := format
		if nv != nil {
			if nv.Template != "" {
				tmpl = nv.Template
			}
			if nv.Format != "" {
				tfmt = nv.Format // 10.0 filters on it
			}
			if nv.TemplateFormat != "" {
				tfmt = nv.TemplateFormat // 12.8 filters on it
			}
		}
		nm["nvram-template"] = map[string]any{"filename": tmpl, "format": tfmt}
	}
	doc["mapping"] = nm
	return doc, e.Origin
}

// fitName is a name for the fitting descriptor that no entry of t uses,
// drawn as Generate draws names (a prefix from 10 to 99).
func fitName(g *gen, t *tree, origin string) string {
	stem := strings.TrimLeft(strings.TrimSuffix(path.Base(origin), ".json"), "0123456789-")
	for {
		n := fmt.Sprintf("%02d-%s", 10+g.r.IntN(90), stem+".json")
		if t.find("usr", n) < 0 && t.find("etc", n) < 0 {
			return n
		}
	}
}

// FitCaseName names case i of a -fit run.
func FitCaseName(seed uint64, i int) string { return fmt.Sprintf("live-fit-%d-%d", seed, i) }

// GenerateFit makes case i of a -fit run: a new-domain live case built to
// define (defineCase), so that a run asks more first starts (-start) of
// domains the define stores. Its root/ is the define-root/ GenerateUpgrade
// builds for (seed, i) (the fitting stream is drawn the same way), its
// domain is named after the case. Whether it defines is the oracle's
// answer. The result depends only on (seed, i) and the pool.
func GenerateFit(pool []PoolEntry, seed uint64, i int) *txtar.Archive {
	fit := &gen{r: rand.New(rand.NewPCG(seed^fitStream, uint64(i)))}
	fit.chance(asDrawn) // GenerateUpgrade's draw, unused: the same stream builds the same tree
	dc := defineCase(pool, seed, i, fit, true)
	name := FitCaseName(seed, i)
	ar := &txtar.Archive{}
	files, links := dc.tree.sections(casefile.RootPrefix)
	ar.Files = append(ar.Files, files...)
	if len(links) > 0 {
		slices.Sort(links)
		ar.Files = append(ar.Files, txtar.File{Name: casefile.Symlinks, Data: []byte(strings.Join(links, "\n") + "\n")})
	}
	dom := strings.ReplaceAll(dc.domain, "fwl-"+CaseName(dc.liveSeed, i), "fwl-"+name)
	ar.Files = append(ar.Files, txtar.File{Name: casefile.Domain, Data: []byte(dom)})
	ar.Comment = []byte(fmt.Sprintf("Live case built to define: seed %d, case %d (conformance/internal/livediff -fit): "+
		"the descriptors and domain of live case %s (%s). Files:\n%s\ntags: live\n",
		seed, i, CaseName(dc.liveSeed, i), dc.how, strings.Join(dc.about, "\n")))
	casefile.Sort(ar)
	return ar
}
