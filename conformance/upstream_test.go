package conformance

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/fwaudit/fwaudit/conformance/internal/casefile"
	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/matcher"
	"github.com/google/go-cmp/cmp"
	"libvirt.org/go/libvirtxml"
)

// upstreamProfile is the release the upstream expectations are checked
// against. libvirt's tests/qemuxmlconfdata files are taken from libvirt's
// git history (README.md in upstream/, section 5), all of them from
// define-time selection (9.2 and later) and most from the development
// branch; the newest modelled release is the closest to them. A few were
// written by an older libvirt whose behaviour 12.8 has since changed; those
// are checked against the profile of their era instead: a meta.txt line
// "profile: libvirt-11.3" names the
// release whose behaviour the expectation records (checked with that
// release's oracle; see upstream/README.md).
var upstreamProfile = matcher.Latest

// upstreamKnownFile lists the upstream cases fwaudit does not reproduce, one
// "case reason..." a line. TestUpstream fails on any other disagreement and
// on a listed case that now agrees.
const upstreamKnownFile = "upstream/known-divergences.txt"

// upstreamOmittedFile lists, per upstream case, the format attributes that
// its expected.xml omits and that fwaudit writes, accepted because real
// libvirt writes the same for the same input (relaxFormats): one
// "case attribute=value..." line per case, each attribute prefixed by the
// profile it was checked with. TestUpstream fails when the list and the
// accepted attributes differ, so the list is exactly what is relaxed.
const upstreamOmittedFile = "upstream/omitted-formats.txt"

// upstreamCase is one case directory of upstream/cases (see upstream/README.md).
type upstreamCase struct {
	name     string
	dir      string
	meta     map[string]string
	input    []byte
	xml      []byte // expected.xml, or nil
	err      []byte // expected.err, or nil
	args     []byte // expected.args, or nil
	tree     string // the firmware tree directory, a root for descriptor.Load
	existing bool   // abi-update: false
	// evidence is the recorded conformance case whose answers back the
	// format attributes expected.xml omits (upstreamEvidence).
	evidence string
}

// loadUpstreamCases reads every case under upstream/cases.
func loadUpstreamCases(t *testing.T) []upstreamCase {
	dirs, err := filepath.Glob("upstream/cases/*")
	if err != nil {
		t.Fatal(err)
	}
	var cases []upstreamCase
	for _, dir := range dirs {
		c := upstreamCase{name: filepath.Base(dir), dir: dir, meta: map[string]string{}}
		meta, err := os.ReadFile(filepath.Join(dir, "meta.txt"))
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(meta), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok {
				c.meta[strings.TrimSpace(k)] = strings.TrimSpace(v)
			}
		}
		if c.input, err = os.ReadFile(filepath.Join(dir, "input.xml")); err != nil {
			t.Fatal(err)
		}
		for _, f := range []struct {
			name string
			dst  *[]byte
		}{{"expected.xml", &c.xml}, {"expected.err", &c.err}, {"expected.args", &c.args}} {
			data, err := os.ReadFile(filepath.Join(dir, f.name))
			switch {
			case err == nil:
				*f.dst = data
			case !errors.Is(err, os.ErrNotExist):
				t.Fatal(err)
			}
		}
		if c.xml == nil && c.err == nil && c.args == nil {
			t.Fatalf("%s: no expected.xml, expected.err or expected.args", dir)
		}
		switch c.meta["abi-update"] {
		case "true":
		case "false":
			c.existing = true
		default:
			t.Fatalf("%s: meta.txt: abi-update is %q, want true or false", dir, c.meta["abi-update"])
		}
		tree := c.meta["firmware-tree"]
		if tree == "" || strings.ContainsAny(tree, `/\`) {
			t.Fatalf("%s: meta.txt: bad firmware-tree %q", dir, tree)
		}
		// The tree is a root: usr/share/qemu/firmware and etc/qemu/firmware,
		// as libvirt's test harness maps PREFIX/share and SYSCONFDIR into
		// tests/qemufirmwaredata. The harness runs a privileged driver, so
		// the home directory is not scanned (Session stays false).
		c.tree = filepath.Join("upstream", tree)
		cases = append(cases, c)
	}
	return cases
}

// firmwareXML is the firmware-relevant part of a domain definition
// (upstream/README.md section 3); "" means the attribute is absent.
type firmwareXML struct {
	OSFirmware string
	// Features is <os><firmware><feature>, name -> enabled; nil without
	// the block.
	Features map[string]string
	Loader   *loaderXML
	NVRAM    *nvramXML
	SMM      string // <features><smm state>, "absent" without the element
}

type loaderXML struct{ Path, Type, Readonly, Secure, Stateless, Format string }

type nvramXML struct{ Template, TemplateFormat, Format, Type, Path string }

// firmwareOf reads the firmware fields of dom.
func firmwareOf(dom *libvirtxml.Domain) firmwareXML {
	var fx firmwareXML
	fx.SMM = "absent"
	if dom.Features != nil && dom.Features.SMM != nil {
		fx.SMM = dom.Features.SMM.State
	}
	os := dom.OS
	if os == nil {
		return fx
	}
	fx.OSFirmware = os.Firmware
	if fi := os.FirmwareInfo; fi != nil {
		fx.Features = map[string]string{}
		for _, f := range fi.Features {
			fx.Features[f.Name] = f.Enabled
		}
	}
	if l := os.Loader; l != nil {
		fx.Loader = &loaderXML{strings.TrimSpace(l.Path), l.Type, l.Readonly, l.Secure, l.Stateless, l.Format}
	}
	if n := os.NVRam; n != nil {
		nx := &nvramXML{Template: n.Template, TemplateFormat: n.TemplateFormat, Format: n.Format, Path: strings.TrimSpace(n.NVRam)}
		if s := n.Source; s != nil {
			switch {
			case s.File != nil:
				nx.Type, nx.Path = "file", s.File.File
			case s.Block != nil:
				nx.Type, nx.Path = "block", s.Block.Dev
			case s.Network != nil:
				nx.Type, nx.Path = "network", s.Network.Protocol+":"+s.Network.Name
			}
		}
		fx.NVRAM = nx
	}
	return fx
}

// upstreamEvidence is the conformance case that holds real libvirt's answers
// for upstream case name: its input over its firmware tree, recorded from the
// oracles (conformance/internal/upcases; existing domains with
// conformance/internal/existing). upstreamOmittedFile can name another case
// (evidence=NAME) where the oracles cannot run the upstream one.
func upstreamEvidence(name string, omitted map[string]omittedFormats) string {
	ev := "upstream-" + name
	if o, ok := omitted[name]; ok && o.evidence != "" {
		ev = o.evidence
	}
	return filepath.Join("testdata", "cases", ev+".txtar")
}

// recordedFormats reads the format attributes that libvirt release p wrote
// in the recorded answer of upstream case name: the loader's format, the
// NVRAM's format and templateFormat (nil: not written). ok is false when no
// such answer is recorded or the answer is a failure.
func recordedFormats(t *testing.T, file string, p *matcher.Profile) (formats [3]*string, ok bool) {
	ar, err := casefile.Read(file)
	if errors.Is(err, os.ErrNotExist) {
		return formats, false
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range versions {
		if v.profile.Name != p.Name {
			continue
		}
		data := section(ar, v.file)
		if data == nil {
			return formats, false
		}
		var a matcher.Answer
		if err := json.Unmarshal(data, &a); err != nil {
			t.Fatalf("%s: %s: %v", file, v.file, err)
		}
		if !a.OK {
			return formats, false
		}
		if a.Loader != nil {
			formats[0] = a.Loader.Format
		}
		if a.NVRAM != nil {
			formats[1], formats[2] = a.NVRAM.Format, a.NVRAM.TemplateFormat
		}
		return formats, true
	}
	return formats, false
}

// relaxFormats handles libvirt's older expected outputs, which omit format
// attributes that newer libvirt writes (upstream/README.md section 3).
// Where want has no loader format, NVRAM format or templateFormat and
// fwaudit writes one, the value is accepted only when real libvirt of the
// same release writes exactly it for the same input: the recorded answer of
// the conformance case upstream-NAME (TestRecorded checks that answer
// against fwaudit as well). It returns what it accepted, one
// "attribute=value" each, and an error line for an omitted attribute that
// no recorded answer backs.
func relaxFormats(t *testing.T, evidence string, p *matcher.Profile, want firmwareXML, got *firmwareXML) (accepted, problems []string) {
	var targets [3]*string
	var wants [3]string
	attrs := [3]string{"loader format", "nvram format", "nvram templateFormat"}
	if want.Loader != nil && got.Loader != nil {
		targets[0], wants[0] = &got.Loader.Format, want.Loader.Format
	}
	if want.NVRAM != nil && got.NVRAM != nil {
		targets[1], wants[1] = &got.NVRAM.Format, want.NVRAM.Format
		targets[2], wants[2] = &got.NVRAM.TemplateFormat, want.NVRAM.TemplateFormat
	}
	var recorded [3]*string
	var haveRecord, looked bool
	for i, g := range targets {
		if g == nil || wants[i] != "" || *g == "" {
			continue
		}
		if !looked {
			recorded, haveRecord = recordedFormats(t, evidence, p)
			looked = true
		}
		switch {
		case !haveRecord:
			problems = append(problems, fmt.Sprintf("expected.xml omits the %s, fwaudit writes %q, and %s holds no successful %s answer to show what libvirt writes",
				attrs[i], *g, evidence, p.Name))
		case recorded[i] == nil || *recorded[i] != *g:
			problems = append(problems, fmt.Sprintf("expected.xml omits the %s, fwaudit writes %q, and %s's recorded %s answer has %v",
				attrs[i], *g, evidence, p.Name, show(recorded[i])))
		default:
			accepted = append(accepted, attrs[i]+"="+*g)
			*g = ""
		}
	}
	return accepted, problems
}

func show(s *string) string {
	if s == nil {
		return "none"
	}
	return fmt.Sprintf("%q", *s)
}

// errCategory is the category prefix libvirt puts before a message
// ("operation failed: ", "XML error: ", ...): a capitalised or lower-case
// phrase of letters and spaces ending in ": ".
var errCategory = regexp.MustCompile(`^(operation failed|unsupported configuration|XML error|internal error|Requested operation is not valid|Operation not supported|invalid argument|argument unsupported|configuration file syntax error): `)

// normalizeErr drops the category prefix and surrounding space, so that an
// expected.err (libvirt's message as its test suite stores it) and the
// matcher's error compare by their text.
func normalizeErr(s string) string {
	s = strings.TrimSpace(s)
	return errCategory.ReplaceAllString(s, "")
}

// qemuFirmwareArgs are the pieces of a QEMU command line that name firmware.
type qemuFirmwareArgs struct {
	Pflash0, Pflash0Format string // the loader and its format driver
	Pflash1, Pflash1Format string // the NVRAM file and its format
	BIOS                   string // -bios FILE (a rom loader)
	SMM                    string // -machine ...,smm=on|off; "" when not given
	Secure                 string // "on" with -global driver=cfi.pflash01,property=secure,value=on
}

var (
	blockdevRe = regexp.MustCompile(`-blockdev '(\{[^']*\})'`)
	machineRe  = regexp.MustCompile(`-machine ([^ ]+)`)
	biosRe     = regexp.MustCompile(`-bios ([^ ]+)`)
)

// parseQEMUArgs reads the firmware pieces of a libvirt .args file.
func parseQEMUArgs(args string) (qemuFirmwareArgs, error) {
	var q qemuFirmwareArgs
	files := map[string]string{}   // storage node -> filename
	formats := map[string]string{} // format node -> driver
	for _, m := range blockdevRe.FindAllStringSubmatch(args, -1) {
		var node struct {
			Driver   string `json:"driver"`
			Filename string `json:"filename"`
			NodeName string `json:"node-name"`
		}
		if err := json.Unmarshal([]byte(m[1]), &node); err != nil {
			return q, fmt.Errorf("blockdev %s: %v", m[1], err)
		}
		if node.Filename != "" {
			files[node.NodeName] = node.Filename
		} else {
			formats[node.NodeName] = node.Driver
		}
	}
	pflash := func(i int) (file, format string) {
		file = files[fmt.Sprintf("libvirt-pflash%d-storage", i)]
		if file == "" {
			return "", ""
		}
		format = formats[fmt.Sprintf("libvirt-pflash%d-format", i)]
		if format == "" {
			format = "raw" // libvirt leaves out the format layer of a raw image
		}
		return file, format
	}
	q.Pflash0, q.Pflash0Format = pflash(0)
	q.Pflash1, q.Pflash1Format = pflash(1)
	if m := biosRe.FindStringSubmatch(args); m != nil {
		q.BIOS = m[1]
	}
	if m := machineRe.FindStringSubmatch(args); m != nil {
		for _, opt := range strings.Split(m[1], ",") {
			if v, ok := strings.CutPrefix(opt, "smm="); ok {
				q.SMM = v
			}
		}
	}
	if strings.Contains(args, "-global driver=cfi.pflash01,property=secure,value=on") {
		q.Secure = "on"
	}
	return q, nil
}

// argsOf gives the firmware pieces libvirt would put on the command line for
// a domain definition (the inverse reading of parseQEMUArgs).
func argsOf(dom *libvirtxml.Domain) qemuFirmwareArgs {
	var q qemuFirmwareArgs
	orRaw := func(f string) string {
		if f == "" {
			return "raw"
		}
		return f
	}
	if l := dom.OS.Loader; l != nil {
		switch l.Type {
		case "rom":
			q.BIOS = strings.TrimSpace(l.Path)
		default:
			q.Pflash0, q.Pflash0Format = strings.TrimSpace(l.Path), orRaw(l.Format)
			if l.Secure == "yes" {
				q.Secure = "on"
			}
		}
	}
	if n := dom.OS.NVRam; n != nil && q.Pflash0 != "" {
		q.Pflash1, q.Pflash1Format = strings.TrimSpace(n.NVRam), orRaw(n.Format)
		if n.Source != nil && n.Source.File != nil {
			q.Pflash1 = n.Source.File.File
		}
	}
	if dom.Features != nil && dom.Features.SMM != nil {
		q.SMM = dom.Features.SMM.State
	}
	return q
}

// checkUpstream runs one case and returns its disagreements with libvirt's
// expectation, one line (or diff) each; nil when it agrees.
//
// Each expectation file is checked with its era's profile: meta.txt's
// "profile-xml:", "profile-err:" or "profile-args:" for that file, else
// "profile:", else upstreamProfile. A case whose files come from different
// upstream commits (upstream/README.md) may need two.
//
// accepted lists the format attributes that expected.xml omits and that
// were accepted on the strength of a recorded answer ("profile attr=value").
func checkUpstream(t *testing.T, c upstreamCase) (problems, accepted []string) {
	byProfile := map[string]upstreamCase{}
	var order []string
	for _, f := range []struct {
		kind string
		data []byte
	}{{"xml", c.xml}, {"err", c.err}, {"args", c.args}} {
		if f.data == nil {
			continue
		}
		name := cmpOr(c.meta["profile-"+f.kind], c.meta["profile"], upstreamProfile.Name)
		one, ok := byProfile[name]
		if !ok {
			one = c
			one.xml, one.err, one.args = nil, nil, nil
			order = append(order, name)
		}
		switch f.kind {
		case "xml":
			one.xml = f.data
		case "err":
			one.err = f.data
		case "args":
			one.args = f.data
		}
		byProfile[name] = one
	}
	for _, name := range order {
		p, found := matcher.ProfileNamed(name)
		if !found {
			t.Fatalf("%s: meta.txt: unknown profile %q", c.dir, name)
		}
		msgs, acc := checkUpstreamWith(t, byProfile[name], p)
		for _, a := range acc {
			accepted = append(accepted, p.Name+" "+a)
		}
		for _, msg := range msgs {
			if len(order) > 1 {
				msg = p.Name + ": " + msg
			}
			problems = append(problems, msg)
		}
	}
	return problems, accepted
}

func cmpOr(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// harnessHost is the host libvirt's test suite stands for: its emulators
// are all there (qemuxmlconftest fakes their capabilities).
var harnessHost = func() fstest.MapFS {
	m := fstest.MapFS{}
	for _, arch := range []string{"x86_64", "i386", "aarch64", "arm", "riscv64", "loongarch64", "s390x", "ppc64"} {
		m["usr/bin/qemu-system-"+arch] = &fstest.MapFile{}
	}
	return m
}()

// checkUpstreamWith checks c's expectation files with profile p.
func checkUpstreamWith(t *testing.T, c upstreamCase, p *matcher.Profile) (problems, accepted []string) {
	set, err := descriptor.Load(descriptor.Options{Root: c.tree, Rules: p.Rules})
	if err != nil {
		t.Fatal(err)
	}
	dom, req, err := matcher.ParseDomain(c.input)
	if err != nil {
		t.Fatal(err)
	}
	if req.Arch != c.meta["arch"] {
		t.Fatalf("input.xml arch %q, meta.txt says %q", req.Arch, c.meta["arch"])
	}
	req.Existing = c.existing
	req.ExistingValidated = c.existing // the harness validates what it parses
	// libvirt's test harness fakes the capabilities of every emulator,
	// its machine types (pc-i440fx-4.0 with the newest QEMU) included.
	d := matcher.Match(set, req, p, matcher.MatchOptions{Files: harnessHost, AnyMachine: true})
	d.Apply(dom) // no-op when the decision failed
	chosen := "none"
	if d.Chosen != nil {
		chosen = d.Chosen.Name
	}

	if c.err != nil {
		want := normalizeErr(string(c.err))
		switch {
		case d.OK():
			problems = append(problems, fmt.Sprintf("libvirt fails with %q; fwaudit succeeds (chose %s)", want, chosen))
		case normalizeErr(d.Err) != want:
			problems = append(problems, fmt.Sprintf("error: libvirt %q, fwaudit %q", want, normalizeErr(d.Err)))
		}
	}
	if c.xml != nil {
		// expected.xml is the define result. With an ABI update (a new
		// domain) a failed selection fails the define; for an existing
		// domain libvirt keeps the domain and fails only at start, so the
		// unchanged domain is what fwaudit's failed decision stands for.
		if !d.OK() && !c.existing {
			problems = append(problems, fmt.Sprintf("libvirt defines the domain; fwaudit fails: %s", d.Err))
		}
		wantDom := &libvirtxml.Domain{}
		if err := wantDom.Unmarshal(string(c.xml)); err != nil {
			t.Fatalf("expected.xml: %v", err)
		}
		want, got := firmwareOf(wantDom), firmwareOf(dom)
		var bad []string
		accepted, bad = relaxFormats(t, c.evidence, p, want, &got)
		problems = append(problems, bad...)
		if diff := cmp.Diff(want, got); diff != "" {
			problems = append(problems, fmt.Sprintf("domain (-libvirt +fwaudit, fwaudit chose %s, error %q):\n%s", chosen, d.Err, diff))
		}
	}
	if c.args != nil {
		want, err := parseQEMUArgs(string(c.args))
		if err != nil {
			t.Fatalf("expected.args: %v", err)
		}
		if want == (qemuFirmwareArgs{}) {
			t.Fatal("expected.args names no firmware")
		}
		if !d.OK() {
			problems = append(problems, fmt.Sprintf("libvirt starts the domain; fwaudit fails: %s", d.Err))
		} else if diff := cmp.Diff(want, argsOf(dom)); diff != "" {
			problems = append(problems, fmt.Sprintf("command line (-libvirt +fwaudit, fwaudit chose %s):\n%s", chosen, diff))
		}
	}
	return problems, accepted
}

// readUpstreamKnown reads upstreamKnownFile: case name -> reason.
func readUpstreamKnown(t *testing.T) map[string]string {
	known := map[string]string{}
	data, err := os.ReadFile(upstreamKnownFile)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, reason, _ := strings.Cut(line, " ")
		if strings.TrimSpace(reason) == "" {
			t.Errorf("%s: %s has no reason", upstreamKnownFile, name)
		}
		known[name] = strings.TrimSpace(reason)
	}
	return known
}

// omittedFormats is one line of upstreamOmittedFile.
type omittedFormats struct {
	evidence string // the recorded case to read, "" for upstream-CASE
	attrs    string // the accepted attributes, as relaxFormats reports them
}

// readUpstreamOmitted reads upstreamOmittedFile: "case [evidence=NAME]
// attributes..." a line.
func readUpstreamOmitted(t *testing.T) map[string]omittedFormats {
	out := map[string]omittedFormats{}
	data, err := os.ReadFile(upstreamOmittedFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, rest, _ := strings.Cut(line, " ")
		if _, dup := out[name]; dup {
			t.Errorf("%s: %s listed twice", upstreamOmittedFile, name)
		}
		var o omittedFormats
		rest = strings.TrimSpace(rest)
		if ev, ok := strings.CutPrefix(rest, "evidence="); ok {
			o.evidence, rest, _ = strings.Cut(ev, " ")
		}
		o.attrs = strings.TrimSpace(rest)
		out[name] = o
	}
	return out
}

// TestUpstream replays libvirt's own firmware-auto test cases
// (tests/qemuxmlconftest.c data, rebuilt in upstream/) and requires the
// prediction to give libvirt's expected domain, error or command line.
func TestUpstream(t *testing.T) {
	known := readUpstreamKnown(t)
	cases := loadUpstreamCases(t)
	if len(cases) == 0 {
		t.Fatal("no cases in upstream/cases")
	}
	omitted := readUpstreamOmitted(t)
	seen := map[string]bool{}
	var agree, listed, relaxed int
	for _, c := range cases {
		seen[c.name] = true
		c.evidence = upstreamEvidence(c.name, omitted)
		t.Run(c.name, func(t *testing.T) {
			problems, accepted := checkUpstream(t, c)
			if got, want := strings.Join(accepted, " "), omitted[c.name].attrs; got != want {
				t.Errorf("%s: accepted omitted formats %q, the list says %q", upstreamOmittedFile, got, want)
			}
			if len(accepted) > 0 {
				relaxed++
			}
			_, isKnown := known[c.name]
			switch {
			case len(problems) == 0 && isKnown:
				t.Errorf("now agrees with libvirt; remove it from %s", upstreamKnownFile)
			case len(problems) == 0:
				agree++
			case isKnown:
				listed++
				t.Logf("known divergence (%s):\n%s", known[c.name], strings.Join(problems, "\n"))
			default:
				t.Errorf("%s: prediction differs from libvirt's test expectation (%s):\n%s",
					upstreamProfile.Name, c.dir, strings.Join(problems, "\n"))
			}
		})
	}
	for name := range known {
		if !seen[name] {
			t.Errorf("%s lists %s, which is not a case in upstream/cases", upstreamKnownFile, name)
		}
	}
	for name := range omitted {
		if !seen[name] {
			t.Errorf("%s lists %s, which is not a case in upstream/cases", upstreamOmittedFile, name)
		}
	}
	t.Logf("%s: %d/%d upstream cases agree, %d known divergences; %d accept format attributes their expected.xml omits, each backed by a recorded answer",
		upstreamProfile.Name, agree, len(cases), listed, relaxed)
}
