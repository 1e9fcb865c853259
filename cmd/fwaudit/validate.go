package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/fwaudit/fwaudit/descriptor"
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

func runValidate(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("validate", stderr)
	format := fs.String("format", "text", "output `format`: text or json")
	libvirt := fs.String("libvirt", "", "judge with the parser of libvirt `VERSION` (default: newest modelled)")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "fwaudit validate: no files given\nusage: fwaudit validate [--libvirt VER] [--format text|json] FILE...")
		return exitUsage
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "fwaudit validate: unknown format %q (want text or json)\n", *format)
		return exitUsage
	}
	rules, err := rulesFor(*libvirt)
	if err != nil {
		return reportError(stderr, "validate", err)
	}
	var results []validateResult
	code := exitOK
	for _, file := range fs.Args() {
		r, err := validateFile(file, rules)
		if err != nil {
			fmt.Fprintf(stderr, "fwaudit validate: %v\n", err)
			code = max(code, exitFailure)
			continue
		}
		if !r.QEMU || !r.Libvirt {
			code = max(code, exitFindings)
		}
		results = append(results, r)
	}
	if *format == "json" {
		if results == nil {
			results = []validateResult{}
		}
		writeJSON(stdout, struct {
			SchemaVersion int              `json:"schema_version"`
			Rules         string           `json:"rules"`
			Files         []validateResult `json:"files"`
		}{validateSchemaVersion, rules.Name, results})
		return code
	}
	st := newStyle(stdout)
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
		fmt.Fprintf(stdout, "%s: %s\n", r.File, verdict)
		for _, p := range r.Problems {
			fmt.Fprintf(stdout, "  %s %s\n", st.yellow(string(p.Kind)+":"), p)
		}
	}
	return code
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

// rulesFor maps a libvirt version to the descriptor rules of its parser.
func rulesFor(version string) (*descriptor.Rules, error) {
	if version == "" {
		return descriptor.RulesLatest, nil
	}
	var major, minor int
	if _, err := fmt.Sscanf(version, "%d.%d", &major, &minor); err != nil {
		if _, err := fmt.Sscanf(version, "%d", &major); err != nil {
			return nil, usageError(fmt.Sprintf("bad libvirt version %q (want e.g. 11.3)", version))
		}
	}
	switch {
	case major < 11:
		return descriptor.RulesLibvirt9, nil
	case major < 12:
		return descriptor.RulesLibvirt11, nil
	}
	return descriptor.RulesLibvirt12, nil
}
