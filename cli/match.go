package cli

import (
	"fmt"

	"github.com/fwaudit/fwaudit/result"
	"github.com/spf13/cobra"
)

const matchUsage = "usage: fwaudit match [--root DIR] [--dir DIR]... [--session] [--distro NAME] [--libvirt VER | --profile NAME]\n" +
	"                     [--qemu VER] (--domain FILE | --arch A --machine M [request flags]) [--existing] [--explain] [--all]\n" +
	"                     [--format text|json|xml]"

func newMatchCmd(a *app) *cobra.Command {
	v := new(values)
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
			v.GuestFlags = nil
			for _, n := range requestFlags {
				if cmd.Flags().Changed(n) {
					v.GuestFlags = append(v.GuestFlags, "--"+n)
				}
			}
			err := v.Check()
			if len(args) > 0 {
				err = usageError(fmt.Sprintf("unexpected argument %q", args[0]))
			}
			if err != nil {
				return &exitError{code: exitUsage, err: fmt.Errorf("%v\n%s", err, matchUsage)}
			}
			v.Spec.Host = a.host
			m, note, err := v.Predict(cmd.Context())
			if note != "" {
				fmt.Fprintln(a.stderr, note)
			}
			if err == nil {
				err = m.Write(a.stdout, result.Format(v.format), result.MatchTextOptions{TextOptions: a.textOptions(), Explain: v.explain})
			}
			if err == nil && !m.OK() {
				return errFindings
			}
			return err
		}),
	}
	a.addFlags(c, v, sourceFlags, releaseFlags, requestFlags, novaFlags,
		flags("domain", "existing", "explain", "all", "format/match", "nova-release"))
	return c
}
