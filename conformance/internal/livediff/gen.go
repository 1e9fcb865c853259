package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/fwaudit/fwaudit/conformance/internal/casefile"
	"golang.org/x/tools/txtar"
)

// A PoolEntry is one real distro descriptor the generator starts from.
type PoolEntry struct {
	// Origin is where it came from ("debian-13/60-edk2-x86_64.json").
	Origin string
	// Doc is the parsed JSON object.
	Doc map[string]any
}

// LoadPool reads every descriptor under dir/*/usr/share/qemu/firmware and
// dir/*/etc/qemu/firmware (the layout of testdata/descriptors). Files that are
// not JSON objects (masks, broken files) are left out.
func LoadPool(dir string) ([]PoolEntry, error) {
	var pool []PoolEntry
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(p, ".json") {
			return nil
		}
		slash := filepath.ToSlash(p)
		if !strings.Contains(slash, "/qemu/firmware/") {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return nil // dangling symlinks and the like are not material
		}
		var doc map[string]any
		if json.Unmarshal(data, &doc) != nil || doc == nil {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		distro, _, _ := strings.Cut(filepath.ToSlash(rel), "/")
		pool = append(pool, PoolEntry{Origin: distro + "/" + path.Base(slash), Doc: doc})
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(pool) == 0 {
		return nil, fmt.Errorf("no descriptors under %s", dir)
	}
	sort.Slice(pool, func(i, j int) bool { return pool[i].Origin < pool[j].Origin })
	return pool, nil
}

// Vocabulary the mutations draw from: every value libvirt's parser knows,
// plus a few it does not.
var (
	allFeatures = []string{"acpi-s3", "acpi-s4", "amd-sev", "amd-sev-es", "amd-sev-snp", "intel-tdx",
		"enrolled-keys", "requires-smm", "secure-boot", "verbose-dynamic", "verbose-static", "host-uefi-vars"}
	// machineSets are machine glob lists by target architecture.
	machineSets = map[string][][]string{
		"x86_64": {{"pc-q35-*"}, {"pc-i440fx-*", "pc-q35-*"}, {"pc-i440fx-*"}, {"q35"}, {"pc-q35-7.2"},
			{"pc-q35-1?.*"}, {"*"}, {"pc-*"}, {"microvm"}},
		"i386":    {{"pc-q35-*"}, {"pc-i440fx-*", "pc-q35-*"}, {"pc-i440fx-*"}, {"*"}},
		"aarch64": {{"virt-*"}, {"virt", "virt-*"}, {"virt-7.*"}, {"*"}, {"pc-q35-*"}},
	}
	targetArchs = []string{"x86_64", "x86_64", "x86_64", "i386", "aarch64"}
)

// gen is one case's random source.
type gen struct {
	r *rand.Rand
	// q draws the syntax quirks (jsonQuirk, xmlQuirk) from a stream of its
	// own, so that a case's other draws do not depend on them.
	q *rand.Rand
}

func (g *gen) chance(p float64) bool  { return g.r.Float64() < p }
func (g *gen) pick(s []string) string { return s[g.r.IntN(len(s))] }

// Generate makes case number i of the run with the given seed. The result
// depends only on (seed, i) and the pool: the same arguments always give the
// same bytes. The case has no answers yet.
func Generate(pool []PoolEntry, seed uint64, i int) *txtar.Archive {
	return generate(pool, seed, i, true)
}

// generate is Generate, with the domain XML quirks (xmlQuirk) when quirks
// is set; firmware-upgrade cases, built to define, go without them.
func generate(pool []PoolEntry, seed uint64, i int, quirks bool) *txtar.Archive {
	g := &gen{r: rand.New(rand.NewPCG(seed, uint64(i))), q: rand.New(rand.NewPCG(seed, ^uint64(i)))}
	name := CaseName(seed, i)

	type file struct {
		dir, name string
		data      []byte
		origin    string
		link      string
	}
	var files []file
	used := map[string]bool{}
	uniqueName := func(stem string) string {
		for {
			n := fmt.Sprintf("%02d-%s.json", 10+g.r.IntN(90), stem)
			if !used[n] {
				used[n] = true
				return n
			}
		}
	}
	var docs []map[string]any
	n := 1 + g.r.IntN(5)
	for len(docs) < n {
		e := pool[g.r.IntN(len(pool))]
		if exotic(e.Doc) && !g.chance(0.15) {
			continue // loongarch64/riscv64 sets make 9.0 fail every lookup; keep them rare
		}
		d := clone(e.Doc)
		notes := g.mutate(d)
		docs = append(docs, d)
		stem := strings.TrimSuffix(path.Base(e.Origin), ".json")
		stem = strings.TrimLeft(stem, "0123456789-")
		dir := "usr"
		if g.chance(0.2) {
			dir = "etc"
		}
		data, quirk := g.jsonQuirk(render(d))
		files = append(files, file{dir: dir, name: uniqueName(stem), data: data, origin: e.Origin + notes + quirk})
	}

	// /etc: masks, overrides and symlinks aimed at /usr/share files.
	var usrFiles []file
	for _, f := range files {
		if f.dir == "usr" {
			usrFiles = append(usrFiles, f)
		}
	}
	etcTaken := map[string]bool{}
	for _, f := range files {
		if f.dir == "etc" {
			etcTaken[f.name] = true
		}
	}
	for _, f := range usrFiles {
		if etcTaken[f.name] {
			continue
		}
		switch x := g.r.Float64(); {
		case x < 0.12:
			files = append(files, file{dir: "etc", name: f.name, origin: "mask"})
			etcTaken[f.name] = true
		case x < 0.22:
			o := clone(docs[g.r.IntN(len(docs))])
			notes := g.mutate(o)
			files = append(files, file{dir: "etc", name: f.name, data: render(o), origin: "override" + notes})
			etcTaken[f.name] = true
		case x < 0.30:
			ln := uniqueName("link")
			files = append(files, file{dir: "etc", name: ln, link: "../../../usr/share/qemu/firmware/" + f.name, origin: "symlink"})
			etcTaken[ln] = true
		}
	}

	ar := &txtar.Archive{}
	var about []string
	var links []string
	for _, f := range files {
		sec := "root/usr/share/qemu/firmware/" + f.name
		if f.dir == "etc" {
			sec = "root/etc/qemu/firmware/" + f.name
		}
		about = append(about, fmt.Sprintf("  %s: %s", strings.TrimPrefix(sec, "root/"), f.origin))
		if f.link != "" {
			links = append(links, sec+" -> "+f.link)
			continue
		}
		ar.Files = append(ar.Files, txtar.File{Name: sec, Data: f.data})
	}
	if len(links) > 0 {
		sort.Strings(links)
		ar.Files = append(ar.Files, txtar.File{Name: casefile.Symlinks, Data: []byte(strings.Join(links, "\n") + "\n")})
	}
	sort.Strings(about)
	dom, xmlNote := g.domain("fwl-"+name, docs), ""
	if quirks {
		dom, xmlNote = g.xmlQuirk(dom)
		var typeNote string
		dom, typeNote = g.domainType(dom)
		xmlNote += typeNote
	}
	ar.Files = append(ar.Files, txtar.File{Name: casefile.Domain, Data: []byte(dom)})
	ar.Comment = []byte(fmt.Sprintf("Live differential case: seed %d, case %d (conformance/internal/livediff). Files:\n%s\n%stags: live\n",
		seed, i, strings.Join(about, "\n"), xmlNote))
	casefile.Sort(ar)
	return ar
}

// CaseName names case i of a run.
func CaseName(seed uint64, i int) string { return fmt.Sprintf("live-%d-%d", seed, i) }

// exotic reports whether a descriptor targets an architecture libvirt 9.0
// cannot parse.
func exotic(doc map[string]any) bool {
	ts, _ := doc["targets"].([]any)
	for _, t := range ts {
		if m, ok := t.(map[string]any); ok {
			if a, _ := m["architecture"].(string); a == "loongarch64" || a == "riscv64" {
				return true
			}
		}
	}
	return false
}

func clone(doc map[string]any) map[string]any {
	data, err := json.Marshal(doc)
	if err != nil {
		panic(err)
	}
	var out map[string]any
	if err := json.Unmarshal(data, &out); err != nil {
		panic(err)
	}
	return out
}

func render(v any) []byte {
	data, err := json.MarshalIndent(v, "", "    ")
	if err != nil {
		panic(err)
	}
	return append(data, '\n')
}

func strs(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// mutate changes d in place and returns a note on what it changed.
func (g *gen) mutate(d map[string]any) string {
	var notes []string
	m, _ := d["mapping"].(map[string]any)
	if m == nil {
		m = map[string]any{"device": "flash"}
		d["mapping"] = m
	}
	if g.chance(0.35) {
		var fs []string
		for _, f := range allFeatures {
			if g.chance(0.3) {
				fs = append(fs, f)
			}
		}
		d["features"] = strs(fs)
		notes = append(notes, "features")
	}
	if g.chance(0.25) {
		arch := g.pick(targetArchs)
		t := map[string]any{"architecture": arch, "machines": strs(machineSets[arch][g.r.IntN(len(machineSets[arch]))])}
		d["targets"] = []any{t}
		notes = append(notes, "targets")
	}
	if g.chance(0.12) {
		d["interface-types"] = strs([][]string{{"bios"}, {"uefi", "bios"}, {"bios", "uefi"}, {"openfirmware"}}[g.r.IntN(4)])
		notes = append(notes, "interfaces")
	}
	dev, _ := m["device"].(string)
	if g.chance(0.1) {
		switch dev {
		case "flash":
			exe, _ := m["executable"].(map[string]any)
			fn, _ := exe["filename"].(string)
			for k := range m {
				delete(m, k)
			}
			m["device"], m["filename"] = "memory", fn
			dev = "memory"
			notes = append(notes, "to-memory")
		case "memory":
			fn, _ := m["filename"].(string)
			for k := range m {
				delete(m, k)
			}
			m["device"] = "flash"
			m["executable"] = map[string]any{"filename": fn, "format": "raw"}
			m["nvram-template"] = map[string]any{"filename": strings.TrimSuffix(fn, ".fd") + "_VARS.fd", "format": "raw"}
			dev = "flash"
			notes = append(notes, "to-flash")
		}
	}
	if dev == "flash" {
		if g.chance(0.25) {
			mode := g.pick([]string{"split", "combined", "stateless", ""})
			if mode == "" {
				delete(m, "mode")
			} else {
				m["mode"] = mode
			}
			switch {
			case mode == "combined" || mode == "stateless":
				if !g.chance(0.2) { // a stray template is ignored by libvirt; keep one now and then
					delete(m, "nvram-template")
				}
			case m["nvram-template"] == nil:
				exe, _ := m["executable"].(map[string]any)
				fn, _ := exe["filename"].(string)
				m["nvram-template"] = map[string]any{"filename": strings.TrimSuffix(fn, path.Ext(fn)) + "_VARS.fd", "format": "raw"}
			}
			notes = append(notes, "mode="+cmpOr(mode, "absent"))
		}
		if g.chance(0.2) {
			f := g.pick([]string{"raw", "qcow2"})
			for _, k := range []string{"executable", "nvram-template"} {
				if x, ok := m[k].(map[string]any); ok {
					x["format"] = f
					if fn, ok := x["filename"].(string); ok {
						x["filename"] = strings.TrimSuffix(fn, path.Ext(fn)) + map[string]string{"raw": ".fd", "qcow2": ".qcow2"}[f]
					}
				}
			}
			notes = append(notes, "format="+f)
		}
	}
	if g.chance(0.04) {
		switch g.r.IntN(3) {
		case 0:
			delete(d, "targets")
			notes = append(notes, "INVALID:no-targets")
		case 1:
			m["device"] = "floppy"
			notes = append(notes, "INVALID:device")
		case 2:
			d["interface-types"] = []any{}
			notes = append(notes, "empty-interfaces")
		}
	}
	if len(notes) == 0 {
		return ""
	}
	return " (mutated: " + strings.Join(notes, ", ") + ")"
}

// hostCode and hostVars are firmware images on the oracle hosts (Debian 12,
// 13 and unstable), the legacy qemu.conf entries and the symlinks Debian's
// packages install among them.
var (
	hostCode = []string{
		"/usr/share/AAVMF/AAVMF_CODE.fd", "/usr/share/AAVMF/AAVMF_CODE.ms.fd", "/usr/share/AAVMF/AAVMF_CODE.no-secboot.fd",
		"/usr/share/AAVMF/AAVMF_CODE.secboot.fd", "/usr/share/AAVMF/AAVMF_CODE.snakeoil.fd",
		"/usr/share/OVMF/OVMF_CODE.fd", "/usr/share/OVMF/OVMF_CODE.secboot.fd", "/usr/share/OVMF/OVMF_CODE_4M.fd",
		"/usr/share/OVMF/OVMF_CODE_4M.ms.fd", "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd",
		"/usr/share/qemu/OVMF.fd", "/usr/share/ovmf/OVMF.fd",
	}
	hostVars = []string{
		"/usr/share/AAVMF/AAVMF_VARS.fd", "/usr/share/AAVMF/AAVMF_VARS.ms.fd",
		"/usr/share/OVMF/OVMF_VARS.fd", "/usr/share/OVMF/OVMF_VARS_4M.fd", "/usr/share/OVMF/OVMF_VARS_4M.ms.fd",
	}
)

// respell sometimes writes p another way that names the same file: a
// doubled slash, a "." or a detour through "..".
func (g *gen) respell(p string) string {
	i := strings.LastIndex(p, "/")
	if i <= 0 || !g.chance(0.2) {
		return p
	}
	dir, base := p[:i], p[i+1:]
	switch g.r.IntN(3) {
	case 0:
		return dir + "//" + base
	case 1:
		return dir + "/./" + base
	}
	j := strings.LastIndex(dir, "/")
	return dir + "/../" + dir[j+1:] + "/" + base
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// paths lists the executable, memory and template file names of the docs.
func paths(docs []map[string]any) (code, vars []string) {
	for _, d := range docs {
		m, _ := d["mapping"].(map[string]any)
		if fn, ok := m["filename"].(string); ok {
			code = append(code, fn)
		}
		if x, ok := m["executable"].(map[string]any); ok {
			if fn, ok := x["filename"].(string); ok {
				code = append(code, fn)
			}
		}
		if x, ok := m["nvram-template"].(map[string]any); ok {
			if fn, ok := x["filename"].(string); ok {
				vars = append(vars, fn)
			}
		}
	}
	return code, vars
}

// domain writes a random domain XML whose pinned paths, if any, are mostly
// ones the descriptors use.
func (g *gen) domain(name string, docs []map[string]any) string {
	code, vars := paths(docs)
	code = append(code, "/opt/oracle-fw/none/CODE.fd")
	vars = append(vars, "/opt/oracle-fw/none/VARS.fd")
	if g.chance(0.3) {
		// Images the oracle hosts install, symlinks among them: libvirt
		// 12.x resolves paths before comparing them.
		code = append(code, hostCode...)
		vars = append(vars, hostVars...)
	}

	// Mostly aim at the architecture and machine family of one of the
	// descriptors, so that most requests have candidates.
	arch, family := "", ""
	if g.chance(0.75) {
		ts, _ := docs[g.r.IntN(len(docs))]["targets"].([]any)
		if len(ts) > 0 {
			t, _ := ts[0].(map[string]any)
			arch, _ = t["architecture"].(string)
			ms, _ := t["machines"].([]any)
			if len(ms) > 0 {
				family, _ = ms[g.r.IntN(len(ms))].(string)
			}
		}
	}
	switch arch {
	case "x86_64", "aarch64":
	case "i386":
		arch = "i686"
	default:
		arch = g.pick([]string{"x86_64", "x86_64", "x86_64", "x86_64", "aarch64", "i686"})
	}
	if g.chance(0.05) {
		// Architectures whose emulator the oracle hosts have (armv7l) or
		// lack, and one 9.0/10.0 do not know.
		arch = g.pick([]string{"armv7l", "armv7l", "riscv64", "loongarch64"})
	}
	machine, emulator := "", "/usr/bin/qemu-system-x86_64"
	switch {
	case arch == "armv7l" || arch == "riscv64" || arch == "loongarch64":
		emulator = "/usr/bin/qemu-system-" + map[string]string{"armv7l": "arm"}[arch]
		if arch != "armv7l" {
			emulator = "/usr/bin/qemu-system-" + arch
		}
		machine = "virt"
	case arch == "aarch64":
		emulator = "/usr/bin/qemu-system-aarch64"
		machine = g.pick([]string{"virt", "virt", "virt-7.2"})
	case family == "microvm" && arch == "x86_64":
		machine = "microvm"
	case strings.HasPrefix(family, "pc-i440fx"):
		machine = g.pick([]string{"pc", "pc", "pc-i440fx-7.2"})
	case strings.Contains(family, "q35"):
		machine = g.pick([]string{"q35", "q35", "pc-q35-7.2"})
	default:
		machine = g.pick([]string{"q35", "q35", "q35", "pc", "pc", "pc-q35-7.2", "pc-i440fx-7.2"})
	}
	if arch == "x86_64" && machine != "microvm" && g.chance(0.08) {
		machine = "microvm" // whatever the descriptors say: libvirt refuses it or not by its devices
	}
	devs, extra, feats := g.devices(arch, machine)

	var b strings.Builder
	b.WriteString("<domain type='qemu'>\n")
	fmt.Fprintf(&b, "  <name>%s</name>\n  <memory unit='MiB'>%s</memory>\n  <vcpu>1</vcpu>\n", name, g.pick([]string{"256", "256", "1024", "4096"}))
	fw := ""
	switch x := g.r.Float64(); {
	case x < 0.72:
		fw = "efi"
	case x < 0.82:
		fw = "bios"
	}
	if fw != "" {
		fmt.Fprintf(&b, "  <os firmware='%s'>\n", fw)
	} else {
		b.WriteString("  <os>\n")
	}
	fmt.Fprintf(&b, "    <type arch='%s' machine='%s'>hvm</type>\n", arch, machine)
	if (fw != "" && g.chance(0.45)) || g.chance(0.04) { // rarely without <os firmware>: refused
		b.WriteString("    <firmware>\n")
		wrote := false
		for _, f := range []string{"enrolled-keys", "secure-boot"} {
			if g.chance(0.6) {
				fmt.Fprintf(&b, "      <feature enabled='%s' name='%s'/>\n", g.pick([]string{"yes", "no"}), f)
				wrote = true
			}
		}
		if !wrote {
			fmt.Fprintf(&b, "      <feature enabled='%s' name='secure-boot'/>\n", g.pick([]string{"yes", "no"}))
		}
		b.WriteString("    </firmware>\n")
	}
	manual := fw == "" && g.chance(0.7)
	if manual || g.chance(0.3) {
		var attrs []string
		typ := ""
		if manual {
			typ = "pflash"
			if g.chance(0.15) {
				typ = "rom"
			}
		} else if g.chance(0.3) {
			typ = g.pick([]string{"pflash", "rom"})
		}
		if typ != "" {
			attrs = append(attrs, "type='"+typ+"'")
		}
		for _, a := range []string{"readonly", "secure", "stateless"} {
			if g.chance(0.15) || (manual && a == "readonly" && g.chance(0.6)) {
				attrs = append(attrs, fmt.Sprintf("%s='%s'", a, g.pick([]string{"yes", "no"})))
			}
		}
		if g.chance(0.15) {
			attrs = append(attrs, "format='"+g.pick([]string{"raw", "qcow2"})+"'")
		}
		slices.Sort(attrs)
		open := "<loader"
		if len(attrs) > 0 {
			open += " " + strings.Join(attrs, " ")
		}
		if manual || g.chance(0.25) {
			fmt.Fprintf(&b, "    %s>%s</loader>\n", open, g.respell(g.pick(code)))
		} else {
			fmt.Fprintf(&b, "    %s/>\n", open)
		}
	}
	if g.chance(0.3) {
		switch g.r.IntN(9) {
		case 0:
			fmt.Fprintf(&b, "    <nvram format='%s'/>\n", g.pick([]string{"raw", "qcow2"}))
		case 1:
			fmt.Fprintf(&b, "    <nvram template='%s'/>\n", g.respell(g.pick(vars)))
		case 2:
			fmt.Fprintf(&b, "    <nvram>/var/lib/libvirt/qemu/nvram/%s_own.fd</nvram>\n", name)
		case 3:
			b.WriteString("    <nvram type='network'><source protocol='nbd' name='vars'><host name='example.org' port='6000'/></source></nvram>\n")
		case 4:
			fmt.Fprintf(&b, "    <nvram template='%s' format='%s'/>\n", g.pick(vars), g.pick([]string{"raw", "qcow2"}))
		case 5:
			fmt.Fprintf(&b, "    <nvram template='%s' templateFormat='%s'/>\n", g.respell(g.pick(vars)), g.pick([]string{"raw", "qcow2"}))
		case 6:
			fmt.Fprintf(&b, "    <nvram type='file'><source file='/var/lib/libvirt/qemu/nvram/%s_file.fd'/></nvram>\n", name)
		case 7:
			fmt.Fprintf(&b, "    <nvram type='block'><source dev='/dev/fwl-%s'/></nvram>\n", name)
		case 8:
			fmt.Fprintf(&b, "    <nvram template='%s'>/var/lib/libvirt/qemu/nvram/%s_own.fd</nvram>\n", g.respell(g.pick(vars)), name)
		}
	}
	b.WriteString("  </os>\n")
	b.WriteString(extra)
	b.WriteString("  <features><acpi/>" + feats)
	if g.chance(0.25) {
		fmt.Fprintf(&b, "<smm state='%s'/>", g.pick([]string{"on", "off"}))
	}
	b.WriteString("</features>\n")
	if arch == "aarch64" {
		b.WriteString("  <cpu mode='custom' match='exact'><model>cortex-a57</model></cpu>\n")
	}
	if g.chance(0.1) {
		fmt.Fprintf(&b, "  <pm><%s enabled='%s'/></pm>\n", g.pick([]string{"suspend-to-mem", "suspend-to-disk"}), g.pick([]string{"yes", "no"}))
	}
	b.WriteString("  <devices>\n")
	if !g.chance(0.05) { // else libvirt's default emulator for the architecture
		fmt.Fprintf(&b, "    <emulator>%s</emulator>\n", emulator)
	}
	b.WriteString(devs)
	b.WriteString("  </devices>\n")
	if arch == "x86_64" && g.chance(0.14) {
		switch g.r.IntN(5) {
		case 4:
			// nova's policies, and ones with only some of their bits
			fmt.Fprintf(&b, "  <launchSecurity type='sev'><cbitpos>47</cbitpos><reducedPhysBits>1</reducedPhysBits><policy>%s</policy></launchSecurity>\n",
				g.pick([]string{"0x0033", "0x0037", "0x0004", "0x0005", "0x0000"}))
		case 0:
			b.WriteString("  <launchSecurity type='sev'><cbitpos>47</cbitpos><reducedPhysBits>1</reducedPhysBits><policy>0x0003</policy></launchSecurity>\n")
		case 1:
			b.WriteString("  <launchSecurity type='sev'><cbitpos>47</cbitpos><reducedPhysBits>1</reducedPhysBits><policy>0x0007</policy></launchSecurity>\n")
		case 2:
			b.WriteString("  <launchSecurity type='sev-snp'><cbitpos>51</cbitpos><reducedPhysBits>1</reducedPhysBits><policy>0x00030000</policy></launchSecurity>\n")
		case 3:
			b.WriteString("  <launchSecurity type='tdx'><policy>0x10000000</policy></launchSecurity>\n")
		}
	}
	b.WriteString("</domain>\n")
	return b.String()
}

// hasBytes reports whether any section's data contains s (for tests).
func hasBytes(ar *txtar.Archive, s string) bool {
	for _, f := range ar.Files {
		if bytes.Contains(f.Data, []byte(s)) {
			return true
		}
	}
	return false
}

// jsonQuirks are ways of writing a descriptor that the releases' JSON
// parsers read differently (descriptor.JSONSyntax; conformance cases
// json-*): each takes the rendered file, whose last line is "}", and
// returns it changed, or nil when it does not apply.
var jsonQuirks = []struct {
	name string
	edit func(data []byte) []byte
}{
	{"repeated-targets", func(b []byte) []byte {
		return lastMember(b, `"targets": [{"architecture": "aarch64", "machines": ["virt-*"]}]`)
	}},
	{"repeated-features", func(b []byte) []byte { return lastMember(b, `"features": []`) }},
	{"nan", func(b []byte) []byte { return lastMember(b, `"x-extra": NaN`) }},
	{"empty-fraction", func(b []byte) []byte { return lastMember(b, `"x-extra": 1.`) }},
	{"big-integer", func(b []byte) []byte { return lastMember(b, `"x-extra": 18446744073709551616`) }},
	{"form-feed", func(b []byte) []byte { return lastMember(b, "\f\"x-extra\": 1") }},
	{"depth-33", func(b []byte) []byte {
		return lastMember(b, `"x-extra": `+strings.Repeat("[", 32)+strings.Repeat("]", 32))
	}},
	{"non-ascii-description", func(b []byte) []byte {
		return replaceOnce(b, `"description": "`, `"description": "\u00e9 é `)
	}},
	{"nul-in-filename", func(b []byte) []byte { return replaceOnce(b, `.fd"`, `.fd\u0000.old"`) }},
	{"nul-after-document", func(b []byte) []byte { return append(b, "\x00{\n"...) }},
}

// jsonQuirk now and then writes data with one of jsonQuirks, and says
// which.
func (g *gen) jsonQuirk(data []byte) ([]byte, string) {
	if g.q.Float64() >= 0.12 {
		return data, ""
	}
	q := jsonQuirks[g.q.IntN(len(jsonQuirks))]
	if out := q.edit(data); out != nil {
		return out, " (json: " + q.name + ")"
	}
	return data, ""
}

// lastMember adds member, raw JSON, after the last member of the object
// rendered as data.
func lastMember(data []byte, member string) []byte {
	s := strings.TrimSuffix(string(data), "\n")
	if !strings.HasSuffix(s, "}") {
		return nil
	}
	return []byte(strings.TrimSuffix(s, "}") + ",\n    " + member + "\n}\n")
}

// replaceOnce replaces the first old in data, or returns nil.
func replaceOnce(data []byte, old, new string) []byte {
	if !strings.Contains(string(data), old) {
		return nil
	}
	return []byte(strings.Replace(string(data), old, new, 1))
}

// xmlQuirks are ways of writing a domain that libvirt's XML parser refuses
// or reads otherwise than a plain reading (matcher.AttrError, matcher.LibvirtXML;
// conformance cases xml-*).
var xmlQuirks = []struct {
	name     string
	old, new string
}{
	{"secure-YES", "secure='yes'", "secure='YES'"},
	{"secure-on", "secure='yes'", "secure='on'"},
	{"readonly-on", "readonly='yes'", "readonly='on'"},
	{"smm-yes", "<smm state='on'", "<smm state='yes'"}, // not another feature's state (live-7500-9)
	{"feature-YES", "enabled='yes' name=", "enabled='YES' name="},
	{"feature-name-case", "name='secure-boot'", "name='Secure-Boot'"},
	{"firmware-EFI", "firmware='efi'", "firmware='EFI'"},
	{"pmu-YES", "<features><acpi/>", "<features><acpi/><pmu state='YES'/>"},
	{"type-PFLASH", "type='pflash'", "type='PFLASH'"},
	{"format-RAW", "format='raw'", "format='RAW'"},
	{"second-loader", "<loader", "<loader secure='no'/>\n    <loader"},
	{"second-type", "</type>", "</type>\n    <type arch='aarch64' machine='virt'>hvm</type>"},
	{"second-nvram", "</os>", "  <nvram format='qcow2'/>\n  </os>"},
	{"empty-readonly", "readonly='yes'", "readonly=''"},
	{"empty-enabled", "enabled='yes'", "enabled=''"},
	// The type libvirtxml does not model, and which of two libvirt reads
	// (xml-launchsec-*).
	{"launchsec-SEV", "<launchSecurity type='sev'", "<launchSecurity type='SEV'"},
	{"launchsec-unknown", "<launchSecurity type='", "<launchSecurity type='x-"},
	{"launchsec-no-type", "<launchSecurity type='sev'>", "<launchSecurity>"},
	{"second-launchsec", "  <launchSecurity", "  <launchSecurity type='foo'/>\n  <launchSecurity"},
	// NVRAM source types (xml-nvram-type-*).
	{"nvram-type-FILE", "<nvram type='file'>", "<nvram type='FILE'>"},
	{"nvram-type-no-source", "<nvram type='block'><source dev=", "<nvram type='block'><x dev="},
	{"nvram-type-dir", "<nvram type='file'><source file=", "<nvram type='dir'><source dir="},
	{"protocol-NBD", "protocol='nbd'", "protocol='NBD'"},
	{"protocol-none", "protocol='nbd'", "protocol='none'"},
	{"nvram-type-volume", "<nvram type='file'><source file='/var/lib/libvirt/qemu/nvram/", "<nvram type='volume'><source pool='default' volume='"},
	{"emulator-microvm-binary", "<emulator>/usr/bin/qemu-system-x86_64</emulator>", "<emulator>/usr/bin/qemu-system-x86_64-microvm</emulator>"},
	{"protocol-missing", "<source protocol='nbd' ", "<source "},
	// Template and NVRAM formats (xml-nvram-template-format-*).
	{"templateFormat-RAW", "templateFormat='raw'", "templateFormat='RAW'"},
	{"templateFormat-none", "templateFormat='raw'", "templateFormat='none'"},
	{"templateFormat-vmdk", "templateFormat='", "templateFormat='vmdk' x='"},
	{"format-none", "format='raw'", "format='none'"},
	// What libvirt reads inside it (xml-launchsec-* of known types).
	{"policy-no-prefix", "<policy>0x", "<policy>"},
	{"policy-0X", "<policy>0x", "<policy>0X"},
	{"policy-leading-space", "<policy>0x", "<policy> 0x"},
	{"policy-trailing-space", "</policy>", " </policy>"},
	{"second-policy", "</policy>", "</policy><policy>0x0001</policy>"},
	{"cbitpos-hex", "<cbitpos>47<", "<cbitpos>0x2f<"},
	{"kernelhashes-yes", "<launchSecurity type='sev'>", "<launchSecurity type='sev' kernelHashes='yes'>"},
	{"kernelhashes-on", "<launchSecurity type='sev'>", "<launchSecurity type='sev' kernelHashes='on'>"},
	// Machine types spelt otherwise, missing, or not in every QEMU's
	// list; an architecture left out (mach-*, xml-arch-*).
	{"machine-Q35", "machine='q35'", "machine='Q35'"},
	{"machine-space", "machine='q35'", "machine=' q35'"},
	{"machine-pc-q35", "machine='q35'", "machine='pc-q35'"},
	{"machine-tab", "machine='pc'", "machine='pc\t'"},
	{"machine-absent", " machine='q35'", ""},
	{"machine-empty", "machine='pc'", "machine=''"},
	{"machine-isapc", "machine='pc'", "machine='isapc'"},
	{"machine-i440fx-2.0", "machine='pc-i440fx-7.2'", "machine='pc-i440fx-2.0'"},
	{"machine-q35-5.2", "machine='pc-q35-7.2'", "machine='pc-q35-5.2'"},
	{"machine-virt-2.6", "machine='virt-7.2'", "machine='virt-2.6'"},
	{"machine-aarch64-absent", "<type arch='aarch64' machine='virt'>", "<type arch='aarch64'>"},
	{"machine-sbsa-ref", "machine='virt'", "machine='sbsa-ref'"},
	{"arch-absent", "<type arch='x86_64' ", "<type "},
	{"arch-empty", "arch='x86_64'", "arch=''"},
}

// xmlQuirk now and then writes dom with one of xmlQuirks that applies, and
// returns a line saying which for the case's comment. second-loader puts
// the added element first, where libvirt reads it.
func (g *gen) xmlQuirk(dom string) (string, string) {
	if g.q.Float64() >= 0.15 {
		return dom, ""
	}
	var fit []int
	for i, q := range xmlQuirks {
		if strings.Contains(dom, q.old) {
			fit = append(fit, i)
		}
	}
	if len(fit) == 0 {
		return dom, ""
	}
	q := xmlQuirks[fit[g.q.IntN(len(fit))]]
	return strings.Replace(dom, q.old, q.new, 1), "Domain XML quirk: " + q.name + "\n"
}

// domainTypes are the <domain type> values domainType draws from, KVM the
// most often: the QEMU driver runs qemu and kvm (where the host's KVM runs
// the architecture), resolves machine aliases in the accelerator's own
// list, and refuses or rejects the others (conformance cases dtype-*).
var domainTypes = []string{"kvm", "kvm", "kvm", "kvm", "kvm", "kvm", "hvf", "xen", "hyperv", "test", "KVM", "", "none"}

// osTypes are the <os><type> values other than hvm that domainType draws.
var osTypes = []string{"xen", "uml", "linux", "HVM"}

// domainType now and then writes dom with another domain type than qemu
// (20 %) or another OS type than hvm (3 %), from the quirk stream, and
// returns a line saying which for the case's comment.
func (g *gen) domainType(dom string) (string, string) {
	var note string
	if g.q.Float64() < 0.20 {
		t := domainTypes[g.q.IntN(len(domainTypes))]
		dom = strings.Replace(dom, "<domain type='qemu'>", "<domain type='"+t+"'>", 1)
		note += "Domain type: " + t + "\n"
	}
	if g.q.Float64() < 0.03 {
		t := osTypes[g.q.IntN(len(osTypes))]
		dom = strings.Replace(dom, ">hvm</type>", ">"+t+"</type>", 1)
		note += "OS type: " + t + "\n"
	}
	return dom, note
}
