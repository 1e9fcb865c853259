package cli

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestHelpWidth: every command's description, as help prints it, fits 80
// columns (the flag table is cobra's to lay out).
func TestHelpWidth(t *testing.T) {
	names := []string{""}
	for _, c := range New(Options{Stdout: io.Discard, Stderr: io.Discard}).Commands() {
		names = append(names, c.Name())
	}
	for _, name := range names {
		var out, errb bytes.Buffer
		args := []string{"help"}
		if name != "" {
			args = append(args, name)
		}
		if code := run(args, &out, &errb); code != 0 {
			t.Fatalf("fwaudit %s: exit %d: %s", strings.Join(args, " "), code, errb.String())
		}
		text, _, _ := strings.Cut(out.String(), "\nUsage:")
		for i, line := range strings.Split(text, "\n") {
			if n := utf8.RuneCountInString(line); n > 80 {
				t.Errorf("fwaudit help %s: line %d has %d columns: %q", name, i+1, n, line)
			}
		}
	}
}
