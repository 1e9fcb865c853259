package cli

import (
	"fmt"

	"github.com/fwaudit/fwaudit/result"
	"github.com/spf13/cobra"
)

func newValidateCmd(a *app) *cobra.Command {
	v := new(values)
	c := &cobra.Command{
		Use:   "validate FILE...",
		Short: "Check descriptor files against QEMU's schema and libvirt's parser",
		Long: `Check single descriptor files against QEMU's firmware schema and the parser
of a libvirt release (--libvirt or --profile; default the newest modelled).`,
		Example: `  fwaudit validate /usr/share/qemu/firmware/*.json
  fwaudit validate --libvirt 10.0 --format json 60-ovmf.json`,
		Args: needArgs("no files given"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			val, unread, err := result.Validate(args, v.Spec.Libvirt, v.Spec.Profile)
			if err != nil {
				return err
			}
			for _, err := range unread {
				fmt.Fprintf(a.stderr, "fwaudit validate: %s\n", cleanLines(err.Error()))
			}
			if err := a.render(v.format, val); err != nil {
				return err
			}
			switch {
			case len(unread) > 0:
				return &exitError{code: exitFailure}
			case val.Failed():
				return errFindings
			}
			return nil
		}),
	}
	a.addFlags(c, v, verdictFlags, flags("format"))
	return c
}
