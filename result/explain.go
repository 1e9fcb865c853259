package result

import (
	"fmt"
	"io"
	"strings"

	"github.com/fwaudit/fwaudit/audit"
	"github.com/fwaudit/fwaudit/release"
)

// Rules is the audit rules' catalogue (audit.Rules): fwaudit explain.
type Rules struct{ Rules []audit.RuleInfo }

// NewRules is the catalogue, sorted by ID.
func NewRules() *Rules { return &Rules{Rules: audit.Rules()} }

// WriteText writes a table of the rules for people.
func (r *Rules) WriteText(w io.Writer, _ TextOptions) error {
	rows := [][]string{{"RULE", "SEVERITY", "CATEGORY", "SUMMARY"}}
	for _, r := range r.Rules {
		rows = append(rows, []string{r.ID, string(r.Severity), string(r.Category), r.Summary})
	}
	var b strings.Builder
	table(&b, rows, 2, nil)
	b.WriteString("\nfwaudit explain RULE prints the rule's full explanation.\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// Explanation is one rule, explained: fwaudit explain RULE.
type Explanation struct{ Rule audit.RuleInfo }

// Explain looks the rule id up; an unknown one is a *release.UsageError
// suggesting the closest IDs.
func Explain(id string) (*Explanation, error) {
	r, ok := audit.Rule(id)
	if !ok {
		msg := fmt.Sprintf("unknown rule %q", id)
		if s := audit.Suggest(id); len(s) > 0 {
			msg += "; did you mean " + strings.Join(s, ", ") + "?"
		}
		return nil, &release.UsageError{Msg: msg + " (fwaudit explain lists the rules)"}
	}
	return &Explanation{Rule: r}, nil
}

// WriteText writes the rule's ID, category, severity, summary and its
// help wrapped at 100 columns.
func (e *Explanation) WriteText(w io.Writer, _ TextOptions) error {
	r := e.Rule
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s, default severity %s)\n\n%s\n\n", r.ID, r.Category, r.Severity, r.Summary)
	if len(strings.Fields(r.Help)) > 0 {
		wrap(&b, "", "", r.Help, 100)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
