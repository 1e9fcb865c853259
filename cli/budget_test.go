package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"
)

// limitWriter records the runtime's memory limit when the report is
// written.
type limitWriter struct {
	bytes.Buffer
	limit int64
}

func (w *limitWriter) Write(p []byte) (int, error) {
	if w.Len() == 0 {
		w.limit = debug.SetMemoryLimit(-1)
	}
	return w.Buffer.Write(p)
}

// TestAuditMemoryBudget: fwaudit audit and lint bound the runtime's memory while
// it runs, the report's writing included (internal/membudget), unless it
// holds more than the set (domains, nova); so does lint; and each leaves
// the process's limit as it found it.
func TestAuditMemoryBudget(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	root := t.TempDir()
	dir := filepath.Join(root, "usr/share/qemu/firmware")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	desc := `{"description":"","interface-types":["uefi"],"mapping":{"device":"memory","filename":"/x.fd"},"targets":[{"architecture":"x86_64","machines":["pc-q35-*"]}],"features":[],"tags":[]}`
	if err := os.WriteFile(filepath.Join(dir, "50-x.json"), []byte(desc), 0o644); err != nil {
		t.Fatal(err)
	}
	domain := filepath.Join(t.TempDir(), "vm.xml")
	if err := os.WriteFile(domain, []byte(`<domain type='kvm'><name>vm</name><memory>1</memory><os firmware='efi'><type arch='x86_64' machine='q35'>hvm</type></os></domain>`), 0o644); err != nil {
		t.Fatal(err)
	}
	before := debug.SetMemoryLimit(-1)
	for _, c := range []struct {
		args    []string
		limited bool
	}{
		{[]string{"audit", "--root", root, "--format", "json", "--fail-on", "never"}, true},
		{[]string{"audit", "--root", t.TempDir(), "--format", "json", "--fail-on", "never"}, true},
		{[]string{"audit", "--root", root, "--format", "json", "--fail-on", "never", "--domains", domain}, false},
		{[]string{"audit", "--root", root, "--format", "json", "--fail-on", "never", "--profile", "nova-legacy"}, false},
		{[]string{"lint", "--format", "json", "--fail-on", "never", dir}, true},
		{[]string{"lint", "--libvirt", "10.0", "--format", "sarif", "--fail-on", "never", dir}, true},
	} {
		args := c.args
		var stdout limitWriter
		var stderr bytes.Buffer
		if code := run(args, &stdout, &stderr); code != exitOK {
			t.Fatalf("%v: exit %d\n%s", args, code, stderr.String())
		}
		if limited := stdout.limit < before; limited != c.limited || stdout.limit <= 0 {
			t.Errorf("%v: limit %d while writing (before %d), want limited %v", args, stdout.limit, before, c.limited)
		}
		if got := debug.SetMemoryLimit(-1); got != before {
			t.Errorf("%v: the memory limit is %d after the command, was %d", args, got, before)
		}
	}
}
