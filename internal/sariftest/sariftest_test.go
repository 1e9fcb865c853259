package sariftest

import (
	"encoding/json"
	"testing"
)

func TestSchemaID(t *testing.T) {
	var doc struct {
		ID string `json:"$id"`
	}
	if err := json.Unmarshal(source, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.ID != SchemaID {
		t.Fatalf("embedded schema $id = %q, want %q", doc.ID, SchemaID)
	}
}

func TestValidate(t *testing.T) {
	ok := `{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "fwaudit"}}, "results": []}]}`
	if err := Validate([]byte(ok)); err != nil {
		t.Fatalf("a minimal log: %v", err)
	}
	for _, bad := range []string{
		`{"version": "2.0.0", "runs": []}`,
		`{"version": "2.1.0", "runs": [{"tool": {}}]}`,
		`{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "artifacts": [{"location": {"uri": "a b:%"}}]}]}`,
	} {
		if err := Validate([]byte(bad)); err == nil {
			t.Errorf("Validate(%s) = nil, want a violation", bad)
		}
	}
}
