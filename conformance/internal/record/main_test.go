package main

import (
	"testing"

	"github.com/fwaudit/fwaudit/conformance/internal/casefile"
	"golang.org/x/tools/txtar"
)

func TestNormalizeAnswer(t *testing.T) {
	in := `{"libvirt": "11.3.0", "ok": true, "firmware_log": ["a", "b"], "loader": {"path": "/x", "format": null}, "descriptor": "d.json"}` + "\n"
	want := "{\n    \"libvirt\": \"11.3.0\",\n    \"ok\": true,\n    \"loader\": {\n        \"path\": \"/x\",\n        \"format\": null\n    },\n    \"descriptor\": \"d.json\"\n}\n"
	got, failure, err := normalizeAnswer([]byte(in))
	if err != nil || failure {
		t.Fatalf("err %v, failure %v", err, failure)
	}
	if string(got) != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	if _, failure, err := normalizeAnswer([]byte(`{"libvirt":"9","ok":false,"oracle_failure":true,"error":"x"}`)); err != nil || !failure {
		t.Fatalf("oracle_failure not detected: %v %v", failure, err)
	}
	for _, bad := range []string{"", "[1]", "{} {}", `{"a":`} {
		if _, _, err := normalizeAnswer([]byte(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestShort(t *testing.T) {
	for _, tc := range []struct {
		a    answer
		want string
	}{
		{answer{OK: true, Descriptor: "50-x.json"}, "50-x.json"},
		{answer{OK: false, Stage: "define", Error: "operation failed: Unable to find it"}, "ERR@define: Unable to find it"},
		{answer{OK: false, Stage: "start", Error: "error: boom", Descriptor: "10-k.json", DaemonCrashed: true}, "CRASH@start: boom (after picking 10-k.json)"},
	} {
		if got := tc.a.short(); got != tc.want {
			t.Errorf("short = %q, want %q", got, tc.want)
		}
	}
}

// The oracle fakes SEV support; a refusal for its lack means the fake was
// lost, and is never stored. Other errors are answers.
func TestLostSEVPatch(t *testing.T) {
	for _, tt := range []struct {
		answer string
		want   bool
	}{
		{`{"ok": false, "error": "unsupported configuration: SEV launch security is not supported with this QEMU binary"}`, true},
		{`{"ok": false, "error": "unsupported configuration: 'sev-snp' launch security is not supported with this QEMU binary"}`, true},
		{`{"ok": false, "error": "unsupported configuration: Intel TDX launch security is not supported with SMM enabled"}`, false},
		{`{"ok": false, "error": "XML error: Invalid value for attribute 'type' in element 'launchSecurity': 'tdx'."}`, false},
		{`{"ok": true, "descriptor": "40-sb-sev.json"}`, false},
	} {
		if got := lostSEVPatch([]byte(tt.answer)); got != tt.want {
			t.Errorf("lostSEVPatch(%s) = %v, want %v", tt.answer, got, tt.want)
		}
	}
}

func TestSharesDev(t *testing.T) {
	for _, tt := range []struct {
		dom  string
		want bool
	}{
		{"<os><nvram type='block'><source dev='/dev/x'/></nvram></os>", true},
		{`<os><nvram template='/t' type = "block"><source dev='/dev/x'/></nvram></os>`, true},
		{"<os><nvram type='file'><source file='/var/x'/></nvram></os>", false},
		{"<os><nvram>/dev/x</nvram></os><disk type='block'/>", false},
	} {
		ar := &txtar.Archive{Files: []txtar.File{{Name: casefile.Domain, Data: []byte(tt.dom)}}}
		if got := sharesDev(ar); got != tt.want {
			t.Errorf("sharesDev(%s) = %v, want %v", tt.dom, got, tt.want)
		}
	}
}
