package cli

import (
	"github.com/fwaudit/fwaudit/result"
	"github.com/spf13/cobra"
)

func newDistrosCmd(a *app) *cobra.Command {
	v := new(values)
	c := &cobra.Command{
		Use:   "distros",
		Short: "Which bundled distribution set gives which feature set (SEV-ES, TDX, ...)",
		Long: `Which bundled distribution set gives which feature set (SEV-ES, TDX,
stateless, ...), as libvirt would select.`,
		Example: `  fwaudit distros
  fwaudit distros --libvirt 12.8
  fwaudit distros --arch aarch64 --machine virt --format json`,
		Args: cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			d, err := result.NewDistros(cmd.Context(), result.DistrosOptions{
				Libvirt: v.Spec.Libvirt, Profile: v.Spec.Profile, QEMU: v.Spec.QEMU, Arch: v.Guest.Arch, Machine: v.Guest.Machine,
			})
			if err != nil {
				return err
			}
			return a.render(v.format, d)
		}),
	}
	a.addFlags(c, v, releaseFlags, flags("format", "arch/distros", "machine/distros"))
	return c
}
