package report

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"golang.org/x/text/width"

	"github.com/fwaudit/fwaudit/internal/termtext"
)

// textLine is one line of the text report: a check and its verdict, or a
// heading when word is empty.
type textLine struct {
	check string
	verdict
}

// writeText writes the report the way virt-host-validate does: one line
// per check, "CHECK : WORD (why)", the colons aligned. The header (what was
// audited with which release) and the Summary line come first, as
// govulncheck puts its verdict first, then the checks under the headings
// Descriptors, Coverage and Domains. Opts.Quiet keeps the header, the
// summary and only the WARN and FAIL lines (with the headings above them);
// opts.Color paints PASS green, WARN yellow and FAIL red.
//
// The lines are not held: a first pass over the checks finds the width of
// the widest and the headings that show, a second writes them.
func writeText(w io.Writer, r *Report, opts Options) error {
	g := group(r)
	type section struct {
		heading string
		each    func(fn func(textLine) error) error
	}
	sections := []section{{"Descriptors", g.eachLintLine}}
	if len(r.Coverage) > 0 {
		sections = append(sections, section{"Coverage", eachLine(g.coverageLines)})
	}
	if len(r.Domains) > 0 {
		sections = append(sections, section{"Domains", eachLine(g.domainLines)})
	}
	keep := func(l textLine) bool { return !opts.Quiet || l.word == wordWarn || l.word == wordFail }

	summary := textLine{"Summary", summaryVerdict(r.Summary)}
	colon := displayWidth(summary.check)
	shown := make([]bool, len(sections))
	for i, s := range sections {
		kept := 0
		if err := s.each(func(l textLine) error {
			if keep(l) {
				kept++
				colon = max(colon, displayWidth(l.check))
			}
			return nil
		}); err != nil {
			return err
		}
		// Quiet output leaves out a heading with no lines under it.
		shown[i] = kept > 0 || !opts.Quiet
	}

	b := bufio.NewWriterSize(w, 64<<10)
	name := firstNonEmpty(r.Tool.Name, "fwaudit")
	if r.Tool.Version != "" {
		name += " " + r.Tool.Version
	}
	fmt.Fprintf(b, "%s: %s\n", termtext.Clean(name), termtext.Clean(header(r)))
	line := func(l textLine) {
		b.WriteString(l.check)
		for range colon - displayWidth(l.check) {
			b.WriteByte(' ')
		}
		b.WriteString(" : ")
		b.WriteString(paint(l.word, opts.Color))
		if l.why != "" {
			b.WriteString(" (")
			b.WriteString(termtext.Clean(l.why))
			b.WriteString(")")
		}
		b.WriteString("\n")
	}
	line(summary)
	for i, s := range sections {
		if !shown[i] {
			continue
		}
		b.WriteString(s.heading)
		b.WriteString("\n")
		if err := s.each(func(l textLine) error {
			if keep(l) {
				line(l)
			}
			return nil
		}); err != nil {
			return err
		}
	}
	return b.Flush()
}

// eachLine turns a list of lines into a walk over them.
func eachLine(lines func() []textLine) func(fn func(textLine) error) error {
	return func(fn func(textLine) error) error {
		for _, l := range lines() {
			if err := fn(l); err != nil {
				return err
			}
		}
		return nil
	}
}

// header describes what was audited with what.
func header(r *Report) string {
	var parts []string
	if r.Profile != "" {
		p := "profile " + r.Profile
		switch {
		case r.ProfileSource != "" && r.ProfileNote != "":
			p += " (" + r.ProfileSource + ": " + r.ProfileNote + ")"
		case r.ProfileSource != "":
			p += " (" + r.ProfileSource + ")"
		}
		parts = append(parts, p)
	}
	if r.QEMU != "" {
		parts = append(parts, "QEMU "+r.QEMU)
	}
	if r.Source != "" {
		parts = append(parts, "source "+r.Source)
	}
	if len(parts) == 0 {
		return "audit"
	}
	return strings.Join(parts, ", ")
}

// eachLintLine calls fn for each descriptor check in order: for each
// descriptor in libvirt's order one line per finding about it ("NAME
// RULE"), or one line for the descriptor itself when it has none; then the
// findings about no known descriptor ("FILE RULE", or the subject, or the
// descriptor name).
func (g *grouped) eachLintLine(fn func(textLine) error) error {
	labels := g.lintLabels()
	return g.eachLint(func(i int, fs []Finding) error {
		label := termtext.Clean(labels[i])
		if len(fs) == 0 {
			return fn(textLine{"  " + label, descriptorVerdict(g.r.Descriptors[i])})
		}
		for _, f := range fs {
			if err := fn(textLine{"  " + label + " " + termtext.Clean(f.Rule), findingsVerdict([]Finding{f})}); err != nil {
				return err
			}
		}
		return nil
	}, func(_ int, f Finding) error {
		what := firstNonEmpty(f.File, f.Descriptor, f.Subject)
		check := termtext.Clean(f.Rule)
		if what != "" {
			check = termtext.Clean(what) + " " + check
		}
		return fn(textLine{"  " + check, findingsVerdict([]Finding{f})})
	})
}

// lintLabels names each descriptor by its base name, or by its path when
// the name is not unique.
func (g *grouped) lintLabels() []string {
	count := map[string]int{}
	for _, d := range g.r.Descriptors {
		count[d.Name]++
	}
	labels := make([]string, len(g.r.Descriptors))
	for i, d := range g.r.Descriptors {
		labels[i] = d.Name
		if count[d.Name] > 1 || d.Name == "" {
			labels[i] = d.Path
		}
	}
	return labels
}

// coverageLines are one line per coverage cell: "ARCH MACHINE FEATURE_SET".
func (g *grouped) coverageLines() []textLine {
	var lines []textLine
	for _, c := range g.r.Coverage {
		check := termtext.Clean(c.Arch + " " + c.Machine + " " + c.FeatureSet)
		lines = append(lines, textLine{"  " + check, g.cellVerdict(c)})
	}
	return lines
}

// domainLines are one line per domain, by name, and by name and file
// where two domains share a name.
func (g *grouped) domainLines() []textLine {
	names := map[string]int{}
	for _, d := range g.r.Domains {
		names[d.Name]++
	}
	var lines []textLine
	for _, d := range g.r.Domains {
		label := firstNonEmpty(d.Name, d.File)
		if d.Name != "" && names[d.Name] > 1 && d.File != "" {
			label = d.Name + " (" + d.File + ")"
		}
		lines = append(lines, textLine{"  " + termtext.Clean(label), g.domainVerdict(d)})
	}
	return lines
}

// summaryVerdict is FAIL with errors, WARN with warnings, PASS otherwise,
// with the counts.
func summaryVerdict(s Summary) verdict {
	word := wordPass
	switch {
	case s.Errors > 0:
		word = wordFail
	case s.Warnings > 0:
		word = wordWarn
	}
	why := fmt.Sprintf("%s, %s, %d info, %d suppressed",
		plural(s.Errors, "error"), plural(s.Warnings, "warning"), s.Infos, s.Suppressed)
	return verdict{word, why}
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// paint colors a verdict word with ANSI escapes when color is set.
func paint(word string, color bool) string {
	code := ""
	switch word {
	case wordPass:
		code = "32"
	case wordWarn:
		code = "33"
	case wordFail:
		code = "31"
	}
	if !color || code == "" {
		return word
	}
	return "\x1b[" + code + "m" + word + "\x1b[0m"
}

// displayWidth is the number of terminal columns s takes: East Asian wide
// and fullwidth characters take two.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}
