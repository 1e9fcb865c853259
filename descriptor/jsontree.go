package descriptor

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// maxDepth bounds the nesting of a descriptor document. Real descriptors nest
// four levels deep; the bound keeps hostile input from exhausting the stack.
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
	off   int
	str   string  // decoded string, or the literal text of a number
	truth bool    // value of a boolean
	elems []*node // array elements, or object values in document order
	keys  []string
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
}

// parseTree parses one JSON document.
func parseTree(data []byte) (*node, error) {
	p := &parser{data: data}
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
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *parser) value() (*node, error) {
	if p.pos >= len(p.data) {
		return nil, p.errorf("unexpected end of JSON input")
	}
	start := p.pos
	switch c := p.data[p.pos]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		s, err := p.string()
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

func (p *parser) enter() error {
	p.depth++
	if p.depth > maxDepth {
		return p.errorf("nesting deeper than %d levels", maxDepth)
	}
	return nil
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
	for {
		p.skipSpace()
		if p.pos >= len(p.data) {
			return nil, p.errorf("unexpected end of JSON input in object")
		}
		if p.data[p.pos] != '"' {
			return nil, p.errorf("invalid character %s looking for beginning of object key string", p.quoteChar())
		}
		key, err := p.string()
		if err != nil {
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
		if digits() == 0 {
			return nil, p.errorf("invalid number: expected a digit after decimal point")
		}
	}
	if p.pos < len(d) && (d[p.pos] == 'e' || d[p.pos] == 'E') {
		p.pos++
		if p.pos < len(d) && (d[p.pos] == '+' || d[p.pos] == '-') {
			p.pos++
		}
		if digits() == 0 {
			return nil, p.errorf("invalid number: expected a digit in exponent")
		}
	}
	return &node{kind: kindNumber, off: start, str: string(d[start:p.pos])}, nil
}

// string parses a JSON string at p.pos (which holds the opening quote).
func (p *parser) string() (string, error) {
	p.pos++
	d := p.data
	start := p.pos
	// Fast path: no escapes.
	for p.pos < len(d) {
		c := d[p.pos]
		if c == '"' {
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
	for p.pos < len(d) {
		c := d[p.pos]
		switch {
		case c == '"':
			p.pos++
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
			b.WriteRune(r)
		default:
			return "", p.errorf("invalid escape %s in string literal", p.quoteChar())
		}
		p.pos++
	}
	return "", &syntaxError{len(d), "unexpected end of JSON input in string literal"}
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
	s, err := p.string()
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
