package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/fwaudit/fwaudit/audit"
)

func runExplain(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("explain", stderr)
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	switch fs.NArg() {
	case 0:
		rows := [][]string{{"RULE", "SEVERITY", "CATEGORY", "SUMMARY"}}
		for _, r := range audit.Rules() {
			rows = append(rows, []string{r.ID, string(r.Severity), string(r.Category), r.Summary})
		}
		writeTable(stdout, rows, func(_, _ int, cell string) string { return cell })
		fmt.Fprintln(stdout, "\nfwaudit explain RULE prints the rule's full explanation.")
		return exitOK
	case 1:
	default:
		fmt.Fprintln(stderr, "fwaudit explain: want at most one rule ID")
		return exitUsage
	}
	id := fs.Arg(0)
	r, ok := audit.Rule(id)
	if !ok {
		msg := fmt.Sprintf("fwaudit explain: unknown rule %q", id)
		if s := audit.Suggest(id); len(s) > 0 {
			msg += "; did you mean " + strings.Join(s, ", ") + "?"
		}
		fmt.Fprintln(stderr, msg+" (fwaudit explain lists the rules)")
		return exitUsage
	}
	fmt.Fprintf(stdout, "%s (%s, default severity %s)\n\n%s\n\n", r.ID, r.Category, r.Severity, r.Summary)
	writeWrapped(stdout, r.Help, 100)
	return exitOK
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
