package report

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
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

// WriteFile renders r in format f to the file at path, atomically: the
// output goes to a temporary file in the same directory, which is synced
// and then renamed over path, so a reader (node_exporter's textfile
// collector, a CI step) sees either the old file or the whole new one,
// never a partial one. On failure the temporary file is removed and path
// is left as it was. A new file gets mode 0644; an existing file keeps its
// permission bits.
func WriteFile(path string, r *Report, f Format, opts Options) (err error) {
	var buf bytes.Buffer
	if err := Write(&buf, r, f, opts); err != nil {
		return err
	}
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		if !fi.Mode().IsRegular() {
			return fmt.Errorf("report: %s: not a regular file", path)
		}
		mode = fi.Mode().Perm()
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	// A leading dot keeps the temporary file out of the textfile
	// collector's *.prom glob and out of most directory listings.
	tmp, err := os.CreateTemp(dir, "."+base+".tmp*")
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if err := tmp.Chmod(mode); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	// Make the rename itself durable; not every file system supports
	// syncing a directory, and the file is complete either way.
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
