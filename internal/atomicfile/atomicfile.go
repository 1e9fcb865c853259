// Package atomicfile writes an output file atomically: the bytes go to a
// temporary file in the same directory, which is synced and renamed over
// the target, so a reader (node_exporter's textfile collector, a CI step)
// sees the old file or the whole new one, never a partial one.
//
// A temporary file never outlives the write that made it:
//   - on an error it is removed and the target is left as it was;
//   - on SIGINT, SIGTERM or SIGHUP during the write it is removed before
//     the signal takes its usual effect (the handler is installed only
//     while a write is in progress, and the signal is raised again);
//   - one left by a process killed outright (SIGKILL, a power cut) is
//     removed by the next write to the same target: temporary files are
//     named ".NAME.fwaudit-PID-RANDOM.tmp", and one whose process no
//     longer runs and which is older than the running process is stale.
package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// started is (about) when this process started: a temporary file of a
// dead process written after it cannot be stale yet.
var started = time.Now()

// Write replaces the file at path with what write writes. A new file gets
// mode 0644; an existing one keeps its permission bits. A path that exists
// and is not a regular file is refused. On failure path is left as it was
// and the temporary file is removed.
func Write(path string, write func(io.Writer) error) (err error) {
	mode := fs.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		if !fi.Mode().IsRegular() {
			return fmt.Errorf("%s: not a regular file", path)
		}
		mode = fi.Mode().Perm()
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	sweep(dir, base)
	// A leading dot keeps the temporary file out of the textfile
	// collector's *.prom glob and out of most directory listings.
	tmp, err := os.CreateTemp(dir, prefix(base)+strconv.Itoa(os.Getpid())+"-*"+suffix)
	if err != nil {
		return err
	}
	name := tmp.Name()
	track(name)
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(name)
		}
		untrack(name)
	}()
	if err := write(tmp); err != nil {
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(name, path); err != nil {
		return err
	}
	// Make the rename itself durable; not every file system supports
	// syncing a directory, and the file is complete either way.
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

const suffix = ".tmp"

// prefix is the start of the temporary files' names for the target base.
func prefix(base string) string { return "." + base + ".fwaudit-" }

// sweep removes the stale temporary files of the target base in dir: those
// of a process that no longer runs, last written before this one started.
func sweep(dir, base string) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	pre := prefix(base)
	for _, e := range ents {
		pid, ok := tempPID(e.Name(), pre)
		if !ok || !e.Type().IsRegular() || pid == os.Getpid() {
			continue
		}
		info, err := e.Info()
		if err != nil || !info.ModTime().Before(started) || running(pid) {
			continue
		}
		os.Remove(filepath.Join(dir, e.Name()))
	}
}

// tempPID parses the PID of a temporary file name made with prefix pre.
func tempPID(name, pre string) (int, bool) {
	rest, ok := strings.CutPrefix(name, pre)
	if !ok || !strings.HasSuffix(rest, suffix) {
		return 0, false
	}
	p, _, ok := strings.Cut(rest, "-")
	if !ok {
		return 0, false
	}
	pid, err := strconv.Atoi(p)
	return pid, err == nil && pid > 0
}

// running reports whether a process pid exists (as far as this process can
// see: a PID of another PID namespace looks dead, hence the age check).
func running(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// The temporary files being written, removed if a signal ends the process.
var (
	mu      sync.Mutex
	pending = map[string]bool{}
	signals chan os.Signal
)

// catch are the signals that end a process by default and are sent to
// stop it: the temporary files are removed before they take effect.
var catch = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP}

func track(name string) {
	mu.Lock()
	defer mu.Unlock()
	if len(pending) == 0 {
		// A signal the process was told to ignore (SIGHUP under nohup)
		// stays ignored: catching it would make it end the process.
		var sigs []os.Signal
		for _, s := range catch {
			if !signal.Ignored(s) {
				sigs = append(sigs, s)
			}
		}
		signals = make(chan os.Signal, 1)
		signal.Notify(signals, sigs...)
		go watch(signals)
	}
	pending[name] = true
}

func untrack(name string) {
	mu.Lock()
	defer mu.Unlock()
	delete(pending, name)
	if len(pending) == 0 && signals != nil {
		signal.Stop(signals)
		close(signals)
		signals = nil
	}
}

// watch removes the pending files when a signal arrives, stops catching,
// and raises the signal again so that it has its usual effect (the
// process ends, or another handler of the program sees it).
func watch(c chan os.Signal) {
	for sig := range c {
		Cleanup()
		mu.Lock()
		if signals == c {
			signal.Stop(c)
			close(c)
			signals = nil
		}
		mu.Unlock()
		if s, ok := sig.(syscall.Signal); ok {
			syscall.Kill(os.Getpid(), s)
		}
	}
}

// Cleanup removes the temporary files of the writes in progress. A program
// that handles SIGINT or SIGTERM itself and exits from its handler calls
// it before exiting; Write's own handler calls it otherwise.
func Cleanup() {
	mu.Lock()
	defer mu.Unlock()
	for name := range pending {
		os.Remove(name)
		delete(pending, name)
	}
}
