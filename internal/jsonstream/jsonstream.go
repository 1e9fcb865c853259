// Package jsonstream writes a large JSON document the way encoding/json's
// indented Encoder writes it, without holding the whole document in memory:
// the big arrays among its top-level members are encoded one element at a
// time.
package jsonstream

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// Array is a top-level member of a document whose elements are encoded one
// at a time.
type Array struct {
	// Name is the member's JSON name.
	Name string
	// Len is the number of elements; Elem returns element i (a pointer
	// saves a copy).
	Len  int
	Elem func(i int) any
}

// Write writes head as json.Encoder does with SetIndent("", "  ") and
// SetEscapeHTML(false), except that the top-level members named by arrays,
// which must be empty (non-nil) arrays in head, are filled from their
// Arrays, given in document order. The bytes are those the Encoder writes for the document with the
// arrays filled in. Only head and one element at a time are held in memory.
func Write(w io.Writer, head any, arrays ...Array) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(head); err != nil {
		return err
	}
	doc := buf.Bytes()
	bw := bufio.NewWriterSize(w, 64<<10)
	// An element is two levels deep: in the document's object, then in
	// the array.
	var eb bytes.Buffer
	eenc := json.NewEncoder(&eb)
	eenc.SetIndent("    ", "  ")
	eenc.SetEscapeHTML(false)
	for _, a := range arrays {
		// A top-level member starts a line indented by two spaces; members
		// deeper down are indented further and a newline inside a string
		// is escaped, so the marker matches only the member itself.
		marker := []byte("\n  " + quote(a.Name) + ": []")
		i := bytes.Index(doc, marker)
		if i < 0 {
			return fmt.Errorf("jsonstream: no empty top-level array %q in the document", a.Name)
		}
		open := i + len(marker) - 2 // the '['
		bw.Write(doc[:open+1])
		doc = doc[open+1:] // from the ']'
		if a.Len == 0 {
			continue
		}
		for k := range a.Len {
			eb.Reset()
			if err := eenc.Encode(a.Elem(k)); err != nil {
				return err
			}
			if k > 0 {
				bw.WriteByte(',')
			}
			bw.WriteString("\n    ")
			bw.Write(bytes.TrimSuffix(eb.Bytes(), []byte("\n")))
		}
		bw.WriteString("\n  ")
	}
	bw.Write(doc)
	return bw.Flush()
}

func quote(name string) string {
	b, _ := json.Marshal(name)
	return string(b)
}
