// Package result holds the canonical result of each fwaudit command other
// than audit and lint (whose result is report.Report): List for list,
// Validation for validate, Match for match and Distros for distros. Each is
// built once from the library's answers and rendered by one writer per
// format: WriteText for people (aligned, verdict first, colored only when
// asked), WriteJSON for programs (documented by the JSON Schemas in
// schema/, see Schema), and for Match WriteXML (what libvirt writes into
// the domain). A Go program gets exactly what the command prints by
// calling the command's entry point: Predict and PredictNova (match),
// Audit and Lint (audit and lint, a report.Report), ListOf (or WriteList,
// which writes the list as it reads it), Validate, NewDistros, NewRules and
// Explain. The entry points take the user's
// choice of descriptors and release as a source.Spec and make every
// policy decision the command makes (which release, which files, which
// checks); errors the user must fix are *release.UsageError values.
package result

import (
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/fwaudit/fwaudit/internal/schemacheck"
)

//go:embed schema/*.schema.json
var schemas embed.FS

// Kind names a kind of result and its JSON Schema.
type Kind string

// Kinds of result, naming their schemas.
const (
	KindList     Kind = "list"
	KindValidate Kind = "validate"
	KindMatch    Kind = "match"
	KindDistros  Kind = "distros"
)

// kinds are the results' schemas, by kind, compiled on first use.
var kinds = func() map[Kind]*schemacheck.Schema {
	m := make(map[Kind]*schemacheck.Schema)
	for _, k := range []Kind{KindList, KindValidate, KindMatch, KindDistros} {
		src, err := schemas.ReadFile("schema/" + string(k) + ".schema.json")
		if err != nil {
			panic(err) // embedded: a build without them is broken
		}
		m[k] = schemacheck.New("https://fwaudit.invalid/"+string(k)+".schema.json", src)
	}
	return m
}()

// Schema returns the JSON Schema of a kind of result's JSON output.
func Schema(kind Kind) ([]byte, error) {
	if _, ok := kinds[kind]; !ok {
		return nil, fmt.Errorf("result: no kind of result %q", kind)
	}
	return schemas.ReadFile("schema/" + string(kind) + ".schema.json")
}

// ValidateJSON checks data, the JSON output of a kind of result, against
// its schema. The error names every violation by JSON pointer.
func ValidateJSON(kind Kind, data []byte) error {
	s, ok := kinds[kind]
	if !ok {
		return fmt.Errorf("result: no kind of result %q", kind)
	}
	if err := s.Validate(data); err != nil {
		return fmt.Errorf("result: %s output: %w", kind, err)
	}
	return nil
}

// TextOptions configure the text renderers.
type TextOptions struct {
	// Color paints verdicts with ANSI colors (for a terminal).
	Color bool
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// style colors text when asked.
type style struct{ color bool }

func (s style) paint(code, text string) string {
	if !s.color {
		return text
	}
	return "\x1b[" + code + "m" + text + "\x1b[0m"
}

func (s style) red(t string) string    { return s.paint("31", t) }
func (s style) green(t string) string  { return s.paint("32", t) }
func (s style) yellow(t string) string { return s.paint("33", t) }
func (s style) dim(t string) string    { return s.paint("2", t) }

// table writes rows as aligned columns separated by sep spaces. paint may
// color a cell; padding is computed on the plain text, so colors never
// break the alignment.
func table(w io.Writer, rows [][]string, sep int, paint func(row, col int, cell string) string) error {
	var widths []int
	for _, r := range rows {
		widths = growWidths(widths, r)
	}
	var b strings.Builder
	var line []byte
	for ri, r := range rows {
		line = appendRow(line[:0], ri, r, widths, sep, paint)
		b.Write(line)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// growWidths widens widths, one per column, to hold the plain cells of row.
func growWidths(widths []int, row []string) []int {
	for i, c := range row {
		if i >= len(widths) {
			widths = append(widths, 0)
		}
		widths[i] = max(widths[i], utf8.RuneCountInString(c))
	}
	return widths
}

// appendRow appends row number ri of a table (see table) to dst as one
// line, its trailing spaces trimmed.
func appendRow(dst []byte, ri int, row []string, widths []int, sep int, paint func(row, col int, cell string) string) []byte {
	start := len(dst)
	for i, c := range row {
		if paint != nil {
			dst = append(dst, paint(ri, i, c)...)
		} else {
			dst = append(dst, c...)
		}
		if i < len(row)-1 {
			for range widths[i] - utf8.RuneCountInString(c) + sep {
				dst = append(dst, ' ')
			}
		}
	}
	end := len(dst)
	for end > start && dst[end-1] == ' ' {
		end--
	}
	return append(dst[:end], '\n')
}

// wrap writes text as lines of at most width characters, the first
// starting with first and the others with indent.
func wrap(b *strings.Builder, first, indent, text string, width int) {
	line := first
	empty := true
	for _, word := range strings.Fields(text) {
		if !empty && utf8.RuneCountInString(line)+1+utf8.RuneCountInString(word) > width {
			b.WriteString(line + "\n")
			line, empty = indent, true
		}
		if !empty {
			line += " "
		}
		line += word
		empty = false
	}
	b.WriteString(line + "\n")
}
