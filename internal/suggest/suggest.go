// Package suggest finds the known values closest to a mistyped one, for
// "did you mean" hints on every enumerated command-line value.
package suggest

import (
	"slices"
	"strings"
)

// Closest returns the candidates within a small edit distance of value (or
// containing it), nearest first, ties in candidate order.
func Closest(value string, candidates []string) []string {
	type cand struct {
		s string
		d int
		i int
	}
	var cs []cand
	for i, c := range candidates {
		d := distance(value, c)
		if value != "" && (strings.Contains(c, value) || strings.Contains(value, c)) {
			d = min(d, 1)
		}
		if d <= max(2, len(value)/3) {
			cs = append(cs, cand{c, d, i})
		}
	}
	slices.SortStableFunc(cs, func(a, b cand) int { return a.d - b.d })
	var out []string
	for _, c := range cs {
		out = append(out, c.s)
	}
	return out
}

// Hint is "; did you mean A or B?" for the closest candidates, or "".
func Hint(value string, candidates []string) string {
	s := Closest(value, candidates)
	if len(s) == 0 {
		return ""
	}
	if len(s) > 3 {
		s = s[:3]
	}
	return "; did you mean " + Or(s) + "?"
}

// Or joins values as "a, b or c".
func Or(values []string) string {
	switch len(values) {
	case 0:
		return ""
	case 1:
		return values[0]
	}
	return strings.Join(values[:len(values)-1], ", ") + " or " + values[len(values)-1]
}

// distance is the Levenshtein distance between a and b, in bytes.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
