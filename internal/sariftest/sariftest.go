// Package sariftest checks SARIF logs against the official SARIF 2.1.0
// JSON Schema, for the tests of the packages that write SARIF. Only tests
// import it, so the schema never reaches the program.
package sariftest

import (
	_ "embed"

	"github.com/fwaudit/fwaudit/internal/schemacheck"
)

// SchemaID is the $id of the SARIF 2.1.0 schema.
const SchemaID = "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json"

// The official schema, unmodified; see README.md for its provenance.
//
//go:embed sarif-schema-2.1.0.json
var source []byte

var schema = schemacheck.New(SchemaID, source)

// Validate checks that data is one SARIF log conforming to SARIF 2.1.0,
// formats such as uri and uri-reference included. The error names every
// violation by JSON pointer.
func Validate(data []byte) error {
	return schema.Validate(data)
}
