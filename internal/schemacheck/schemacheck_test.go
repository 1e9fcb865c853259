package schemacheck

import (
	"strings"
	"testing"
)

const testSchema = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "additionalProperties": false,
  "required": ["name"],
  "properties": {
    "name": {"type": "string"},
    "items": {"type": "array", "items": {"type": "integer", "maximum": 10}}
  }
}`

func TestValidate(t *testing.T) {
	s := New("https://fwaudit.invalid/test.json", []byte(testSchema))
	for _, tc := range []struct {
		name, doc string
		want      []string // substrings of the error; none: valid
	}{
		{"valid", `{"name": "x", "items": [1, 2]}`, nil},
		{"big number kept exact", `{"name": "x", "items": [10]}`, nil},
		{"missing member", `{}`, []string{"does not conform to https://fwaudit.invalid/test.json", "(root): missing property 'name'"}},
		{"every violation by pointer", `{"name": 1, "items": [1, 11, "a"]}`, []string{"/name: ", "/items/1: ", "/items/2: "}},
		{"escaped pointer", `{"name": "x", "a/b~": 1}`, []string{"(root): additional properties 'a/b~' not allowed"}},
		{"not JSON", `{"name": `, []string{"not JSON"}},
		{"two documents", `{"name": "x"} {}`, []string{"data after the document"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := s.Validate([]byte(tc.doc))
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate(%s) = nil, want an error with %q", tc.doc, tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestBrokenSchema(t *testing.T) {
	s := New("https://fwaudit.invalid/broken.json", []byte(`{"type": `))
	if err := s.Validate([]byte(`{}`)); err == nil || !strings.Contains(err.Error(), "embedded schema https://fwaudit.invalid/broken.json") {
		t.Fatalf("Validate with a broken schema = %v", err)
	}
}

func TestNoLoading(t *testing.T) {
	s := New("https://fwaudit.invalid/ref.json", []byte(`{"$ref": "https://example.com/other.json"}`))
	err := s.Validate([]byte(`{}`))
	if err == nil || !strings.Contains(err.Error(), "only the embedded schema") {
		t.Fatalf("Validate with an external $ref = %v, want a refusal to load", err)
	}
}

func TestFormatAsserted(t *testing.T) {
	s := New("https://fwaudit.invalid/date.json", []byte(`{"type": "string", "format": "date"}`))
	if err := s.Validate([]byte(`"2026-12-04"`)); err != nil {
		t.Fatalf("a date: %v", err)
	}
	if err := s.Validate([]byte(`"04.12.2026"`)); err == nil {
		t.Fatal("a string that is no date passed a format: date schema")
	}
}
