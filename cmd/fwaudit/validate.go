package main

import (
	"fmt"

	"github.com/fwaudit/fwaudit/result"
	"github.com/spf13/cobra"
)

func newValidateCmd(a *app) *cobra.Command {
	var (
		rel    releaseFlags
		format string
	)
	c := &cobra.Command{
		Use:   "validate FILE...",
		Short: "Check descriptor files against QEMU's schema and libvirt's parser",
		Long: `Check single descriptor files against QEMU's firmware schema and the parser
of a libvirt release (--libvirt or --profile; default the newest modelled).`,
		Example: `  fwaudit validate /usr/share/qemu/firmware/*.json
  fwaudit validate --libvirt 10.0 --format json 60-ovmf.json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErrorf("no files given")
			}
			return nil
		},
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			rules, err := rel.rules()
			if err != nil {
				return err
			}
			v := result.NewValidation(rules)
			code := exitOK
			for _, file := range args {
				c, err := result.CheckFile(file, rules)
				if err != nil {
					fmt.Fprintf(a.stderr, "fwaudit validate: %s\n", cleanLines(err.Error()))
					code = exitFailure
					continue
				}
				v.Add(c)
			}
			if v.Failed() && code == exitOK {
				code = exitFindings
			}
			if err := a.render(format, v); err != nil {
				return err
			}
			if code != exitOK {
				return &exitError{code: code}
			}
			return nil
		}),
	}
	rel.register(c)
	c.Flags().MarkHidden("qemu")
	enumVar(c, &format, "format", "text", "format", []string{"text", "json"}, "output `format`: text or json")
	return c
}
