package benchmarks

import (
	"testing"

	"github.com/fwaudit/fwaudit/matcher"
)

// TestMatchAllocs pins the allocation count of matcher.Match after Load on
// the merged real set: none for the benchmark requests when the trace is not
// asked for, for every profile.
func TestMatchAllocs(t *testing.T) {
	if testing.CoverMode() != "" {
		t.Skip("coverage counters change allocation counts")
	}
	for _, p := range matcher.Profiles {
		set := loadMerged(t, p)
		for _, tc := range requests {
			req := tc.req
			opts := matcher.MatchOptions{NoTrace: true}
			var chosen string
			allocs := testing.AllocsPerRun(100, func() {
				d := matcher.Match(set, &req, p, opts)
				if d.Chosen != nil {
					chosen = d.Chosen.Name
				}
			})
			if allocs != 0 {
				t.Errorf("%s %s: Match allocates %v times per call, want 0", p.Name, tc.name, allocs)
			}
			_ = chosen
		}
	}
}

// TestMatchRequests checks that the benchmark requests ask what they say
// they ask: the descriptor libvirt 12.8 picks on the merged set, with and
// without the trace.
func TestMatchRequests(t *testing.T) {
	p := matcher.Latest
	set := loadMerged(t, p)
	for _, tc := range requests {
		for _, mode := range matchModes {
			req := tc.req
			d := matcher.Match(set, &req, p, mode.opts)
			got := ""
			if d.Chosen != nil {
				got = d.Chosen.Name
			}
			t.Logf("%s%s: %q %q trace=%d also=%d", tc.name, mode.suffix, got, d.Err, len(d.Trace), len(d.Also))
		}
	}
}
