package main

import (
	"fmt"

	"github.com/fwaudit/fwaudit/result"
	"github.com/spf13/cobra"
)

func newValidateCmd(a *app) *cobra.Command {
	var libvirt, profile, qemu, format string
	c := &cobra.Command{
		Use:   "validate FILE...",
		Short: "Check descriptor files against QEMU's schema and libvirt's parser",
		Long: `Check single descriptor files against QEMU's firmware schema and the parser
of a libvirt release (--libvirt or --profile; default the newest modelled).`,
		Example: `  fwaudit validate /usr/share/qemu/firmware/*.json
  fwaudit validate --libvirt 10.0 --format json 60-ovmf.json`,
		Args: needArgs("no files given"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			v, unread, err := result.Validate(args, libvirt, profile)
			if err != nil {
				return err
			}
			for _, err := range unread {
				fmt.Fprintf(a.stderr, "fwaudit validate: %s\n", cleanLines(err.Error()))
			}
			if err := a.render(format, v); err != nil {
				return err
			}
			switch {
			case len(unread) > 0:
				return &exitError{code: exitFailure}
			case v.Failed():
				return errFindings
			}
			return nil
		}),
	}
	releaseVars(c, &libvirt, &profile, &qemu)
	c.Flags().MarkHidden("qemu")
	formatVar(c, &format, "text", "json")
	return c
}
