package result

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fwaudit/fwaudit/descriptor"
)

// TestCheckFileAsRelease checks that validate judges and summarises a file
// as the release's JSON parser reads it (what the oracle answered for the
// conformance cases json-nul-byte-after-document, json-nul-escape-filename
// and json-dup-key-last-matches).
func TestCheckFileAsRelease(t *testing.T) {
	const doc = `{"description": "d", "interface-types": ["uefi"], "mapping": {"device": "flash",
  "executable": {"filename": "/opt/CODE.fd%s", "format": "raw"}, "nvram-template": {"filename": "/opt/VARS.fd", "format": "raw"}},
  "targets": [{"architecture": "x86_64", "machines": ["pc-q35-*"]}], "features": [], "tags": []%s}`
	for _, tc := range []struct {
		name          string
		data          string
		rules         *descriptor.Rules
		qemu, libvirt bool
		summary       string // a part of the summary
		cause         string // a part of the libvirt error's cause
	}{
		{"NUL byte after the document", strings.Replace(doc, "%s", "", 2) + "\x00{", descriptor.RulesLibvirt12, false, true, "x86_64 pc-q35-*", ""},
		{"escaped NUL in the file name", strings.Replace(strings.Replace(doc, "%s", `\u0000.old`, 1), "%s", "", 1), descriptor.RulesLibvirt11, true, true, "", ""},
		{"repeated member, yajl", strings.Replace(strings.Replace(doc, "%s", "", 1), "%s", `, "tags": []`, 1), descriptor.RulesLibvirt9, true, false, "", `duplicate key "tags"`},
		{"repeated member, json-c", strings.Replace(strings.Replace(doc, "%s", "", 1), "%s", `, "tags": []`, 1), descriptor.RulesLibvirt11, true, true, "x86_64", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "10-x.json")
			if err := os.WriteFile(file, []byte(tc.data), 0o644); err != nil {
				t.Fatal(err)
			}
			c, err := CheckFile(file, tc.rules)
			if err != nil {
				t.Fatal(err)
			}
			if c.QEMU != tc.qemu || c.Libvirt != tc.libvirt {
				t.Fatalf("QEMU %v, libvirt %v; want %v, %v (%v)", c.QEMU, c.Libvirt, tc.qemu, tc.libvirt, c.Problems)
			}
			if tc.summary != "" && !strings.Contains(c.Summary, tc.summary) {
				t.Errorf("summary %q lacks %q", c.Summary, tc.summary)
			}
			if tc.cause != "" {
				last := c.Problems[len(c.Problems)-1]
				if last.Kind != descriptor.KindLibvirt || !strings.Contains(last.Cause, tc.cause) {
					t.Errorf("libvirt error %v: want a cause with %q", last, tc.cause)
				}
			}
		})
	}
}
