package descriptor

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// maxDepth bounds the nesting of a document read as strict JSON (QEMU's
// view; a release's parser has its own bound, JSONSyntax.MaxDepth). Real
// descriptors nest four levels deep. It is also the depth down to which
// nodes are built: deeper values, which no member libvirt reads can hold,
// are checked without recursion (parser.deep), so hostile nesting cannot
// exhaust the stack.
const maxDepth = 64

// kind is the JSON type of a node.
type kind uint8

const (
	kindNull kind = iota
	kindBool
	kindNumber
	kindString
	kindArray
	kindObject
)

func (k kind) String() string {
	return [...]string{"null", "boolean", "number", "string", "array", "object"}[k]
}

// node is one JSON value with the byte offset where it starts, so that every
// finding can name a line and column.
type node struct {
	kind  kind
	truth bool // value of a boolean
	// quirks, on the document's root (zero on other nodes), are what the
	// document holds that a release's parser reads otherwise than strict
	// JSON (see Rules.Decode). They fill what was padding: a node is 88
	// bytes with them as without.
	quirks quirks
	off    int
	str    string  // decoded string, or the literal text of a number
	elems  []*node // array elements, or object values in document order
	keys   []string
}

// member returns the value of the last member named key (later duplicates
// win, as in libvirt's JSON parser and encoding/json).
func (n *node) member(key string) *node {
	for i := len(n.keys) - 1; i >= 0; i-- {
		if n.keys[i] == key {
			return n.elems[i]
		}
	}
	return nil
}

// lookup resolves an RFC 6901 JSON pointer.
func (n *node) lookup(ptr string) *node {
	if ptr == "" {
		return n
	}
	cur := n
	for _, tok := range strings.Split(ptr[1:], "/") {
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		switch cur.kind {
		case kindObject:
			cur = cur.member(tok)
		case kindArray:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(cur.elems) {
				return nil
			}
			cur = cur.elems[i]
		default:
			return nil
		}
		if cur == nil {
			return nil
		}
	}
	return cur
}

// toAny converts the tree into the generic form JSON Schema validators take:
// map[string]any, []any, string, bool, nil and json.Number-compatible numbers.
func (n *node) toAny() any {
	switch n.kind {
	case kindBool:
		return n.truth
	case kindNumber:
		return jsonNumber(n.str)
	case kindString:
		return n.str
	case kindArray:
		a := make([]any, len(n.elems))
		for i, e := range n.elems {
			a[i] = e.toAny()
		}
		return a
	case kindObject:
		m := make(map[string]any, len(n.keys))
		for i, k := range n.keys {
			m[k] = n.elems[i].toAny()
		}
		return m
	}
	return nil
}

// syntaxError is a JSON syntax error at a byte offset.
type syntaxError struct {
	off int
	msg string
}

func (e *syntaxError) Error() string { return e.msg }

// parser is a small recursive-descent JSON parser that keeps offsets.
type parser struct {
	data  []byte
	pos   int
	depth int
	// syn is the libvirt release's JSON, nil for strict JSON.
	syn *JSONSyntax
	// quirks records what the document holds that a release's parser
	// reads otherwise than strict JSON does.
	quirks quirks
}

// quirks are what a document accepted as strict JSON holds that some
// release's parser reads otherwise: a repeated member name, nesting deeper
// than a release accepts, a NUL character in a string, which libvirt's C
// strings end at, an integer too large for json-c, a string value that is
// not ASCII.
type quirks struct {
	dup      bool
	nul      bool
	bigInt   bool  // an integer out of 64 bits
	nonASCII bool  // a string value holds a byte above 0x7f
	depth    int32 // the deepest nesting (the document is level 1), at most MaxInt32
}

// same reports whether a document with quirks q, accepted as strict JSON,
// reads the same under syn: then its strict tree is the release's.
func (q quirks) same(syn *JSONSyntax) bool {
	if syn == nil {
		return true
	}
	return !q.nul && (!q.dup || syn.DuplicateKeys) && (syn.MaxDepth == 0 || int(q.depth) <= syn.MaxDepth) &&
		(!q.bigInt || !syn.IntRange) && (!q.nonASCII || syn.UTF8 != UTF8ValuesASCII)
}

// parseTree parses one document as strict JSON (RFC 8259, UTF-8), the last
// of repeated member names winning.
func parseTree(data []byte) (*node, error) {
	return parseTreeAs(data, nil)
}

// parseTreeAs parses one document as syn's parser reads it (strict JSON
// when syn is nil), the document's quirks on the root node.
func parseTreeAs(data []byte, syn *JSONSyntax) (*node, error) {
	p := &parser{data: data, syn: syn}
	n, err := p.document()
	if n != nil {
		n.quirks = p.quirks
	}
	return n, err
}

// depth32 is a nesting depth as quirks keep it.
func depth32(d int) int32 { return int32(min(d, math.MaxInt32)) }

func (p *parser) document() (*node, error) {
	data := p.data
	if len(data) >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF {
		return nil, &syntaxError{0, "byte order mark at start of file"}
	}
	p.skipSpace()
	if p.pos == len(p.data) {
		return nil, &syntaxError{p.pos, "unexpected end of JSON input: the file holds no JSON value"}
	}
	n, err := p.value()
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos < len(p.data) {
		return nil, p.errorf("invalid character %s after top-level value", p.quoteChar())
	}
	return n, nil
}

func (p *parser) errorf(format string, args ...any) error {
	return &syntaxError{p.pos, fmt.Sprintf(format, args...)}
}

func (p *parser) quoteChar() string {
	r, _ := utf8.DecodeRune(p.data[p.pos:])
	switch {
	case r == 0:
		return "NUL byte"
	case r == utf8.RuneError:
		return fmt.Sprintf("byte 0x%02x", p.data[p.pos])
	case r < 0x20:
		return fmt.Sprintf("control character %U", r)
	}
	return strconv.QuoteRune(r)
}

func (p *parser) skipSpace() {
	for p.pos < len(p.data) {
		switch c := p.data[p.pos]; c {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			if p.syn == nil || strings.IndexByte(p.syn.Space, c) < 0 {
				return
			}
			p.pos++
		}
	}
}

func (p *parser) value() (*node, error) {
	if p.pos < len(p.data) && (p.data[p.pos] == '{' || p.data[p.pos] == '[') {
		if p.syn != nil && p.depth >= maxDepth {
			return p.deep()
		}
		if p.data[p.pos] == '{' {
			return p.object()
		}
		return p.array()
	}
	return p.scalar()
}

// scalar parses the string, number or literal at p.pos.
func (p *parser) scalar() (*node, error) {
	if p.pos >= len(p.data) {
		return nil, p.errorf("unexpected end of JSON input")
	}
	start := p.pos
	// A scalar is one level deeper than its array or object, which a
	// release's bound counts.
	p.quirks.depth = max(p.quirks.depth, depth32(p.depth+1))
	if p.syn != nil && p.syn.MaxDepth > 0 && p.depth+1 > p.syn.MaxDepth {
		return nil, p.errorf("nesting deeper than %d levels", p.syn.MaxDepth)
	}
	if p.syn != nil {
		for _, w := range p.syn.NonFinite {
			if bytes.HasPrefix(p.data[p.pos:], []byte(w)) {
				p.pos += len(w)
				return &node{kind: kindNumber, off: start, str: w}, nil
			}
		}
	}
	switch c := p.data[p.pos]; {
	case c == '"':
		s, err := p.string(false)
		if err != nil {
			return nil, err
		}
		return &node{kind: kindString, off: start, str: s}, nil
	case c == 't':
		return p.literal("true", &node{kind: kindBool, off: start, truth: true})
	case c == 'f':
		return p.literal("false", &node{kind: kindBool, off: start})
	case c == 'n':
		return p.literal("null", &node{kind: kindNull, off: start})
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	}
	return nil, p.errorf("invalid character %s looking for beginning of value", p.quoteChar())
}

func (p *parser) literal(word string, n *node) (*node, error) {
	if !strings.HasPrefix(string(p.data[p.pos:min(len(p.data), p.pos+len(word))]), word) {
		return nil, p.errorf("invalid literal: expected %q", word)
	}
	p.pos += len(word)
	return n, nil
}

// enter opens an array or object, one level deeper.
func (p *parser) enter() error {
	p.depth++
	p.quirks.depth = max(p.quirks.depth, depth32(p.depth))
	limit := maxDepth
	if p.syn != nil {
		limit = p.syn.MaxDepth
	}
	if limit > 0 && p.depth > limit {
		return p.errorf("nesting deeper than %d levels", limit)
	}
	return nil
}

// member records key as the next member name of an object whose names so
// far are keys (seen indexes them once there are many) and reports a
// repeated name as p.syn's parser does: an error, or a quirk.
func (p *parser) member(keys []string, seen map[string]struct{}, key string, at int) (map[string]struct{}, error) {
	dup := false
	if seen != nil {
		_, dup = seen[key]
		seen[key] = struct{}{}
	} else {
		dup = slices.Contains(keys, key)
		if len(keys) >= 8 {
			seen = make(map[string]struct{}, 2*len(keys))
			for _, k := range keys {
				seen[k] = struct{}{}
			}
			seen[key] = struct{}{}
		}
	}
	if dup {
		p.quirks.dup = true
		if p.syn != nil && !p.syn.DuplicateKeys {
			return seen, &syntaxError{at, fmt.Sprintf("duplicate key %q", key)}
		}
	}
	return seen, nil
}

func (p *parser) object() (*node, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	n := &node{kind: kindObject, off: p.pos}
	p.pos++ // '{'
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		p.depth--
		return n, nil
	}
	var seen map[string]struct{}
	for {
		p.skipSpace()
		if p.pos >= len(p.data) {
			return nil, p.errorf("unexpected end of JSON input in object")
		}
		if p.data[p.pos] != '"' {
			return nil, p.errorf("invalid character %s looking for beginning of object key string", p.quoteChar())
		}
		at := p.pos
		key, err := p.string(true)
		if err != nil {
			return nil, err
		}
		if seen, err = p.member(n.keys, seen, key, at); err != nil {
			return nil, err
		}
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			if p.pos >= len(p.data) {
				return nil, p.errorf("unexpected end of JSON input after object key")
			}
			return nil, p.errorf("invalid character %s after object key", p.quoteChar())
		}
		p.pos++
		p.skipSpace()
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		n.keys = append(n.keys, key)
		n.elems = append(n.elems, v)
		p.skipSpace()
		if p.pos >= len(p.data) {
			return nil, p.errorf("unexpected end of JSON input in object")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case '}':
			p.pos++
			p.depth--
			return n, nil
		default:
			return nil, p.errorf("invalid character %s after object key:value pair", p.quoteChar())
		}
	}
}

func (p *parser) array() (*node, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	n := &node{kind: kindArray, off: p.pos}
	p.pos++ // '['
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		p.depth--
		return n, nil
	}
	for {
		p.skipSpace()
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		n.elems = append(n.elems, v)
		p.skipSpace()
		if p.pos >= len(p.data) {
			return nil, p.errorf("unexpected end of JSON input in array")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case ']':
			p.pos++
			p.depth--
			return n, nil
		default:
			return nil, p.errorf("invalid character %s after array element", p.quoteChar())
		}
	}
}

func (p *parser) number() (*node, error) {
	start := p.pos
	d := p.data
	if d[p.pos] == '-' {
		p.pos++
	}
	digits := func() int {
		s := p.pos
		for p.pos < len(d) && d[p.pos] >= '0' && d[p.pos] <= '9' {
			p.pos++
		}
		return p.pos - s
	}
	if p.pos < len(d) && d[p.pos] == '0' {
		p.pos++
	} else if digits() == 0 {
		return nil, p.errorf("invalid number: expected a digit")
	}
	if p.pos < len(d) && d[p.pos] == '.' {
		p.pos++
		if digits() == 0 && (p.syn == nil || !p.syn.EmptyFraction) {
			return nil, p.errorf("invalid number: expected a digit after decimal point")
		}
	}
	integer := !bytes.ContainsRune(d[start:p.pos], '.')
	if p.pos < len(d) && (d[p.pos] == 'e' || d[p.pos] == 'E') {
		integer = false
		p.pos++
		if p.pos < len(d) && (d[p.pos] == '+' || d[p.pos] == '-') {
			p.pos++
		}
		if digits() == 0 {
			return nil, p.errorf("invalid number: expected a digit in exponent")
		}
	}
	text := string(d[start:p.pos])
	if integer && len(text) > 18 { // shorter ones are in range
		var err error
		if text[0] == '-' {
			_, err = strconv.ParseInt(text, 10, 64)
		} else {
			_, err = strconv.ParseUint(text, 10, 64)
		}
		if err != nil {
			p.quirks.bigInt = true
			if p.syn != nil && p.syn.IntRange {
				p.pos = start
				return nil, p.errorf("integer %s out of range", text)
			}
		}
	}
	return &node{kind: kindNumber, off: start, str: text}, nil
}

// string parses a JSON string at p.pos (which holds the opening quote). Its
// bytes must be UTF-8, as every release's parser and QEMU's require. An
// escaped NUL (\u0000) is a quirk; a release's parser hands the string on
// as a C string, which ends there.
func (p *parser) string(key bool) (string, error) {
	p.pos++
	d := p.data
	start := p.pos
	// Fast path: no escapes.
	for p.pos < len(d) {
		c := d[p.pos]
		if c == '"' {
			if err := p.checkUTF8(start, p.pos, key); err != nil {
				return "", err
			}
			s := string(d[start:p.pos])
			p.pos++
			return s, nil
		}
		if c == '\\' {
			break
		}
		if c < 0x20 {
			return "", p.errorf("invalid %s in string literal", p.quoteChar())
		}
		p.pos++
	}
	var b strings.Builder
	b.Write(d[start:p.pos])
	cut := -1 // where an escaped NUL ends the string for a release's parser
	for p.pos < len(d) {
		c := d[p.pos]
		switch {
		case c == '"':
			if err := p.checkUTF8(start, p.pos, key); err != nil {
				return "", err
			}
			p.pos++
			if cut >= 0 {
				return b.String()[:cut], nil
			}
			return b.String(), nil
		case c < 0x20:
			return "", p.errorf("invalid %s in string literal", p.quoteChar())
		case c != '\\':
			b.WriteByte(c)
			p.pos++
			continue
		}
		p.pos++
		if p.pos >= len(d) {
			break
		}
		switch e := d[p.pos]; e {
		case '"', '\\', '/':
			b.WriteByte(e)
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r, ok := p.hex4(p.pos + 1)
			if !ok {
				return "", p.errorf("invalid \\u escape in string literal")
			}
			p.pos += 4
			if utf16.IsSurrogate(r) {
				if r2, ok := p.hex4(p.pos + 3); ok && p.pos+2 < len(d) && d[p.pos+1] == '\\' && d[p.pos+2] == 'u' {
					if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
						r = dec
						p.pos += 6
					} else {
						r = utf8.RuneError
					}
				} else {
					r = utf8.RuneError
				}
			}
			if r == 0 {
				p.quirks.nul = true
				if p.syn != nil && cut < 0 {
					cut = b.Len()
				}
			}
			b.WriteRune(r)
		default:
			return "", p.errorf("invalid escape %s in string literal", p.quoteChar())
		}
		p.pos++
	}
	return "", &syntaxError{len(d), "unexpected end of JSON input in string literal"}
}

// checkUTF8 reports the first byte of data[start:end], a member name when
// key is set, that is not UTF-8 as the parser reads it (see UTF8Check;
// strict JSON is UTF8Full).
func (p *parser) checkUTF8(start, end int, key bool) error {
	raw := p.data[start:end]
	check := UTF8Full
	if p.syn != nil {
		check = p.syn.UTF8
	}
	if !key {
		if i := firstNonASCII(raw); i >= 0 {
			p.quirks.nonASCII = true
			if check == UTF8ValuesASCII {
				return &syntaxError{start + i, fmt.Sprintf("byte 0x%02x in a string value", raw[i])}
			}
		}
	}
	if check != UTF8Lead && utf8.Valid(raw) {
		return nil
	}
	for i := 0; i < len(raw); {
		size := 0
		if check == UTF8Lead {
			size = leadSize(raw[i:])
		} else if r, n := utf8.DecodeRune(raw[i:]); r != utf8.RuneError || n > 1 {
			size = n
		}
		if size == 0 {
			return &syntaxError{start + i, fmt.Sprintf("invalid UTF-8 byte 0x%02x in string literal", raw[i])}
		}
		i += size
	}
	return nil
}

// firstNonASCII is the index of the first byte of b above 0x7f, or -1.
func firstNonASCII(b []byte) int {
	for i, c := range b {
		if c >= utf8.RuneSelf {
			return i
		}
	}
	return -1
}

// leadSize is the length of the UTF8Lead sequence b starts with, or 0 when
// b does not start with one: an ASCII byte, or a lead byte (110xxxxx,
// 1110xxxx, 11110xxx) followed by as many continuation bytes (10xxxxxx) as
// it announces, whatever they encode.
func leadSize(b []byte) int {
	n := 0
	switch c := b[0]; {
	case c < 0x80:
		return 1
	case c&0xE0 == 0xC0:
		n = 2
	case c&0xF0 == 0xE0:
		n = 3
	case c&0xF8 == 0xF0:
		n = 4
	default:
		return 0
	}
	if len(b) < n {
		return 0
	}
	for _, c := range b[1:n] {
		if c&0xC0 != 0x80 {
			return 0
		}
	}
	return n
}

func (p *parser) hex4(at int) (rune, bool) {
	if at+4 > len(p.data) {
		return 0, false
	}
	v, err := strconv.ParseUint(string(p.data[at:at+4]), 16, 32)
	if err != nil {
		return 0, false
	}
	return rune(v), true
}

// pointerOffset returns the byte offset of the value at the JSON pointer
// ptr ("" or starting with "/") in data, or of its nearest existing
// ancestor, as treePosition finds it in the parsed tree: later duplicate
// keys win, array indexes are read by strconv.Atoi. The values off the path
// are skipped, not built. Any bytes are safe: for a document parseTree
// rejects, the walk stops where the bytes stop being the JSON it expects
// (or end) and returns the offset of the last container it reached on the
// path, never an offset past len(data).
func pointerOffset(data []byte, ptr string) int {
	p := &parser{data: data}
	p.skipSpace()
	best := p.pos
	for more := ptr != ""; more; {
		var tok string
		// A pointer ending in "/" ends with the empty key: more stays
		// true past the last "/", false after the last token.
		tok, ptr, more = strings.Cut(ptr[1:], "/")
		if more {
			ptr = "/" + ptr
		}
		if strings.Contains(tok, "~") {
			tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		}
		found := -1
		switch p.peek() {
		case '{':
			p.pos++
			for {
				p.skipSpace()
				if p.peek() != '"' {
					break // '}', or not JSON
				}
				match, ok := p.keyIs(tok)
				if p.skipSpace(); !ok || p.peek() != ':' {
					return best
				}
				p.pos++
				p.skipSpace()
				if match {
					found = p.pos
				}
				if !p.skip() {
					return best
				}
				p.skipSpace()
				if p.peek() == ',' {
					p.pos++
					continue
				}
				break
			}
		case '[':
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 {
				return best
			}
			p.pos++
			for k := 0; ; k++ {
				p.skipSpace()
				if p.peek() == ']' || p.pos >= len(p.data) {
					break
				}
				if k == i {
					found = p.pos
					break
				}
				if !p.skip() {
					return best
				}
				p.skipSpace()
				if p.peek() == ',' {
					p.pos++
					continue
				}
				break
			}
		}
		if found < 0 {
			return best
		}
		p.pos, best = found, found
	}
	return best
}

// peek returns the byte at p.pos, or 0 (which starts no JSON token) at the
// end of the data.
func (p *parser) peek() byte {
	if p.pos < len(p.data) {
		return p.data[p.pos]
	}
	return 0
}

// keyIs reads the object key at p.pos (which holds the opening quote) and
// reports whether it is key, decoding it only when it holds an escape. ok is
// false when the string does not end.
func (p *parser) keyIs(key string) (match, ok bool) {
	d := p.data
	start := p.pos + 1
	end := start
	for end < len(d) && d[end] != '"' && d[end] != '\\' {
		end++
	}
	if end >= len(d) {
		return false, false
	}
	if d[end] == '"' {
		p.pos = end + 1
		return string(d[start:end]) == key, true
	}
	s, err := p.string(true)
	return s == key, err == nil
}

// skip moves past the value at p.pos. It reports false when the data ends
// before the value or inside a string, an object or an array.
func (p *parser) skip() bool {
	d := p.data
	switch p.peek() {
	case 0:
		if p.pos >= len(d) {
			return false
		}
	case '"':
		return p.skipString()
	case '{', '[':
		for depth := 0; p.pos < len(d); {
			switch d[p.pos] {
			case '"':
				if !p.skipString() {
					return false
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					p.pos++
					return true
				}
			}
			p.pos++
		}
		return false
	}
	// A number or a literal.
	for p.pos < len(d) {
		switch d[p.pos] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return true
		}
		p.pos++
	}
	return true
}

// skipString moves past the string at p.pos (which holds the opening
// quote). It reports false, leaving p.pos at the end of the data, when the
// string does not end.
func (p *parser) skipString() bool {
	d := p.data
	for p.pos++; p.pos < len(d); p.pos++ {
		switch d[p.pos] {
		case '"':
			p.pos++
			return true
		case '\\':
			p.pos++
		}
	}
	p.pos = len(d)
	return false
}

// position converts a byte offset into a 1-based line and column (columns
// count bytes, as compilers do).
func position(data []byte, off int) (line, col int) {
	line, col = 1, 1
	if off > len(data) {
		off = len(data)
	}
	for _, c := range data[:off] {
		if c == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}

// deep reads the array or object at p.pos, nested deeper than maxDepth, as
// p.syn's parser does (its depth bound, repeated names, NUL and UTF-8
// rules) but without recursion and without building what it holds: no
// member libvirt reads lies that deep, so the node keeps only its kind and
// offset. Only a release's parser (p.syn set) nests that deep.
func (p *parser) deep() (*node, error) {
	d := p.data
	n := &node{kind: kindArray, off: p.pos}
	if d[p.pos] == '{' {
		n.kind = kindObject
	}
	type open struct {
		object bool
		keys   []string
		seen   map[string]struct{}
	}
	var stack []open
	base := p.depth
	// key reads an object's member name and the colon after it.
	key := func() error {
		p.skipSpace()
		if p.pos >= len(d) {
			return p.errorf("unexpected end of JSON input in object")
		}
		if d[p.pos] != '"' {
			return p.errorf("invalid character %s looking for beginning of object key string", p.quoteChar())
		}
		at := p.pos
		k, err := p.string(true)
		if err != nil {
			return err
		}
		if !p.syn.DuplicateKeys {
			top := &stack[len(stack)-1]
			if top.seen, err = p.member(top.keys, top.seen, k, at); err != nil {
				return err
			}
			if top.seen == nil {
				top.keys = append(top.keys, k)
			}
		}
		p.skipSpace()
		if p.pos >= len(d) {
			return p.errorf("unexpected end of JSON input after object key")
		}
		if d[p.pos] != ':' {
			return p.errorf("invalid character %s after object key", p.quoteChar())
		}
		p.pos++
		return nil
	}
	for {
		// A value starts here.
		p.skipSpace()
		if c := p.peek(); c == '{' || c == '[' {
			if err := p.enter(); err != nil {
				return nil, err
			}
			stack = append(stack, open{object: c == '{'})
			p.pos++
			p.skipSpace()
			if p.peek() != '}' && p.peek() != ']' {
				if c == '{' {
					if err := key(); err != nil {
						return nil, err
					}
				}
				continue
			}
			// Empty: closed below.
		} else if _, err := p.scalar(); err != nil {
			return nil, err
		}
		// After a value: a comma, or the end of containers.
		for next := false; !next; {
			if len(stack) == 0 {
				p.depth = base
				return n, nil
			}
			p.skipSpace()
			top := stack[len(stack)-1]
			closer := byte(']')
			if top.object {
				closer = '}'
			}
			switch c := p.peek(); {
			case p.pos >= len(d):
				return nil, p.errorf("unexpected end of JSON input in %s", map[bool]string{true: "object", false: "array"}[top.object])
			case c == ',':
				p.pos++
				if top.object {
					if err := key(); err != nil {
						return nil, err
					}
				}
				next = true
			case c == closer:
				p.pos++
				p.depth--
				stack = stack[:len(stack)-1]
			case top.object:
				return nil, p.errorf("invalid character %s after object key:value pair", p.quoteChar())
			default:
				return nil, p.errorf("invalid character %s after array element", p.quoteChar())
			}
		}
	}
}
