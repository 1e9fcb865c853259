package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/spf13/cobra"
)

// validateSchemaVersion versions the JSON output of "fwaudit validate".
const validateSchemaVersion = 1

// validateResult is one file's verdicts in "fwaudit validate --format json".
type validateResult struct {
	File string `json:"file"`
	// QEMU is true when the file conforms to QEMU's firmware schema.
	QEMU bool `json:"qemu_schema_ok"`
	// Libvirt is true when the chosen libvirt release accepts the file.
	Libvirt  bool              `json:"libvirt_ok"`
	Problems descriptor.Errors `json:"problems"`
	Summary  string            `json:"summary,omitempty"`
}

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
			var results []validateResult
			code := exitOK
			for _, file := range args {
				r, err := validateFile(file, rules)
				if err != nil {
					fmt.Fprintf(a.stderr, "fwaudit validate: %v\n", err)
					code = max(code, exitFailure)
					continue
				}
				if !r.QEMU || !r.Libvirt {
					code = max(code, exitFindings)
				}
				results = append(results, r)
			}
			if format == "json" {
				if results == nil {
					results = []validateResult{}
				}
				writeJSON(a.stdout, struct {
					SchemaVersion int              `json:"schema_version"`
					Rules         string           `json:"rules"`
					Files         []validateResult `json:"files"`
				}{validateSchemaVersion, rules.Name, results})
			} else {
				writeValidateText(a.stdout, results, rules, newStyle(a.term))
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

func writeValidateText(w io.Writer, results []validateResult, rules *descriptor.Rules, st style) {
	for _, r := range results {
		verdict := st.green("ok")
		if !r.QEMU || !r.Libvirt {
			var parts []string
			if !r.QEMU {
				parts = append(parts, "violates QEMU's schema")
			}
			if !r.Libvirt {
				parts = append(parts, "rejected by "+rules.Name)
			}
			verdict = st.red(strings.Join(parts, ", "))
		}
		fmt.Fprintf(w, "%s: %s\n", r.File, verdict)
		for _, p := range r.Problems {
			fmt.Fprintf(w, "  %s %s\n", st.yellow(string(p.Kind)+":"), p)
		}
	}
}

// validateFile reads and judges one file. The error is for files that
// cannot be read at all.
func validateFile(file string, rules *descriptor.Rules) (validateResult, error) {
	r := validateResult{File: file, Problems: descriptor.Errors{}}
	info, err := os.Stat(file)
	if err != nil {
		return r, err
	}
	if !info.Mode().IsRegular() {
		return r, fmt.Errorf("%s: not a regular file", file)
	}
	if info.Size() > descriptor.MaxSize {
		r.Problems = append(r.Problems, &descriptor.Error{File: file, Kind: descriptor.KindIO,
			Msg: fmt.Sprintf("file is %d bytes, larger than the %d bytes libvirt reads", info.Size(), descriptor.MaxSize)})
		return r, nil
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return r, err
	}
	d, perr := descriptor.Parse(file, data)
	r.QEMU = perr == nil
	if perr != nil {
		r.Problems = append(r.Problems, perr.(descriptor.Errors)...)
	}
	if lerr := rules.Check(file, data, d); lerr != nil {
		r.Problems = append(r.Problems, lerr)
	} else {
		r.Libvirt = true
	}
	if d != nil {
		r.Summary = d.Summary()
	}
	return r, nil
}
