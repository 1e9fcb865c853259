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
// pass over its entries, as fwaudit list reads them), audits
// (audit.RunLoad with the images looked up in the root, as fwaudit audit)
// and lints N descriptors written to disk (with audit.Options.ReleaseData,
// as fwaudit sets it), measuring the heap each result holds (see measure).
// audit's result is the report alone (RunLoad drops the set with the run):
// the largest live heap during the run is BenchmarkProcessRSS's live-MB.
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
				// As fwaudit audit: linted as loaded, the set dropped
				// with the run.
				r, err := audit.RunLoad(context.Background(), descriptor.Options{Root: root},
					audit.Options{Files: os.DirFS(root), ReleaseData: true})
				if err != nil {
					b.Fatal(err)
				}
				return r
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
// size in MB, as a multiple of the descriptors' bytes (rss-x), and what
// is left of it once 3 times the input is taken away (const-MB: the
// constant of issue 11's "3x their bytes plus a constant", to compare
// with an empty root's), and the largest live heap the collector saw
// (live-MB, from GODEBUG=gctrace=1). GNU time measures it:
// Go starts a child with vfork, so the child's own ru_maxrss starts at
// this (large) test process's high-water mark, while time forks the
// binary from a small process.
func BenchmarkProcessRSS(b *testing.B) {
	if _, err := os.Stat(gnuTime); err != nil {
		b.Skipf("needs GNU time: %v", err)
	}
	bin := fwauditBinary(b)
	// An empty root first: the process's own constant.
	for _, n := range append([]int{0}, memorySizes...) {
		root, size := syntheticDir(b, n)
		for _, cmd := range []struct {
			name string
			args []string
		}{
			{"list", []string{"list", "--root", root, "--format", "json"}},
			{"list-text", []string{"list", "--root", root}},
			{"audit", []string{"audit", "--root", root, "--format", "json", "--fail-on", "never"}},
			{"audit-text", []string{"audit", "--root", root, "--fail-on", "never"}},
			{"lint", []string{"lint", "--root", root, "--format", "json", "--fail-on", "never", filepath.Join(root, fwDir)}},
		} {
			b.Run(cmd.name+"/"+strconv.Itoa(n), func(b *testing.B) {
				var rss, live int64
				for b.Loop() {
					c := exec.Command(gnuTime, append([]string{"-f", "maxrss-kB %M", bin}, cmd.args...)...)
					c.Env = append(os.Environ(), "GODEBUG=gctrace=1")
					var stderr strings.Builder
					c.Stderr = &stderr
					err := c.Run()
					live = max(live, largestLive(stderr.String()))
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
				if size > 0 {
					b.ReportMetric(float64(rss)/float64(size), "rss-x")
				}
				b.ReportMetric(float64(rss-3*size)/(1<<20), "const-MB")
				b.ReportMetric(float64(live)/(1<<20), "live-MB")
				b.ReportMetric(float64(size)/(1<<20), "input-MB")
			})
		}
	}
}

const gnuTime = "/usr/bin/time"

// largestLive returns the largest live heap in a gctrace (GODEBUG=gctrace=1:
// "gc N @Ts P%: ..., A->B->C MB, ..." where C is the heap marked live), in
// bytes; 0 when no collection ran.
func largestLive(trace string) int64 {
	var most int64
	for line := range strings.Lines(trace) {
		if !strings.HasPrefix(line, "gc ") {
			continue
		}
		for f := range strings.FieldsSeq(line) {
			parts := strings.Split(f, "->")
			if len(parts) != 3 {
				continue
			}
			if mb, err := strconv.ParseInt(parts[2], 10, 64); err == nil {
				most = max(most, mb<<20)
			}
			break
		}
	}
	return most
}

func TestLargestLive(t *testing.T) {
	trace := "gc 1 @0.043s 3%: 0.1+1+0.1 ms clock, 0.2+0/1/0+0.2 ms cpu, 3->3->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P\n" +
		"maxrss-kB 1234\n" +
		"gc 2 @0.07s 3%: 0.1+1+0.1 ms clock, 0.2+0/1/0+0.2 ms cpu, 40->45->17 MB, 8 MB goal, 0 MB stacks, 0 MB globals, 2 P\n" +
		"gc 3 @0.09s 3%: 0.1+1+0.1 ms clock, 0.2+0/1/0+0.2 ms cpu, 30->30->9 MB, 8 MB goal, 0 MB stacks, 0 MB globals, 2 P (forced)\n"
	if got := largestLive(trace); got != 17<<20 {
		t.Errorf("largestLive = %d, want 17 MB", got)
	}
	if got := largestLive("maxrss-kB 1234\n"); got != 0 {
		t.Errorf("largestLive without collections = %d", got)
	}
}
