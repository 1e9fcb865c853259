package main

import (
	"context"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/fwaudit/fwaudit"
	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/hostinfo"
	"github.com/fwaudit/fwaudit/matcher"
	"libvirt.org/go/libvirtxml"
)

// matchSchemaVersion versions the JSON output of "fwaudit match".
const matchSchemaVersion = 1

// hostProber learns this host's libvirt and QEMU versions.
type hostProber interface {
	LibvirtVersion(ctx context.Context) (string, error)
	QEMUVersion(ctx context.Context, arch string) (string, error)
}

// hostProbe is how "match" probes the host. Tests replace it, so that they
// never run the real host's daemons or emulators.
var hostProbe hostProber = hostinfo.Prober{}

// Sources of the profile and of the QEMU version (JSON profile_source and
// qemu_source).
const (
	sourceFlag     = "flag"
	sourceDetected = "detected"
	sourceDefault  = "default"
	sourceProfile  = "profile"
)

// matchFlags are the command line of "fwaudit match".
type matchFlags struct {
	src                           sourceFlags
	libvirt, profile, qemu        string
	domain                        string
	arch, machine, firmware       string
	secureBoot, enrolledKeys, smm string
	loaderSecure                  string
	stateless                     bool
	loaderType, loaderFormat      string
	nvramFormat                   string
	loaderPath, nvramTemplate     string
	launchSecurity                string
	s3, s4, existing, noACPI      bool
	name                          string
	explain, all                  bool
	format                        string
}

// requestFlags describe the domain; they exclude --domain.
var requestFlags = []string{"arch", "machine", "firmware", "secure-boot", "enrolled-keys", "smm", "loader-secure",
	"stateless", "loader-type", "loader-format", "nvram-format", "loader", "nvram-template", "launch-security",
	"s3", "s4", "no-acpi", "name"}

func (f *matchFlags) register(fs *flag.FlagSet) {
	f.src.register(fs)
	fs.StringVar(&f.libvirt, "libvirt", "", "predict for libvirt `VERSION` (the newest modelled release not newer)")
	fs.StringVar(&f.profile, "profile", "", "predict with the profile `NAME` (e.g. libvirt-11.3)")
	fs.StringVar(&f.qemu, "qemu", "", "QEMU `VERSION` that resolves machine aliases (q35 -> pc-q35-X.Y)")
	fs.StringVar(&f.domain, "domain", "", "read the domain definition from `FILE` (virsh dumpxml)")
	fs.StringVar(&f.arch, "arch", "", "guest architecture `ARCH` as libvirt names it (x86_64, i686, aarch64, ...)")
	fs.StringVar(&f.machine, "machine", "", "machine type `M` (q35, pc, virt, pc-q35-9.2, ...)")
	fs.StringVar(&f.firmware, "firmware", "efi", "<os firmware=`TYPE`>: efi or bios")
	fs.StringVar(&f.secureBoot, "secure-boot", "", "firmware feature secure-boot: yes or no")
	fs.StringVar(&f.enrolledKeys, "enrolled-keys", "", "firmware feature enrolled-keys: yes or no")
	fs.StringVar(&f.smm, "smm", "", "<features><smm state=...>: on or off")
	fs.StringVar(&f.loaderSecure, "loader-secure", "", "<loader secure=...>: yes or no")
	fs.BoolVar(&f.stateless, "stateless", false, "<loader stateless='yes'>")
	fs.StringVar(&f.loaderType, "loader-type", "", "<loader type=...>: pflash or rom")
	fs.StringVar(&f.loaderFormat, "loader-format", "", "<loader format=...>: raw or qcow2")
	fs.StringVar(&f.nvramFormat, "nvram-format", "", "<nvram format=...>: raw or qcow2")
	fs.StringVar(&f.loaderPath, "loader", "", "pin the loader `PATH`")
	fs.StringVar(&f.nvramTemplate, "nvram-template", "", "pin the NVRAM template `PATH`")
	fs.StringVar(&f.launchSecurity, "launch-security", "", "<launchSecurity>: sev, sev-es, sev-snp or tdx")
	fs.BoolVar(&f.s3, "s3", false, "<pm><suspend-to-mem enabled='yes'>")
	fs.BoolVar(&f.s4, "s4", false, "<pm><suspend-to-disk enabled='yes'>")
	fs.BoolVar(&f.noACPI, "no-acpi", false, "leave <acpi/> out of <features> (by default it is there for x86_64, i686 and aarch64)")
	fs.BoolVar(&f.existing, "existing", false, "an existing domain (loaded from its stored definition), not a new define")
	fs.StringVar(&f.name, "name", "guest", "domain `NAME` (names the NVRAM file)")
	fs.BoolVar(&f.explain, "explain", false, "show libvirt's verdict on every descriptor")
	fs.BoolVar(&f.all, "all", false, "list every other matching descriptor, in order")
	fs.StringVar(&f.format, "format", "text", "output `format`: text, json or xml")
}

const matchUsage = "usage: fwaudit match [--root DIR] [--dir DIR]... [--session] [--distro NAME] [--libvirt VER | --profile NAME]\n" +
	"                     [--qemu VER] (--domain FILE | --arch A --machine M [request flags]) [--existing] [--explain] [--all]\n" +
	"                     [--format text|json|xml]\n" +
	"see fwaudit help, or fwaudit match -h for every flag"

// check validates the combination and the values of the flags.
func (f *matchFlags) check(fs *flag.FlagSet) error {
	set := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	var given []string
	for _, n := range requestFlags {
		if set[n] {
			given = append(given, "--"+n)
		}
	}
	switch {
	case fs.NArg() > 0:
		return usageError(fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
	case f.domain != "" && len(given) > 0:
		return usageError(fmt.Sprintf("--domain describes the whole domain; it cannot be combined with %s", strings.Join(given, ", ")))
	case f.domain == "" && f.arch == "":
		return usageError("give a domain: --domain FILE, or --arch and --machine")
	case f.domain == "" && f.machine == "":
		return usageError("--arch needs --machine (e.g. q35, pc, virt)")
	case f.libvirt != "" && f.profile != "":
		return usageError("--libvirt and --profile both choose the profile; give one")
	}
	checks := []struct{ flag, value string }{
		{"format", f.format}, {"firmware", f.firmware}, {"secure-boot", f.secureBoot}, {"enrolled-keys", f.enrolledKeys},
		{"smm", f.smm}, {"loader-secure", f.loaderSecure}, {"loader-type", f.loaderType},
		{"loader-format", f.loaderFormat}, {"nvram-format", f.nvramFormat}, {"launch-security", f.launchSecurity},
	}
	for _, c := range checks {
		if c.value == "" && c.flag != "format" && c.flag != "firmware" {
			continue
		}
		if allowed := flagValues[c.flag]; !slices.Contains(allowed, c.value) {
			return usageError(fmt.Sprintf("--%s %q: want %s", c.flag, c.value, strings.Join(allowed, " or ")))
		}
	}
	if f.domain == "" && !slices.Contains(descriptor.RulesLatest.Architectures, f.arch) {
		hint := ""
		if alias, ok := archAliases[f.arch]; ok {
			hint = fmt.Sprintf(" (libvirt calls it %s)", alias)
		}
		return usageError(fmt.Sprintf("--arch %q: not an architecture libvirt knows%s", f.arch, hint))
	}
	if f.domain == "" && f.name == "" {
		return usageError("--name must not be empty")
	}
	if f.qemu != "" && !versionRe.MatchString(f.qemu) {
		return usageError(fmt.Sprintf("--qemu %q: want a version like 9.2 or 9.2.1", f.qemu))
	}
	return nil
}

var flagValues = map[string][]string{
	"format":          {"text", "json", "xml"},
	"firmware":        {"efi", "bios"},
	"secure-boot":     {"yes", "no"},
	"enrolled-keys":   {"yes", "no"},
	"smm":             {"on", "off"},
	"loader-secure":   {"yes", "no"},
	"loader-type":     {"pflash", "rom"},
	"loader-format":   {"raw", "qcow2"},
	"nvram-format":    {"raw", "qcow2"},
	"launch-security": {"sev", "sev-es", "sev-snp", "tdx"},
}

// archAliases are common names for libvirt's architectures.
var archAliases = map[string]string{"amd64": "x86_64", "i386": "i686", "x86": "i686", "arm64": "aarch64", "arm": "armv7l"}

var versionRe = regexp.MustCompile(`^[0-9]+\.[0-9]+(\.[0-9]+)?$`)

// buildDomain is the domain the request flags describe, as a management
// tool would define it (matcher.Guest).
func (f *matchFlags) buildDomain() *libvirtxml.Domain {
	tristate := func(s string) matcher.Tristate {
		switch s {
		case "yes", "on":
			return matcher.Yes
		case "no", "off":
			return matcher.No
		}
		return matcher.Unset
	}
	g := matcher.Guest{
		Name: f.name, Arch: f.arch, Machine: f.machine, Firmware: f.firmware,
		SecureBoot: tristate(f.secureBoot), EnrolledKeys: tristate(f.enrolledKeys), SMM: tristate(f.smm),
		LoaderSecure: tristate(f.loaderSecure), Stateless: f.stateless,
		LoaderType: f.loaderType, LoaderFormat: f.loaderFormat, LoaderPath: f.loaderPath,
		NVRAMFormat: f.nvramFormat, NVRAMTemplate: f.nvramTemplate,
		LaunchSecurity: f.launchSecurity, S3: f.s3, S4: f.s4, NoACPI: f.noACPI,
	}
	return g.Domain()
}

// readDomain reads and parses a domain definition file.
func readDomain(file string) (*libvirtxml.Domain, *matcher.Request, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, nil, err // *fs.PathError names the file
	}
	dom, req, err := matcher.ParseDomain(data)
	if err != nil {
		return nil, nil, usageError(fmt.Sprintf("%s: %v", file, err))
	}
	return dom, req, nil
}

// chosenSetting is a profile or QEMU version with where it came from.
type chosenSetting struct {
	source string // sourceFlag, sourceDetected, sourceDefault, sourceProfile
	note   string // why, for people
}

// chooseProfile picks the profile: from --libvirt or --profile, else from
// the host's libvirt when the descriptors are the host's, else the newest.
func (f *matchFlags) chooseProfile(ctx context.Context, onHost bool) (*matcher.Profile, chosenSetting, error) {
	switch {
	case f.libvirt != "":
		p, err := matcher.ProfileFor(f.libvirt)
		if err != nil {
			return nil, chosenSetting{}, usageError("--libvirt: " + err.Error())
		}
		note := "--libvirt " + f.libvirt
		if mm, _, _ := cutMinor(f.libvirt); p.Name != "libvirt-"+mm {
			note += ", modelled by " + p.Name
		}
		return p, chosenSetting{sourceFlag, note}, nil
	case f.profile != "":
		p, ok := matcher.ProfileNamed(f.profile)
		if !ok {
			var names []string
			for _, p := range matcher.Profiles {
				names = append(names, p.Name)
			}
			names = append(names, matcher.NovaLegacy.Name)
			return nil, chosenSetting{}, usageError(fmt.Sprintf("--profile %q: no such profile; profiles: %s", f.profile, strings.Join(names, ", ")))
		}
		return p, chosenSetting{sourceFlag, "--profile " + f.profile}, nil
	case !onHost:
		return matcher.Latest, chosenSetting{sourceDefault, fmt.Sprintf("the newest modelled; %s is not this host; choose with --libvirt or --profile", f.sourceName())}, nil
	}
	v, err := hostProbe.LibvirtVersion(ctx)
	if err != nil {
		why := "this host's libvirt is unknown: " + err.Error()
		if errors.Is(err, hostinfo.ErrNotFound) {
			why = "no virtqemud or libvirtd found on this host"
		}
		return matcher.Latest, chosenSetting{sourceDefault, "the newest modelled; " + why + "; choose with --libvirt or --profile"}, nil
	}
	p, err := matcher.ProfileFor(v)
	if err != nil {
		oldest := matcher.Profiles[0]
		return oldest, chosenSetting{sourceDetected, fmt.Sprintf("this host runs libvirt %s, older than every modelled release; using the oldest, %s", v, oldest.Name)}, nil
	}
	note := "this host runs libvirt " + v
	if mm, _, _ := cutMinor(v); p.Name != "libvirt-"+mm {
		note += ", modelled by " + p.Name
	}
	return p, chosenSetting{sourceDetected, note}, nil
}

// hostRelease reports whether the release predicted, p (chosen as ps
// says), is the one this host runs, for descriptors that are this host's:
// then its QEMU and its files are the host's. A release named by a flag that
// the host does not run comes with its own, as an upgrade brings them; why
// says so.
func hostRelease(ctx context.Context, onHost bool, p *matcher.Profile, ps chosenSetting) (ok bool, why string) {
	if !onHost {
		return false, ""
	}
	if ps.source == sourceFlag && !p.Nova {
		if v, err := hostProbe.LibvirtVersion(ctx); err == nil {
			if hp, err := matcher.ProfileFor(v); err == nil && hp != p {
				return false, fmt.Sprintf("%s is not the release this host runs (libvirt %s)", p.Name, v)
			}
		}
	}
	return true, ""
}

// chooseQEMU picks the QEMU version that resolves machine aliases: --qemu,
// else the host's emulator for arch when the release is the host's (see
// hostRelease), else the one the profile was recorded with.
func (f *matchFlags) chooseQEMU(ctx context.Context, onHost bool, arch string, p *matcher.Profile, ps chosenSetting) (string, chosenSetting) {
	if f.qemu != "" {
		return f.qemu, chosenSetting{sourceFlag, "--qemu " + f.qemu}
	}
	why := f.sourceName() + " is not this host"
	if onHost {
		var ok bool
		if ok, why = hostRelease(ctx, onHost, p, ps); !ok {
			onHost = false
		}
	}
	if onHost {
		v, err := hostProbe.QEMUVersion(ctx, arch)
		if err == nil {
			bin, _ := hostinfo.QEMUBinary(arch)
			return v, chosenSetting{sourceDetected, "this host's " + bin + " --version"}
		}
		why = "this host's QEMU is unknown: " + err.Error()
		if errors.Is(err, hostinfo.ErrNotFound) {
			bin, berr := hostinfo.QEMUBinary(arch)
			if berr != nil {
				bin = "QEMU emulator for " + arch
			}
			why = "no " + bin + " found on this host"
		}
	}
	return p.QEMU, chosenSetting{sourceProfile, fmt.Sprintf("%s's; %s; set it with --qemu", p.Name, why)}
}

// sourceName names the descriptor source that is not this host.
func (f *matchFlags) sourceName() string {
	if f.src.root != "" {
		return "--root " + f.src.root
	}
	return "the bundled " + f.src.distro + " set"
}

// matchOutput is the JSON document of "fwaudit match" (documented in
// README): the oracle-shaped answer plus where the prediction comes from.
type matchOutput struct {
	SchemaVersion int    `json:"schema_version"`
	Profile       string `json:"profile"`
	ProfileSource string `json:"profile_source"`
	ProfileNote   string `json:"profile_note"`
	QEMU          string `json:"qemu"`
	QEMUSource    string `json:"qemu_source"`
	QEMUNote      string `json:"qemu_note"`
	// Machine is the machine type matched, aliases resolved.
	Machine string `json:"machine"`
	// Selected is false when libvirt runs no selection at all.
	Selected bool `json:"selected"`
	// Stage is where libvirt fails ("define" or "start"), on failure only.
	Stage string `json:"stage,omitempty"`
	*matcher.Answer
	// DescriptorPath shadows the Answer's, so that it is always present
	// (null when nothing was chosen), like the oracle's.
	DescriptorPath *string        `json:"descriptor_path"`
	Trace          []matcher.Step `json:"trace"`
	// Also is set with --all.
	Also *[]alsoEntry `json:"also,omitempty"`
}

type alsoEntry struct {
	Name string `json:"name"`
	Path string `json:"path"`
}

func runMatch(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("match", stderr)
	var f matchFlags
	f.register(fs)
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if f.src.distro == "help" {
		fmt.Fprintln(stdout, strings.Join(fwaudit.Distros(), "\n"))
		return exitOK
	}
	if err := f.check(fs); err != nil {
		fmt.Fprintf(stderr, "fwaudit match: %v\n%s\n", err, matchUsage)
		return exitUsage
	}
	ctx := context.Background()

	var (
		dom *libvirtxml.Domain
		req *matcher.Request
		err error
	)
	if f.domain != "" {
		dom, req, err = readDomain(f.domain)
	} else {
		dom = f.buildDomain()
		req, err = matcher.FromDomain(dom)
	}
	if err != nil {
		return reportError(stderr, "match", err)
	}
	req.Existing = f.existing

	onHost := f.src.root == "" && f.src.distro == ""
	profile, profileWhy, err := f.chooseProfile(ctx, onHost)
	if err != nil {
		return reportError(stderr, "match", err)
	}
	set, note, err := f.src.load(profile.Rules)
	if err != nil {
		return reportError(stderr, "match", err)
	}
	if note != "" {
		fmt.Fprintln(stderr, note)
		onHost = false // the bundled set stands in for the host's
	}
	qemu, qemuWhy := f.chooseQEMU(ctx, onHost, req.Arch, profile, profileWhy)

	hostOwn, _ := hostRelease(ctx, onHost, profile, profileWhy)
	files, closeFiles, err := f.src.hostFiles(profile, hostOwn)
	if err != nil {
		return reportError(stderr, "match", err)
	}
	defer closeFiles()
	d := matcher.Match(set, req, profile, matcher.MatchOptions{QEMU: qemu, Files: files})
	code := exitOK
	if !d.OK() {
		code = exitFindings
	}
	switch f.format {
	case "xml":
		if !d.OK() {
			fmt.Fprintf(stderr, "fwaudit match: %s would refuse the domain: %s\n", profile.Name, d.Err)
			return code
		}
		d.Apply(dom)
		if err := writeDomainXML(stdout, dom, d.Request.Machine); err != nil {
			return reportError(stderr, "match", err)
		}
		return code
	}
	out := matchOutput{
		SchemaVersion: matchSchemaVersion,
		Profile:       profile.Name, ProfileSource: profileWhy.source, ProfileNote: profileWhy.note,
		QEMU: qemu, QEMUSource: qemuWhy.source, QEMUNote: qemuWhy.note,
		Machine:  d.Request.Machine,
		Selected: d.Selected,
		Answer:   d.Answer(dom),
		Trace:    d.Trace,
	}
	out.DescriptorPath = out.Answer.DescriptorPath
	if !d.OK() {
		out.Stage = d.Stage
	}
	if out.Trace == nil {
		out.Trace = []matcher.Step{}
	}
	if f.all {
		also := []alsoEntry{}
		for _, e := range d.Also {
			also = append(also, alsoEntry{e.Name, e.Path})
		}
		out.Also = &also
	}
	if f.format == "json" {
		if err := writeJSON(stdout, out); err != nil {
			return reportError(stderr, "match", err)
		}
		return code
	}
	writeMatchText(stdout, &out, req.Machine, d, f.explain, newStyle(stdout))
	return code
}

// writeDomainXML writes the domain's <os> and <features> as libvirt
// formats them after selection: empty elements self-closed, the machine
// type with its alias resolved (machine is the resolved name).
func writeDomainXML(w io.Writer, dom *libvirtxml.Domain, machine string) error {
	os := *dom.OS
	if os.Type != nil {
		t := *os.Type
		t.Machine = machine
		os.Type = &t
	}
	var b strings.Builder
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.EncodeElement(os, xml.StartElement{Name: xml.Name{Local: "os"}}); err != nil {
		return err
	}
	if dom.Features != nil {
		if err := enc.EncodeElement(dom.Features, xml.StartElement{Name: xml.Name{Local: "features"}}); err != nil {
			return err
		}
	}
	if err := enc.Close(); err != nil {
		return err
	}
	_, err := io.WriteString(w, emptyElementRe.ReplaceAllString(b.String(), "<$1$2/>")+"\n")
	return err
}

// emptyElementRe matches an element without content, which encoding/xml
// writes as <x a="b"></x>.
var emptyElementRe = regexp.MustCompile(`<([^\s<>/]+)([^<>]*)></[^<>]+>`)

// writeMatchText writes the prediction for people: where it comes from,
// then what libvirt writes, or its error.
func writeMatchText(w io.Writer, out *matchOutput, machineAsWritten string, d *matcher.Decision, explain bool, st style) {
	a := out.Answer
	rows := [][]string{
		{"profile", out.Profile + "  (" + out.ProfileSource + ": " + out.ProfileNote + ")"},
		{"qemu", out.QEMU + "  (" + out.QEMUSource + ": " + out.QEMUNote + ")"},
	}
	machine := out.Machine
	if machineAsWritten != "" && machineAsWritten != out.Machine {
		machine += "  (" + machineAsWritten + ")"
	}
	rows = append(rows, []string{"machine", machine})
	if a.Descriptor != nil {
		label, path := "descriptor", ""
		if a.DescriptorPath != nil {
			path = "  " + *a.DescriptorPath
		}
		if !a.OK {
			label = "chosen"
			path += "  (before the error below)"
		}
		rows = append(rows, []string{label, *a.Descriptor + path})
	}
	switch {
	case !a.OK:
		rows = append(rows, []string{"error", deref(a.Error) + "  (at " + out.Stage + ")"})
	case !out.Selected:
		rows = append(rows, []string{"selection", "none: the domain has neither <os firmware> nor a pflash loader; libvirt boots it as written"})
	default:
		if a.OSFirmware != nil {
			rows = append(rows, []string{"firmware", *a.OSFirmware})
		}
		if l := a.Loader; l != nil {
			rows = append(rows, []string{"loader", joinNonEmpty(deref(l.Path), attrs(
				attr{"type", l.Type}, attr{"readonly", l.Readonly}, attr{"secure", l.Secure},
				attr{"stateless", l.Stateless}, attr{"format", l.Format}))})
		}
		if n := a.NVRAM; n != nil {
			rows = append(rows, []string{"nvram", joinNonEmpty(deref(n.Path), attrs(
				attr{"type", n.Type}, attr{"format", n.Format}, attr{"template", n.Template},
				attr{"templateFormat", n.TemplateFormat}))})
		} else {
			rows = append(rows, []string{"nvram", "none"})
		}
		if a.Kernel != nil {
			rows = append(rows, []string{"kernel", *a.Kernel})
		}
		if a.SMM != nil {
			rows = append(rows, []string{"smm", *a.SMM})
		}
		if len(a.FirmwareFeatures) > 0 {
			var fs []string
			for _, k := range slices.Sorted(maps.Keys(a.FirmwareFeatures)) {
				fs = append(fs, k+"="+a.FirmwareFeatures[k])
			}
			rows = append(rows, []string{"features", strings.Join(fs, " ")})
		}
	}
	writeTable(w, rows, func(row, col int, cell string) string {
		switch {
		case col == 0:
			return st.dim(cell)
		case rows[row][0] == "error":
			return st.red(cell)
		case rows[row][0] == "descriptor":
			return st.green(cell)
		}
		return cell
	})
	if out.Also != nil {
		if len(*out.Also) == 0 {
			fmt.Fprintln(w, st.dim("also:")+" no other descriptor matches")
		} else {
			fmt.Fprintln(w, st.dim("also:")+" the other matching descriptors, in libvirt's order")
			var also [][]string
			for i, e := range *out.Also {
				also = append(also, []string{fmt.Sprintf("  %d.", i+2), e.Name, e.Path})
			}
			writeTable(w, also, func(_, _ int, c string) string { return c })
		}
	}
	if explain && len(out.Trace) == 0 {
		fmt.Fprintln(w, st.dim("trace:")+" libvirt examined no descriptor")
	}
	if explain && len(out.Trace) > 0 {
		fmt.Fprintln(w, st.dim("trace:")+" libvirt's verdict on each descriptor, in its order")
		var trace [][]string
		for _, s := range out.Trace {
			verdict := "skipped"
			switch {
			case d.Chosen != nil && s.Path == d.Chosen.Path && s.Accepted:
				verdict = "chosen"
			case s.Accepted:
				verdict = "matches"
			}
			trace = append(trace, []string{"  " + verdict, s.Name, s.Reason})
		}
		writeTable(w, trace, func(_, col int, c string) string {
			if col != 0 {
				return c
			}
			switch strings.TrimSpace(c) {
			case "chosen":
				return st.green(c)
			case "matches":
				return st.yellow(c)
			}
			return st.dim(c)
		})
	}
}

// cutMinor splits "11.3.0" into "11.3" and the rest.
func cutMinor(v string) (majorMinor, rest string, ok bool) {
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return v + ".0", "", false
	}
	if len(parts) == 3 {
		rest = parts[2]
	}
	return parts[0] + "." + parts[1], rest, true
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// attr is one XML attribute as written, nil when absent.
type attr struct {
	name  string
	value *string
}

// attrs formats the present attributes as name=value.
func attrs(as ...attr) string {
	var out []string
	for _, a := range as {
		if a.value != nil {
			out = append(out, a.name+"="+*a.value)
		}
	}
	return strings.Join(out, " ")
}

// joinNonEmpty joins the non-empty strings with two spaces.
func joinNonEmpty(ss ...string) string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return strings.Join(out, "  ")
}
