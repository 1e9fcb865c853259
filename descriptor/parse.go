package descriptor

import (
	"bytes"
	"encoding/binary"
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
//
// The descriptor's lists may be shared with other parsed descriptors and
// are read-only (see Descriptor).
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
	d := &Descriptor{src: &source{data: data, tree: tree, quirks: q}}
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
// JSON type and skipping the rest (the schema reports them). Its lists are
// shared with the other descriptors that hold equal ones (see shareList).
func (d *Descriptor) decode(root *node) {
	if root.kind != kindObject {
		return
	}
	d.Description = str(root.member("description"))
	d.InterfaceTypes = strList[Interface]('i', root.member("interface-types"))
	if m := root.member("mapping"); m != nil && m.kind == kindObject {
		d.Mapping.Device = Device(intern(str(m.member("device"))))
		d.Mapping.Mode = FlashMode(intern(str(m.member("mode"))))
		d.Mapping.Executable = flashFile(m.member("executable"))
		d.Mapping.NVRAMTemplate = flashFile(m.member("nvram-template"))
		d.Mapping.Filename = str(m.member("filename"))
	}
	d.Targets = targetList(root.member("targets"))
	d.Features = strList[Feature]('f', root.member("features"))
	d.Tags = strList[string]('s', root.member("tags"))
}

// isArr reports whether n is a JSON array.
func isArr(n *node) bool { return n != nil && n.kind == kindArray }

// strList returns the string elements of n, in order and with their
// duplicates, as a list shared with every equal list of kind (a byte of
// its own for each T) that shareList keeps. A list the file lacks (n is not
// an array) is nil; a list the file gives without strings is empty, not nil
// (written back as [], not null; []T{} allocates nothing).
func strList[T ~string](kind byte, n *node) []T {
	if !isArr(n) {
		return nil
	}
	var buf [128]byte
	key, count := appendStrs(append(buf[:0], kind), n.elems)
	if count == 0 {
		return []T{}
	}
	if l, ok := sharedList(key); ok {
		return l.([]T)
	}
	out := make([]T, 0, count)
	for _, e := range n.elems {
		if e.kind == kindString {
			out = append(out, T(intern(e.str)))
		}
	}
	return shareList(key, out)
}

// targetList is strList for "targets": the object elements of n as
// Targets, each with its machines (nil without a "machines" array).
func targetList(n *node) []Target {
	if !isArr(n) {
		return nil
	}
	var buf [256]byte
	key, count := append(buf[:0], 't'), 0
	for _, t := range n.elems {
		if t.kind != kindObject {
			continue
		}
		count++
		key = appendStr(key, str(t.member("architecture")))
		if ms := t.member("machines"); isArr(ms) {
			key = append(key, 1)
			key, _ = appendStrs(key, ms.elems)
		} else {
			key = append(key, 0)
		}
	}
	if count == 0 {
		return []Target{}
	}
	if l, ok := sharedList(key); ok {
		return l.([]Target)
	}
	out := make([]Target, 0, count)
	for _, t := range n.elems {
		if t.kind == kindObject {
			out = append(out, Target{Architecture: intern(str(t.member("architecture"))), Machines: strList[string]('s', t.member("machines"))})
		}
	}
	return shareList(key, out)
}

// appendStrs appends to key the string elements of elems, their count
// first, each as appendStr writes it, and returns the count.
func appendStrs(key []byte, elems []*node) ([]byte, int) {
	count := 0
	for _, e := range elems {
		if e.kind == kindString {
			count++
		}
	}
	key = binary.AppendUvarint(key, uint64(count))
	for _, e := range elems {
		if e.kind == kindString {
			key = appendStr(key, e.str)
		}
	}
	return key, count
}

// appendStr appends s to key, its length first, so that no two lists
// write the same key.
func appendStr(key []byte, s string) []byte {
	return append(binary.AppendUvarint(key, uint64(len(s))), s...)
}

// intern returns the one copy of s the process keeps: enum values, machine
// patterns and tags repeat across a set's descriptors (a set of 100,000
// holds a few dozen distinct ones), and a decoded descriptor outlives its
// parse, so each would otherwise keep its own copy.
//
// unique.Make's canonical copy lasts only while a Handle to it does: with
// the handle dropped, a collection forgets it and the next descriptor
// gets a copy of its own (TestParseInterns failed so under load). The
// first values keep their handle in the pinned table (see pin) for the
// life of the process, which bounds what a hostile set of unique tags can
// pin.
func intern(s string) string {
	if s == "" {
		return s
	}
	h := unique.Make(s)
	if _, ok := pinned.Load(h); !ok {
		pin(h, struct{}{})
	}
	return h.Value()
}

// listKey is the key a list is pinned under: a byte for its element type
// and its elements, as strList and targetList write them. It is a type of
// its own, so that it never equals a key of intern's (a unique.Handle).
type listKey string

// maxListKey bounds the lists shareList keeps: a longer one (no real
// descriptor has one) is its descriptor's own.
const maxListKey = 1024

// sharedList returns the list pinned under key, if there is one.
func sharedList(key []byte) (any, bool) {
	if len(key) > maxListKey {
		return nil, false
	}
	return pinned.Load(listKey(key))
}

// shareList returns the list that equal lists share: list itself, pinned
// under key (see pin) while the table has room, or the list pinned there
// first. list must have cap == len (so that an append to the list copies
// it) and be read-only from then on: its elements are every equal list's.
// Lists are shared like intern's strings because they repeat as much: a
// set of 100,000 descriptors holds a few dozen distinct lists of features,
// targets and tags.
func shareList[T any](key []byte, list []T) []T {
	if len(key) > maxListKey {
		return list
	}
	return pin(listKey(key), list).([]T)
}

// pin keeps v under key in the pinned table, for the life of the process,
// while the table holds fewer than maxPinned keys, and returns what key
// holds: v, or the value pinned there first. intern pins its handles
// there (with no value), shareList its lists.
func pin(key, v any) any {
	if pinnedN.Load() >= maxPinned {
		return v
	}
	got, loaded := pinned.LoadOrStore(key, v)
	if !loaded {
		pinnedN.Add(1)
	}
	return got
}

// maxPinned bounds the keys the pinned table keeps: intern's values and
// shareList's lists together.
const maxPinned = 4096

var (
	pinned  sync.Map // unique.Handle[string] -> struct{}, listKey -> []T
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
