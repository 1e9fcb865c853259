package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/fwaudit/fwaudit"
	"github.com/fwaudit/fwaudit/audit"
	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/hostinfo"
	"github.com/fwaudit/fwaudit/internal/safefile"
	"github.com/fwaudit/fwaudit/internal/suggest"
	"github.com/fwaudit/fwaudit/matcher"
	"github.com/fwaudit/fwaudit/release"
	"github.com/fwaudit/fwaudit/result"
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
	data, err := safefile.Read(file, audit.MaxDomainSize) // never blocks on a FIFO; virsh's cap
	if err != nil {
		return nil, nil, err // *fs.PathError names the file
	}
	dom, req, err := matcher.ParseDomain(data)
	if err != nil {
		return nil, nil, usageError(fmt.Sprintf("%s: %v", file, err))
	}
	return dom, req, nil
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
	m := result.NewMatch(choice, dom, d, f.all)
	if f.nova.given(c) {
		m.Nova = novaNote(f.novaRelease)
	}
	var err2 error
	switch f.format {
	case "xml":
		if !m.OK() {
			return &exitError{code: exitFindings, err: m.WriteXML(a.stdout)}
		}
		err2 = m.WriteXML(a.stdout)
	case "json":
		err2 = m.WriteJSON(a.stdout)
	default:
		err2 = m.WriteText(a.stdout, result.MatchTextOptions{TextOptions: a.textOptions(), Explain: f.explain})
	}
	if err2 != nil {
		return err2
	}
	if !m.OK() {
		return errFindings
	}
	return nil
}

// releaseError makes a release.UsageError a usage error.
func releaseError(err error) error {
	var ue *release.UsageError
	if errors.As(err, &ue) {
		return usageError(ue.Msg)
	}
	return err
}
