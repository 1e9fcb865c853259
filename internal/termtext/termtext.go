// Package termtext makes untrusted text (file names, descriptor strings,
// domain names) safe to print on one terminal line. Every text output of
// fwaudit (the audit and lint reports, list, match and validate) passes
// such strings through [Clean].
package termtext

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Clean makes s safe to print on one terminal line: control and formatting
// characters (newlines, escapes, bidirectional overrides, line and
// paragraph separators) are shown as Go escapes (\n, \x1b, \u202e) and
// invalid UTF-8 as \xNN, so no string can break the layout, hide text or
// drive the terminal. Other text, non-ASCII letters included, is kept.
func Clean(s string) string {
	if !strings.ContainsFunc(s, odd) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case odd(r):
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// odd reports characters that must not reach a terminal as they are.
func odd(r rune) bool {
	return r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) ||
		r == '\u2028' || r == '\u2029'
}
