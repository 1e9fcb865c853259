package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSchemaID(t *testing.T) {
	var doc struct {
		ID     string `json:"$id"`
		Schema string `json:"$schema"`
	}
	if err := json.Unmarshal(Schema(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.ID != SchemaID {
		t.Errorf("$id = %q, SchemaID = %q", doc.ID, SchemaID)
	}
	if doc.Schema != "https://json-schema.org/draft/2020-12/schema" {
		t.Errorf("$schema = %q, want draft 2020-12", doc.Schema)
	}
	s := Schema()
	s[0] = 'x'
	if Schema()[0] != '{' {
		t.Errorf("Schema returned the embedded slice itself")
	}
}

func TestGoldenJSONValidates(t *testing.T) {
	for name, data := range goldenFiles(t, ".json") {
		if err := ValidateJSON(data); err != nil {
			t.Errorf("%s.json: %v", name, err)
		}
	}
}

// TestGoldenJSONRoundTrip decodes each golden report and compares it with
// its finalized fixture: the JSON form loses nothing.
func TestGoldenJSONRoundTrip(t *testing.T) {
	for _, fx := range fixtures {
		data := goldenFiles(t, ".json")[fx.name]
		var got Report
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&got); err != nil {
			t.Fatalf("%s: %v", fx.name, err)
		}
		want := fx.make().finalized()
		// encoding/json replaces invalid UTF-8 with U+FFFD.
		fs := want.Findings.Slice()
		for i := range fs {
			fs[i].Message = strings.ToValidUTF8(fs[i].Message, "\uFFFD")
		}
		want.Findings = NewFindings(fs...)
		if diff := cmp.Diff(want, &got); diff != "" {
			t.Errorf("%s: decoded golden differs from the fixture (-want +got):\n%s", fx.name, diff)
		}
	}
}

func TestJSONFieldOrder(t *testing.T) {
	data := goldenFiles(t, ".json")["problems"]
	keys := []string{`"schema_version"`, `"tool"`, `"profile"`, `"profile_source"`, `"qemu"`, `"source"`, `"dirs"`, `"descriptors"`, `"rules"`, `"findings"`, `"coverage"`, `"domains"`, `"summary"`}
	last := -1
	for _, k := range keys {
		i := bytes.Index(data, []byte("\n  "+k+":"))
		if i < 0 || i < last {
			t.Fatalf("top-level key %s missing or out of order", k)
		}
		last = i
	}
	if !bytes.HasSuffix(data, []byte("}\n")) {
		t.Errorf("JSON does not end with a newline")
	}
	if odd := goldenFiles(t, ".json")["odd"]; !bytes.Contains(odd, []byte("<angle> & ampersand")) {
		t.Errorf("HTML characters are escaped in odd.json")
	}
}

// TestSchemaRejects breaks a valid report in one way at a time: the
// schema must notice each, and name the place.
func TestSchemaRejects(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(m map[string]any)
		wantPtr string
	}{
		{"wrong schema version", func(m map[string]any) { m["schema_version"] = 2 }, "/schema_version"},
		{"unknown top-level member", func(m map[string]any) { m["extra"] = true }, "(root)"},
		{"missing summary", func(m map[string]any) { delete(m, "summary") }, "(root)"},
		{"bad profile source", func(m map[string]any) { m["profile_source"] = "guessed" }, "/profile_source"},
		{"unknown severity", func(m map[string]any) { finding(m, 0)["severity"] = "fatal" }, "/findings/0/severity"},
		{"missing fingerprint", func(m map[string]any) { delete(finding(m, 0), "fingerprint") }, "/findings/0"},
		{"empty fingerprint", func(m map[string]any) { finding(m, 0)["fingerprint"] = "" }, "/findings/0/fingerprint"},
		{"line zero", func(m map[string]any) { finding(m, 0)["line"] = 0 }, "/findings/0/line"},
		{"pointer without slash", func(m map[string]any) { finding(m, 0)["pointer"] = "features" }, "/findings/0/pointer"},
		{"unknown finding member", func(m map[string]any) { finding(m, 0)["note"] = "x" }, "/findings/0"},
		{"unknown coverage status", func(m map[string]any) { m["coverage"].([]any)[0].(map[string]any)["status"] = "partial" }, "/coverage/0/status"},
		{"unknown descriptor status", func(m map[string]any) { m["descriptors"].([]any)[0].(map[string]any)["status"] = "hidden" }, "/descriptors/0/status"},
		{"rule id not kebab-case", func(m map[string]any) { m["rules"].([]any)[0].(map[string]any)["id"] = "CoverageGap" }, "/rules/0/id"},
		{"negative count", func(m map[string]any) { m["summary"].(map[string]any)["errors"] = -1 }, "/summary/errors"},
		{"domain without changes", func(m map[string]any) { delete(m["domains"].([]any)[0].(map[string]any), "changes") }, "/domains/0"},
		{"dirs not strings", func(m map[string]any) { m["dirs"] = []any{1} }, "/dirs/0"},
	}
	valid := goldenFiles(t, ".json")["problems"]
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m map[string]any
			if err := json.Unmarshal(valid, &m); err != nil {
				t.Fatal(err)
			}
			tt.edit(m)
			data, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			err = ValidateJSON(data)
			if err == nil {
				t.Fatalf("broken report validates")
			}
			if !strings.Contains(err.Error(), "\n"+tt.wantPtr+": ") {
				t.Errorf("error does not name %s:\n%v", tt.wantPtr, err)
			}
		})
	}
}

func finding(m map[string]any, i int) map[string]any {
	return m["findings"].([]any)[i].(map[string]any)
}

func TestValidateJSONNotJSON(t *testing.T) {
	for _, data := range []string{"", "{", "[] []", `{"schema_version": 1} x`} {
		err := ValidateJSON([]byte(data))
		if err == nil || !strings.Contains(err.Error(), "not JSON") {
			t.Errorf("ValidateJSON(%q) = %v, want a not-JSON error", data, err)
		}
	}
}

// TestJSONStreamed: writeJSON, which encodes descriptors and findings one
// at a time, writes encoding/json's bytes for the whole report (indented,
// HTML left unescaped), for every fixture, a zero report (null arrays) and
// a report of zero entries.
func TestJSONStreamed(t *testing.T) {
	reports := map[string]*Report{
		"zero":         {},
		"zero entries": {Findings: NewFindings(Finding{}), Coverage: []Coverage{{}}, Domains: []DomainImpact{{}}, Descriptors: []Descriptor{{}}, Rules: []Rule{{}}},
		"empty":        {Findings: NewFindings(), Descriptors: []Descriptor{}},
	}
	for _, fx := range fixtures {
		reports[fx.name] = fx.make().finalized()
	}
	for name, r := range reports {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(r); err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		if err := writeJSON(&got, r, Options{}); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if diff := cmp.Diff(want.String(), got.String()); diff != "" {
			t.Errorf("%s: writeJSON differs from encoding/json (-want +got):\n%s", name, diff)
		}
	}
}
