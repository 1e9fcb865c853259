package result

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestDistrosText: the matrix fits TextWidth columns for every release and
// machine family, and every non-plain cell's number is explained.
func TestDistrosText(t *testing.T) {
	for _, opts := range []DistrosOptions{{}, {Libvirt: "9.0"}, {Profile: "nova-legacy"}, {Arch: "aarch64", Machine: "virt"}, {Machine: "pc"}} {
		d, err := NewDistros(context.Background(), opts)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Distros) < 10 {
			t.Fatalf("%+v: only %d sets", opts, len(d.Distros))
		}
		var buf bytes.Buffer
		if err := d.WriteText(&buf, TextOptions{}); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		for _, l := range strings.Split(out, "\n") {
			if n := utf8.RuneCountInString(l); n > TextWidth {
				t.Errorf("%+v: a line of %d columns: %q", opts, n, l)
			}
		}
		for _, f := range strings.Fields(out) {
			if len(f) > 1 && (f[0] == '-' || f[0] == '~') && f[1] >= '1' && f[1] <= '9' {
				if !strings.Contains(out, "\n"+strings.Repeat(" ", 3-len(f[1:]))+f[1:]+"  ") {
					t.Errorf("%+v: cell %s has no explanation:\n%s", opts, f, out)
				}
			}
		}
		var js bytes.Buffer
		d.WriteJSON(&js)
		if err := ValidateJSON(KindDistros, js.Bytes()); err != nil {
			t.Errorf("%+v: %v", opts, err)
		}
	}
}

func TestSchemas(t *testing.T) {
	for _, k := range []Kind{KindList, KindValidate, KindMatch, KindDistros} {
		err := ValidateJSON(k, []byte(`{}`))
		if err == nil || !strings.Contains(err.Error(), "(root): missing propert") {
			t.Errorf("%s: the schema accepts {} or says it badly: %v", k, err)
		}
		if src, err := Schema(k); err != nil || !json.Valid(src) {
			t.Errorf("Schema(%s) = %d bytes, %v", k, len(src), err)
		}
	}
	if _, err := Schema("nosuch"); err == nil {
		t.Error("Schema(nosuch) did not fail")
	}
	if err := ValidateJSON("nosuch", []byte(`{}`)); err == nil {
		t.Error("ValidateJSON(nosuch) did not fail")
	}
}
