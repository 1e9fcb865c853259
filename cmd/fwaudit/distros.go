package main

import (
	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/result"
	"github.com/spf13/cobra"
)

func newDistrosCmd(a *app) *cobra.Command {
	var (
		opts   result.DistrosOptions
		format string
	)
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
			d, err := result.NewDistros(cmd.Context(), opts)
			if err != nil {
				return err
			}
			return a.render(format, d)
		}),
	}
	releaseVars(c, &opts.Libvirt, &opts.Profile, &opts.QEMU)
	formatVar(c, &format, "text", "json")
	c.Flags().StringVar(&opts.Arch, "arch", "x86_64", "`ARCH` of the matrix")
	c.Flags().StringVar(&opts.Machine, "machine", "q35", "machine family `M` of the matrix (q35, pc, microvm, virt, ...)")
	c.RegisterFlagCompletionFunc("arch", fixed(descriptor.RulesLatest.Architectures))
	c.RegisterFlagCompletionFunc("machine", fixed([]string{"q35", "pc", "microvm", "virt"}))
	return c
}
