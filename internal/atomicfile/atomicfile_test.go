package atomicfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func writeString(s string) func(io.Writer) error {
	return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
}

// names lists dir's entries.
func names(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out.prom")
	if err := Write(p, writeString("one\n")); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o644 {
		t.Fatalf("new file: %v, %v; want mode 0644", fi, err)
	}
	os.Chmod(p, 0o600)
	if err := Write(p, writeString("two\n")); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(p); string(data) != "two\n" {
		t.Errorf("content %q; want the new one", data)
	}
	if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v; want the existing 0600 kept", fi.Mode())
	}
	// A failing writer leaves the old file and no temporary file.
	boom := errors.New("boom")
	if err := Write(p, func(w io.Writer) error { io.WriteString(w, "partial"); return boom }); !errors.Is(err, boom) {
		t.Errorf("Write error = %v; want the writer's", err)
	}
	if data, _ := os.ReadFile(p); string(data) != "two\n" {
		t.Errorf("content %q after a failed write; want the old one", data)
	}
	if got := names(t, dir); len(got) != 1 {
		t.Errorf("directory holds %v; want only out.prom", got)
	}
	// A path that is not a regular file is refused.
	if err := Write(dir, writeString("x")); err == nil {
		t.Errorf("Write(a directory) succeeded")
	}
	if len(pending) != 0 || signals != nil {
		t.Errorf("after the writes: %d pending, handler installed %v", len(pending), signals != nil)
	}
}

// deadPID returns the PID of a process that has exited.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skip(err)
	}
	return cmd.Process.Pid
}

// A temporary file left by a killed process is removed by the next write
// to the same target; one of a live process, one too recent and other
// files are not.
func TestWriteSweepsStale(t *testing.T) {
	dir := t.TempDir()
	old := started.Add(-time.Hour)
	dead := deadPID(t)
	files := map[string]bool{ // name: should survive
		fmt.Sprintf(".out.json.fwaudit-%d-123.tmp", dead):      false,
		fmt.Sprintf(".out.json.fwaudit-%d-456.tmp", 1):         true, // init runs
		fmt.Sprintf(".other.json.fwaudit-%d-123.tmp", dead):    true, // another target
		fmt.Sprintf(".out.json.fwaudit-%d-123.tmp.keep", dead): true,
		".out.json.tmp123": true, // not ours
	}
	for name := range files {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte("x"), 0o644)
		os.Chtimes(p, old, old)
	}
	recent := fmt.Sprintf(".out.json.fwaudit-%d-789.tmp", dead)
	os.WriteFile(filepath.Join(dir, recent), []byte("x"), 0o644) // written after this process started
	files[recent] = true
	if err := Write(filepath.Join(dir, "out.json"), writeString("{}")); err != nil {
		t.Fatal(err)
	}
	for name, keep := range files {
		_, err := os.Stat(filepath.Join(dir, name))
		if keep != (err == nil) {
			t.Errorf("%s: exists %v; want %v", name, err == nil, keep)
		}
	}
}

func TestTempPID(t *testing.T) {
	for name, want := range map[string]int{
		".a-b.json.fwaudit-42-9.tmp":   42,
		".a-b.json.fwaudit-x-9.tmp":    0,
		".a-b.json.fwaudit-42-9.tmpx":  0,
		".a-b.json.fwaudit-42.tmp":     0,
		"a-b.json.fwaudit-42-9.tmp":    0,
		".a-b.json.fwaudit--42-9.tmp":  0,
		".a-b.json.fwaudit-0-9.tmp":    0,
		".a-b.json.fwaudit-7-9-10.tmp": 7,
	} {
		pid, ok := tempPID(name, prefix("a-b.json"))
		if pid != want || ok != (want > 0) {
			t.Errorf("tempPID(%q) = %d, %v; want %d", name, pid, ok, want)
		}
	}
}

// The helper process for TestSignalRemovesTemp: it starts a write, says
// so, and blocks in it until the parent signals it.
func TestSignalHelper(t *testing.T) {
	path := os.Getenv("ATOMICFILE_HELPER_PATH")
	if path == "" {
		t.Skip("helper process only")
	}
	Write(path, func(w io.Writer) error {
		io.WriteString(w, "partial")
		fmt.Println("writing")
		time.Sleep(time.Minute)
		return nil
	})
	fmt.Println("not killed")
	os.Exit(7)
}

// SIGINT, SIGTERM or SIGHUP during a write remove the temporary file, and
// the process still ends by the signal (issue 11, case 10).
func TestSignalRemovesTemp(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) {
			if signal.Ignored(sig) {
				// The helper inherits the ignored disposition (a run
				// under nohup): the signal has no effect to restore.
				t.Skipf("%v is ignored in this process", sig)
			}
			dir := t.TempDir()
			cmd := exec.Command(os.Args[0], "-test.run=^TestSignalHelper$")
			cmd.Env = append(os.Environ(), "ATOMICFILE_HELPER_PATH="+filepath.Join(dir, "out.json"))
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			line, err := bufio.NewReader(out).ReadString('\n')
			if err != nil || line != "writing\n" {
				cmd.Process.Kill()
				t.Fatalf("helper said %q, %v", line, err)
			}
			if got := names(t, dir); len(got) != 1 || !strings.HasPrefix(got[0], ".out.json.fwaudit-"+strconv.Itoa(cmd.Process.Pid)+"-") {
				t.Errorf("during the write the directory holds %v; want one temporary file", got)
			}
			cmd.Process.Signal(sig)
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case <-done:
			case <-time.After(20 * time.Second):
				cmd.Process.Kill()
				t.Fatal("helper still running 20s after the signal")
			}
			ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus)
			if !ok || !ws.Signaled() || ws.Signal() != sig {
				t.Errorf("helper ended with %v; want killed by %v", cmd.ProcessState, sig)
			}
			if got := names(t, dir); len(got) != 0 {
				t.Errorf("after %v the directory holds %v; want nothing", sig, got)
			}
		})
	}
}
