package benchmarks

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/fwaudit/fwaudit/audit"
	"github.com/fwaudit/fwaudit/descriptor"
)

// memorySizes are the descriptor counts the memory benchmarks run at.
var memorySizes = []int{1000, 10000, 100000}

// syntheticDirs caches the roots written by syntheticDir, by size.
var syntheticDirs sync.Map // int -> *syntheticTree

type syntheticTree struct {
	once  sync.Once
	root  string
	bytes int64
	err   error
}

// syntheticDir writes syntheticRoot(n) under a directory of the system's
// temporary directory (once per process) and returns it with the
// descriptors' total size. The directory is removed by cleanupSynthetic.
func syntheticDir(tb testing.TB, n int) (root string, size int64) {
	tb.Helper()
	v, _ := syntheticDirs.LoadOrStore(n, &syntheticTree{})
	t := v.(*syntheticTree)
	t.once.Do(func() {
		t.root, t.err = os.MkdirTemp("", fmt.Sprintf("fwaudit-synthetic-%d-", n))
		if t.err != nil {
			return
		}
		dir := filepath.Join(t.root, fwDir)
		if t.err = os.MkdirAll(dir, 0o755); t.err != nil {
			return
		}
		for name, f := range syntheticRoot(n) {
			if t.err = os.WriteFile(filepath.Join(t.root, name), f.Data, 0o644); t.err != nil {
				return
			}
			t.bytes += int64(len(f.Data))
		}
	})
	if t.err != nil {
		tb.Fatal(t.err)
	}
	return t.root, t.bytes
}

func TestMain(m *testing.M) {
	code := m.Run()
	syntheticDirs.Range(func(_, v any) bool {
		os.RemoveAll(v.(*syntheticTree).root)
		return true
	})
	os.Exit(code)
}

// liveHeap is the heap in use after a full collection.
func liveHeap() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// measure runs build once per iteration and reports, besides -benchmem's
// allocation per run, the largest live heap its result holds over the
// descriptors' size bytes (live-x: the live heap after a collection,
// while the result is still referenced, minus the heap before) and size
// itself (input-B). A result that is an io.Closer is closed after it is
// measured.
func measure(b *testing.B, size int64, build func() any) {
	b.Helper()
	b.ReportAllocs()
	var peak uint64
	for b.Loop() {
		before := liveHeap()
		v := build()
		peak = max(peak, liveHeap()-before)
		if c, ok := v.(io.Closer); ok {
			c.Close()
		}
		runtime.KeepAlive(v)
	}
	b.ReportMetric(float64(peak)/float64(size), "live-x")
	b.ReportMetric(float64(size), "input-B")
}

// BenchmarkMemory loads (descriptor.Load), scans (descriptor.Scan and one
// pass over its entries, as fwaudit list reads them), audits (audit.Run
// with the images looked up in the root) and lints N descriptors written
// to disk (with audit.Options.ReleaseData, as fwaudit sets it), measuring
// the heap each result holds (see measure).
func BenchmarkMemory(b *testing.B) {
	for _, n := range memorySizes {
		root, size := syntheticDir(b, n)
		b.Run(fmt.Sprintf("load/%d", n), func(b *testing.B) {
			measure(b, size, func() any {
				set, err := descriptor.Load(descriptor.Options{Root: root})
				if err != nil {
					b.Fatal(err)
				}
				return set
			})
		})
		b.Run(fmt.Sprintf("scan/%d", n), func(b *testing.B) {
			measure(b, size, func() any {
				l, err := descriptor.Scan(descriptor.Options{Root: root})
				if err != nil {
					b.Fatal(err)
				}
				for range l.Entries() {
				}
				return l // measured open, then closed
			})
		})
		b.Run(fmt.Sprintf("audit/%d", n), func(b *testing.B) {
			measure(b, size, func() any {
				set, err := descriptor.Load(descriptor.Options{Root: root})
				if err != nil {
					b.Fatal(err)
				}
				r, err := audit.Run(context.Background(), set, audit.Options{Files: os.DirFS(root), ReleaseData: true})
				if err != nil {
					b.Fatal(err)
				}
				return []any{set, r}
			})
		})
		b.Run(fmt.Sprintf("lint/%d", n), func(b *testing.B) {
			measure(b, size, func() any {
				set, err := audit.LoadPaths(root, []string{filepath.Join(root, fwDir)}, nil)
				if err != nil {
					b.Fatal(err)
				}
				r, err := audit.Lint(context.Background(), set, audit.Options{ReleaseData: true})
				if err != nil {
					b.Fatal(err)
				}
				return []any{set, r}
			})
		})
	}
}

var buildOnce struct {
	sync.Once
	bin string
	err error
}

// fwauditBinary builds cmd/fwaudit once per process.
func fwauditBinary(tb testing.TB) string {
	tb.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "fwaudit-bin-")
		if err != nil {
			buildOnce.err = err
			return
		}
		buildOnce.bin = filepath.Join(dir, "fwaudit")
		out, err := exec.Command("go", "build", "-o", buildOnce.bin, "../cmd/fwaudit").CombinedOutput()
		if err != nil {
			buildOnce.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildOnce.err != nil {
		tb.Fatal(buildOnce.err)
	}
	return buildOnce.bin
}

// BenchmarkProcessRSS runs the built fwaudit binary on N descriptors
// written to disk, as a user would, and reports its maximum resident set
// size in MB and as a multiple of the descriptors' bytes (rss-x). The Go
// runtime and the binary itself are the constant. GNU time measures it:
// Go starts a child with vfork, so the child's own ru_maxrss starts at
// this (large) test process's high-water mark, while time forks the
// binary from a small process.
func BenchmarkProcessRSS(b *testing.B) {
	if _, err := os.Stat(gnuTime); err != nil {
		b.Skipf("needs GNU time: %v", err)
	}
	bin := fwauditBinary(b)
	for _, n := range memorySizes {
		root, size := syntheticDir(b, n)
		for _, cmd := range []struct {
			name string
			args []string
		}{
			{"list", []string{"list", "--root", root, "--format", "json"}},
			{"list-text", []string{"list", "--root", root}},
			{"audit", []string{"audit", "--root", root, "--format", "json", "--fail-on", "never"}},
			{"lint", []string{"lint", "--root", root, "--format", "json", "--fail-on", "never", filepath.Join(root, fwDir)}},
		} {
			b.Run(cmd.name+"/"+strconv.Itoa(n), func(b *testing.B) {
				var rss int64
				for b.Loop() {
					c := exec.Command(gnuTime, append([]string{"-f", "maxrss-kB %M", bin}, cmd.args...)...)
					var stderr strings.Builder
					c.Stderr = &stderr
					err := c.Run()
					var kb int64
					if i := strings.LastIndex(stderr.String(), "maxrss-kB "); i >= 0 {
						kb, _ = strconv.ParseInt(strings.TrimSpace(stderr.String()[i+len("maxrss-kB "):]), 10, 64)
					}
					if err != nil || kb == 0 {
						b.Fatalf("fwaudit %v: %v\n%s", cmd.args[0], err, stderr.String())
					}
					rss = max(rss, kb<<10)
				}
				b.ReportMetric(float64(rss)/(1<<20), "maxrss-MB")
				b.ReportMetric(float64(rss)/float64(size), "rss-x")
				b.ReportMetric(float64(size)/(1<<20), "input-MB")
			})
		}
	}
}

const gnuTime = "/usr/bin/time"
