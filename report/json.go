package report

import (
	"bytes"
	_ "embed"
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

// SchemaID is the $id of the JSON Schema of the report.
const SchemaID = "https://fwaudit.invalid/schema/report/v1.json"

//go:embed schema/report.schema.json
var schemaSource []byte

// Schema returns the JSON Schema (draft 2020-12) of the JSON report, as
// embedded in the program. It describes exactly what this version writes:
// objects admit no members beyond those listed, and severities, statuses
// and profile sources are closed enums. The caller gets its own copy.
func Schema() []byte {
	return bytes.Clone(schemaSource)
}

// writeJSON writes the canonical form: the Report's fields in struct
// order, indented by two spaces, HTML characters left as they are,
// followed by a newline.
func writeJSON(w io.Writer, r *Report, _ Options) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

var compiledSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemaSource))
	if err != nil {
		return nil, fmt.Errorf("report: parsing embedded schema: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.UseLoader(noLoader{})
	if err := c.AddResource(SchemaID, doc); err != nil {
		return nil, fmt.Errorf("report: adding embedded schema: %w", err)
	}
	s, err := c.Compile(SchemaID)
	if err != nil {
		return nil, fmt.Errorf("report: compiling embedded schema: %w", err)
	}
	return s, nil
})

// noLoader refuses every URL, so compiling never reaches the network or
// the file system.
type noLoader struct{}

func (noLoader) Load(u string) (any, error) {
	return nil, fmt.Errorf("report: refusing to load %q: only the embedded schema is available", u)
}

// ValidateJSON checks that data is one JSON report that conforms to
// Schema. The error names every violation by JSON pointer, one per line.
func ValidateJSON(data []byte) error {
	s, err := compiledSchema()
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return fmt.Errorf("report: not JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("report: not JSON: data after the report")
	}
	err = s.Validate(doc)
	if err == nil {
		return nil
	}
	var verr *jsonschema.ValidationError
	if !errors.As(err, &verr) {
		return fmt.Errorf("report: %w", err)
	}
	var lines []string
	leaves(verr, &lines)
	return fmt.Errorf("report: does not conform to %s:\n%s", SchemaID, strings.Join(lines, "\n"))
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
