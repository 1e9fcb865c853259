package varstore

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var at = time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)

func summaryOf(t *testing.T, names ...string) *Summary {
	s := &Summary{SchemaVersion: SummarySchemaVersion, At: at.Format(time.DateOnly)}
	for _, n := range names {
		img, err := ReadBytes(n, fixture(t, n))
		s.Files = append(s.Files, Summarize(n, img, err, at))
	}
	return s
}

func varsSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("schema/vars.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("vars.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("vars.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSummaryGolden renders the real templates (text and JSON) and checks
// the JSON against the schema.
func TestSummaryGolden(t *testing.T) {
	s := summaryOf(t, "raw/debian-13_OVMF_VARS_4M.ms.fd", "qcow2/debian-unstable_OVMF_VARS_4M.ms.compressed.qcow2",
		"raw/debian-13_OVMF_VARS_4M.fd", "corrupt/bad-checksum.fd")
	var txt, js bytes.Buffer
	if err := s.WriteText(&txt, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := s.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string][]byte{"summary.txt": txt.Bytes(), "summary.json": js.Bytes()} {
		golden := filepath.Join("testdata", "golden", name)
		if *update {
			if err := os.WriteFile(golden, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(string(want), string(got)); diff != "" {
			t.Errorf("%s differs (-want +got; rerun with -update if intended):\n%s", golden, diff)
		}
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(js.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if err := varsSchema(t).Validate(doc); err != nil {
		t.Errorf("summary does not conform to schema/vars.schema.json: %v", err)
	}
	if first := strings.SplitN(txt.String(), "\n", 2)[0]; first != "raw/debian-13_OVMF_VARS_4M.ms.fd: Microsoft 2023 CAs: missing from KEK and db" {
		t.Errorf("verdict line %q", first)
	}
}

// TestSchemaRejects makes sure the schema check can fail.
func TestSchemaRejects(t *testing.T) {
	s := summaryOf(t, "raw/debian-unstable_OVMF_VARS_4M.ms.fd")
	var js bytes.Buffer
	if err := s.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	sch := varsSchema(t)
	for _, edit := range []func(m map[string]any){
		func(m map[string]any) { m["schema_version"] = 2 },
		func(m map[string]any) { m["files"].([]any)[0].(map[string]any)["status"] = "fine" },
		func(m map[string]any) { delete(m["files"].([]any)[0].(map[string]any), "verdict") },
		func(m map[string]any) {
			sb := m["files"].([]any)[0].(map[string]any)["secure_boot"].(map[string]any)
			sb["vars"].([]any)[1].(map[string]any)["entries"].([]any)[0].(map[string]any)["sha256"] = "xyz"
		},
	} {
		var m map[string]any
		if err := json.Unmarshal(js.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		edit(m)
		b, _ := json.Marshal(m)
		doc, _ := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if sch.Validate(doc) == nil {
			t.Errorf("schema accepts a broken document: %s", b[:min(len(b), 200)])
		}
	}
}

// TestSummaryJSONNotHTMLEscaped checks that file names keep "<", ">" and
// "&" as they are, as every other JSON fwaudit writes does.
func TestSummaryJSONNotHTMLEscaped(t *testing.T) {
	name := "vars <a&b>.fd"
	s := &Summary{SchemaVersion: SummarySchemaVersion, At: at.Format(time.DateOnly),
		Files: []FileSummary{Summarize(name, nil, errors.New("cannot read"), at)}}
	var js bytes.Buffer
	if err := s.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(js.String(), `"file": "vars <a&b>.fd"`) {
		t.Errorf("the file name is not written as it is:\n%s", js.String())
	}
	var back Summary
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || back.Files[0].File != name {
		t.Errorf("round trip: %v, %+v", err, back.Files)
	}
}
