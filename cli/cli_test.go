package cli

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fwaudit/fwaudit/report"
	"github.com/fwaudit/fwaudit/result"
)

var update = flag.Bool("update", false, "rewrite the man pages in man/")

// TestStdoutWriteFailure: a failed write to standard output is exit 3 with
// the cause, for every command (issue 11, case 6), as "> /dev/full" makes it.
func TestStdoutWriteFailure(t *testing.T) {
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skipf("no /dev/full: %v", err)
	}
	defer full.Close()
	dir := t.TempDir()
	file := filepath.Join(dir, "50-ovmf.json")
	if err := os.WriteFile(file, []byte(`{"description":"OVMF","interface-types":["uefi"],"mapping":{"device":"memory","filename":"/a.fd"},"targets":[{"architecture":"x86_64","machines":["pc-q35-*"]}],"features":[],"tags":[]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"list", "--distro", "debian-13"},
		{"list", "--distro", "debian-13", "--format", "json"},
		{"list", "--distro", "help"},
		{"validate", file},
		{"validate", "--format", "json", file},
		{"match", "--distro", "debian-13", "--arch", "x86_64", "--machine", "q35"},
		{"match", "--distro", "debian-13", "--arch", "x86_64", "--machine", "q35", "--format", "json"},
		{"match", "--distro", "debian-13", "--arch", "x86_64", "--machine", "q35", "--format", "xml"},
		{"audit", "--distro", "debian-13"},
		{"audit", "--distro", "debian-13", "--format", "sarif"},
		{"lint", file},
		{"explain"},
		{"explain", "shadowed"},
		{"distros", "--format", "json"},
		{"help"},
		{"help", "audit"},
		{"audit", "-h"},
		{"--version"},
		{"completion", "bash"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var stderr bytes.Buffer
			if code := run(args, full, &stderr); code != exitFailure {
				t.Errorf("exit %d, want %d (stderr: %s)", code, exitFailure, &stderr)
			}
			if !strings.Contains(stderr.String(), "no space left on device") {
				t.Errorf("stderr does not give the cause: %q", &stderr)
			}
		})
	}
}

// TestManPages generates the man pages and compares them with man/ (go
// generate ./cli, or go test ./cli -update, rewrites them).
func TestManPages(t *testing.T) {
	dir := t.TempDir()
	if code := run([]string{"man", dir}, new(bytes.Buffer), new(bytes.Buffer)); code != exitOK {
		t.Fatalf("fwaudit man: exit %d", code)
	}
	got, err := filepath.Glob(filepath.Join(dir, "*.1"))
	if err != nil {
		t.Fatal(err)
	}
	// One page per command, the root's included.
	if len(got) < len(commands) {
		t.Fatalf("%d man pages, want at least %d", len(got), len(commands))
	}
	const committed = "../man"
	if *update {
		os.RemoveAll(committed)
		os.MkdirAll(committed, 0o755)
	}
	for _, g := range got {
		data, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(g)
		if *update {
			if err := os.WriteFile(filepath.Join(committed, name), data, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(filepath.Join(committed, name))
		if err != nil {
			t.Errorf("%s: %v (run go generate ./cli)", name, err)
			continue
		}
		if !bytes.Equal(data, want) {
			t.Errorf("man/%s is not current (run go generate ./cli)", name)
		}
	}
	if !*update {
		have, _ := filepath.Glob(filepath.Join(committed, "*.1"))
		if len(have) != len(got) {
			t.Errorf("man/ holds %d pages, the commands give %d", len(have), len(got))
		}
	}
	audit, err := os.ReadFile(filepath.Join(dir, "fwaudit-audit.1"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{".TH \"FWAUDIT\" \"1\"", "fwaudit-audit", "--require"} {
		if !bytes.Contains(audit, []byte(want)) {
			t.Errorf("fwaudit-audit.1 lacks %q", want)
		}
	}
}

// TestReportSchema: the JSON reports of audit and lint, with the profile
// chosen in each way, validate against the report schema.
func TestReportSchema(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "70-bad.json")
	if err := os.WriteFile(file, []byte(`{"description":"bad","interface-types":["uefi"],"mapping":{"device":"floppy"},"targets":[],"features":[],"tags":[]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"audit", "--distro", "ubuntu-24.04", "--format", "json"},
		{"audit", "--distro", "fedora-39", "--format", "json"},
		{"audit", "--distro", "debian-13", "--libvirt", "12.8", "--format", "json"},
		{"audit", "--root", dir, "--format", "json"},
		{"lint", file, "--format", "json"},
		{"lint", file, "--libvirt", "10.0", "--format", "json"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(args, &stdout, &stderr)
		if code != exitOK && code != exitFindings {
			t.Errorf("%v: exit %d: %s", args, code, &stderr)
			continue
		}
		if err := report.ValidateJSON(stdout.Bytes()); err != nil {
			t.Errorf("%v: %v", args, err)
		}
	}
}

// TestResultSchemas: the JSON of list, validate, match and distros follows
// their schemas (result/schema), across the shapes each can take.
func TestResultSchemas(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "50-ok.json")
	bad := filepath.Join(dir, "70-bad.json")
	notJSON := filepath.Join(dir, "80-x.json")
	for f, data := range map[string]string{
		good:    `{"description":"ok","interface-types":["uefi"],"mapping":{"device":"memory","filename":"/a.fd"},"targets":[{"architecture":"x86_64","machines":["pc-q35-*"]}],"features":[],"tags":[]}`,
		bad:     `{"description":"bad","interface-types":["uefi"],"mapping":{"device":"floppy"},"targets":[],"features":[],"tags":[]}`,
		notJSON: "{",
	} {
		if err := os.WriteFile(f, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		kind result.Kind
		args []string
	}{
		{result.KindList, []string{"list", "--distro", "debian-unstable", "--format", "json"}},
		{result.KindList, []string{"list", "--dir", dir, "--format", "json"}},
		{result.KindList, []string{"list", "--dir", filepath.Join(dir, "nowhere"), "--format", "json"}},
		{result.KindValidate, []string{"validate", "--format", "json", good, bad, notJSON}},
		{result.KindMatch, []string{"match", "--distro", "debian-13", "--arch", "x86_64", "--machine", "q35", "--all", "--format", "json"}},
		{result.KindMatch, []string{"match", "--distro", "ubuntu-24.04", "--arch", "x86_64", "--machine", "q35", "--launch-security", "sev-es", "--format", "json"}},
		{result.KindMatch, []string{"match", "--distro", "debian-13", "--arch", "x86_64", "--machine", "q35", "--profile", "nova-legacy", "--format", "json"}},
		{result.KindDistros, []string{"distros", "--format", "json"}},
		{result.KindDistros, []string{"distros", "--libvirt", "9.0", "--arch", "aarch64", "--machine", "virt", "--format", "json"}},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(tc.args, &stdout, &stderr); code != exitOK && code != exitFindings {
			t.Errorf("%v: exit %d: %s", tc.args, code, &stderr)
			continue
		}
		if err := result.ValidateJSON(tc.kind, stdout.Bytes()); err != nil {
			t.Errorf("%v: %v", tc.args, err)
		}
		// The schema is not vacuous: a document without its version fails.
		var doc map[string]any
		if err := json.Unmarshal(stdout.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
		delete(doc, "schema_version")
		broken, _ := json.Marshal(doc)
		if result.ValidateJSON(tc.kind, broken) == nil {
			t.Errorf("%v: the %s schema accepts a document without schema_version", tc.args, tc.kind)
		}
	}
}
