package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/fwaudit/fwaudit/conformance/internal/casefile"
	"github.com/fwaudit/fwaudit/matcher"
	"golang.org/x/tools/txtar"
	"libvirt.org/go/libvirtxml"
)

// A firmware-upgrade case (-upgrade) is a live case whose descriptors
// change under a stored domain: case i of seed S defines the domain of a
// live case over that case's descriptor tree (define-root/),
// and libvirt then loads the stored definition over root/, the same tree
// after one or two changes that matter to selection ("A firmware upgrade
// under a stored domain" in conformance/README.md). Most define-root/
// trees are built so that the domain defines (fit.go): a live case drawn
// from a fixed sequence of seeds, plus a descriptor that fits its domain.
// The changes are drawn from their own random stream.

// UpgradeCaseName names upgrade case i of a run.
func UpgradeCaseName(seed uint64, i int) string { return fmt.Sprintf("live-upgrade-%d-%d", seed, i) }

// upgradeDomainName is the domain name of upgrade case i (the same scheme
// as the live-upgrade-5500-* cases).
func upgradeDomainName(seed uint64, i int) string { return fmt.Sprintf("fwl-upg-%d-%d", seed, i) }

// upgradeStream separates the upgrade changes' random stream from the
// live case's (the same seed and index would otherwise repeat its draws).
const upgradeStream = 0x7570677261646521 // "upgrade!"

// tree is one descriptor tree of a case: its files and symlinks.
type tree struct {
	files []treeFile // sorted by dir, then name
}

// treeFile is one directory entry: a descriptor, an empty (masking) file,
// or a symlink.
type treeFile struct {
	dir  string // "usr" or "etc"
	name string
	data []byte
	link string // symlink target, relative; data is unused then
}

func (f treeFile) section(prefix string) string {
	if f.dir == "etc" {
		return prefix + "etc/qemu/firmware/" + f.name
	}
	return prefix + "usr/share/qemu/firmware/" + f.name
}

// usrTarget is the /usr/share name a relative symlink in /etc points at, or "".
func (f treeFile) usrTarget() string {
	if name, ok := strings.CutPrefix(f.link, "../../../usr/share/qemu/firmware/"); ok && !strings.Contains(name, "/") {
		return name
	}
	return ""
}

// readTree takes the root/ entries of a generated case.
func readTree(ar *txtar.Archive) *tree {
	t := &tree{}
	for _, f := range ar.Files {
		if name, ok := strings.CutPrefix(f.Name, "root/usr/share/qemu/firmware/"); ok {
			t.files = append(t.files, treeFile{dir: "usr", name: name, data: f.Data})
		} else if name, ok := strings.CutPrefix(f.Name, "root/etc/qemu/firmware/"); ok {
			t.files = append(t.files, treeFile{dir: "etc", name: name, data: f.Data})
		}
	}
	if i := casefile.Find(ar, casefile.Symlinks); i >= 0 {
		links, _ := casefile.ParseSymlinks(ar.Files[i].Data)
		for _, l := range links {
			dir, name := "usr", strings.TrimPrefix(l.Link, "root/usr/share/qemu/firmware/")
			if n, ok := strings.CutPrefix(l.Link, "root/etc/qemu/firmware/"); ok {
				dir, name = "etc", n
			}
			t.files = append(t.files, treeFile{dir: dir, name: name, link: l.Target})
		}
	}
	t.sort()
	return t
}

func (t *tree) sort() {
	slices.SortFunc(t.files, func(a, b treeFile) int {
		return strings.Compare(a.dir+"/"+a.name, b.dir+"/"+b.name)
	})
}

func (t *tree) clone() *tree {
	out := &tree{files: slices.Clone(t.files)}
	for i := range out.files {
		out.files[i].data = bytes.Clone(out.files[i].data)
	}
	return out
}

// sections writes the tree under prefix ("root/" or "define-root/"): its
// file sections and its symlink lines.
func (t *tree) sections(prefix string) (files []txtar.File, links []string) {
	for _, f := range t.files {
		if f.link != "" {
			links = append(links, f.section(prefix)+" -> "+f.link)
			continue
		}
		files = append(files, txtar.File{Name: f.section(prefix), Data: f.data})
	}
	return files, links
}

func (t *tree) equal(u *tree) bool {
	return slices.EqualFunc(t.files, u.files, func(a, b treeFile) bool {
		return a.dir == b.dir && a.name == b.name && a.link == b.link && bytes.Equal(a.data, b.data)
	})
}

func (t *tree) find(dir, name string) int {
	return slices.IndexFunc(t.files, func(f treeFile) bool { return f.dir == dir && f.name == name })
}

// descriptors lists the indexes of entries that hold a JSON object
// (descriptors libvirt parses; not masks, links or broken files).
func (t *tree) descriptors() []int {
	var out []int
	for i, f := range t.files {
		if f.link == "" && doc(f.data) != nil {
			out = append(out, i)
		}
	}
	return out
}

func doc(data []byte) map[string]any {
	var d map[string]any
	if len(bytes.TrimSpace(data)) == 0 || json.Unmarshal(data, &d) != nil {
		return nil
	}
	return d
}

// archs lists the target architectures of a descriptor.
func archs(d map[string]any) []string {
	var out []string
	ts, _ := d["targets"].([]any)
	for _, t := range ts {
		if m, ok := t.(map[string]any); ok {
			if a, ok := m["architecture"].(string); ok {
				out = append(out, a)
			}
		}
	}
	return out
}

var domainArch = regexp.MustCompile(`<type arch='([^']+)'`)

// GenerateUpgrade makes upgrade case i of the run with the given seed
// (see UpgradeCaseName). Most cases are built to define (see fit.go): their
// define-root/ is the first of a fixed sequence of live cases (drawSeed)
// whose domain no define-time refusal applies to, plus a descriptor made to
// fit that domain's request; a share (asDrawn) is live case (seed, i) as
// drawn. root/ is define-root/ after one or two random changes, so that the
// two differ. The result depends only on (seed, i) and the pool. The case
// is "existing: true" and has no answers yet.
func GenerateUpgrade(pool []PoolEntry, seed uint64, i int) *txtar.Archive {
	g := &gen{r: rand.New(rand.NewPCG(seed^upgradeStream, uint64(i)))}
	fit := &gen{r: rand.New(rand.NewPCG(seed^fitStream, uint64(i)))}

	dc := defineCase(pool, seed, i, fit, !fit.chance(asDrawn))
	dom := strings.ReplaceAll(dc.domain, "fwl-"+CaseName(dc.liveSeed, i), upgradeDomainName(seed, i))
	arch := ""
	if m := domainArch.FindStringSubmatch(dom); m != nil {
		arch = map[string]string{"i686": "i386"}[m[1]]
		if arch == "" {
			arch = m[1]
		}
	}
	before, about, how := dc.tree, dc.about, dc.how

	after := before.clone()
	var notes []string
	steps := 1
	if g.chance(0.35) {
		steps = 2
	}
	for s := 0; s < steps; s++ {
		notes = append(notes, g.upgradeStep(pool, after, arch))
	}
	for after.equal(before) { // a change that changed nothing: add a build
		notes = append(notes, g.addDescriptor(pool, after))
	}

	ar := &txtar.Archive{}
	var links []string
	for _, t := range []struct {
		tr     *tree
		prefix string
	}{{before, casefile.DefineRootPrefix}, {after, casefile.RootPrefix}} {
		files, l := t.tr.sections(t.prefix)
		ar.Files = append(ar.Files, files...)
		links = append(links, l...)
	}
	if len(links) > 0 {
		slices.Sort(links)
		ar.Files = append(ar.Files, txtar.File{Name: casefile.Symlinks, Data: []byte(strings.Join(links, "\n") + "\n")})
	}
	ar.Files = append(ar.Files, txtar.File{Name: casefile.Domain, Data: []byte(dom)})

	ar.Comment = []byte(fmt.Sprintf("Live firmware-upgrade case: seed %d, case %d (conformance/internal/livediff -upgrade): "+
		"defined over the descriptors of live case %s (define-root/, %s), then loaded over root/: %s. Files of define-root:\n%s\n"+
		"tags: existing, upgrade, live\nexisting: true\n",
		seed, i, CaseName(dc.liveSeed, i), how, strings.Join(notes, "; "), strings.Join(about, "\n")))
	casefile.Sort(ar)
	return ar
}

// A definedCase is the define-time half of a case (an upgrade case's
// define-root/, a -fit case's root/): a live case, mostly built to define.
type definedCase struct {
	liveSeed uint64   // the seed of the live case drawn (drawSeed)
	domain   string   // its domain, named after that live case
	tree     *tree    // its descriptors, with the fitting one if any
	about    []string // the comment's lines on tree's files, sorted
	how      string   // "as drawn", "built to define" or why not
}

// defineCase draws live case i for seed: with built, the first of the live
// cases (drawSeed(seed, k), i) whose domain escapes every define-time
// refusal domainRefusal knows, plus a descriptor fitting that domain (from
// fit's stream, under a random name in /usr/share or /etc); without, live
// case (seed, i) as drawn.
func defineCase(pool []PoolEntry, seed uint64, i int, fit *gen, built bool) definedCase {
	liveSeed, base := seed, generate(pool, seed, i, false)
	if built {
		for k := range maxDraws {
			s := drawSeed(seed, k)
			ar := base
			if k > 0 {
				ar = generate(pool, s, i, false)
			}
			if domainRefusal(parseDomain(ar)) == "" {
				liveSeed, base = s, ar
				break
			}
		}
	}
	dc := definedCase{liveSeed: liveSeed, domain: string(base.Files[casefile.Find(base, casefile.Domain)].Data),
		tree: readTree(base), how: "as drawn"}
	for _, line := range strings.Split(string(base.Comment), "\n") {
		if strings.HasPrefix(line, "  ") {
			dc.about = append(dc.about, line)
		}
	}
	if !built {
		return dc
	}
	dc.how = "built to define"
	d := parseDomain(base)
	if r := domainRefusal(d); r != "" {
		dc.how = "built to define, but no draw escaped a refusal (" + r + ")"
	} else if doc, origin := fit.fitting(pool, d); doc != nil {
		dir := "usr"
		if fit.chance(0.2) {
			dir = "etc"
		}
		name := fitName(fit, dc.tree, origin)
		dc.tree.files = append(dc.tree.files, treeFile{dir: dir, name: name, data: render(doc)})
		dc.tree.sort()
		dc.about = append(dc.about, fmt.Sprintf("  %s: %s (fitting the domain)", treeFile{dir: dir, name: name}.section(""), origin))
		slices.Sort(dc.about)
	}
	return dc
}

// fitStream separates the random stream that builds a case to define
// (fit.go) from the live case's and the upgrade changes'.
const fitStream = 0x6669742d646566 // "fit-def"

// asDrawn is the share of upgrade cases whose define-root/ is live case
// (seed, i) exactly as drawn: no redraw, no fitting descriptor, so the
// domains libvirt refuses at define stay in the upgrade runs too.
const asDrawn = 0.1

// maxDraws bounds the live cases drawn for a case built to define.
const maxDraws = 12

// drawSeed is the seed of the k-th live case drawn for an upgrade case of
// seed: the seed itself first, then derived ones, each a live case
// `livediff -generate -seed drawSeed(seed, k)` reproduces.
func drawSeed(seed uint64, k int) uint64 {
	if k == 0 {
		return seed
	}
	return seed ^ (uint64(k) * 0x9e3779b97f4a7c15)
}

// parseDomain reads a generated case's domain; a domain it cannot read
// comes back empty (domainRefusal refuses it).
func parseDomain(ar *txtar.Archive) *libvirtxml.Domain {
	// As libvirt reads it: the first of repeated elements (xmlQuirk).
	d, _, _ := matcher.ParseDomain(ar.Files[casefile.Find(ar, casefile.Domain)].Data)
	if d == nil {
		return &libvirtxml.Domain{}
	}
	return d
}

// upgradeKinds are the changes an upgrade step draws from, with weights.
var upgradeKinds = []struct {
	name   string
	weight int
}{
	{"remove", 4}, {"add", 4}, {"rebuild", 4}, {"feature", 4}, {"mask", 2}, {"unmask", 2}, {"move", 2},
	{"target", 2}, {"format", 2}, {"mapping", 2}, {"rename", 3}, {"interfaces", 1}, {"invalid", 1}, {"link", 1},
}

// upgradeStep applies one random change to t and says what it did. The
// descriptor it changes is mostly one that targets the domain's
// architecture, so that the change is likely to matter.
func (g *gen) upgradeStep(pool []PoolEntry, t *tree, arch string) string {
	total := 0
	for _, k := range upgradeKinds {
		total += k.weight
	}
	x := g.r.IntN(total)
	kind := ""
	for _, k := range upgradeKinds {
		if x < k.weight {
			kind = k.name
			break
		}
		x -= k.weight
	}
	if kind == "add" {
		return g.addDescriptor(pool, t)
	}
	if kind == "unmask" {
		var masks []int
		for i, f := range t.files {
			if f.dir == "etc" && (f.link != "" || len(bytes.TrimSpace(f.data)) == 0 || t.find("usr", f.name) >= 0) {
				masks = append(masks, i) // a mask, a link or an override
			}
		}
		if len(masks) == 0 {
			return g.addDescriptor(pool, t)
		}
		j := masks[g.r.IntN(len(masks))]
		name := t.files[j].name
		t.files = slices.Delete(t.files, j, j+1)
		return "etc/" + name + " removed"
	}
	ds := t.descriptors()
	if len(ds) == 0 {
		return g.addDescriptor(pool, t)
	}
	var fit []int
	for _, j := range ds {
		if slices.Contains(archs(doc(t.files[j].data)), arch) {
			fit = append(fit, j)
		}
	}
	j := ds[g.r.IntN(len(ds))]
	if len(fit) > 0 && g.chance(0.75) {
		j = fit[g.r.IntN(len(fit))]
	}
	f := &t.files[j]
	where := f.dir + "/" + f.name
	d := doc(f.data)
	m, _ := d["mapping"].(map[string]any)
	if m == nil {
		m = map[string]any{"device": "flash"}
		d["mapping"] = m
	}
	set := func(note string) string {
		f.data = render(d)
		return where + ": " + note
	}

	switch kind {
	case "remove":
		name, dir := f.name, f.dir
		t.files = slices.Delete(t.files, j, j+1)
		if dir == "usr" && g.chance(0.8) { // else the /etc links to it dangle
			t.files = slices.DeleteFunc(t.files, func(l treeFile) bool { return l.usrTarget() == name })
		}
		return where + " removed"
	case "rebuild":
		// The same descriptor naming other files: a rebuilt package, or
		// one of the oracle hosts' images.
		tag := fmt.Sprintf("/opt/oracle-fw/upg-%d/", g.r.IntN(100))
		changed := false
		for _, k := range []string{"executable", "nvram-template", ""} {
			x := m
			if k != "" {
				x, _ = m[k].(map[string]any)
			}
			fn, ok := x["filename"].(string)
			if !ok || (changed && g.chance(0.4)) {
				continue
			}
			switch {
			case g.chance(0.2) && k == "nvram-template":
				x["filename"] = g.pick(hostVars)
			case g.chance(0.2) && k != "nvram-template":
				x["filename"] = g.pick(hostCode)
			default:
				x["filename"] = tag + path.Base(fn)
			}
			changed = true
		}
		return set("files moved")
	case "feature":
		fs, _ := d["features"].([]any)
		ft := g.pick([]string{"secure-boot", "secure-boot", "enrolled-keys", "enrolled-keys", "requires-smm", "requires-smm",
			"amd-sev", "amd-sev-es", "amd-sev-snp", "intel-tdx", "acpi-s3", "acpi-s4", "verbose-static", "host-uefi-vars"})
		if k := slices.Index(fs, any(ft)); k >= 0 {
			d["features"] = slices.Delete(fs, k, k+1)
			return set("feature " + ft + " dropped")
		}
		d["features"] = append(fs, ft)
		return set("feature " + ft + " added")
	case "mask":
		if f.dir == "usr" && t.find("etc", f.name) < 0 {
			t.files = append(t.files, treeFile{dir: "etc", name: f.name})
			t.sort()
			return where + " masked in /etc"
		}
		name, dir := f.name, f.dir
		t.files = slices.Delete(t.files, j, j+1)
		return dir + "/" + name + " removed (no mask possible)"
	case "move":
		old, from := f.name, f.dir
		to := map[string]string{"usr": "etc", "etc": "usr"}[from]
		name := old
		if t.find(to, old) >= 0 {
			name = uniqueUpgradeName(g, t, strings.TrimLeft(strings.TrimSuffix(old, ".json"), "0123456789-")+".json")
		}
		if from == "usr" { // its /etc links would dangle
			t.files = slices.DeleteFunc(t.files, func(l treeFile) bool { return l.usrTarget() == old })
		}
		j = t.find(from, old)
		t.files[j].dir, t.files[j].name = to, name
		t.sort()
		return where + " moved to " + to + "/" + name
	case "target":
		a := g.pick(targetArchs)
		if as := archs(d); len(as) > 0 && g.chance(0.6) {
			a = as[0] // same architecture, other machines
		}
		ms := machineSets[a]
		if ms == nil {
			ms = [][]string{{"virt", "virt-*"}}
		}
		d["targets"] = []any{map[string]any{"architecture": a, "machines": strs(ms[g.r.IntN(len(ms))])}}
		return set("targets now " + a)
	case "format":
		fm := g.pick([]string{"raw", "qcow2"})
		rename := g.chance(0.5)
		for _, k := range []string{"executable", "nvram-template"} {
			if x, ok := m[k].(map[string]any); ok {
				if cur, _ := x["format"].(string); cur == fm {
					fm = map[string]string{"raw": "qcow2", "qcow2": "raw"}[fm]
				}
				x["format"] = fm
				if fn, ok := x["filename"].(string); ok && rename {
					x["filename"] = strings.TrimSuffix(fn, path.Ext(fn)) + map[string]string{"raw": ".fd", "qcow2": ".qcow2"}[fm]
				}
			}
		}
		if m["device"] == "memory" {
			m["device"] = "flash" // a memory build gets a flash mapping in its place
			fn, _ := m["filename"].(string)
			delete(m, "filename")
			m["executable"] = map[string]any{"filename": fn, "format": fm}
			m["nvram-template"] = map[string]any{"filename": strings.TrimSuffix(fn, path.Ext(fn)) + "_VARS.fd", "format": fm}
		}
		return set("format " + fm)
	case "mapping":
		if m["device"] == "memory" || g.chance(0.25) {
			// flash <-> memory
			if m["device"] == "memory" {
				fn, _ := m["filename"].(string)
				delete(m, "filename")
				m["device"] = "flash"
				m["executable"] = map[string]any{"filename": fn, "format": "raw"}
				m["nvram-template"] = map[string]any{"filename": strings.TrimSuffix(fn, path.Ext(fn)) + "_VARS.fd", "format": "raw"}
				return set("now flash")
			}
			exe, _ := m["executable"].(map[string]any)
			fn, _ := exe["filename"].(string)
			for k := range m {
				delete(m, k)
			}
			m["device"], m["filename"] = "memory", fn
			return set("now memory")
		}
		cur, _ := m["mode"].(string)
		mode := g.pick(slices.DeleteFunc([]string{"split", "combined", "stateless"}, func(s string) bool { return s == cur || (cur == "" && s == "split") }))
		m["mode"] = mode
		if mode == "split" {
			if m["nvram-template"] == nil {
				exe, _ := m["executable"].(map[string]any)
				fn, _ := exe["filename"].(string)
				m["nvram-template"] = map[string]any{"filename": strings.TrimSuffix(fn, path.Ext(fn)) + "_VARS.fd", "format": "raw"}
			}
		} else if !g.chance(0.2) {
			delete(m, "nvram-template")
		}
		return set("mode " + mode)
	case "rename":
		old := f.name
		stem := strings.TrimLeft(strings.TrimSuffix(old, ".json"), "0123456789-")
		f.name = uniqueUpgradeName(g, t, stem+".json")
		name := f.name
		for k := range t.files {
			if t.files[k].usrTarget() == old && f.dir == "usr" && g.chance(0.7) { // else the link dangles
				t.files[k].link = "../../../usr/share/qemu/firmware/" + name
			}
		}
		t.sort()
		return where + " renamed to " + name
	case "interfaces":
		cur := fmt.Sprint(d["interface-types"])
		opts := [][]string{{"uefi"}, {"bios"}, {"uefi", "bios"}, {"openfirmware"}}
		next := opts[g.r.IntN(len(opts))]
		if fmt.Sprint(strs(next)) == cur {
			next = opts[(slices.IndexFunc(opts, func(o []string) bool { return fmt.Sprint(strs(o)) == cur })+1)%len(opts)]
		}
		d["interface-types"] = strs(next)
		return set("interface-types " + strings.Join(next, ","))
	case "invalid":
		switch g.r.IntN(3) {
		case 0:
			f.data = f.data[:len(f.data)/2]
			return where + ": truncated (not JSON)"
		case 1:
			m["device"] = "floppy"
			return set("INVALID device")
		default:
			delete(d, "targets")
			return set("INVALID no targets")
		}
	case "link":
		// An /etc symlink to a /usr/share descriptor under a name that
		// sorts first.
		if f.dir != "usr" {
			name := f.name
			t.files = slices.Delete(t.files, j, j+1)
			return "etc/" + name + " removed"
		}
		ln := uniqueUpgradeName(g, t, "link.json")
		t.files = append(t.files, treeFile{dir: "etc", name: ln, link: "../../../usr/share/qemu/firmware/" + f.name})
		t.sort()
		return "etc/" + ln + " -> " + where
	}
	panic("unknown upgrade step " + kind)
}

// addDescriptor adds a pool descriptor (possibly mutated), mostly under a
// name that sorts before the others.
func (g *gen) addDescriptor(pool []PoolEntry, t *tree) string {
	var e PoolEntry
	for {
		e = pool[g.r.IntN(len(pool))]
		if !exotic(e.Doc) || g.chance(0.15) {
			break
		}
	}
	d := clone(e.Doc)
	notes := ""
	if g.chance(0.5) {
		notes = g.mutate(d)
	}
	dir := "usr"
	if g.chance(0.2) {
		dir = "etc"
	}
	stem := strings.TrimLeft(strings.TrimSuffix(path.Base(e.Origin), ".json"), "0123456789-")
	name := uniqueUpgradeName(g, t, stem+".json")
	t.files = append(t.files, treeFile{dir: dir, name: name, data: render(d)})
	t.sort()
	return dir + "/" + name + " added: " + e.Origin + notes
}

// uniqueUpgradeName gives base ("NAME.json") a two-digit prefix no entry of
// t uses, mostly a low one (it sorts first, as a new package's would).
func uniqueUpgradeName(g *gen, t *tree, base string) string {
	for {
		lo, span := 0, 10
		if g.chance(0.4) {
			lo, span = 10, 90
		}
		n := fmt.Sprintf("%02d-%s", lo+g.r.IntN(span), base)
		if t.find("usr", n) < 0 && t.find("etc", n) < 0 {
			return n
		}
	}
}
