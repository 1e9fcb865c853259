package benchmarks

import (
	"syscall"
	"testing"
	"time"
)

// processCPU is the CPU time the process has used, user and system.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU starts counting the process's CPU time; the function it returns,
// called after the b.Loop loop, reports it per iteration as "cpu-ns/op".
// On a busy machine ns/op (wall time) also counts the time other processes
// hold the CPU; cpu-ns/op does not, and for a single-goroutine loop that
// does not allocate it is the loop's own cost (with allocation it also
// counts the garbage collector's background work).
func reportCPU(b *testing.B) func() {
	start := processCPU()
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64(processCPU()-start)/float64(b.N), "cpu-ns/op")
		}
	}
}
