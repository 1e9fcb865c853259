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

// relaxFormats applies the era rule of upstream/README.md section 3: older
// expected outputs omit format attributes that newer libvirt writes. Where
// want has no format attribute, got's value is dropped when it is raw or a
// format of the chosen descriptor.
func relaxFormats(want firmwareXML, got *firmwareXML, chosen *descriptor.Entry) {
	ok := map[string]bool{"raw": true}
	if chosen != nil {
		m := chosen.Descriptor.Mapping
		if m.Executable != nil {
			ok[m.Executable.Format] = true
		}
		if m.NVRAMTemplate != nil {
			ok[m.NVRAMTemplate.Format] = true
		}
	}
	drop := func(w string, g *string) {
		if w == "" && ok[*g] {
			*g = ""
		}
	}
	if want.Loader != nil && got.Loader != nil {
		drop(want.Loader.Format, &got.Loader.Format)
	}
	if want.NVRAM != nil && got.NVRAM != nil {
		drop(want.NVRAM.Format, &got.NVRAM.Format)
		drop(want.NVRAM.TemplateFormat, &got.NVRAM.TemplateFormat)
	}
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
func checkUpstream(t *testing.T, c upstreamCase) []string {
	var problems []string
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
		for _, msg := range checkUpstreamWith(t, byProfile[name], p) {
			if len(order) > 1 {
				msg = p.Name + ": " + msg
			}
			problems = append(problems, msg)
		}
	}
	return problems
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
func checkUpstreamWith(t *testing.T, c upstreamCase, p *matcher.Profile) []string {
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
	// libvirt's test harness fakes the capabilities of every emulator.
	d := matcher.Match(set, req, p, matcher.MatchOptions{Files: harnessHost})
	d.Apply(dom) // no-op when the decision failed
	var problems []string
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
		relaxFormats(want, &got, d.Chosen)
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
	return problems
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

// TestUpstream replays libvirt's own firmware-auto test cases
// (tests/qemuxmlconftest.c data, rebuilt in upstream/) and requires the
// prediction to give libvirt's expected domain, error or command line.
func TestUpstream(t *testing.T) {
	known := readUpstreamKnown(t)
	cases := loadUpstreamCases(t)
	if len(cases) == 0 {
		t.Fatal("no cases in upstream/cases")
	}
	seen := map[string]bool{}
	var agree, listed int
	for _, c := range cases {
		seen[c.name] = true
		t.Run(c.name, func(t *testing.T) {
			problems := checkUpstream(t, c)
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
	t.Logf("%s: %d/%d upstream cases agree, %d known divergences", upstreamProfile.Name, agree, len(cases), listed)
}
