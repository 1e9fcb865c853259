// Package schemacheck validates the program's own JSON outputs against the
// JSON Schemas embedded in it. A schema is compiled once, on first use,
// and never loads anything else (no network, no file system); a violation
// is reported by JSON pointer, one per line.
package schemacheck

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Schema is an embedded JSON Schema (draft 2020-12 unless it says
// otherwise), compiled on first use. Its "format" keywords are asserted,
// not just annotations.
type Schema struct {
	id       string
	compiled func() (*jsonschema.Schema, error)
}

// New returns the schema whose source is src, known by id (its $id).
func New(id string, src []byte) *Schema {
	return &Schema{id: id, compiled: sync.OnceValues(func() (*jsonschema.Schema, error) {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(src))
		if err != nil {
			return nil, fmt.Errorf("embedded schema %s: %w", id, err)
		}
		c := jsonschema.NewCompiler()
		c.DefaultDraft(jsonschema.Draft2020)
		c.UseLoader(noLoader{})
		c.AssertFormat()
		if err := c.AddResource(id, doc); err != nil {
			return nil, fmt.Errorf("embedded schema %s: %w", id, err)
		}
		s, err := c.Compile(id)
		if err != nil {
			return nil, fmt.Errorf("embedded schema %s: %w", id, err)
		}
		return s, nil
	})}
}

// ID is the schema's $id.
func (s *Schema) ID() string { return s.id }

// noLoader refuses every URL: only the embedded schema is available.
type noLoader struct{}

func (noLoader) Load(u string) (any, error) {
	return nil, fmt.Errorf("refusing to load %q: only the embedded schema is available", u)
}

// Validate checks that data is exactly one JSON document (numbers kept as
// written) that conforms to the schema. A document that does not conform
// gets an error listing every violation as "POINTER: MESSAGE", one per
// line, after a line naming the schema.
func (s *Schema) Validate(data []byte) error {
	sch, err := s.compiled()
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("not JSON: data after the document")
	}
	err = sch.Validate(doc)
	if err == nil {
		return nil
	}
	var verr *jsonschema.ValidationError
	if !errors.As(err, &verr) {
		return err
	}
	var lines []string
	leaves(verr, &lines)
	return fmt.Errorf("does not conform to %s:\n%s", s.id, strings.Join(lines, "\n"))
}

var printer = message.NewPrinter(language.English)

// leaves appends "POINTER: MESSAGE" for every leaf of the error tree.
func leaves(e *jsonschema.ValidationError, out *[]string) {
	if len(e.Causes) == 0 {
		ptr := ""
		for _, t := range e.InstanceLocation {
			ptr += "/" + strings.ReplaceAll(strings.ReplaceAll(t, "~", "~0"), "/", "~1")
		}
		if ptr == "" {
			ptr = "(root)"
		}
		*out = append(*out, ptr+": "+e.ErrorKind.LocalizedString(printer))
		return
	}
	for _, c := range e.Causes {
		leaves(c, out)
	}
}
