package cli

import (
	"github.com/fwaudit/fwaudit/result"
	"github.com/spf13/cobra"
)

func newListCmd(a *app) *cobra.Command {
	v := new(values)
	c := &cobra.Command{
		Use:   "list",
		Short: "List the descriptors libvirt sees, in its order, with their status",
		Long: `List the descriptors libvirt sees, in its order, with status (active, invalid,
mask, masked, overridden, ignored, error), provenance and a summary.`,
		Example: `  fwaudit list
  fwaudit list --root /mnt/image --format json
  fwaudit list --distro ubuntu-24.04`,
		Args: cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			failed, err := result.WriteList(a.stdout, a.fallBack(v.Spec), result.Format(v.format), a.textOptions())
			if err != nil {
				return err
			}
			if failed {
				return errFindings
			}
			return nil
		}),
	}
	a.addFlags(c, v, sourceFlags, flags("format"))
	return c
}
