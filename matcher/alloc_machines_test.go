package matcher

import "testing"

// Match looks the machine lists up on every request: with a host's QEMU
// version (a patch level, Ubuntu's build) as with a profile's, the lookup
// allocates nothing once the version has been met.
func TestMachinesForAllocs(t *testing.T) {
	for _, q := range []string{"10.0", "7.2.22", "8.2.2+ubuntu"} {
		if machinesFor("x86_64", q) == nil {
			t.Fatalf("%s: no machine list", q)
		}
		if n := testing.AllocsPerRun(100, func() { machinesFor("x86_64", q) }); n != 0 {
			t.Errorf("%s: %v allocations a lookup, want 0", q, n)
		}
	}
}
