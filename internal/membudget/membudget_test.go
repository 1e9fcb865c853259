package membudget

import (
	"runtime/debug"
	"testing"
)

// TestBudget: no limit before the first Read; then what the runtime held
// plus Slack plus Factor times the input, set again only when the input
// has grown enough to matter; Stop sets the limit found at Start.
func TestBudget(t *testing.T) {
	var sets []int64
	b := start(10<<20, func(l int64) int64 {
		if l >= 0 {
			sets = append(sets, l)
		}
		return 1 << 40 // the limit before
	})
	base := int64(10<<20 + Slack)
	if len(sets) != 0 {
		t.Fatalf("limits set at start: %v", sets)
	}
	b.Read(1000) // the first Read sets the limit
	if want := base + Factor*1000; len(sets) != 1 || sets[0] != want {
		t.Errorf("limits %v after the first Read, want [%d]", sets, want)
	}
	b.Read(1000) // below 64 KiB more: not set again
	if len(sets) != 1 {
		t.Errorf("a limit set after 1,000 more bytes: %v", sets)
	}
	b.Read(64 << 10)
	if want := base + Factor*(2000+64<<10); len(sets) != 2 || sets[1] != want || b.Limit() != want {
		t.Errorf("limits %v, Limit() %d; want the last and Limit() %d", sets, b.Limit(), want)
	}
	// Large inputs: set every sixteenth, so about 16·ln(growth) times.
	for range 100000 {
		b.Read(427)
	}
	if n := len(sets); n > 80 {
		t.Errorf("%d limits set for 43 MB read in 427-byte pieces, want a few dozen", n)
	}
	if got, want := sets[len(sets)-1], b.Limit(); want-got > Factor*b.read/16 {
		t.Errorf("last limit %d lags the budget %d by more than a sixteenth", got, want)
	}
	b.Read(-5)
	if got, want := b.Limit(), base+Factor*(2000+64<<10+100000*427); got != want {
		t.Errorf("Limit() = %d after a negative read, want %d", got, want)
	}
	n := len(sets)
	b.Stop()
	if len(sets) != n+1 || sets[n] != 1<<40 {
		t.Errorf("Stop set %v, want the limit before Start", sets[n:])
	}
	b.Read(1 << 30)
	b.Stop()
	if len(sets) != n+1 {
		t.Errorf("a stopped budget set limits again: %v", sets[n:])
	}
}

// TestStopWithoutRead: a budget never told of any input leaves the limit
// alone.
func TestStopWithoutRead(t *testing.T) {
	sets := 0
	b := start(1<<20, func(l int64) int64 {
		if l >= 0 {
			sets++
		}
		return 0
	})
	b.Stop()
	if sets != 0 {
		t.Errorf("%d limits set by a budget that read nothing", sets)
	}
}

// TestStartStop: in the process, the first Read lowers the limit and Stop
// restores it.
func TestStartStop(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	before := debug.SetMemoryLimit(-1)
	b := Start()
	b.Read(1 << 20)
	if got := debug.SetMemoryLimit(-1); got >= before || got != b.Limit() {
		t.Errorf("limit %d after Read, want Limit() %d (below %d)", got, b.Limit(), before)
	}
	b.Stop()
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("limit %d after Stop, want %d", got, before)
	}
}

// TestOff: a nil budget, and one started with GOMEMLIMIT set, do nothing.
func TestOff(t *testing.T) {
	var nilBudget *Budget
	nilBudget.Read(1 << 20)
	nilBudget.Stop()
	if nilBudget.Limit() != 0 {
		t.Errorf("a nil budget has a limit")
	}
	t.Setenv("GOMEMLIMIT", "1GiB")
	before := debug.SetMemoryLimit(-1)
	b := Start()
	b.Read(1 << 30)
	if b.Limit() != 0 || debug.SetMemoryLimit(-1) != before {
		t.Errorf("a budget with GOMEMLIMIT set changed the limit: %d", b.Limit())
	}
	b.Stop()
}

// TestRuntimeMemory: the runtime reports what it holds.
func TestRuntimeMemory(t *testing.T) {
	if m := runtimeMemory(); m < 1<<20 {
		t.Errorf("runtimeMemory() = %d, want at least 1 MiB", m)
	}
}
