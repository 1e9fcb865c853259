package matcher

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/fwaudit/fwaudit/descriptor"
	"libvirt.org/go/libvirtxml"
)

// NovaLegacy is OpenStack nova's own UEFI firmware selection, used by nova
// releases up to 2025.2 instead of libvirt's (nova 2026.1 hands selection to
// libvirt, commit 5841095740). It is a Profile so that callers pick it like a
// libvirt release, but Match runs a different algorithm for it: see
// matchNova. ProfileFor never returns it.
//
// The behaviour is taken from nova's source, nova/virt/libvirt/host.py
// (_get_loaders, Host.loaders, Host.get_loader, get_canonical_machine_type)
// and driver.py, as ../shared/spec/nova-selection.md describes them. There
// is no oracle: no answer here was recorded from a running nova.
var NovaLegacy = &Profile{
	Name: "nova-legacy", Version: "2025.2", Rules: descriptor.RulesLatest, QEMU: "8.2",
	Note: "no oracle: nova's own selection before 2026.1, derived from nova/virt/libvirt/host.py get_loader",
	Nova: true,
}

// novaDirs are nova's QEMU_FIRMWARE_DESCRIPTOR_PATHS, in the order nova
// reads them; $XDG_CONFIG_HOME/qemu/firmware is deliberately left out
// (host.py says so in a comment).
var novaDirs = []string{descriptor.SystemDir, descriptor.SysconfDir}

// Nova's error messages: the msg_fmt of the exception classes in
// nova/exception.py (UEFINotSupported, SecureBootNotSupported) and the
// InternalError texts of host.py.
const (
	novaUEFINotSupported       = "UEFINotSupported: UEFI is not supported"
	novaSecureBootNotSupported = "SecureBootNotSupported: Secure Boot is not supported by host"
	novaNoDescriptorDirs       = "InternalError: Failed to locate firmware descriptor files"
	novaInvalidMachine         = "InternalError: Invalid machine type: %s"
)

// novaFile is one file nova's _get_loaders reads.
type novaFile struct {
	e *descriptor.Entry
	// spec is the file's JSON value, as json.load returns it.
	spec any
}

// matchNova is nova's Host.get_loader over set.
//
// What the Request means to nova: get_loader runs only for a UEFI guest,
// here a Request with <os firmware='efi'> or a pflash <loader>; for any
// other the Decision has Selected false. has_secure_boot is
// <os><firmware><feature name='secure-boot' enabled='yes'> or
// <loader secure='yes'> (the XML nova itself writes for a secure-boot
// guest); a stateless request is <loader stateless='yes'>. Nothing else in
// the Request is read.
func matchNova(set *descriptor.Set, req *Request, p *Profile, opts MatchOptions) *Decision {
	d := &Decision{Profile: p, Request: *req, Stage: "define"}
	r := &d.Request
	if req.Loader != nil {
		l := *req.Loader
		r.Loader = &l
	}
	if req.NVRAM != nil {
		n := *req.NVRAM
		r.NVRAM = &n
	}
	uefi := r.Firmware == "efi" || (r.Firmware == "" && r.Loader != nil && r.Loader.Type == "pflash")
	if !uefi {
		return d
	}
	d.Selected = true
	sb := novaSecureBoot(r)

	// get_loader first resolves the machine through libvirt's
	// capabilities (get_canonical_machine_type).
	if !novaKnownMachine(r.Arch, r.Machine) {
		d.Err = fmt.Sprintf(novaInvalidMachine, r.Machine)
		return d
	}
	r.Machine = CanonicalMachine(r.Arch, r.Machine, cmpOr(opts.QEMU, p.QEMU))

	// Host.loaders: _get_loaders reads every file before get_loader
	// looks at any, so a file json.load rejects fails every lookup, even
	// one that an earlier descriptor would have satisfied.
	files, ignored, err := novaLoad(set)
	if err != "" {
		d.Err = err
		return d
	}

	for _, f := range files {
		reason, fatal := novaMatchOne(f, r.Arch, r.Machine, sb)
		ok := reason == ""
		if ok {
			reason = fmt.Sprintf("Firmware '%s' matches: architecture, machine type and secure-boot", f.e.Path)
			if d.Chosen == nil {
				d.Chosen = f.e
			} else {
				d.Also = append(d.Also, f.e)
			}
		}
		if fatal && d.Chosen == nil && d.Err == "" {
			// An exception get_loader does not catch ends the lookup;
			// descriptors after a winner are never reached by nova and
			// only traced.
			d.Err = reason
		}
		d.Trace = append(d.Trace, Step{f.e.Name, f.e.Path, ok, reason})
	}
	d.Trace = append(d.Trace, ignored...)
	if d.Err != "" {
		d.Chosen, d.Also = nil, nil
		return d
	}
	if d.Chosen == nil {
		// driver.py turns get_loader's UEFINotSupported into
		// SecureBootNotSupported when secure boot was requested.
		d.Err = novaUEFINotSupported
		if sb {
			d.Err = novaSecureBootNotSupported
		}
	}
	return d
}

// novaSecureBoot is nova's has_secure_boot for a Request.
func novaSecureBoot(r *Request) bool {
	return (r.FirmwareFeatures && r.SecureBoot == Yes) || (r.Loader != nil && r.Loader.Secure == Yes)
}

// novaUnversioned are machine types without versions, by architecture,
// that libvirt's capabilities list as they are.
var novaUnversioned = map[string][]string{
	"x86_64":      {"microvm", "isapc", "xenfv", "xenpv", "none"},
	"i686":        {"microvm", "isapc", "xenfv", "xenpv", "none"},
	"aarch64":     {"none"},
	"armv7l":      {"none"},
	"riscv64":     {"virt", "spike", "sifive_u", "none"},
	"loongarch64": {"virt", "none"},
	"ppc64":       {"powernv", "none"},
	"ppc64le":     {"powernv", "none"},
	"s390x":       {"none"},
}

// novaKnownMachine approximates get_canonical_machine_type's lookup in
// libvirt's capabilities: a machine is known when it is an alias
// CanonicalMachine resolves, a versioned machine of such an alias ("pc-q35-8.2"),
// or an unversioned machine of the architecture. fwaudit does not see the
// host's capabilities, so a versioned machine newer than the host's QEMU
// still counts as known.
func novaKnownMachine(arch, machine string) bool {
	for alias, prefix := range aliases[arch] {
		if machine == alias || (strings.HasPrefix(machine, prefix) && len(machine) > len(prefix)) {
			return true
		}
	}
	return slices.Contains(novaUnversioned[arch], machine)
}

// novaLoad is _get_loaders: for each of nova's directories that the set
// scanned, in nova's order, the files whose names match "*.json" (glob
// skips dot-files), sorted by path, each loaded with json.load. Nothing is
// masked or overridden: same-named files are all kept. It returns the files,
// trace steps for the entries nova does not read, and nova's error if a file
// cannot be loaded.
//
// When the set scanned neither of nova's directories (explicit --dir
// directories), its directories are taken, in the set's order, as nova's.
func novaLoad(set *descriptor.Set) ([]novaFile, []Step, string) {
	var dirs []descriptor.Dir
	for _, nd := range novaDirs {
		for _, d := range set.Dirs {
			if d.Path == nd {
				dirs = append(dirs, d)
			}
		}
	}
	if len(dirs) == 0 {
		dirs = set.Dirs
	}
	if !slices.ContainsFunc(dirs, func(d descriptor.Dir) bool { return d.Exists }) {
		return nil, nil, novaNoDescriptorDirs
	}
	read := map[string]bool{}
	for _, d := range dirs {
		read[d.Path] = true
	}

	var files []novaFile
	var ignored []Step
	for _, d := range dirs {
		var ents []*descriptor.Entry
		for _, e := range set.Entries {
			if e.Dir == d.Path && !strings.HasPrefix(e.Name, ".") {
				ents = append(ents, e)
			}
		}
		// sorted() of glob's paths: Python compares code points, which
		// for UTF-8 is byte order.
		slices.SortFunc(ents, func(a, b *descriptor.Entry) int { return strings.Compare(a.Path, b.Path) })
		for _, e := range ents {
			if !strings.HasSuffix(e.Name, ".json") {
				ignored = append(ignored, Step{e.Name, e.Path, false, fmt.Sprintf("'%s' not read by nova: the name does not match *.json", e.Path)})
				continue
			}
			spec, err := novaReadJSON(e)
			if err != "" {
				return nil, nil, err
			}
			files = append(files, novaFile{e, spec})
		}
	}
	for _, e := range set.Entries {
		if !read[e.Dir] && e.Status != descriptor.StatusIgnored {
			ignored = append(ignored, Step{e.Name, e.Path, false, fmt.Sprintf("'%s' not read by nova: nova ignores %s", e.Path, e.Dir)})
		}
	}
	return files, ignored, ""
}

// novaReadJSON is open(path, 'rb') and oslo's jsonutils.load (UTF-8, then
// json.load) for one entry, or the exception nova raises, naming the file.
func novaReadJSON(e *descriptor.Entry) (any, string) {
	switch {
	case e.Status == descriptor.StatusError:
		msg := "cannot be examined"
		if len(e.Problems) > 0 {
			msg = e.Problems[0].Msg
		}
		return nil, fmt.Sprintf("OSError: nova cannot open '%s': %s", e.Path, msg)
	case e.Status == descriptor.StatusIgnored:
		// glob lists directories and other non-regular entries too.
		return nil, fmt.Sprintf("OSError: nova cannot read '%s': not a regular file (a directory raises IsADirectoryError)", e.Path)
	case e.Size == 0:
		// No masking in nova: an empty file is an empty JSON document.
		return nil, fmt.Sprintf("JSONDecodeError: Expecting value: line 1 column 1 (char 0), loading '%s'", e.Path)
	case e.Data == nil:
		msg := "not read"
		if len(e.Problems) > 0 {
			msg = e.Problems[0].Msg
		}
		return nil, fmt.Sprintf("OSError: '%s' could not be read: %s", e.Path, msg)
	case !utf8.Valid(e.Data):
		return nil, fmt.Sprintf("UnicodeDecodeError: '%s' is not UTF-8", e.Path)
	}
	r := novaDecode(e.Data)
	if r.err != "" {
		return nil, fmt.Sprintf("JSONDecodeError: %s, loading '%s'", r.err, e.Path)
	}
	return r.v, ""
}

// novaMatchOne is the body of get_loader's loop for one descriptor: "" if
// nova returns it, else why it is passed over. fatal marks an exception
// get_loader does not catch (a member missing or of the wrong type), which
// ends nova's lookup.
func novaMatchOne(f novaFile, arch, machine string, sb bool) (reason string, fatal bool) {
	path := f.e.Path
	spec, ok := f.spec.(map[string]any)
	if !ok {
		return fmt.Sprintf("TypeError: '%s' is not a JSON object", path), true
	}
	targets, err := novaItem(spec, "targets", path)
	if err != "" {
		return err, true
	}
	tl, ok := targets.([]any)
	if !ok {
		return fmt.Sprintf("TypeError: 'targets' in '%s' is not a list", path), true
	}
	found := false
targets:
	for _, t := range tl {
		tm, ok := t.(map[string]any)
		if !ok {
			return fmt.Sprintf("TypeError: a target in '%s' is not an object", path), true
		}
		a, err := novaItem(tm, "architecture", path)
		if err != "" {
			return err, true
		}
		// A plain comparison with libvirt's name: a descriptor's
		// "i386" never equals "i686".
		if a != arch {
			continue
		}
		ms, err := novaItem(tm, "machines", path)
		if err != "" {
			return err, true
		}
		ml, ok := ms.([]any)
		if !ok {
			return fmt.Sprintf("TypeError: 'machines' in '%s' is not a list", path), true
		}
		for _, m := range ml {
			glob, ok := m.(string)
			if !ok {
				return fmt.Sprintf("TypeError: a machine pattern in '%s' is not a string", path), true
			}
			if fnMatch(glob, machine) {
				found = true
				break targets
			}
		}
	}
	if !found {
		return fmt.Sprintf("No target in '%s' has architecture '%s' and a machine pattern matching '%s'", path, arch, machine), false
	}

	feats, err := novaItem(spec, "features", path)
	if err != "" {
		return err, true
	}
	has, ok := pyContains(feats, string(descriptor.FeatureSecureBoot))
	if !ok {
		return fmt.Sprintf("TypeError: 'features' in '%s' is not a list", path), true
	}
	switch {
	case sb && !has:
		return fmt.Sprintf("Secure boot requested, firmware '%s' doesn't support it", path), false
	case !sb && has:
		return fmt.Sprintf("Secure boot not requested, firmware '%s' supports it", path), false
	}

	// The return statement reads the two file names, and nothing catches
	// what it raises: a descriptor without them (memory or kernel device,
	// stateless or combined flash) that passed the target and Secure Boot
	// tests fails the whole lookup with KeyError, in every host.py the
	// project could read (get_loader has no try/except, and its callers in
	// driver.py let the exception end the spawn). The spec
	// (../shared/spec/nova-selection.md §4) says such a descriptor is
	// skipped; the source does not, and the source is what nova ran.
	if _, _, err := novaFiles(spec); err != "" {
		return fmt.Sprintf("%s in '%s'", err, path), true
	}
	return "", false
}

// novaFiles reads mapping.executable.filename and
// mapping.nvram-template.filename, or returns the Python exception.
func novaFiles(spec map[string]any) (exe, tmpl, err string) {
	m, ok := spec["mapping"].(map[string]any)
	if _, present := spec["mapping"]; !present {
		return "", "", "KeyError: 'mapping'"
	} else if !ok {
		return "", "", "TypeError: 'mapping' is not an object"
	}
	get := func(key string) (string, string) {
		v, present := m[key]
		if !present {
			return "", fmt.Sprintf("KeyError: '%s'", key)
		}
		o, ok := v.(map[string]any)
		if !ok {
			return "", fmt.Sprintf("TypeError: '%s' is not an object", key)
		}
		fn, present := o["filename"]
		if !present {
			return "", "KeyError: 'filename'"
		}
		s, ok := fn.(string)
		if !ok {
			return "", fmt.Sprintf("TypeError: '%s' filename is not a string", key)
		}
		return s, ""
	}
	if exe, err = get("executable"); err != "" {
		return "", "", err
	}
	if tmpl, err = get("nvram-template"); err != "" {
		return "", "", err
	}
	return exe, tmpl, ""
}

// novaItem is Python's obj[key] on a dict, with its KeyError.
func novaItem(obj map[string]any, key, path string) (any, string) {
	v, ok := obj[key]
	if !ok {
		return nil, fmt.Sprintf("KeyError: '%s' in '%s'", key, path)
	}
	return v, ""
}

// pyContains is Python's "s in v" for a JSON value: list membership, a
// dict's keys, a substring of a string. ok is false where Python raises
// TypeError.
func pyContains(v any, s string) (in, ok bool) {
	switch v := v.(type) {
	case []any:
		return slices.Contains(v, any(s)), true
	case map[string]any:
		_, in := v[s]
		return in, true
	case string:
		return strings.Contains(v, s), true
	}
	return false, false
}

// novaRequiresSMM is get_loader's third result: 'requires-smm' in features.
func novaRequiresSMM(spec map[string]any) bool {
	in, _ := pyContains(spec["features"], string(descriptor.FeatureRequiresSMM))
	return in
}

// applyNova writes what nova's driver writes for the chosen descriptor
// (driver.py with config.py's LibvirtConfigGuest): nova builds <os> itself,
// so <os firmware> and <os><firmware> are dropped, and the loader becomes
// <loader type='pflash' readonly='yes'>executable</loader>, with
// secure='yes' for a secure-boot guest, and <nvram template='...'/>. A
// stateless request keeps the same split descriptor's executable, adds
// stateless='yes' and no NVRAM. requires-smm adds <smm/>, written here in
// the form libvirt stores it, state='on'. No NVRAM path is written: libvirt
// assigns it when nova defines the domain.
func (d *Decision) applyNova(dom *libvirtxml.Domain) {
	if !d.OK() || d.Chosen == nil {
		return
	}
	spec, _ := novaReadJSON(d.Chosen)
	m, _ := spec.(map[string]any)
	exe, tmpl, _ := novaFiles(m)
	r := &d.Request
	stateless := r.Loader != nil && r.Loader.Stateless == Yes

	if dom.OS == nil {
		dom.OS = &libvirtxml.DomainOS{}
	}
	os := dom.OS
	os.Firmware, os.FirmwareInfo = "", nil
	os.Loader = &libvirtxml.DomainLoader{Path: exe, Type: "pflash", Readonly: "yes"}
	if novaSecureBoot(r) {
		os.Loader.Secure = "yes"
	}
	if stateless {
		os.Loader.Stateless = "yes"
		os.NVRam = nil
	} else {
		os.NVRam = &libvirtxml.DomainNVRam{Template: tmpl}
	}
	if novaRequiresSMM(m) {
		if dom.Features == nil {
			dom.Features = &libvirtxml.DomainFeatureList{}
		}
		dom.Features.SMM = &libvirtxml.DomainFeatureSMM{State: "on"}
	}
}

// fnMatch is Python's fnmatch.fnmatch(name, pattern) on Linux (arguments in GlobMatch's order), which nova
// used for descriptor machine patterns (NovaLegacy). Unlike GlobMatch,
// libvirt's matcher, it understands character classes:
//
//   - '*' matches any run of characters (also none), '?' exactly one;
//   - "[seq]" matches one character of seq, "[!seq]" one character not in
//     seq; "a-z" in seq is a range, a '-' first or last is literal, and so
//     is a ']' right after "[" or "[!"; a reversed range ("z-a") matches
//     nothing;
//   - a '[' with no closing ']' is literal, and so is every other
//     character, '\' included;
//   - matching is case-sensitive (fnmatch folds case only where
//     os.path.normcase does, on Windows) and the whole name must match.
//
// This is fnmatch.translate of Python 3.9 and later.
func fnMatch(pattern, name string) bool {
	toks := fnCompile([]rune(pattern))
	n := []rune(name)
	// Every token but '*' consumes exactly one character, so backtracking
	// to the last star is exact.
	t, i := 0, 0
	star, mark := -1, 0
	for i < len(n) {
		switch {
		case t < len(toks) && toks[t].kind != fnStar && toks[t].matches(n[i]):
			t++
			i++
		case t < len(toks) && toks[t].kind == fnStar:
			star, mark = t, i
			t++
		case star >= 0:
			t = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for t < len(toks) && toks[t].kind == fnStar {
		t++
	}
	return t == len(toks)
}

type fnKind int8

const (
	fnLiteral fnKind = iota
	fnAny
	fnStar
	fnSet
)

type fnToken struct {
	kind   fnKind
	lit    rune
	negate bool
	// ranges holds inclusive [lo, hi] pairs; one character is lo == hi.
	ranges [][2]rune
}

func (t *fnToken) matches(c rune) bool {
	switch t.kind {
	case fnLiteral:
		return c == t.lit
	case fnAny:
		return true
	case fnSet:
		in := slices.ContainsFunc(t.ranges, func(r [2]rune) bool { return r[0] <= c && c <= r[1] })
		return in != t.negate
	}
	return false
}

// fnCompile splits a pattern into tokens as fnmatch.translate does.
func fnCompile(p []rune) []fnToken {
	var toks []fnToken
	for i := 0; i < len(p); {
		c := p[i]
		i++
		switch c {
		case '*':
			if len(toks) == 0 || toks[len(toks)-1].kind != fnStar {
				toks = append(toks, fnToken{kind: fnStar})
			}
		case '?':
			toks = append(toks, fnToken{kind: fnAny})
		case '[':
			j := i
			if j < len(p) && p[j] == '!' {
				j++
			}
			if j < len(p) && p[j] == ']' {
				j++
			}
			for j < len(p) && p[j] != ']' {
				j++
			}
			if j >= len(p) {
				toks = append(toks, fnToken{kind: fnLiteral, lit: '['})
				continue
			}
			toks = append(toks, fnSetToken(p[i:j]))
			i = j + 1
		default:
			toks = append(toks, fnToken{kind: fnLiteral, lit: c})
		}
	}
	return toks
}

// fnSetToken builds the token for the inside of "[...]", brackets removed,
// as fnmatch.translate does: it splits the text into chunks at the hyphens
// that make ranges (the last character of a chunk and the first of the next
// are a range's ends) and drops reversed ranges.
func fnSetToken(stuff []rune) fnToken {
	var chunks [][]rune
	start, k := 0, 1
	if stuff[0] == '!' {
		k = 2
	}
	for {
		h := -1
		for x := k; x < len(stuff); x++ {
			if stuff[x] == '-' {
				h = x
				break
			}
		}
		if h < 0 {
			break
		}
		chunks = append(chunks, stuff[start:h])
		start, k = h+1, h+3
	}
	if last := stuff[start:]; len(last) > 0 {
		chunks = append(chunks, last)
	} else {
		// A trailing hyphen is literal.
		prev := chunks[len(chunks)-1]
		chunks[len(chunks)-1] = append(prev[:len(prev):len(prev)], '-')
	}
	for x := len(chunks) - 1; x > 0; x-- {
		a, b := chunks[x-1], chunks[x]
		if a[len(a)-1] > b[0] {
			chunks[x-1] = append(append([]rune{}, a[:len(a)-1]...), b[1:]...)
			chunks = slices.Delete(chunks, x, x+1)
		}
	}
	var flat []rune
	var low []bool // flat[i] is a range's low end
	for x, ch := range chunks {
		for y, r := range ch {
			flat = append(flat, r)
			low = append(low, y == len(ch)-1 && x < len(chunks)-1)
		}
	}
	tok := fnToken{kind: fnSet}
	if len(flat) > 0 && flat[0] == '!' {
		tok.negate = true
		flat, low = flat[1:], low[1:]
	}
	// After dropped ranges, "[]" is empty (matches nothing) and "[!]"
	// matches anything: both follow from an empty set.
	for x := 0; x < len(flat); x++ {
		if low[x] && x+1 < len(flat) {
			tok.ranges = append(tok.ranges, [2]rune{flat[x], flat[x+1]})
			x++
			continue
		}
		tok.ranges = append(tok.ranges, [2]rune{flat[x], flat[x]})
	}
	return tok
}
