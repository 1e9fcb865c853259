package audit

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// FuzzParseOverrides feeds ParseOverrides arbitrary files: it never panics,
// every error line names the file and a line, and every override it
// returns names a catalogued rule, on a line the file has.
func FuzzParseOverrides(f *testing.F) {
	f.Add([]byte("missing-file  *-secure-*.json  # the images come later\n\nno-descriptors\n"))
	f.Add([]byte("coverage-gap [\n"))
	f.Add([]byte("shadowd\r\n# only a comment\n"))
	f.Add([]byte("a b c\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := ParseOverrides("ov", bytes.NewReader(data))
		if err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(line, "ov:") {
					t.Fatalf("error line does not name the file: %q", line)
				}
			}
		}
		lines := strings.Count(string(data), "\n") + 1
		for _, o := range got {
			if _, ok := Rule(o.Rule); !ok {
				t.Fatalf("override of an unknown rule %q", o.Rule)
			}
			if o.File != "ov" || o.Line < 1 || o.Line > lines {
				t.Fatalf("override at %s:%d of a %d-line file", o.File, o.Line, lines)
			}
			if strings.ContainsAny(o.Glob, " \t\n#") {
				t.Fatalf("glob %q holds a separator or a comment", fmt.Sprint(o.Glob))
			}
		}
	})
}
