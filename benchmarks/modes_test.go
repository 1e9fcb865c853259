package benchmarks

import "github.com/fwaudit/fwaudit/matcher"

// matchModes are the MatchOptions BenchmarkMatch runs each request with:
// the default, which builds libvirt's trace for every descriptor, and
// NoTrace, which stops at the first match as libvirt does.
var matchModes = []struct {
	suffix string
	opts   matcher.MatchOptions
}{
	{"/trace", matcher.MatchOptions{}},
	{"/notrace", matcher.MatchOptions{NoTrace: true}},
}
