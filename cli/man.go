package cli

import (
	"os"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// manDate is the date the man pages carry, fixed so that generating them
// is reproducible (the test compares them with man/).
var manDate = time.Date(2026, time.December, 1, 0, 0, 0, 0, time.UTC)

// newManCmd generates the man pages (hidden: go generate runs it).
func newManCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:    "man DIR",
		Short:  "Write the man pages into DIR",
		Hidden: true,
		Args:   cobra.ExactArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := os.MkdirAll(args[0], 0o755); err != nil {
				return err
			}
			return writeManPages(cmd.Root(), args[0])
		}),
	}
}

// writeManPages writes one page per command into dir.
func writeManPages(root *cobra.Command, dir string) error {
	root.DisableAutoGenTag = true
	return doc.GenManTree(root, &doc.GenManHeader{Title: "FWAUDIT", Section: "1", Date: &manDate, Source: "fwaudit", Manual: "fwaudit manual"}, dir)
}
