package main

import (
	"context"
	"encoding/xml"
	"errors"
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
	"github.com/fwaudit/fwaudit/internal/suggest"
	"github.com/fwaudit/fwaudit/matcher"
	"github.com/fwaudit/fwaudit/release"
	"github.com/spf13/cobra"
	"libvirt.org/go/libvirtxml"
)

// matchSchemaVersion versions the JSON output of "fwaudit match".
const matchSchemaVersion = 1

// hostProbe is how commands probe the host. Tests replace it, so that they
// never run the real host's daemons or emulators.
var hostProbe release.Prober = hostinfo.Prober{}

// matchFlags are the command line of "fwaudit match".
type matchFlags struct {
	src                           sourceFlags
	rel                           releaseFlags
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
	nova                          novaFlags
	novaRelease                   string
}

// requestFlags describe the domain; they exclude --domain.
var requestFlags = []string{"arch", "machine", "firmware", "secure-boot", "enrolled-keys", "smm", "loader-secure",
	"stateless", "loader-type", "loader-format", "nvram-format", "loader", "nvram-template", "launch-security",
	"s3", "s4", "no-acpi", "name"}

func (f *matchFlags) register(c *cobra.Command) {
	f.src.register(c)
	f.rel.register(c)
	fs := c.Flags()
	fs.StringVar(&f.domain, "domain", "", "read the domain definition from `FILE` (virsh dumpxml)")
	fs.StringVar(&f.arch, "arch", "", "guest architecture `ARCH` as libvirt names it (x86_64, i686, aarch64, ...)")
	c.RegisterFlagCompletionFunc("arch", fixed(descriptor.RulesLatest.Architectures))
	fs.StringVar(&f.machine, "machine", "", "machine type `M` (q35, pc, virt, pc-q35-9.2, ...)")
	c.RegisterFlagCompletionFunc("machine", fixed([]string{"q35", "pc", "microvm", "virt"}))
	enumVar(c, &f.firmware, "firmware", "efi", "firmware type", flagValues["firmware"], "<os firmware=`TYPE`>: efi or bios")
	enumVar(c, &f.secureBoot, "secure-boot", "", "value", flagValues["secure-boot"], "firmware feature secure-boot: yes or no")
	enumVar(c, &f.enrolledKeys, "enrolled-keys", "", "value", flagValues["enrolled-keys"], "firmware feature enrolled-keys: yes or no")
	enumVar(c, &f.smm, "smm", "", "value", flagValues["smm"], "<features><smm state=...>: on or off")
	enumVar(c, &f.loaderSecure, "loader-secure", "", "value", flagValues["loader-secure"], "<loader secure=...>: yes or no")
	fs.BoolVar(&f.stateless, "stateless", false, "<loader stateless='yes'>")
	enumVar(c, &f.loaderType, "loader-type", "", "loader type", flagValues["loader-type"], "<loader type=...>: pflash or rom")
	enumVar(c, &f.loaderFormat, "loader-format", "", "format", flagValues["loader-format"], "<loader format=...>: raw or qcow2")
	enumVar(c, &f.nvramFormat, "nvram-format", "", "format", flagValues["nvram-format"], "<nvram format=...>: raw or qcow2")
	fs.StringVar(&f.loaderPath, "loader", "", "pin the loader `PATH`")
	fs.StringVar(&f.nvramTemplate, "nvram-template", "", "pin the NVRAM template `PATH`")
	enumVar(c, &f.launchSecurity, "launch-security", "", "launch security type", flagValues["launch-security"], "<launchSecurity>: sev, sev-es, sev-snp or tdx")
	fs.BoolVar(&f.s3, "s3", false, "<pm><suspend-to-mem enabled='yes'>")
	fs.BoolVar(&f.s4, "s4", false, "<pm><suspend-to-disk enabled='yes'>")
	fs.BoolVar(&f.noACPI, "no-acpi", false, "leave <acpi/> out of <features> (by default it is there for x86_64, i686 and aarch64)")
	fs.BoolVar(&f.existing, "existing", false, "an existing domain (loaded from its stored definition), not a new define")
	fs.StringVar(&f.name, "name", "guest", "domain `NAME` (names the NVRAM file)")
	fs.BoolVar(&f.explain, "explain", false, "show libvirt's verdict on every descriptor")
	fs.BoolVar(&f.all, "all", false, "list every other matching descriptor, in order")
	enumVar(c, &f.format, "format", "text", "format", flagValues["format"], "output `format`: text, json or xml")
	f.nova.register(c)
	fs.StringVar(&f.novaRelease, "nova-release", "2026.1", "with nova's flags: the nova `RELEASE` that writes the domain (2025.2 and before: nova's own selection)")
}

const matchUsage = "usage: fwaudit match [--root DIR] [--dir DIR]... [--session] [--distro NAME] [--libvirt VER | --profile NAME]\n" +
	"                     [--qemu VER] (--domain FILE | --arch A --machine M [request flags]) [--existing] [--explain] [--all]\n" +
	"                     [--format text|json|xml]"

// check validates the combination and the values of the flags.
func (f *matchFlags) check(c *cobra.Command, args []string) error {
	var given []string
	for _, n := range requestFlags {
		if c.Flags().Changed(n) {
			given = append(given, "--"+n)
		}
	}
	if f.nova.given(c) {
		switch {
		case len(args) > 0:
			return usageError(fmt.Sprintf("unexpected argument %q", args[0]))
		case f.domain != "":
			given = append(given, "--domain")
			fallthrough
		case len(given) > 0 && !(len(given) == 1 && given[0] == "--name"):
			return usageError(fmt.Sprintf("nova's flags describe the whole domain; they cannot be combined with %s", strings.Join(given, ", ")))
		}
		return nil
	}
	switch {
	case len(args) > 0:
		return usageError(fmt.Sprintf("unexpected argument %q", args[0]))
	case f.domain != "" && len(given) > 0:
		return usageError(fmt.Sprintf("--domain describes the whole domain; it cannot be combined with %s", strings.Join(given, ", ")))
	case f.domain == "" && f.arch == "":
		return usageError("give a domain: --domain FILE, or --arch and --machine")
	case f.domain == "" && f.machine == "":
		return usageError("--arch needs --machine (e.g. q35, pc, virt)")
	}
	if f.domain == "" && !slices.Contains(descriptor.RulesLatest.Architectures, f.arch) {
		hint := ""
		if alias, ok := archAliases[f.arch]; ok {
			hint = fmt.Sprintf(" (libvirt calls it %s)", alias)
		}
		if hint == "" {
			hint = suggest.Hint(f.arch, descriptor.RulesLatest.Architectures)
		}
		return usageError(fmt.Sprintf("--arch %q: not an architecture libvirt knows%s", f.arch, hint))
	}
	if f.domain == "" && f.name == "" {
		return usageError("--name must not be empty")
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
	// Nova says which nova release wrote the domain, with nova's flags.
	Nova string `json:"nova,omitempty"`
}

type alsoEntry struct {
	Name string `json:"name"`
	Path string `json:"path"`
}

func newMatchCmd(a *app) *cobra.Command {
	var f matchFlags
	c := &cobra.Command{
		Use:   "match (--domain FILE | --arch A --machine M [request flags])",
		Short: "Predict the firmware libvirt picks for one domain, and why",
		Long: `Predict the firmware libvirt's auto-selection picks for a domain (a file, or
one described by flags) and what it writes into the domain. The libvirt
release and QEMU version are the flags', else this host's for this host's
descriptors, else the bundled set's own, else the newest modelled; the
output says which.`,
		Example: `  fwaudit match --arch x86_64 --machine q35 --secure-boot yes
  fwaudit match --domain guest.xml --explain
  fwaudit match --distro ubuntu-24.04 --arch x86_64 --machine q35 --launch-security sev-es
  fwaudit match --root /mnt/image --domain guest.xml --libvirt 12.8 --format xml
  fwaudit match --distro ubuntu-24.04 --image-property hw_firmware_type=uefi --image-property hw_machine_type=q35 \
      --flavor-extra-spec hw:mem_encryption=true --image-property hw_mem_encryption_model=amd-sev-es
  fwaudit match --image image.json --flavor flavor.json --nova-release 2025.2 --format xml`,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if f.src.distro == "help" {
				_, err := fmt.Fprintln(a.stdout, strings.Join(fwaudit.Distros(), "\n"))
				return err
			}
			if err := f.check(cmd, args); err != nil {
				return &exitError{code: exitUsage, err: fmt.Errorf("%v\n%s", err, matchUsage)}
			}
			return f.run(cmd.Context(), cmd, a)
		}),
	}
	f.register(c)
	return c
}

func (f *matchFlags) run(ctx context.Context, c *cobra.Command, a *app) error {
	var (
		dom *libvirtxml.Domain
		req *matcher.Request
		err error
	)
	var choice release.Choice
	switch {
	case f.nova.given(c):
		f.src.fallBack(a.stderr)
		if dom, req, choice, err = f.novaDomain(ctx, c); err != nil {
			return err
		}
	default:
		if f.domain != "" {
			dom, req, err = readDomain(f.domain)
		} else {
			dom = f.buildDomain()
			req, err = matcher.FromDomain(dom)
		}
		if err != nil {
			return err
		}
		f.src.fallBack(a.stderr)
		onHost := f.src.root == "" && f.src.distro == ""
		choice, err = release.Choose(ctx, release.Request{
			Libvirt: f.rel.libvirt, Profile: f.rel.profile, QEMU: f.rel.qemu,
			OnHost: onHost, Host: hostProbe, Distro: f.src.distro, NotHost: f.src.name(), Arch: req.Arch,
		})
		if err != nil {
			return releaseError(err)
		}
	}
	req.Existing = f.existing
	profile := choice.Profile
	set, err := f.src.loadSet(profile.Rules)
	if err != nil {
		return err
	}
	files, closeFiles, err := f.src.hostFiles(choice)
	if err != nil {
		return err
	}
	defer closeFiles()
	d := matcher.Match(set, req, profile, matcher.MatchOptions{QEMU: choice.QEMU, Files: files})
	var code error
	if !d.OK() {
		code = errFindings
	}
	switch f.format {
	case "xml":
		if !d.OK() {
			return &exitError{code: exitFindings, err: fmt.Errorf("%s would refuse the domain: %s", profile.Name, d.Err)}
		}
		d.Apply(dom)
		if err := writeDomainXML(a.stdout, dom, d.Request.Machine); err != nil {
			return err
		}
		return code
	}
	ps, qs := choice.ProfileSetting, choice.QEMUSetting
	out := matchOutput{
		SchemaVersion: matchSchemaVersion,
		Profile:       profile.Name, ProfileSource: string(ps.Source), ProfileNote: ps.Note,
		QEMU: choice.QEMU, QEMUSource: string(qs.Source), QEMUNote: qs.Note,
		Machine:  d.Request.Machine,
		Selected: d.Selected,
		Answer:   d.Answer(dom),
		Trace:    d.Trace,
	}
	out.DescriptorPath = out.Answer.DescriptorPath
	if f.nova.given(c) {
		out.Nova = novaNote(f.novaRelease)
	}
	if !out.Answer.OK {
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
		if err := writeJSON(a.stdout, out); err != nil {
			return err
		}
		return code
	}
	writeMatchText(a.stdout, &out, req.Machine, d, f.explain, newStyle(a.term))
	return code
}

// releaseError makes a release.UsageError a usage error.
func releaseError(err error) error {
	var ue *release.UsageError
	if errors.As(err, &ue) {
		return usageError(ue.Msg)
	}
	return err
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
	if out.Nova != "" {
		rows = append(rows, []string{"nova", out.Nova})
	}
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
	case !a.OK && a.DaemonCrashed:
		rows = append(rows, []string{"error", "libvirtd crashes (at " + out.Stage + "); the client sees: " + deref(a.Error)})
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
		if st := a.Start; st != nil {
			// Defined as above, then refused by the first start.
			rows = append(rows, []string{"error", deref(st.Error) + "  (at start, after the define)"})
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
