package benchmarks

import (
	"strings"
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
// they ask, on the merged set under libvirt 12.8's rules: each picks a
// descriptor that serves it (the miss picks none, with libvirt's error
// after scanning the whole set), and the trace and no-trace modes
// measured side by side make the same choice.
func TestMatchRequests(t *testing.T) {
	p := matcher.Latest
	set := loadMerged(t, p)
	if len(requests) == 0 || len(matchModes) < 2 {
		t.Fatalf("%d requests, %d modes", len(requests), len(matchModes))
	}
	for _, tc := range requests {
		var first *matcher.Decision
		for _, mode := range matchModes {
			req := tc.req
			d := matcher.Match(set, &req, p, mode.opts)
			name := tc.name + mode.suffix
			switch {
			case tc.serves == nil && (d.Chosen != nil || !strings.Contains(d.Err, "Unable to find")):
				t.Errorf("%s: chose %v, error %q; want no descriptor and libvirt's 'Unable to find'", name, d.Chosen, d.Err)
			case tc.serves != nil && d.Chosen == nil:
				t.Errorf("%s: no descriptor chosen (%s)", name, d.Err)
			case tc.serves != nil && !tc.serves(d.Chosen.Descriptor):
				t.Errorf("%s: chose %s, which does not serve the request", name, d.Chosen.Name)
			}
			if !mode.opts.NoTrace && len(d.Trace) == 0 {
				t.Errorf("%s: no trace in trace mode", name)
			}
			if first == nil {
				first = d
			} else if d.Chosen != first.Chosen || d.Err != first.Err {
				t.Errorf("%s: chose %v (%q), the other mode %v (%q)", name, d.Chosen, d.Err, first.Chosen, first.Err)
			}
		}
	}
}
