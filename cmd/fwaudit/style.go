package main

import (
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/fwaudit/fwaudit/descriptor"
)

// style colors text only when writing to a terminal and NO_COLOR is unset.
type style struct{ color bool }

func newStyle(w io.Writer) style {
	f, ok := w.(*os.File)
	if !ok || os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return style{}
	}
	info, err := f.Stat()
	return style{color: err == nil && info.Mode()&os.ModeCharDevice != 0}
}

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

func (s style) status(st descriptor.Status) string {
	switch st {
	case descriptor.StatusActive:
		return s.green(string(st))
	case descriptor.StatusInvalid, descriptor.StatusError:
		return s.red(string(st))
	case descriptor.StatusMask, descriptor.StatusMasked, descriptor.StatusOverridden:
		return s.yellow(string(st))
	}
	return s.dim(string(st))
}

// writeTable writes rows as aligned columns separated by two spaces. paint
// may color a cell; padding is computed on the plain text, so colors never
// break the alignment.
func writeTable(w io.Writer, rows [][]string, paint func(row, col int, cell string) string) {
	var widths []int
	for _, r := range rows {
		for i, c := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	var b strings.Builder
	for ri, r := range rows {
		b.Reset()
		for i, c := range r {
			b.WriteString(paint(ri, i, c))
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c)+2))
			}
		}
		io.WriteString(w, strings.TrimRight(b.String(), " ")+"\n")
	}
}
