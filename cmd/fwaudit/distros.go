package main

import (
	"context"
	"fmt"
	"io"
	"slices"

	"github.com/fwaudit/fwaudit"
	"github.com/fwaudit/fwaudit/audit"
	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/matcher"
	"github.com/fwaudit/fwaudit/report"
)

// distrosSchemaVersion versions the JSON output of "fwaudit distros".
const distrosSchemaVersion = 1

// distrosOutput is the JSON document of "fwaudit distros".
type distrosOutput struct {
	SchemaVersion int            `json:"schema_version"`
	Profile       string         `json:"profile"`
	Arch          string         `json:"arch"`
	Machine       string         `json:"machine"`
	FeatureSets   []string       `json:"feature_sets"`
	Distros       []distroColumn `json:"distros"`
}

type distroColumn struct {
	Name string `json:"name"`
	// Cells holds one prediction per feature set, in FeatureSets order.
	Cells []report.Coverage `json:"cells"`
}

func runDistros(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("distros", stderr)
	format := fs.String("format", "text", "output `format`: text or json")
	libvirt := fs.String("libvirt", "", "predict libvirt `VER` (default the newest)")
	arch := fs.String("arch", "x86_64", "`ARCH` of the matrix")
	machine := fs.String("machine", "q35", "machine family `M` of the matrix (q35, pc, microvm, virt, ...)")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "fwaudit distros: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "fwaudit distros: unknown format %q (want text or json)\n", *format)
		return exitUsage
	}
	p := matcher.Latest
	if *libvirt != "" {
		var err error
		if p, err = matcher.ProfileFor(*libvirt); err != nil {
			return reportError(stderr, "distros", usageError("--libvirt: "+err.Error()))
		}
	}
	out := distrosOutput{SchemaVersion: distrosSchemaVersion, Profile: p.Name, Arch: *arch, Machine: *machine}
	for _, f := range audit.FeatureSets() {
		out.FeatureSets = append(out.FeatureSets, f.Name)
	}
	var require []string
	for _, n := range out.FeatureSets {
		require = append(require, *arch+"/"+*machine+"/"+n)
	}
	for _, name := range fwaudit.Distros() {
		root, _ := fwaudit.Distro(name)
		set, err := descriptor.Load(descriptor.Options{FS: root, Rules: p.Rules})
		if err != nil {
			return reportError(stderr, "distros", err)
		}
		// Requiring every cell computes the whole row, targeted or not.
		r, err := audit.Run(context.Background(), set, audit.Options{Profile: p, Require: require,
			FilesSkipped: "bundled set"})
		if err != nil {
			return reportError(stderr, "distros", err)
		}
		col := distroColumn{Name: name}
		for _, n := range out.FeatureSets {
			i := slices.IndexFunc(r.Coverage, func(c report.Coverage) bool {
				return c.Arch == *arch && c.Machine == *machine && c.FeatureSet == n
			})
			c := r.Coverage[i]
			c.Required = false
			col.Cells = append(col.Cells, c)
		}
		out.Distros = append(out.Distros, col)
	}
	if *format == "json" {
		if err := writeJSON(stdout, out); err != nil {
			return reportError(stderr, "distros", err)
		}
		return exitOK
	}
	writeDistrosText(stdout, out, newStyle(stdout))
	return exitOK
}

func writeDistrosText(w io.Writer, out distrosOutput, st style) {
	fmt.Fprintf(w, "%s %s guests on the bundled descriptor sets, as %s selects (yes: a firmware is chosen; ~: chosen but lacks something; -: no firmware)\n",
		out.Arch, out.Machine, out.Profile)
	rows := [][]string{append([]string{"FEATURE SET"}, func() []string {
		var names []string
		for _, d := range out.Distros {
			names = append(names, d.Name)
		}
		return names
	}()...)}
	for i, n := range out.FeatureSets {
		row := []string{n}
		for _, d := range out.Distros {
			switch d.Cells[i].Status {
			case "ok":
				row = append(row, "yes")
			case "degraded":
				row = append(row, "~")
			default:
				row = append(row, "-")
			}
		}
		rows = append(rows, row)
	}
	writeTable(w, rows, func(row, col int, cell string) string {
		if row == 0 || col == 0 {
			return cell
		}
		switch cell {
		case "yes":
			return st.green(cell)
		case "~":
			return st.yellow(cell)
		}
		return st.dim(cell)
	})
}
