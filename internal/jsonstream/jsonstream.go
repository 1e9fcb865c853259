// Package jsonstream writes a large JSON document the way encoding/json's
// indented Encoder writes it, without holding the whole document in memory:
// the big arrays in it are encoded one element at a time.
package jsonstream

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// Array is a member of a document whose elements are encoded one at a
// time.
type Array struct {
	// Name is the JSON name of a member of the document's top-level
	// object. Path, when set, names a member deeper down instead.
	Name string
	// Path leads from the document's top to the member: the names of
	// object members and, for array elements, their indices in decimal
	// ({"runs", "0", "results"} is the member "results" of the first
	// element of the top-level member "runs").
	Path []string
	// Len is the number of elements; Elem returns element i (a pointer
	// saves a copy).
	Len  int
	Elem func(i int) any
}

func (a *Array) path() []string {
	if a.Path != nil {
		return a.Path
	}
	return []string{a.Name}
}

// Write writes head as json.Encoder does with SetIndent("", "  ") and
// SetEscapeHTML(false), except that the members named by arrays, which
// must be empty (non-nil) arrays in head, are filled from their Arrays.
// The bytes are those the Encoder writes for the document with the arrays
// filled in. Only head and one element at a time are held in memory.
func Write(w io.Writer, head any, arrays ...Array) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(head); err != nil {
		return err
	}
	doc := buf.Bytes()
	spots, err := locate(doc, arrays)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	var eb bytes.Buffer
	eenc := json.NewEncoder(&eb)
	eenc.SetEscapeHTML(false)
	done := 0 // doc[:done] is written
	for _, s := range spots {
		bw.Write(doc[done:s.open]) // up to and with the '['
		done = s.open
		a := &arrays[s.array]
		if a.Len == 0 {
			continue
		}
		// An element starts a line indented by its depth; the ']' goes
		// on a line of its own, one level out.
		indent := strings.Repeat("  ", s.depth)
		eenc.SetIndent(indent, "  ")
		for k := range a.Len {
			eb.Reset()
			if err := eenc.Encode(a.Elem(k)); err != nil {
				return err
			}
			if k > 0 {
				bw.WriteByte(',')
			}
			bw.WriteString("\n")
			bw.WriteString(indent)
			bw.Write(bytes.TrimSuffix(eb.Bytes(), []byte("\n")))
		}
		bw.WriteString("\n")
		bw.WriteString(indent[2:])
	}
	bw.Write(doc[done:])
	return bw.Flush()
}

// spot is where an array is filled in: after the '[' at doc[open-1], its
// elements depth levels deep (the top-level object's members are 1).
type spot struct {
	array, open, depth int
}

// locate finds the empty arrays named by arrays in doc, in document order.
func locate(doc []byte, arrays []Array) ([]spot, error) {
	want := map[string]int{}
	for i := range arrays {
		key := strings.Join(arrays[i].path(), "\x00")
		if _, dup := want[key]; dup {
			return nil, fmt.Errorf("jsonstream: array %q given twice", strings.Join(arrays[i].path(), "/"))
		}
		want[key] = i
	}
	// frame is an open object or array: the name of the member being
	// read, or the index of the element.
	type frame struct {
		object, wantKey bool
		key             string
		index           int
	}
	var stack []frame
	pathKey := func() string {
		var b strings.Builder
		for i, f := range stack {
			if i > 0 {
				b.WriteByte(0)
			}
			if f.object {
				b.WriteString(f.key)
			} else {
				b.WriteString(strconv.Itoa(f.index))
			}
		}
		return b.String()
	}
	// valueDone moves the innermost container past a value.
	valueDone := func() {
		if len(stack) == 0 {
			return
		}
		top := &stack[len(stack)-1]
		if top.object {
			top.wantKey = true
		} else {
			top.index++
		}
	}
	var spots []spot
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if n := len(stack); n > 0 && stack[n-1].object && stack[n-1].wantKey {
			if key, ok := tok.(string); ok {
				stack[n-1].key, stack[n-1].wantKey = key, false
				continue
			}
		}
		switch tok {
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
			valueDone()
			continue
		case json.Delim('['):
			if i, ok := want[pathKey()]; ok && len(stack) > 0 {
				delete(want, pathKey())
				open := int(dec.InputOffset())
				if !dec.More() {
					spots = append(spots, spot{array: i, open: open, depth: len(stack) + 1})
				}
			}
			stack = append(stack, frame{})
			continue
		case json.Delim('{'):
			stack = append(stack, frame{object: true, wantKey: true})
			continue
		}
		valueDone()
	}
	if len(spots) < len(arrays) {
		for i := range arrays {
			if !slices.ContainsFunc(spots, func(s spot) bool { return s.array == i }) {
				return nil, fmt.Errorf("jsonstream: no empty array %q in the document", strings.Join(arrays[i].path(), "/"))
			}
		}
	}
	return spots, nil
}
