package main

import (
	"fmt"

	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/nova"
	"github.com/fwaudit/fwaudit/result"
	"github.com/spf13/cobra"
)

// matchFlags are the command line of "fwaudit match".
type matchFlags struct {
	in      result.MatchInput
	explain bool
	format  string
}

// requestFlags describe the domain; they exclude --domain.
var requestFlags = []string{"arch", "machine", "firmware", "secure-boot", "enrolled-keys", "smm", "loader-secure",
	"stateless", "loader-type", "loader-format", "nvram-format", "loader", "nvram-template", "launch-security",
	"s3", "s4", "no-acpi", "name"}

var yesNo, onOff = []string{"yes", "no"}, []string{"on", "off"}

func (f *matchFlags) register(a *app, c *cobra.Command) {
	sourceVars(a, c, &f.in.Spec)
	releaseVars(c, &f.in.Spec.Libvirt, &f.in.Spec.Profile, &f.in.Spec.QEMU)
	fs, g := c.Flags(), &f.in.Guest
	fs.StringVar(&f.in.DomainFile, "domain", "", "read the domain definition from `FILE` (virsh dumpxml)")
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
	fs.BoolVar(&f.in.Options.Existing, "existing", false, "an existing domain (loaded from its stored definition), not a new define")
	fs.StringVar(&g.Name, "name", "guest", "domain `NAME` (names the NVRAM file)")
	fs.BoolVar(&f.explain, "explain", false, "show libvirt's verdict on every descriptor")
	fs.BoolVar(&f.in.Options.All, "all", false, "list every other matching descriptor, in order")
	formatVar(c, &f.format, "text", "json", "xml")
	novaVars(c, &f.in.Nova)
	fs.StringVar(&f.in.NovaRelease, "nova-release", nova.AutoSelect.Name, "with nova's flags: the nova `RELEASE` that writes the domain (2025.2 and before: nova's own selection)")
}

const matchUsage = "usage: fwaudit match [--root DIR] [--dir DIR]... [--session] [--distro NAME] [--libvirt VER | --profile NAME]\n" +
	"                     [--qemu VER] (--domain FILE | --arch A --machine M [request flags]) [--existing] [--explain] [--all]\n" +
	"                     [--format text|json|xml]"

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
			f.in.GuestFlags = nil
			for _, n := range requestFlags {
				if cmd.Flags().Changed(n) {
					f.in.GuestFlags = append(f.in.GuestFlags, "--"+n)
				}
			}
			err := f.in.Check()
			if len(args) > 0 {
				err = usageError(fmt.Sprintf("unexpected argument %q", args[0]))
			}
			if err != nil {
				return &exitError{code: exitUsage, err: fmt.Errorf("%v\n%s", err, matchUsage)}
			}
			f.in.Spec.Host = hostProbe
			m, note, err := f.in.Predict(cmd.Context())
			if note != "" {
				fmt.Fprintln(a.stderr, note)
			}
			if err == nil {
				err = m.Write(a.stdout, result.Format(f.format), result.MatchTextOptions{TextOptions: a.textOptions(), Explain: f.explain})
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
