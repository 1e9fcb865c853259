package result

import (
	"bufio"
	"fmt"
	"io"
	"iter"
	"maps"
	"slices"
	"strings"
	"unique"

	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/internal/jsonstream"
	"github.com/fwaudit/fwaudit/source"
)

// ListSchemaVersion versions the JSON output of List.
const ListSchemaVersion = 1

// List is the descriptors libvirt sees, in its order, with their status:
// fwaudit list.
type List struct {
	SchemaVersion int               `json:"schema_version"`
	Root          string            `json:"root,omitempty"`
	Distro        string            `json:"distro,omitempty"`
	Rules         string            `json:"rules"`
	Dirs          []descriptor.Dir  `json:"dirs"`
	LookupError   *descriptor.Error `json:"lookup_error"`
	Entries       []ListEntry       `json:"entries"`

	set *descriptor.Set
}

// ListEntry is one directory entry with its descriptor's summary.
type ListEntry struct {
	*descriptor.Entry
	Summary         string            `json:"summary,omitempty"`
	UnresolvedPaths map[string]string `json:"unresolved_paths,omitempty"`
}

// NewList describes set; distro names the bundled set it is, if any.
func NewList(set *descriptor.Set, distro string) *List {
	l := &List{SchemaVersion: ListSchemaVersion, Root: set.Root, Distro: distro, Rules: set.Rules.Name,
		Dirs: set.Dirs, LookupError: set.LookupError(), Entries: []ListEntry{}, set: set}
	if l.Dirs == nil {
		l.Dirs = []descriptor.Dir{}
	}
	for _, e := range set.Entries {
		l.Entries = append(l.Entries, listEntry(e))
	}
	return l
}

// listEntry is e with its descriptor's summary.
func listEntry(e *descriptor.Entry) ListEntry {
	le := ListEntry{Entry: e}
	if e.Descriptor != nil {
		// Summaries are made of the descriptor's enumerated values and
		// repeat across a set: one copy of each is kept.
		le.Summary = unique.Make(e.Descriptor.Summary()).Value()
		// An empty map per entry would cost more than a nil one and
		// marshals the same (omitempty).
		if u := e.Descriptor.UnresolvedPaths(); len(u) > 0 {
			le.UnresolvedPaths = u
		}
	}
	return le
}

// Failed reports whether libvirt would stumble over the set: a lookup
// error, or an invalid or unexaminable entry (fwaudit list's exit 1).
func (l *List) Failed() bool {
	if l.LookupError != nil {
		return true
	}
	for _, e := range l.Entries {
		if e.failed() {
			return true
		}
	}
	return false
}

// failed reports whether libvirt stumbles over e.
func (e *ListEntry) failed() bool {
	return e.Status == descriptor.StatusInvalid || e.Status == descriptor.StatusError
}

// WriteJSON writes the list as JSON (schema/list.schema.json). The entries
// are encoded one at a time, so that the whole document is never held in
// memory: the bytes are those of encoding/json's indented encoding of l.
func (l *List) WriteJSON(w io.Writer) error {
	if l.Entries == nil {
		return writeJSON(w, l)
	}
	head := *l
	head.Entries = []ListEntry{}
	return jsonstream.Write(w, &head, jsonstream.Array{Name: "entries", Len: len(l.Entries),
		Elem: func(i int) any { return &l.Entries[i] }})
}

// WriteText writes the list for people: the directories, a table of the
// entries, then what libvirt says about them. File names and descriptor
// strings are escaped. Rows are written as they are formatted (the table's
// widths are measured first), not gathered.
func (l *List) WriteText(w io.Writer, opts TextOptions) error {
	st := style{opts.Color}
	b := bufio.NewWriterSize(w, 64<<10)
	for _, d := range l.Dirs {
		state := "missing"
		switch {
		case d.Err != nil:
			state = st.red("unreadable: " + clean(d.Err.Msg))
		case d.Exists:
			state = "scanned"
		}
		fmt.Fprintf(b, "%s %s (%s)\n", st.dim("dir"), clean(d.Path), state)
	}
	row := func(e *ListEntry, cells []string) []string {
		summary := ""
		switch {
		case e.Status == descriptor.StatusOverridden || e.Status == descriptor.StatusMasked:
			summary = "hidden by " + e.HiddenBy
		default:
			summary = e.Summary
		}
		return append(cells[:0], clean(e.Name), string(e.Status), clean(e.Dir), clean(summary))
	}
	header := []string{"NAME", "STATUS", "FROM", "SUMMARY"}
	widths := growWidths(nil, header)
	cells := make([]string, 0, len(header))
	for i := range l.Entries {
		widths = growWidths(widths, row(&l.Entries[i], cells))
	}
	paint := func(row, col int, cell string) string {
		if row > 0 && col == 1 {
			return st.status(descriptor.Status(cell))
		}
		return cell
	}
	line := appendRow(nil, 0, header, widths, 2, paint)
	b.Write(line)
	for i := range l.Entries {
		line = appendRow(line[:0], i+1, row(&l.Entries[i], cells), widths, 2, paint)
		b.Write(line)
	}
	for _, e := range l.Entries {
		if e.Libvirt != nil {
			fmt.Fprintf(b, "%s %s\n", st.red("libvirt rejects:"), clean(e.Libvirt.Error()))
		}
		for _, p := range e.Problems {
			fmt.Fprintf(b, "%s %s\n", st.yellow(string(p.Kind)+":"), clean(p.Error()))
		}
		if len(e.Overrides) > 0 && e.Status != descriptor.StatusMask {
			fmt.Fprintf(b, "%s %s overrides %s\n", st.dim("note:"), clean(e.Path), clean(strings.Join(e.Overrides, ", ")))
		}
		for _, ptr := range slices.Sorted(maps.Keys(e.UnresolvedPaths)) {
			fmt.Fprintf(b, "%s %s: %s: unresolved path %q\n", st.yellow("note:"), clean(e.Path), ptr, e.UnresolvedPaths[ptr])
		}
		if e.NotJSON && e.Status != descriptor.StatusIgnored {
			fmt.Fprintf(b, "%s %s has no .json suffix; libvirt reads it all the same\n", st.dim("note:"), clean(e.Path))
		}
	}
	if l.LookupError != nil {
		fmt.Fprintf(b, "%s libvirt's firmware lookup fails on this set: %s\n", st.red("error:"), clean(l.LookupError.Error()))
	}
	return b.Flush()
}

func (s style) status(st descriptor.Status) string {
	switch st {
	case descriptor.StatusActive:
		return s.green(string(st))
	case descriptor.StatusInvalid, descriptor.StatusError:
		return s.red(string(st))
	case descriptor.StatusMask, descriptor.StatusMasked, descriptor.StatusOverridden:
		return s.yellow(string(st))
	}
	return s.dim(string(st))
}

// ListOf is fwaudit list: the descriptors spec names (after
// source.Spec.FallBack), judged with the newest modelled release's parser.
func ListOf(spec source.Spec) (*List, error) {
	spec, _ = spec.FallBack()
	set, err := spec.Load(nil)
	if err != nil {
		return nil, err
	}
	return NewList(set, spec.Distro), nil
}

// WriteList is fwaudit list: it writes the list of the descriptors spec
// names (after source.Spec.FallBack) to w in format f (Text, with opts, or
// JSON), the bytes ListOf's WriteJSON or WriteText write, and
// reports whether the list fails (List.Failed). Unlike ListOf it reads the
// set one descriptor at a time (source.Spec.Scan) and keeps none: JSON
// entries are written as they are judged; text keeps each entry's verdict
// and summary until the table is written (its columns are measured first).
func WriteList(w io.Writer, spec source.Spec, f Format, opts TextOptions) (failed bool, err error) {
	if f != Text && f != JSON {
		return false, fmt.Errorf("result: unknown format %q (want text or json)", f)
	}
	spec, _ = spec.FallBack()
	ls, err := spec.Scan(nil)
	if err != nil {
		return false, err
	}
	defer ls.Close()
	l := &List{SchemaVersion: ListSchemaVersion, Root: ls.Root, Distro: spec.Distro, Rules: ls.Rules.Name,
		Dirs: ls.Dirs, LookupError: ls.LookupError(), Entries: []ListEntry{}}
	if l.Dirs == nil {
		l.Dirs = []descriptor.Dir{}
	}
	if f == Text {
		l.Entries = make([]ListEntry, 0, ls.Len())
		for e := range ls.Entries() {
			l.Entries = append(l.Entries, listEntry(e))
		}
		return l.Failed(), l.WriteText(w, opts)
	}
	failed = l.LookupError != nil
	next, stop := iter.Pull(ls.Entries())
	defer stop()
	var cur ListEntry
	err = jsonstream.Write(w, l, jsonstream.Array{Name: "entries", Len: ls.Len(), Elem: func(int) any {
		// Pulling the next entry drops the previous one's descriptor,
		// which jsonstream has written by then.
		e, _ := next()
		cur = listEntry(e)
		failed = failed || cur.failed()
		return &cur
	}})
	return failed, err
}
