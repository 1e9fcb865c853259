package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/fwaudit/fwaudit/audit"
	"github.com/spf13/cobra"
)

func newExplainCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "explain [RULE]",
		Short: "List the audit rules, or explain one",
		Example: `  fwaudit explain
  fwaudit explain shadowed`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usageErrorf("want at most one rule ID")
			}
			return nil
		},
		ValidArgsFunction: func(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return ruleIDs(), cobra.ShellCompDirectiveNoFileComp
		},
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				rows := [][]string{{"RULE", "SEVERITY", "CATEGORY", "SUMMARY"}}
				for _, r := range audit.Rules() {
					rows = append(rows, []string{r.ID, string(r.Severity), string(r.Category), r.Summary})
				}
				writeTable(a.stdout, rows)
				fmt.Fprintln(a.stdout, "\nfwaudit explain RULE prints the rule's full explanation.")
				return nil
			}
			id := args[0]
			r, ok := audit.Rule(id)
			if !ok {
				msg := fmt.Sprintf("unknown rule %q", id)
				if s := audit.Suggest(id); len(s) > 0 {
					msg += "; did you mean " + strings.Join(s, ", ") + "?"
				}
				return usageError(msg + " (fwaudit explain lists the rules)")
			}
			fmt.Fprintf(a.stdout, "%s (%s, default severity %s)\n\n%s\n\n", r.ID, r.Category, r.Severity, r.Summary)
			writeWrapped(a.stdout, r.Help, 100)
			return nil
		}),
	}
}

// writeWrapped writes text as lines of at most width characters.
func writeWrapped(w io.Writer, text string, width int) {
	line := ""
	for _, word := range strings.Fields(text) {
		if line != "" && len(line)+1+len(word) > width {
			fmt.Fprintln(w, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	if line != "" {
		fmt.Fprintln(w, line)
	}
}
