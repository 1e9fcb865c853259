package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/fwaudit/fwaudit"
	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/spf13/cobra"
)

// listSchemaVersion versions the JSON output of "fwaudit list".
const listSchemaVersion = 1

func newListCmd(a *app) *cobra.Command {
	var (
		src    sourceFlags
		format string
	)
	c := &cobra.Command{
		Use:   "list",
		Short: "List the descriptors libvirt sees, in its order, with their status",
		Long: `List the descriptors libvirt sees, in its order, with status (active, invalid,
mask, masked, overridden, ignored, error), provenance and a summary.`,
		Example: `  fwaudit list
  fwaudit list --root /mnt/image --format json
  fwaudit list --distro ubuntu-24.04`,
		Args: cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			if src.distro == "help" {
				_, err := fmt.Fprintln(a.stdout, strings.Join(fwaudit.Distros(), "\n"))
				return err
			}
			src.fallBack(a.stderr)
			set, err := src.loadSet(nil)
			if err != nil {
				return err
			}
			if format == "json" {
				if err := writeJSON(a.stdout, listJSON(set, src.distro)); err != nil {
					return err
				}
			} else {
				writeListText(a.stdout, set, newStyle(a.term))
			}
			if listExit(set) != exitOK {
				return errFindings
			}
			return nil
		}),
	}
	src.register(c)
	enumVar(c, &format, "format", "text", "format", []string{"text", "json"}, "output `format`: text or json")
	return c
}

// listExit is 1 when libvirt would stumble over the set.
func listExit(set *descriptor.Set) int {
	if set.LookupError() != nil {
		return exitFindings
	}
	for _, e := range set.Entries {
		if e.Status == descriptor.StatusInvalid || e.Status == descriptor.StatusError {
			return exitFindings
		}
	}
	return exitOK
}

// listOutput is the JSON document of "fwaudit list" (documented in README).
type listOutput struct {
	SchemaVersion int               `json:"schema_version"`
	Root          string            `json:"root,omitempty"`
	Distro        string            `json:"distro,omitempty"`
	Rules         string            `json:"rules"`
	Dirs          []descriptor.Dir  `json:"dirs"`
	LookupError   *descriptor.Error `json:"lookup_error"`
	Entries       []listOutputEntry `json:"entries"`
}

type listOutputEntry struct {
	*descriptor.Entry
	Summary         string            `json:"summary,omitempty"`
	UnresolvedPaths map[string]string `json:"unresolved_paths,omitempty"`
}

func listJSON(set *descriptor.Set, distro string) listOutput {
	out := listOutput{SchemaVersion: listSchemaVersion, Root: set.Root, Distro: distro, Rules: set.Rules.Name,
		Dirs: set.Dirs, LookupError: set.LookupError(), Entries: []listOutputEntry{}}
	for _, e := range set.Entries {
		le := listOutputEntry{Entry: e}
		if e.Descriptor != nil {
			le.Summary = e.Descriptor.Summary()
			le.UnresolvedPaths = e.Descriptor.UnresolvedPaths()
		}
		out.Entries = append(out.Entries, le)
	}
	return out
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func writeListText(w io.Writer, set *descriptor.Set, st style) {
	for _, d := range set.Dirs {
		state := "missing"
		switch {
		case d.Err != nil:
			state = st.red("unreadable: " + d.Err.Msg)
		case d.Exists:
			state = "scanned"
		}
		fmt.Fprintf(w, "%s %s (%s)\n", st.dim("dir"), d.Path, state)
	}
	rows := [][]string{{"NAME", "STATUS", "FROM", "SUMMARY"}}
	for _, e := range set.Entries {
		summary := ""
		switch {
		case e.Status == descriptor.StatusOverridden || e.Status == descriptor.StatusMasked:
			summary = "hidden by " + e.HiddenBy
		case e.Descriptor != nil:
			summary = e.Descriptor.Summary()
		}
		rows = append(rows, []string{e.Name, string(e.Status), e.Dir, summary})
	}
	writeTable(w, rows, func(row, col int, cell string) string {
		if row > 0 && col == 1 {
			return st.status(descriptor.Status(cell))
		}
		return cell
	})
	for _, e := range set.Entries {
		if e.Libvirt != nil {
			fmt.Fprintf(w, "%s %s\n", st.red("libvirt rejects:"), e.Libvirt)
		}
		for _, p := range e.Problems {
			fmt.Fprintf(w, "%s %s\n", st.yellow(string(p.Kind)+":"), p)
		}
		if len(e.Overrides) > 0 && e.Status != descriptor.StatusMask {
			fmt.Fprintf(w, "%s %s overrides %s\n", st.dim("note:"), e.Path, strings.Join(e.Overrides, ", "))
		}
		if e.Descriptor != nil {
			for _, ptr := range slices.Sorted(maps.Keys(e.Descriptor.UnresolvedPaths())) {
				fmt.Fprintf(w, "%s %s: %s: unresolved path %q\n", st.yellow("note:"), e.Path, ptr, e.Descriptor.UnresolvedPaths()[ptr])
			}
		}
		if e.NotJSON && e.Status != descriptor.StatusIgnored {
			fmt.Fprintf(w, "%s %s has no .json suffix; libvirt reads it all the same\n", st.dim("note:"), e.Path)
		}
	}
	if le := set.LookupError(); le != nil {
		fmt.Fprintf(w, "%s libvirt's firmware lookup fails on this set: %s\n", st.red("error:"), le)
	}
}
