package main

import (
	"fmt"
	"strings"

	"github.com/fwaudit/fwaudit"
	"github.com/fwaudit/fwaudit/result"
	"github.com/spf13/cobra"
)

// listSchemaVersion versions the JSON output of "fwaudit list".
const listSchemaVersion = 1

func newListCmd(a *app) *cobra.Command {
	var (
		src    sourceFlags
		format string
	)
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
			if src.distro == "help" {
				_, err := fmt.Fprintln(a.stdout, strings.Join(fwaudit.Distros(), "\n"))
				return err
			}
			src.fallBack(a.stderr)
			set, err := src.loadSet(nil)
			if err != nil {
				return err
			}
			l := result.NewList(set, src.distro)
			if err := a.render(format, l); err != nil {
				return err
			}
			if l.Failed() {
				return errFindings
			}
			return nil
		}),
	}
	src.register(c)
	enumVar(c, &format, "format", "text", "format", []string{"text", "json"}, "output `format`: text or json")
	return c
}
