package diff

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/fwaudit/fwaudit/audit"
	"github.com/fwaudit/fwaudit/internal/schemacheck"
	"github.com/fwaudit/fwaudit/report"
)

// Format names an output format of Write.
type Format string

// The formats Write renders.
const (
	JSON  Format = "json"
	Text  Format = "text"
	SARIF Format = "sarif"
)

// Formats lists them, the canonical JSON first.
var Formats = []Format{JSON, Text, SARIF}

// Write renders r: JSON (the canonical form, schema/diff.schema.json),
// text for people (verdict first), or SARIF 2.1.0 (through the report
// package, one finding per change, rules from the audit catalogue's diff
// category).
func Write(w io.Writer, r *Result, f Format) error {
	if r == nil {
		return errors.New("diff: nil result")
	}
	switch f {
	case JSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(r)
	case Text:
		return writeText(w, r)
	case SARIF:
		return report.Write(w, r.Report(), report.SARIF, report.Options{})
	}
	return fmt.Errorf("diff: unknown format %q (want json, text or sarif)", f)
}

func status(a *Answer) string {
	if a == nil {
		return "absent"
	}
	return a.Status
}

func describe(a *Answer) string {
	switch {
	case a == nil:
		return "(no such cell)"
	case a.Error != "":
		return a.Error
	case a.Executable != "":
		s := a.Executable
		if a.NVRAMTemplate != "" {
			s += " + " + a.NVRAMTemplate
		}
		return s + " (" + a.Descriptor + ")"
	}
	return a.Descriptor
}

func describeChoice(c report.Choice) string {
	switch {
	case c.Error != "":
		return "fails: " + c.Error
	case c.Loader == "":
		return "no loader"
	case c.NVRAMTemplate != "":
		return c.Loader + " + " + c.NVRAMTemplate
	}
	return c.Loader
}

// fileState words PathGone.File for people.
var fileState = map[string]string{
	"removed":   "REMOVED (domains pinning it break)",
	"installed": "still installed (domains pinning it keep booting)",
	"unknown":   "likely removed (the new side's files are not known)",
}

func writeText(w io.Writer, r *Result) error {
	var b bytes.Buffer
	verdict := "ok: nothing got worse"
	if r.Regressed() {
		verdict = fmt.Sprintf("REGRESSED: %d regression(s)", r.Regressions)
	}
	fmt.Fprintf(&b, "%s from %s (%s) to %s (%s)\n", verdict, r.Old.Name, r.Old.Profile, r.New.Name, r.New.Profile)
	tw := tabwriter.NewWriter(&b, 2, 8, 2, ' ', 0)
	if len(r.Coverage) > 0 {
		fmt.Fprintln(tw, "\ncoverage")
		for _, c := range r.Coverage {
			mark := ""
			if c.Regression {
				mark = "REGRESSION  "
			}
			fmt.Fprintf(tw, "  %s\t%s -> %s\t%s%s\n", c.Key(), status(c.Old), status(c.New), mark, describe(c.New))
		}
	}
	if len(r.Added)+len(r.Removed)+len(r.Renamed) > 0 {
		fmt.Fprintln(tw, "\ndescriptors")
		for _, d := range r.Removed {
			fmt.Fprintf(tw, "  - %s\t%s\n", d.Name, d.Path)
		}
		for _, d := range r.Added {
			fmt.Fprintf(tw, "  + %s\t%s\n", d.Name, d.Path)
		}
		for _, d := range r.Renamed {
			fmt.Fprintf(tw, "  ~ %s\t-> %s\n", d.Old.Name, d.New.Name)
		}
	}
	if len(r.PathsGone) > 0 {
		fmt.Fprintln(tw, "\npaths no descriptor names any more")
		for _, p := range r.PathsGone {
			fmt.Fprintf(tw, "  %s\t%s\t%s of %s\n", p.Path, fileState[p.File], p.Kind, p.Descriptor)
		}
	}
	if len(r.Keys) > 0 {
		fmt.Fprintln(tw, "\nNVRAM templates whose Secure Boot keys change (new guests start with them)")
		for _, k := range r.Keys {
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", k.Descriptor, k.New, k.describe())
		}
	}
	if r.DomainsCompared > 0 {
		fmt.Fprintf(tw, "\ndomains: %d of %d change\n", len(r.Domains), r.DomainsCompared)
		for _, d := range r.Domains {
			mark := ""
			if d.Regression {
				mark = "REGRESSION  "
			}
			fmt.Fprintf(tw, "  %s\t%sas defined: %s -> %s\n", d.Name, mark, describeChoice(d.Old), describeChoice(d.New))
			if d.RebuiltOld != d.RebuiltNew {
				fmt.Fprintf(tw, "  \t%srebuilt: %s -> %s\n", strings.Repeat(" ", len(mark)), describeChoice(d.RebuiltOld), describeChoice(d.RebuiltNew))
			}
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := w.Write(b.Bytes())
	return err
}

// Report turns the result into findings of the audit catalogue's diff
// rules, for the report package's renderers (SARIF).
func (r *Result) Report() *report.Report {
	rep := &report.Report{
		SchemaVersion: report.SchemaVersion,
		Tool:          report.Tool{Name: "fwaudit", Version: "devel"},
		Profile:       r.New.Profile, ProfileSource: "flag",
		QEMU:        r.New.QEMU,
		Source:      r.Old.Name + " -> " + r.New.Name,
		Dirs:        []string{},
		Descriptors: []report.Descriptor{},
		Rules:       []report.Rule{},
		Coverage:    []report.Coverage{},
	}
	for _, ri := range audit.Rules() {
		if ri.Category == audit.CategoryDiff {
			rep.Rules = append(rep.Rules, ri.Rule)
		}
	}
	add := func(f report.Finding) {
		ri, _ := audit.Rule(f.Rule)
		f.Severity = ri.Severity
		rep.Findings.Add(f)
	}
	for _, c := range r.Coverage {
		rule := RuleFor(c)
		add(report.Finding{Rule: rule, Subject: c.Key(),
			Message: fmt.Sprintf("%s: %s (%s) -> %s (%s)", c.Key(), status(c.Old), describe(c.Old), status(c.New), describe(c.New))})
	}
	for _, d := range r.Removed {
		add(report.Finding{Rule: audit.RuleDiffDescriptors, Descriptor: d.Name, File: d.Path, Subject: "removed " + d.Name, Message: "descriptor removed: " + d.Path})
	}
	for _, d := range r.Added {
		add(report.Finding{Rule: audit.RuleDiffDescriptors, Descriptor: d.Name, File: d.Path, Subject: "added " + d.Name, Message: "descriptor added: " + d.Path})
	}
	for _, d := range r.Renamed {
		add(report.Finding{Rule: audit.RuleDiffDescriptors, Descriptor: d.New.Name, File: d.New.Path, Subject: "renamed " + d.Old.Name,
			Message: fmt.Sprintf("descriptor renamed: %s -> %s (same files)", d.Old.Path, d.New.Path)})
	}
	for _, p := range r.PathsGone {
		f := report.Finding{Rule: audit.RuleDiffPathGone, Subject: p.Path,
			Message: fmt.Sprintf("%s (%s of %s) is named by no descriptor of %s: %s", p.Path, p.Kind, p.Descriptor, r.New.Name, fileState[p.File])}
		if !p.Breaks() {
			f.Rule = audit.RuleDiffDescriptors
		}
		add(f)
	}
	for _, k := range r.Keys {
		add(report.Finding{Rule: audit.RuleDiffKeys, Descriptor: k.Descriptor, Subject: k.New,
			Message: fmt.Sprintf("the template %s of %s enrolls other Secure Boot keys: %s", k.New, k.Descriptor, k.describe())})
	}
	for _, d := range r.Domains {
		rule := audit.RuleDiffDomainChanges
		if d.Regression {
			rule = audit.RuleDiffDomainFails
		}
		add(report.Finding{Rule: rule, File: d.File, Subject: d.Name,
			Message: fmt.Sprintf("domain %s: as defined %s -> %s; rebuilt %s -> %s", d.Name,
				describeChoice(d.Old), describeChoice(d.New), describeChoice(d.RebuiltOld), describeChoice(d.RebuiltNew))})
	}
	rep.Finalize()
	return rep
}

// RuleFor is the rule a coverage change is reported under.
func RuleFor(c CellChange) string {
	if c.Regression {
		return audit.RuleDiffCoverageRegressed
	}
	return audit.RuleDiffCoverageChanged
}

// SchemaID is the $id of the JSON Schema of Result.
const SchemaID = "https://fwaudit.invalid/schema/diff/v1.json"

//go:embed schema/diff.schema.json
var schemaSource []byte

// Schema returns the JSON Schema (draft 2020-12) of the JSON output.
func Schema() []byte { return bytes.Clone(schemaSource) }

var embeddedSchema = schemacheck.New(SchemaID, schemaSource)

// ValidateJSON checks that data is one JSON diff conforming to Schema.
func ValidateJSON(data []byte) error {
	if err := embeddedSchema.Validate(data); err != nil {
		return fmt.Errorf("diff: %w", err)
	}
	return nil
}
