package main

import (
	"fmt"
	"io"
	"slices"

	"github.com/fwaudit/fwaudit"
	"github.com/fwaudit/fwaudit/audit"
	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/matcher"
	"github.com/fwaudit/fwaudit/release"
	"github.com/fwaudit/fwaudit/report"
	"github.com/spf13/cobra"
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

func newDistrosCmd(a *app) *cobra.Command {
	var (
		rel                   releaseFlags
		format, arch, machine string
	)
	c := &cobra.Command{
		Use:   "distros",
		Short: "Which bundled distribution set gives which feature set (SEV-ES, TDX, ...)",
		Long: `Which bundled distribution set gives which feature set (SEV-ES, TDX,
stateless, ...), as libvirt would select.`,
		Example: `  fwaudit distros
  fwaudit distros --libvirt 12.8
  fwaudit distros --arch aarch64 --machine virt --format json`,
		Args: cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			p, _, err := release.Named(rel.libvirt, rel.profile)
			if err != nil {
				return releaseError(err)
			}
			if p == nil {
				p = matcher.Latest
			}
			out := distrosOutput{SchemaVersion: distrosSchemaVersion, Profile: p.Name, Arch: arch, Machine: machine}
			for _, f := range audit.FeatureSets() {
				out.FeatureSets = append(out.FeatureSets, f.Name)
			}
			var require []string
			for _, n := range out.FeatureSets {
				require = append(require, arch+"/"+machine+"/"+n)
			}
			for _, name := range fwaudit.Distros() {
				root, _ := fwaudit.Distro(name)
				set, err := descriptor.Load(descriptor.Options{FS: root, Rules: p.Rules})
				if err != nil {
					return err
				}
				// Requiring every cell computes the whole row, targeted or not.
				r, err := audit.Run(cmd.Context(), set, audit.Options{Profile: p, Require: require,
					FilesSkipped: "bundled set"})
				if err != nil {
					return err
				}
				col := distroColumn{Name: name}
				for _, n := range out.FeatureSets {
					i := slices.IndexFunc(r.Coverage, func(c report.Coverage) bool {
						return c.Arch == arch && c.Machine == machine && c.FeatureSet == n
					})
					c := r.Coverage[i]
					c.Required = false
					col.Cells = append(col.Cells, c)
				}
				out.Distros = append(out.Distros, col)
			}
			if format == "json" {
				return writeJSON(a.stdout, out)
			}
			writeDistrosText(a.stdout, out, newStyle(a.term))
			return nil
		}),
	}
	rel.register(c)
	c.Flags().MarkHidden("qemu")
	enumVar(c, &format, "format", "text", "format", []string{"text", "json"}, "output `format`: text or json")
	c.Flags().StringVar(&arch, "arch", "x86_64", "`ARCH` of the matrix")
	c.Flags().StringVar(&machine, "machine", "q35", "machine family `M` of the matrix (q35, pc, microvm, virt, ...)")
	c.RegisterFlagCompletionFunc("arch", fixed(descriptor.RulesLatest.Architectures))
	c.RegisterFlagCompletionFunc("machine", fixed([]string{"q35", "pc", "microvm", "virt"}))
	return c
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
