package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/internal/suggest"
	"github.com/fwaudit/fwaudit/matcher"
	"github.com/fwaudit/fwaudit/nova"
	"github.com/fwaudit/fwaudit/result"
	"github.com/fwaudit/fwaudit/source"
	"github.com/spf13/cobra"
	"libvirt.org/go/libvirtxml"
)

// matchFlags are the command line of "fwaudit match".
type matchFlags struct {
	spec        source.Spec
	guest       matcher.Guest
	domain      string
	opts        result.PredictOptions
	explain     bool
	format      string
	nova        result.NovaInput
	novaRelease string
}

// requestFlags describe the domain; they exclude --domain.
var requestFlags = []string{"arch", "machine", "firmware", "secure-boot", "enrolled-keys", "smm", "loader-secure",
	"stateless", "loader-type", "loader-format", "nvram-format", "loader", "nvram-template", "launch-security",
	"s3", "s4", "no-acpi", "name"}

var yesNo, onOff = []string{"yes", "no"}, []string{"on", "off"}

func (f *matchFlags) register(a *app, c *cobra.Command) {
	sourceVars(a, c, &f.spec)
	releaseVars(c, &f.spec.Libvirt, &f.spec.Profile, &f.spec.QEMU)
	fs, g := c.Flags(), &f.guest
	fs.StringVar(&f.domain, "domain", "", "read the domain definition from `FILE` (virsh dumpxml)")
	fs.StringVar(&g.Arch, "arch", "", "guest architecture `ARCH` as libvirt names it (x86_64, i686, aarch64, ...)")
	c.RegisterFlagCompletionFunc("arch", fixed(descriptor.RulesLatest.Architectures))
	fs.StringVar(&g.Machine, "machine", "", "machine type `M` (q35, pc, virt, pc-q35-9.2, ...)")
	c.RegisterFlagCompletionFunc("machine", fixed([]string{"q35", "pc", "microvm", "virt"}))
	enumVar(c, &g.Firmware, "firmware", "efi", "firmware type", []string{"efi", "bios"}, "<os firmware=`TYPE`>: efi or bios")
	triVar(c, &g.SecureBoot, "secure-boot", yesNo, "firmware feature secure-boot: yes or no")
	triVar(c, &g.EnrolledKeys, "enrolled-keys", yesNo, "firmware feature enrolled-keys: yes or no")
	triVar(c, &g.SMM, "smm", onOff, "<features><smm state=...>: on or off")
	triVar(c, &g.LoaderSecure, "loader-secure", yesNo, "<loader secure=...>: yes or no")
	fs.BoolVar(&g.Stateless, "stateless", false, "<loader stateless='yes'>")
	enumVar(c, &g.LoaderType, "loader-type", "", "loader type", []string{"pflash", "rom"}, "<loader type=...>: pflash or rom")
	enumVar(c, &g.LoaderFormat, "loader-format", "", "format", []string{"raw", "qcow2"}, "<loader format=...>: raw or qcow2")
	enumVar(c, &g.NVRAMFormat, "nvram-format", "", "format", []string{"raw", "qcow2"}, "<nvram format=...>: raw or qcow2")
	fs.StringVar(&g.LoaderPath, "loader", "", "pin the loader `PATH`")
	fs.StringVar(&g.NVRAMTemplate, "nvram-template", "", "pin the NVRAM template `PATH`")
	enumVar(c, &g.LaunchSecurity, "launch-security", "", "launch security type", []string{"sev", "sev-es", "sev-snp", "tdx"}, "<launchSecurity>: sev, sev-es, sev-snp or tdx")
	fs.BoolVar(&g.S3, "s3", false, "<pm><suspend-to-mem enabled='yes'>")
	fs.BoolVar(&g.S4, "s4", false, "<pm><suspend-to-disk enabled='yes'>")
	fs.BoolVar(&g.NoACPI, "no-acpi", false, "leave <acpi/> out of <features> (by default it is there for x86_64, i686 and aarch64)")
	fs.BoolVar(&f.opts.Existing, "existing", false, "an existing domain (loaded from its stored definition), not a new define")
	fs.StringVar(&g.Name, "name", "guest", "domain `NAME` (names the NVRAM file)")
	fs.BoolVar(&f.explain, "explain", false, "show libvirt's verdict on every descriptor")
	fs.BoolVar(&f.opts.All, "all", false, "list every other matching descriptor, in order")
	formatVar(c, &f.format, "text", "json", "xml")
	novaVars(c, &f.nova)
	fs.StringVar(&f.novaRelease, "nova-release", nova.AutoSelect.Name, "with nova's flags: the nova `RELEASE` that writes the domain (2025.2 and before: nova's own selection)")
}

const matchUsage = "usage: fwaudit match [--root DIR] [--dir DIR]... [--session] [--distro NAME] [--libvirt VER | --profile NAME]\n" +
	"                     [--qemu VER] (--domain FILE | --arch A --machine M [request flags]) [--existing] [--explain] [--all]\n" +
	"                     [--format text|json|xml]"

// check validates the combination and the values of the flags.
func (f *matchFlags) check(c *cobra.Command, args []string) error {
	given := slices.DeleteFunc(slices.Clone(requestFlags), func(n string) bool { return !c.Flags().Changed(n) })
	for i := range given {
		given[i] = "--" + given[i]
	}
	if len(args) > 0 {
		return usageError(fmt.Sprintf("unexpected argument %q", args[0]))
	}
	if novaGiven(c) {
		if f.domain != "" {
			given = append(given, "--domain")
		}
		if len(given) > 0 && !(len(given) == 1 && given[0] == "--name") {
			return usageError(fmt.Sprintf("nova's flags describe the whole domain; they cannot be combined with %s", strings.Join(given, ", ")))
		}
		return nil
	}
	arch := f.guest.Arch
	switch {
	case f.domain != "" && len(given) > 0:
		return usageError(fmt.Sprintf("--domain describes the whole domain; it cannot be combined with %s", strings.Join(given, ", ")))
	case f.domain != "":
		return nil
	case arch == "":
		return usageError("give a domain: --domain FILE, or --arch and --machine")
	case f.guest.Machine == "":
		return usageError("--arch needs --machine (e.g. q35, pc, virt)")
	case !slices.Contains(descriptor.RulesLatest.Architectures, arch):
		hint := suggest.Hint(arch, descriptor.RulesLatest.Architectures)
		if alias, ok := archAliases[arch]; ok {
			hint = fmt.Sprintf(" (libvirt calls it %s)", alias)
		}
		return usageError(fmt.Sprintf("--arch %q: not an architecture libvirt knows%s", arch, hint))
	case f.guest.Name == "":
		return usageError("--name must not be empty")
	}
	return nil
}

// archAliases are common names for libvirt's architectures.
var archAliases = map[string]string{"amd64": "x86_64", "i386": "i686", "x86": "i686", "arm64": "aarch64", "arm": "armv7l"}

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
			if err := f.check(cmd, args); err != nil {
				return &exitError{code: exitUsage, err: fmt.Errorf("%v\n%s", err, matchUsage)}
			}
			m, err := f.predict(cmd, a)
			if err != nil {
				return err
			}
			switch {
			case f.format == "xml" && !m.OK():
				return &exitError{code: exitFindings, err: m.WriteXML(a.stdout)} // libvirt's error
			case f.format == "xml":
				err = m.WriteXML(a.stdout)
			case f.format == "json":
				err = m.WriteJSON(a.stdout)
			default:
				err = m.WriteText(a.stdout, result.MatchTextOptions{TextOptions: a.textOptions(), Explain: f.explain})
			}
			if err == nil && !m.OK() {
				return errFindings
			}
			return err
		}),
	}
	f.register(a, c)
	return c
}

// predict asks the library: nova's request, a domain file, or the guest
// the flags describe.
func (f *matchFlags) predict(c *cobra.Command, a *app) (*result.Match, error) {
	ctx := c.Context()
	if novaGiven(c) {
		f.spec = a.fallBack(f.spec)
		props, err := f.nova.Properties()
		if err != nil {
			return nil, err
		}
		return result.PredictNova(ctx, f.spec, result.NovaRequest{Properties: props, Release: f.novaRelease, Name: f.guest.Name}, f.opts)
	}
	var dom *libvirtxml.Domain
	if f.domain != "" {
		var err error
		if dom, err = result.ReadDomain(f.domain); err != nil {
			return nil, err
		}
	} else {
		dom = f.guest.Domain()
	}
	return result.Predict(ctx, a.fallBack(f.spec), dom, f.opts)
}
