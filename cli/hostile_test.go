package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fwaudit/fwaudit/internal/hostiletest"
)

// The CLI side of issue 11's hostile inputs: each test runs the commands
// as a user would and checks the exit code and the output.

const okDescriptor = `{"description":"%s","interface-types":["uefi"],"mapping":{"device":"flash","executable":{"filename":"/usr/share/OVMF/CODE.fd","format":"raw"},"nvram-template":{"filename":"/usr/share/OVMF/VARS.fd","format":"raw"}},"targets":[{"architecture":"x86_64","machines":["pc-q35-*"]}],"features":[],"tags":[]}`

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// runFor runs one command line and fails the test if it does not end
// within a few seconds (a hang).
func runFor(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	done := make(chan int, 1)
	go func() { done <- run(args, &out, &errb) }()
	select {
	case code = <-done:
	case <-time.After(20 * time.Second):
		t.Fatalf("%v: still running after 20 s", args)
	}
	return code, out.String(), errb.String()
}

// Case 5: names and descriptor strings with terminal escapes and
// bidirectional overrides are printed escaped by list, validate and match.
func TestHostileEscapes(t *testing.T) {
	dir := t.TempDir()
	name := "50-\x1b[2J\u202eevil.json"
	file := filepath.Join(dir, name)
	writeFile(t, file, strings.Replace(okDescriptor, "%s", `\u001b]0;pwned\u0007`, 1))
	for _, args := range [][]string{
		{"list", "--dir", dir},
		{"validate", file},
		{"validate", filepath.Join(dir, "50-\x1b[2J\u202emissing.json")},
		{"match", "--dir", dir, "--arch", "x86_64", "--machine", "q35", "--all", "--explain", "--libvirt", "12.8"},
	} {
		_, stdout, stderr := runFor(t, args...)
		for _, out := range []string{stdout, stderr} {
			if strings.ContainsAny(out, "\x1b\u202e\x07") {
				t.Errorf("%q: raw control or bidi character in the output:\n%q", args[0], out)
			}
		}
		if !strings.Contains(stdout+stderr, `\x1b[2J\u202e`) {
			t.Errorf("%q: the name is not shown escaped:\n%q\n%q", args[0], stdout, stderr)
		}
	}
}

// Case 7: a FIFO as a lint path, as --overrides or as --domain does not
// hang; it is refused naming the file.
func TestHostileFIFO(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.json")
	hostiletest.Mkfifo(t, fifo)
	good := filepath.Join(dir, "fw", "50-ok.json")
	writeFile(t, good, strings.Replace(okDescriptor, "%s", "ok", 1))
	for _, args := range [][]string{
		{"lint", fifo},
		{"lint", "--overrides", fifo, good},
		{"audit", "--distro", "debian-13", "--overrides", fifo},
		{"match", "--distro", "debian-13", "--domain", fifo},
		{"validate", fifo},
	} {
		code, stdout, stderr := runFor(t, args...)
		if code == exitOK {
			t.Errorf("%v: exit 0 on a FIFO", args)
		}
		if !strings.Contains(stdout+stderr, "pipe.json") {
			t.Errorf("%v: the FIFO is not named:\n%s%s", args, stdout, stderr)
		}
	}
}

// Case 9: a file over 1 MiB given to lint is a finding (exit 1), as inside
// a directory, not a tool failure.
func TestHostileLargeLintFile(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "fw", "50-big.json")
	writeFile(t, big, `{"description":"`+strings.Repeat("x", 1<<20)+`"}`)
	for _, args := range [][]string{{"lint", big}, {"lint", filepath.Dir(big)}, {"lint", big, "--format", "json"}} {
		code, stdout, stderr := runFor(t, args...)
		if code != exitFindings {
			t.Errorf("%v: exit %d, want %d (a finding)\n%s%s", args, code, exitFindings, stdout, stderr)
		}
		if !strings.Contains(stdout, "50-big.json") {
			t.Errorf("%v: no finding about the file:\n%s", args, stdout)
		}
	}
}

// Case 10: a run with --output removes what a killed run left behind and
// leaves no temporary file of its own.
func TestHostileStaleOutput(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "report.sarif")
	stale := filepath.Join(dir, ".report.sarif.fwaudit-2147483646-1234.tmp")
	writeFile(t, stale, "half a report")
	old := time.Now().Add(-time.Hour)
	os.Chtimes(stale, old, old)
	if code, _, stderr := runFor(t, "audit", "--distro", "debian-13", "--format", "sarif", "--output", out, "--fail-on", "never"); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(out); err != nil {
		t.Errorf("no report: %v", err)
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("%s is left behind", e.Name())
		}
	}
}

// Case 3: lint --root resolves the paths it is given and their symlinks
// inside the root: a link to the host's /etc/passwd is not read, and an
// in-package absolute link works.
func TestHostileLintRoot(t *testing.T) {
	root := t.TempDir()
	fw := filepath.Join(root, "usr/share/qemu/firmware")
	writeFile(t, filepath.Join(fw, "real.json"), strings.Replace(okDescriptor, "%s", "real", 1))
	writeFile(t, filepath.Join(root, "usr/share/OVMF/CODE.fd"), "code")
	writeFile(t, filepath.Join(root, "usr/share/OVMF/VARS.fd"), "vars")
	if err := os.Symlink("/usr/share/qemu/firmware/real.json", filepath.Join(fw, "50-x.json")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/etc/passwd", filepath.Join(fw, "60-p.json")); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runFor(t, "lint", "--root", root, "--contents=false", "--libvirt", "12.8", "--format", "json", filepath.Join(fw, "50-x.json"))
	if code != exitOK {
		t.Errorf("an in-package absolute link: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, stderr = runFor(t, "lint", "--root", root, "--format", "json", filepath.Join(fw, "60-p.json"))
	if code == exitOK || strings.Contains(stdout+stderr, "root:x:0:0") {
		t.Errorf("a link to the host's /etc/passwd: exit %d, output:\n%s%s", code, stdout, stderr)
	}
}
