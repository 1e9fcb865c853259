package report

import (
	"bytes"
	_ "embed"
	"fmt"
	"io"

	"github.com/fwaudit/fwaudit/internal/jsonstream"
	"github.com/fwaudit/fwaudit/internal/schemacheck"
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
// followed by a newline. The descriptors and findings, which grow with the
// set, are encoded one at a time rather than the whole document in memory.
func writeJSON(w io.Writer, r *Report, _ Options) error {
	head := *r
	var arrays []jsonstream.Array
	if r.Descriptors != nil {
		head.Descriptors = []Descriptor{}
		arrays = append(arrays, jsonstream.Array{Name: "descriptors", Len: len(r.Descriptors),
			Elem: func(i int) any { return &r.Descriptors[i] }})
	}
	head.Findings = Findings{}
	arrays = append(arrays, jsonstream.Array{Name: "findings", Len: r.Findings.Len(),
		Elem: func(i int) any { f := r.Findings.At(i); return &f }})
	return jsonstream.Write(w, &head, arrays...)
}

var embeddedSchema = schemacheck.New(SchemaID, schemaSource)

// ValidateJSON checks that data is one JSON report that conforms to
// Schema. The error names every violation by JSON pointer, one per line.
func ValidateJSON(data []byte) error {
	if err := embeddedSchema.Validate(data); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}
