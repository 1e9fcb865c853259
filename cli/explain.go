package cli

import (
	"github.com/fwaudit/fwaudit/result"
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
				return usageError("want at most one rule ID")
			}
			return nil
		},
		ValidArgsFunction: func(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return ruleIDs, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return result.NewRules().WriteText(a.stdout, a.textOptions())
			}
			e, err := result.Explain(args[0])
			if err != nil {
				return err
			}
			return e.WriteText(a.stdout, a.textOptions())
		}),
	}
}
