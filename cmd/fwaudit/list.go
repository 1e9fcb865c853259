package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/fwaudit/fwaudit"
	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/hostfs"
	"github.com/fwaudit/fwaudit/matcher"
)

// listSchemaVersion versions the JSON output of "fwaudit list".
const listSchemaVersion = 1

// sourceFlags are the flags that choose a descriptor set.
type sourceFlags struct {
	root    string
	dirs    multiFlag
	session bool
	distro  string
}

func (s *sourceFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&s.root, "root", "", "take `DIR` as the file system root (a sysroot, image or DESTDIR)")
	fs.Var(&s.dirs, "dir", "scan `DIR` instead of libvirt's search path (repeatable, lowest precedence first)")
	fs.BoolVar(&s.session, "session", false, "add $XDG_CONFIG_HOME/qemu/firmware, as a session (unprivileged) daemon does")
	fs.StringVar(&s.distro, "distro", "", "use the bundled descriptor set `NAME` (see fwaudit list --distro help)")
}

// hostFiles is the file system a profile that reads the host's files
// (libvirt 12.8 resolves firmware paths, 9.0 copies NVRAM templates) reads:
// this host's own when the release is the host's (onHost), or a --root's
// files over the ones the profile's distribution installs (a root often
// holds the descriptors only), or else the latter alone (nil).
func (s *sourceFlags) hostFiles(p *matcher.Profile, onHost bool) (fs.FS, func(), error) {
	switch {
	case !p.ReadsHostFiles() || s.distro != "":
		return nil, func() {}, nil
	case s.root != "":
		files, closeFn, err := rootFS(s.root)
		if err != nil {
			return nil, nil, err
		}
		return hostfs.Overlay(files, p.HostFiles), closeFn, nil
	case onHost:
		return rootFS("/")
	}
	return nil, func() {}, nil
}

// load loads the chosen set. note is set when the host had no descriptors
// and the bundled default set was used instead.
func (s *sourceFlags) load(rules *descriptor.Rules) (set *descriptor.Set, note string, err error) {
	opts := descriptor.Options{Root: s.root, Dirs: s.dirs, Session: s.session, Rules: rules}
	if s.distro == "" && s.root == "" && len(s.dirs) == 0 && !hostHasDescriptors(opts) {
		s.distro = fwaudit.DefaultDistro
		note = fmt.Sprintf("note: this host has no firmware descriptors in %s; showing the bundled %s set instead (choose another with --distro, see --distro help)",
			strings.Join(descriptor.SearchPath(opts), ", "), s.distro)
	}
	if s.distro != "" {
		fsys, ok := fwaudit.Distro(s.distro)
		if !ok {
			return nil, "", usageError(fmt.Sprintf("unknown distro %q; bundled sets: %s", s.distro, strings.Join(fwaudit.Distros(), ", ")))
		}
		opts.FS, opts.Root = fsys, ""
	}
	set, err = descriptor.Load(opts)
	return set, note, err
}

func hostHasDescriptors(opts descriptor.Options) bool {
	for _, d := range descriptor.SearchPath(opts) {
		if ents, err := os.ReadDir(d); err == nil && len(ents) > 0 {
			return true
		}
	}
	return false
}

type usageError string

func (e usageError) Error() string { return string(e) }

func runList(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("list", stderr)
	var src sourceFlags
	src.register(fs)
	format := fs.String("format", "text", "output `format`: text or json")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "fwaudit list: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	if src.distro == "help" {
		fmt.Fprintln(stdout, strings.Join(fwaudit.Distros(), "\n"))
		return exitOK
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "fwaudit list: unknown format %q (want text or json)\n", *format)
		return exitUsage
	}
	set, note, err := src.load(nil)
	if err != nil {
		return reportError(stderr, "list", err)
	}
	if note != "" {
		fmt.Fprintln(stderr, note)
	}
	if *format == "json" {
		if err := writeJSON(stdout, listJSON(set, src.distro)); err != nil {
			return reportError(stderr, "list", err)
		}
	} else {
		writeListText(stdout, set, newStyle(stdout))
	}
	return listExit(set)
}

func reportError(stderr io.Writer, cmd string, err error) int {
	fmt.Fprintf(stderr, "fwaudit %s: %v\n", cmd, err)
	if _, ok := err.(usageError); ok {
		return exitUsage
	}
	return exitFailure
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
