// Package membudget bounds the memory of a fwaudit process to a multiple of
// the descriptor bytes it reads, plus a constant: the promise of issue 11
// ("listing or auditing N descriptors costs at most 3x their bytes plus a
// constant").
//
// The live heap of an audit is about twice its input at its largest
// (benchmarks/README.md, "Memory for N descriptors"), but Go's collector,
// left to GOGC alone, lets the heap grow to twice the live heap before it
// collects, and the process then holds four times its input. A Budget
// sets the runtime's soft memory limit (debug.SetMemoryLimit) to what the
// runtime held when the budget started, plus Slack, plus Factor times the
// input's bytes, raising it as more input is announced: the collector runs
// as often as it must to stay inside, and no more often. The limit is
// soft: a live heap above it is not refused, the collector only works
// harder (the runtime caps that at half the CPU). No limit is set before
// the first Read: the budget cannot know the input before it is told (the
// set's scan, which holds about half the input's size, comes first). A
// GOMEMLIMIT set in the environment is the user's choice and is left
// alone.
package membudget

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
)

// Factor is the budget's multiple of the input's bytes.
const Factor = 3

// Slack is the headroom the budget gives the runtime besides what it held
// when the budget started: Go's smallest heap goal, so that small inputs
// are collected no more often than without a budget.
const Slack = 4 << 20

// A Budget raises the runtime's memory limit as input is announced. The
// zero Budget, and a nil one, do nothing; make one with Start.
type Budget struct {
	on      bool
	prev    int64 // the limit before Start, which Stop sets again
	base    int64 // the runtime's memory when the budget started, plus Slack
	read    int64 // input bytes announced so far
	applied int64 // read when the limit was last set (-1: never)
	set     func(int64) int64
}

// Start starts a budget for this process, with no input yet. It does
// nothing when GOMEMLIMIT is set in the environment.
func Start() *Budget {
	if os.Getenv("GOMEMLIMIT") != "" {
		return &Budget{}
	}
	return start(runtimeMemory(), debug.SetMemoryLimit)
}

func start(held int64, set func(int64) int64) *Budget {
	return &Budget{on: true, base: held + Slack, applied: -1, prev: set(-1), set: set}
}

// Read counts n more bytes of input: the first call sets the limit, later
// ones raise it when the input has grown by a sixteenth, and at least 64
// KiB, since it was last set.
func (b *Budget) Read(n int64) {
	if b == nil || !b.on || n < 0 {
		return
	}
	b.read += n
	if b.applied < 0 || b.read-b.applied >= max(64<<10, b.applied/16) {
		b.apply()
	}
}

// Stop sets the limit back to what it was before Start: the budget is for
// one command, and a program (a test) may run many.
func (b *Budget) Stop() {
	if b == nil || !b.on {
		return
	}
	if b.applied >= 0 {
		b.set(b.prev)
	}
	b.on = false
}

// Limit returns the limit the budget sets for the input it has been told
// of (0 when it is off).
func (b *Budget) Limit() int64 {
	if b == nil || !b.on {
		return 0
	}
	return b.base + Factor*b.read
}

func (b *Budget) apply() {
	b.applied = b.read
	b.set(b.Limit())
}

// runtimeMemory is the memory the Go runtime holds from the system, as
// the memory limit counts it: everything it mapped, less what it has
// returned.
func runtimeMemory() int64 {
	s := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 || s[1].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int64(s[0].Value.Uint64() - s[1].Value.Uint64())
}
