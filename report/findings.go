package report

import (
	"cmp"
	"encoding/json"
	"iter"
	"maps"
	"slices"
	"strings"
)

// Findings is the list of a report's findings. It keeps them compact, so
// that a report over a large set holds its findings in a fraction of the
// memory a []Finding would: a finding's message may be kept as its parts
// and joined only when it is read (AddSpliced), its descriptor and file are
// shared with the findings added before it about the same ones, its rule
// and severity are a small index, and a fingerprint that is the
// DefaultFingerprint is worked out when it is read rather than held.
//
// At and All give each finding as a Finding value, built anew on every
// call: changing that value does not change the list (Set does). The zero
// Findings is an empty list. Copying a Findings value shares its storage,
// as copying a slice does; use Clone for a list of one's own.
type Findings struct {
	recs   chunks[record]
	places chunks[place]
	kinds  []kind
	// texts are the message texts, one copy of each, by their index in
	// records (at most maxTexts), and textIndex the index of each.
	texts     []string
	textIndex map[string]uint16
	// pointers are the JSON pointers of the findings, by their index
	// in records (0 is ""), and pointerIndex the index of each.
	pointers     []string
	pointerIndex map[string]uint16
}

// chunks is a list kept in chunks of at most chunkLen elements, so that
// growing a large list never copies it: a copy would hold the old and the
// new array at once, and a collection running meanwhile counts both.
type chunks[T any] struct {
	cs [][]T
	n  int
}

const chunkLen = 1024

func (c *chunks[T]) len() int { return c.n }

func (c *chunks[T]) at(i int) *T { return &c.cs[i/chunkLen][i%chunkLen] }

func (c *chunks[T]) append(v T) {
	if len(c.cs) == 0 || len(c.cs[len(c.cs)-1]) == chunkLen {
		c.cs = append(c.cs, nil)
	}
	last := &c.cs[len(c.cs)-1]
	*last = append(*last, v)
	c.n++
}

func (c *chunks[T]) clone() chunks[T] {
	out := chunks[T]{cs: make([][]T, len(c.cs)), n: c.n}
	for i, ch := range c.cs {
		out.cs[i] = slices.Clone(ch)
	}
	return out
}

// permute puts element perm[i] at i, for a permutation perm of the
// indices, in place (one cycle at a time).
func (c *chunks[T]) permute(perm []int32) {
	done := make([]bool, len(perm))
	for i := range perm {
		if done[i] || int(perm[i]) == i {
			continue
		}
		tmp := *c.at(i)
		j := i
		for {
			done[j] = true
			k := int(perm[j])
			if k == i {
				*c.at(j) = tmp
				break
			}
			*c.at(j) = *c.at(k)
			j = k
		}
	}
}

// record is one finding, in 48 bytes. Its message is its text with arg
// inserted at byte offset at (the text alone when arg is "").
type record struct {
	arg       string
	extra     *extra
	place     int32 // index in places
	at        uint32
	line, col int32
	text      uint16 // index in texts; noText when the text is in extra
	kind      uint16 // index in kinds
	pointer   uint16 // index in pointers; the pointer is in extra when the table is full
	// suppressed is Finding.Suppressed; bigPos is set when the line or
	// column does not fit in 31 bits (they are then in extra).
	suppressed, bigPos bool
}

// extra holds what few findings have: a subject, a fingerprint that is
// not the default one, a position beyond 31 bits, a text, a pointer or a
// rule and severity beyond their tables.
type extra struct {
	text        string
	subject     string
	fingerprint string
	pointer     string
	line, col   int
	kind        kind
}

type place struct {
	descriptor, file string
}

type kind struct {
	rule     string
	severity Severity
}

// maxTexts bounds the texts and the pointers the list keeps one copy of;
// noText marks a record whose text is in its extra.
const (
	maxTexts = 1 << 12
	noText   = 1<<16 - 1
)

// maxKinds bounds the table of rule and severity pairs (a catalogue's
// rules have three severities at most); noKind marks a record whose pair
// is in its extra.
const (
	maxKinds = 1 << 10
	noKind   = 1<<16 - 1
)

// NewFindings returns a list of fs, in their order.
func NewFindings(fs ...Finding) Findings {
	var l Findings
	for _, f := range fs {
		l.Add(f)
	}
	return l
}

// Len returns the number of findings.
func (l *Findings) Len() int { return l.recs.len() }

// At returns the i-th finding.
func (l *Findings) At(i int) Finding {
	f := l.brief(i)
	if f.Fingerprint == "" {
		f.Fingerprint = f.DefaultFingerprint()
	}
	return f
}

// brief is At without the default fingerprint (Fingerprint is "" unless
// one was given), for the renderers that do not show it: working it out
// is a SHA-256 a finding.
func (l *Findings) brief(i int) Finding {
	r := l.recs.at(i)
	k := l.kindOf(r)
	p := l.places.at(int(r.place))
	f := Finding{Rule: k.rule, Severity: k.severity, Message: l.message(r), Descriptor: p.descriptor, File: p.file,
		Line: int(r.line), Column: int(r.col), Pointer: l.pointer(r), Suppressed: r.suppressed}
	if x := r.extra; x != nil {
		f.Subject, f.Fingerprint = x.subject, x.fingerprint
		if r.bigPos {
			f.Line, f.Column = x.line, x.col
		}
	}
	return f
}

// allBrief is All through brief.
func (l *Findings) allBrief() iter.Seq2[int, Finding] {
	return func(yield func(int, Finding) bool) {
		for i := range l.recs.len() {
			if !yield(i, l.brief(i)) {
				return
			}
		}
	}
}

// All yields the findings in order, with their indices.
func (l *Findings) All() iter.Seq2[int, Finding] {
	return func(yield func(int, Finding) bool) {
		for i := range l.recs.len() {
			if !yield(i, l.At(i)) {
				return
			}
		}
	}
}

// Add appends f.
func (l *Findings) Add(f Finding) {
	l.recs.append(l.record(f, f.Message, "", 0))
}

// AddSpliced appends f with the message prefix+arg+suffix (f.Message is
// ignored). The list keeps one copy of each distinct prefix and suffix
// pair, so that a message that differs from others only by arg (a path,
// a name) costs no more than the reference to arg. (Add keeps one copy of
// each distinct message in the same way.)
func (l *Findings) AddSpliced(f Finding, prefix, arg, suffix string) {
	l.recs.append(l.record(f, prefix+suffix, arg, len(prefix)))
}

// textIn returns the index of s in the text table, adding it when the
// table has room; false when s is not in the table.
func (l *Findings) textIn(s string) (uint16, bool) {
	if i, ok := l.textIndex[s]; ok {
		return i, true
	}
	if len(l.texts) >= maxTexts {
		return noText, false
	}
	if l.textIndex == nil {
		l.textIndex = map[string]uint16{}
	}
	i := uint16(len(l.texts))
	l.texts = append(l.texts, s)
	l.textIndex[s] = i
	return i, true
}

// textOf is the record's text.
func (l *Findings) textOf(r *record) string {
	if r.text == noText {
		return r.extra.text
	}
	return l.texts[r.text]
}

// setText makes s the record's text, in the table or else in its extra.
func (l *Findings) setText(r *record, s string) {
	i, in := l.textIn(s)
	r.text = i
	switch {
	case in && r.extra != nil && r.extra.text != "":
		x := *r.extra
		x.text = ""
		r.extra = x.orNil()
	case !in:
		var x extra
		if r.extra != nil {
			x = *r.extra
		}
		x.text = s
		r.extra = &x
	}
}

// orNil is x, or nil when x holds nothing.
func (x extra) orNil() *extra {
	if x == (extra{}) {
		return nil
	}
	return &x
}

// Set replaces the i-th finding by f.
func (l *Findings) Set(i int, f Finding) {
	*l.recs.at(i) = l.record(f, f.Message, "", 0)
}

// Suppress marks the i-th finding as suppressed (Finding.Suppressed).
func (l *Findings) Suppress(i int) { l.recs.at(i).suppressed = true }

// AppendMessage adds s to the end of the i-th finding's message. Equal
// messages keep sharing their text when the same s is added to each
// (e.g. the releases a finding applies to), at the cost of one map lookup.
func (l *Findings) AppendMessage(i int, s string) {
	r := l.recs.at(i)
	l.setText(r, l.textOf(r)+s)
}

// Clone returns a copy of l that shares nothing changeable with it.
func (l *Findings) Clone() Findings {
	return Findings{recs: l.recs.clone(), places: l.places.clone(), kinds: slices.Clone(l.kinds),
		texts: slices.Clone(l.texts), textIndex: maps.Clone(l.textIndex),
		pointers: slices.Clone(l.pointers), pointerIndex: maps.Clone(l.pointerIndex)}
}

// record builds the record of f with the message text, arg at at.
func (l *Findings) record(f Finding, text, arg string, at int) record {
	r := record{arg: arg, at: uint32(at), suppressed: f.Suppressed,
		place: l.place(f.Descriptor, f.File)}
	var textIn bool
	r.text, textIn = l.textIn(text)
	var kindIn bool
	r.kind, kindIn = l.kind(f.Rule, f.Severity)
	ptr, inTable := l.pointerIn(f.Pointer)
	r.pointer = ptr
	if f.Line == int(int32(f.Line)) && f.Column == int(int32(f.Column)) {
		r.line, r.col = int32(f.Line), int32(f.Column)
	} else {
		r.bigPos = true
	}
	fp := f.Fingerprint
	if fp != "" && fp == f.DefaultFingerprint() {
		fp = ""
	}
	if f.Subject != "" || fp != "" || r.bigPos || !inTable || !kindIn || !textIn {
		r.extra = &extra{subject: f.Subject, fingerprint: fp}
		if !textIn {
			r.extra.text = text
		}
		if !kindIn {
			r.extra.kind = kind{f.Rule, f.Severity}
		}
		if !inTable {
			r.extra.pointer = f.Pointer
		}
		if r.bigPos {
			r.extra.line, r.extra.col = f.Line, f.Column
		}
	}
	return r
}

// pointerIn returns the index of ptr in the pointer table, adding it when
// the table has room; false when ptr is not in the table.
func (l *Findings) pointerIn(ptr string) (uint16, bool) {
	if ptr == "" {
		return 0, true
	}
	if i, ok := l.pointerIndex[ptr]; ok {
		return i, true
	}
	if len(l.pointers) == 0 {
		l.pointers = append(l.pointers, "")
	}
	if len(l.pointers) > maxTexts {
		return 0, false
	}
	if l.pointerIndex == nil {
		l.pointerIndex = map[string]uint16{}
	}
	i := uint16(len(l.pointers))
	l.pointers = append(l.pointers, ptr)
	l.pointerIndex[ptr] = i
	return i, true
}

// pointer is the record's Finding.Pointer.
func (l *Findings) pointer(r *record) string {
	if r.extra != nil && r.extra.pointer != "" {
		return r.extra.pointer
	}
	if r.pointer == 0 {
		return ""
	}
	return l.pointers[r.pointer]
}

// place returns the index of the place (descriptor, file), shared with the
// last finding added when it is the same.
func (l *Findings) place(descriptor, file string) int32 {
	if n := l.places.len(); n > 0 && *l.places.at(n - 1) == (place{descriptor, file}) {
		return int32(n - 1)
	}
	l.places.append(place{descriptor, file})
	return int32(l.places.len() - 1)
}

// kind returns the index of (rule, sev) in the table of kinds, adding it
// when the table has room; false when it is not in the table.
func (l *Findings) kind(rule string, sev Severity) (uint16, bool) {
	k := kind{rule, sev}
	if i := slices.Index(l.kinds, k); i >= 0 {
		return uint16(i), true
	}
	if len(l.kinds) >= maxKinds {
		return noKind, false
	}
	l.kinds = append(l.kinds, k)
	return uint16(len(l.kinds) - 1), true
}

// kindOf is the record's rule and severity.
func (l *Findings) kindOf(r *record) kind {
	if r.kind == noKind {
		return r.extra.kind
	}
	return l.kinds[r.kind]
}

// message joins the record's message.
func (l *Findings) message(r *record) string {
	t := l.textOf(r)
	if r.arg == "" {
		return t
	}
	return t[:r.at] + r.arg + t[r.at:]
}

// MarshalJSON encodes the list as a JSON array of Finding objects.
func (l Findings) MarshalJSON() ([]byte, error) {
	return json.Marshal(l.Slice())
}

// UnmarshalJSON decodes a JSON array of Finding objects into the list.
func (l *Findings) UnmarshalJSON(data []byte) error {
	var fs []Finding
	if err := json.Unmarshal(data, &fs); err != nil {
		return err
	}
	*l = NewFindings(fs...)
	return nil
}

// subject, fingerprint and position read a record without building the
// whole Finding.
func (r *record) subject() string {
	if r.extra == nil {
		return ""
	}
	return r.extra.subject
}

func (r *record) position() (line, col int) {
	if r.bigPos {
		return r.extra.line, r.extra.col
	}
	return int(r.line), int(r.col)
}

// sort sorts the list in the report's order (see Report.Finalize): by the
// rank of each place, worked out once, then by descriptor name, rule,
// subject, file, line, column, pointer, message and fingerprint.
func (l *Findings) sort(o descriptorOrder) {
	if l.sorted(o) {
		return
	}
	ranks := l.ranks(o)
	perm := make([]int32, l.recs.len())
	for i := range perm {
		perm[i] = int32(i)
	}
	slices.SortStableFunc(perm, func(a, b int32) int { return l.compare(ranks, l.recs.at(int(a)), l.recs.at(int(b))) })
	l.recs.permute(perm)
}

// sorted reports whether the list is in the report's order.
func (l *Findings) sorted(o descriptorOrder) bool {
	ranks := l.ranks(o)
	for i := 1; i < l.recs.len(); i++ {
		if l.compare(ranks, l.recs.at(i-1), l.recs.at(i)) > 0 {
			return false
		}
	}
	return true
}

// ranks are the places' ranks in o.
func (l *Findings) ranks(o descriptorOrder) []int32 {
	ranks := make([]int32, l.places.len())
	for i := range ranks {
		p := l.places.at(i)
		ranks[i] = int32(o.rank(Finding{Descriptor: p.descriptor, File: p.file}))
	}
	return ranks
}

// compare orders two records in the report's order, building messages
// and fingerprints only for records equal up to them.
func (l *Findings) compare(ranks []int32, a, b *record) int {
	pa, pb := l.places.at(int(a.place)), l.places.at(int(b.place))
	ka, kb := l.kindOf(a), l.kindOf(b)
	if c := cmp.Or(
		cmp.Compare(ranks[a.place], ranks[b.place]),
		strings.Compare(pa.descriptor, pb.descriptor),
		strings.Compare(ka.rule, kb.rule),
		strings.Compare(a.subject(), b.subject()),
		strings.Compare(pa.file, pb.file),
	); c != 0 {
		return c
	}
	al, ac := a.position()
	bl, bc := b.position()
	if c := cmp.Or(
		cmp.Compare(al, bl),
		cmp.Compare(ac, bc),
		strings.Compare(l.pointer(a), l.pointer(b)),
	); c != 0 {
		return c
	}
	if c := strings.Compare(l.message(a), l.message(b)); c != 0 {
		return c
	}
	return strings.Compare(l.fingerprint(a), l.fingerprint(b))
}

// fingerprint is the record's Finding.Fingerprint.
func (l *Findings) fingerprint(r *record) string {
	if r.extra != nil && r.extra.fingerprint != "" {
		return r.extra.fingerprint
	}
	p := l.places.at(int(r.place))
	return Finding{Rule: l.kindOf(r).rule, Descriptor: p.descriptor, File: p.file, Pointer: l.pointer(r),
		Subject: r.subject()}.DefaultFingerprint()
}

// Fingerprint returns the i-th finding's fingerprint (At(i).Fingerprint)
// without building its message.
func (l *Findings) Fingerprint(i int) string { return l.fingerprint(l.recs.at(i)) }

// summary counts the findings: unsuppressed ones by severity, suppressed
// ones apart. Findings of an unknown severity are counted nowhere.
func (l *Findings) summary() Summary {
	var s Summary
	for i := range l.recs.len() {
		r := l.recs.at(i)
		if r.suppressed {
			s.Suppressed++
			continue
		}
		switch l.kindOf(r).severity {
		case Error:
			s.Errors++
		case Warning:
			s.Warnings++
		case Info:
			s.Infos++
		}
	}
	return s
}

// Severity returns the i-th finding's severity and whether it is
// suppressed, without building it.
func (l *Findings) Severity(i int) (Severity, bool) {
	r := l.recs.at(i)
	return l.kindOf(r).severity, r.suppressed
}

// Slice returns the findings as a []Finding of the caller's own, for a
// report small enough to hold them all at once.
func (l *Findings) Slice() []Finding {
	fs := make([]Finding, 0, l.Len())
	for _, f := range l.All() {
		fs = append(fs, f)
	}
	return fs
}

// Equal reports whether l and o hold equal findings in the same order.
func (l Findings) Equal(o Findings) bool {
	if l.Len() != o.Len() {
		return false
	}
	for i := range l.Len() {
		if l.At(i) != o.At(i) {
			return false
		}
	}
	return true
}

// AddFrom appends the i-th finding of src, kept as compactly as src keeps
// it (a spliced message stays spliced).
func (l *Findings) AddFrom(src *Findings, i int) { l.recs.append(l.recordFrom(src, i)) }

// SetFrom replaces the j-th finding by the i-th finding of src, as
// AddFrom keeps it.
func (l *Findings) SetFrom(j int, src *Findings, i int) { *l.recs.at(j) = l.recordFrom(src, i) }

// ShareFrom makes the j-th finding keep the strings of src's i-th finding
// in place of its own wherever the two are equal (its descriptor, file,
// message parts and subject), so that a list that merges the findings of
// one set loaded again (each release's load of the same files, see
// audit.LintReleases) keeps the newest load's strings rather than holding
// every load's copy of them. Nothing a reader sees changes.
func (l *Findings) ShareFrom(j int, src *Findings, i int) {
	r, s := l.recs.at(j), src.recs.at(i)
	if r.arg == s.arg {
		r.arg = s.arg
	}
	if r.text == noText && s.text == noText && r.extra.text == s.extra.text {
		r.extra.text = s.extra.text
	}
	p, sp := l.places.at(int(r.place)), src.places.at(int(s.place))
	if p.descriptor == sp.descriptor {
		p.descriptor = sp.descriptor
	}
	if p.file == sp.file {
		p.file = sp.file
	}
	if r.extra != nil && s.extra != nil && r.extra.subject == s.extra.subject {
		r.extra.subject = s.extra.subject
	}
}

// recordFrom is src's i-th record with its places, kinds, pointers and
// texts in l's tables.
func (l *Findings) recordFrom(src *Findings, i int) record {
	r := *src.recs.at(i)
	p := src.places.at(int(r.place))
	r.place = l.place(p.descriptor, p.file)
	k := src.kindOf(&r)
	ptr := src.pointer(&r)
	text := src.textOf(&r)
	var kindIn, ptrIn, textIn bool
	r.kind, kindIn = l.kind(k.rule, k.severity)
	r.pointer, ptrIn = l.pointerIn(ptr)
	r.text, textIn = l.textIn(text)
	var x extra
	if r.extra != nil {
		x = *r.extra
	}
	x.kind, x.pointer, x.text = kind{}, "", ""
	if !kindIn {
		x.kind = k
	}
	if !ptrIn {
		x.pointer = ptr
	}
	if !textIn {
		x.text = text
	}
	switch {
	case x == (extra{}):
		r.extra = nil
	case r.extra == nil || x != *r.extra:
		r.extra = &x
	}
	return r
}
