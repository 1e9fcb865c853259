package report

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/fwaudit/fwaudit/internal/atomicfile"
)

// Formats lists the formats Write renders, the canonical JSON first.
var Formats = []Format{JSON, Text, SARIF, JUnit, Prometheus}

// ParseFormat parses a format name as given to --format: "json", "text",
// "sarif", "junit" or "prometheus".
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if string(f) == s {
			return f, nil
		}
	}
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = string(f)
	}
	return "", fmt.Errorf("report: unknown format %q (want one of %s)", s, strings.Join(names, ", "))
}

// Write renders r to w in format f. It renders a finalized copy of r (see
// Report.Finalize) and leaves r itself untouched, so the output does not
// depend on the order in which the audit produced findings. The output is
// deterministic: it holds no time stamps and no map order.
//
// Write fails on a nil report, an unknown format or an error from w.
func Write(w io.Writer, r *Report, f Format, opts Options) error {
	if r == nil {
		return errors.New("report: nil report")
	}
	render, ok := renderers[f]
	if !ok {
		_, err := ParseFormat(string(f))
		return err
	}
	if err := render(w, r.finalized(), opts); err != nil {
		return fmt.Errorf("report: writing %s: %w", f, err)
	}
	return nil
}

var renderers = map[Format]func(io.Writer, *Report, Options) error{
	JSON:       writeJSON,
	Text:       writeText,
	SARIF:      writeSARIF,
	JUnit:      writeJUnit,
	Prometheus: writePrometheus,
}

// WriteFile renders r in format f to the file at path, atomically (see
// internal/atomicfile): the output goes to a temporary file in the same
// directory, which is synced and then renamed over path, so a reader
// (node_exporter's textfile collector, a CI step) sees either the old file
// or the whole new one, never a partial one. On failure, and on SIGINT,
// SIGTERM or SIGHUP during the write, the temporary file is removed and
// path is left as it was; one left by a killed run is removed by the next
// write. A new file gets mode 0644; an existing file keeps its permission
// bits.
func WriteFile(path string, r *Report, f Format, opts Options) error {
	// What Write would refuse is refused before the file is touched.
	if r == nil {
		return errors.New("report: nil report")
	}
	if _, ok := renderers[f]; !ok {
		_, err := ParseFormat(string(f))
		return err
	}
	// The report goes straight to the temporary file: the renderers hold
	// one finding at a time, and so does WriteFile.
	var werr error
	err := atomicfile.Write(path, func(w io.Writer) error {
		werr = Write(w, r, f, opts)
		return werr
	})
	switch {
	case werr != nil:
		return werr
	case err != nil:
		return fmt.Errorf("report: %w", err)
	}
	return nil
}
