package descriptor

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"unique"

	"github.com/fwaudit/fwaudit/schema"
)

// MaxSize is the largest descriptor libvirt reads (1 MiB); larger files are
// rejected by libvirt and by Load.
const MaxSize = 1 << 20

// ErrorKind classifies an Error.
type ErrorKind string

// Error kinds.
const (
	KindSyntax  ErrorKind = "syntax"  // not JSON
	KindSchema  ErrorKind = "schema"  // JSON that does not conform to QEMU's schema
	KindLibvirt ErrorKind = "libvirt" // a descriptor libvirt rejects
	KindIO      ErrorKind = "io"      // the file could not be found, read or examined
)

// Error is one problem with a descriptor, located by file, line, column and
// JSON pointer where they apply.
type Error struct {
	File    string    `json:"file"`
	Line    int       `json:"line,omitempty"`
	Col     int       `json:"col,omitempty"`
	Pointer string    `json:"pointer,omitempty"`
	Kind    ErrorKind `json:"kind"`
	Msg     string    `json:"message"`
	// Cause says, for a file a release's JSON parser rejects (Msg is then
	// libvirt's bare "unable to parse json file"), what the parser
	// stumbled on and which parser it is.
	Cause string `json:"cause,omitempty"`
}

// Error formats the problem as "file:line:col: pointer: message (cause)".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Col)
	}
	b.WriteString(": ")
	if e.Pointer != "" {
		b.WriteString(e.Pointer)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	if e.Cause != "" {
		b.WriteString(" (")
		b.WriteString(e.Cause)
		b.WriteString(")")
	}
	return b.String()
}

// Errors is a list of problems found in one or more descriptors.
type Errors []*Error

func (es Errors) Error() string {
	var b strings.Builder
	for i, e := range es {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Parse decodes one descriptor. file names it in errors.
//
// A JSON syntax error returns a nil Descriptor and an Errors holding that
// one error. Otherwise Parse returns the descriptor, built from whatever
// members have the expected types, and, when the document does not conform
// to QEMU's schema, an Errors with every violation. Whether libvirt accepts
// the descriptor is a separate verdict: see Rules.Check.
func Parse(file string, data []byte) (*Descriptor, error) {
	if len(data) > MaxSize {
		return nil, Errors{{File: file, Kind: KindIO, Msg: fmt.Sprintf("file is %d bytes, larger than the %d bytes libvirt reads", len(data), MaxSize)}}
	}
	tree, q, err := parseTreeAs(data, nil)
	if err != nil {
		se := err.(*syntaxError)
		line, col := position(data, se.off)
		return nil, Errors{{File: file, Line: line, Col: col, Kind: KindSyntax, Msg: se.msg}}
	}
	d := &Descriptor{tree: tree, data: data, file: file, quirks: q}
	d.decode(tree)

	var errs Errors
	for _, v := range schema.Validate(tree.toAny()) {
		n := tree.lookup(v.Pointer)
		line, col := 0, 0
		if n != nil {
			line, col = position(data, n.off)
		}
		errs = append(errs, &Error{File: file, Line: line, Col: col, Pointer: v.Pointer, Kind: KindSchema, Msg: v.Message})
	}
	if len(errs) > 0 {
		return d, errs
	}
	return d, nil
}

// decode fills d from the tree, taking every member that has the expected
// JSON type and skipping the rest (the schema reports them).
func (d *Descriptor) decode(root *node) {
	if root.kind != kindObject {
		return
	}
	d.Description = str(root.member("description"))
	for _, e := range arr(root.member("interface-types")) {
		if e.kind == kindString {
			d.InterfaceTypes = append(d.InterfaceTypes, Interface(intern(e.str)))
		}
	}
	if m := root.member("mapping"); m != nil && m.kind == kindObject {
		d.Mapping.Device = Device(intern(str(m.member("device"))))
		d.Mapping.Mode = FlashMode(intern(str(m.member("mode"))))
		d.Mapping.Executable = flashFile(m.member("executable"))
		d.Mapping.NVRAMTemplate = flashFile(m.member("nvram-template"))
		d.Mapping.Filename = str(m.member("filename"))
	}
	for _, t := range arr(root.member("targets")) {
		if t.kind != kindObject {
			continue
		}
		tg := Target{Architecture: intern(str(t.member("architecture")))}
		for _, m := range arr(t.member("machines")) {
			if m.kind == kindString {
				tg.Machines = append(tg.Machines, intern(m.str))
			}
		}
		if tg.Machines == nil && isArr(t.member("machines")) {
			tg.Machines = []string{}
		}
		d.Targets = append(d.Targets, tg)
	}
	feats := arr(root.member("features"))
	if len(feats) > 0 {
		d.Features = make([]Feature, 0, len(feats))
	}
	for _, f := range feats {
		if f.kind == kindString {
			d.Features = append(d.Features, Feature(intern(f.str)))
		}
	}
	for _, t := range arr(root.member("tags")) {
		if t.kind == kindString {
			d.Tags = append(d.Tags, intern(t.str))
		}
	}
	// A list the file gives empty stays an empty list (written back as
	// [], not null); a list the file lacks stays nil. []T{} allocates
	// nothing.
	if d.InterfaceTypes == nil && isArr(root.member("interface-types")) {
		d.InterfaceTypes = []Interface{}
	}
	if d.Targets == nil && isArr(root.member("targets")) {
		d.Targets = []Target{}
	}
	if d.Features == nil && isArr(root.member("features")) {
		d.Features = []Feature{}
	}
	if d.Tags == nil && isArr(root.member("tags")) {
		d.Tags = []string{}
	}
}

// isArr reports whether n is a JSON array.
func isArr(n *node) bool { return n != nil && n.kind == kindArray }

// intern returns the one copy of s the process keeps: enum values, machine
// patterns and tags repeat across a set's descriptors (a set of 100,000
// holds a few dozen distinct ones), and a decoded descriptor outlives its
// parse, so each would otherwise keep its own copy.
//
// unique.Make's canonical copy lasts only while a Handle to it does: with
// the handle dropped, a collection forgets it and the next descriptor
// gets a copy of its own (TestParseInterns failed so under load). The
// first maxPinned distinct values keep their handle for the life of the
// process, which bounds what a hostile set of unique tags can pin.
func intern(s string) string {
	if s == "" {
		return s
	}
	h := unique.Make(s)
	if _, ok := pinned.Load(h); !ok && pinnedN.Load() < maxPinned {
		if _, loaded := pinned.LoadOrStore(h, struct{}{}); !loaded {
			pinnedN.Add(1)
		}
	}
	return h.Value()
}

// maxPinned bounds the interned values whose handles intern keeps.
const maxPinned = 4096

var (
	pinned  sync.Map // unique.Handle[string] -> struct{}
	pinnedN atomic.Int64
)

func str(n *node) string {
	if n == nil || n.kind != kindString {
		return ""
	}
	return n.str
}

func arr(n *node) []*node {
	if n == nil || n.kind != kindArray {
		return nil
	}
	return n.elems
}

func flashFile(n *node) *FlashFile {
	if n == nil || n.kind != kindObject {
		return nil
	}
	return &FlashFile{Filename: str(n.member("filename")), Format: intern(str(n.member("format")))}
}

// libvirtView returns the document as libvirt's JSON parser sees it: libvirt
// reads the file into a C string, so a NUL byte ends the document.
func libvirtView(data []byte) []byte {
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return data[:i]
	}
	return data
}
