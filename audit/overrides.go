package audit

import (
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/fwaudit/fwaudit/internal/safefile"
	"github.com/fwaudit/fwaudit/report"
)

// Override suppresses the findings of one rule, optionally only those
// about descriptors (or files, or subjects) matching a glob.
type Override struct {
	Rule string
	// Glob is a path.Match pattern matched against the finding's
	// descriptor name, file and subject; "" matches every finding of Rule.
	Glob string
	// File and Line locate the override for override-unused.
	File string
	Line int

	used bool
}

// MaxOverridesSize is the largest overrides file read (1 MiB): a
// hand-written list of rules and globs.
const MaxOverridesSize = 1 << 20

// ParseOverrides reads an overrides file: one "rule [descriptor-glob]" per
// line; blank lines and text from a "#" on are ignored. Lines may be of
// any length; the whole file may hold at most MaxOverridesSize bytes. name
// names the file in errors, which are "name:line: message", all of them
// joined.
func ParseOverrides(name string, r io.Reader) ([]Override, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxOverridesSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(data) > MaxOverridesSize {
		return nil, fmt.Errorf("%s: larger than %d bytes", name, MaxOverridesSize)
	}
	return parseOverrides(name, string(data))
}

func parseOverrides(name, text string) ([]Override, error) {
	var out []Override
	var errs []error
	text = strings.TrimSuffix(text, "\n")
	n := 0
	for line := range strings.SplitSeq(text, "\n") {
		n++
		line = strings.TrimSuffix(line, "\r")
		if i := strings.Index(line, "#"); i >= 0 {
			line = line[:i]
		}
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		if len(fields) > 2 {
			errs = append(errs, fmt.Errorf("%s:%d: want \"rule [descriptor-glob]\", got %d fields", name, n, len(fields)))
			continue
		}
		o := Override{Rule: fields[0], File: name, Line: n}
		if _, ok := Rule(o.Rule); !ok {
			msg := fmt.Sprintf("%s:%d: unknown rule %q", name, n, o.Rule)
			if s := Suggest(o.Rule); len(s) > 0 {
				msg += fmt.Sprintf(" (did you mean %s?)", strings.Join(s, ", "))
			}
			errs = append(errs, errors.New(msg))
			continue
		}
		if len(fields) == 2 {
			o.Glob = fields[1]
			if _, err := path.Match(o.Glob, ""); err != nil {
				errs = append(errs, fmt.Errorf("%s:%d: bad glob %q: %v", name, n, o.Glob, err))
				continue
			}
		}
		out = append(out, o)
	}
	return out, errors.Join(errs...)
}

// ReadOverrides reads and parses the overrides file at path. A path that
// is not a regular file (a named pipe) or is larger than MaxOverridesSize
// is refused with an *fs.PathError, without blocking.
func ReadOverrides(path string) ([]Override, error) {
	data, err := safefile.Read(path, MaxOverridesSize)
	if err != nil {
		return nil, err
	}
	return parseOverrides(path, string(data))
}

func (o *Override) matches(f *report.Finding) bool {
	if o.Rule != f.Rule {
		return false
	}
	if o.Glob == "" {
		return true
	}
	for _, s := range []string{f.Descriptor, f.File, f.Subject} {
		if ok, _ := path.Match(o.Glob, s); ok && s != "" {
			return true
		}
	}
	return false
}

// applyOverrides ends the matching of overrides (every finding was
// matched as it was recorded, auditor.put) and reports those that matched
// nothing.
func (a *auditor) applyOverrides() {
	a.overridesDone = true
	for _, o := range a.ovs {
		if o.used {
			continue
		}
		what := o.Rule
		if o.Glob != "" {
			what += " " + o.Glob
		}
		a.add(report.Finding{Rule: RuleOverrideUnused, File: o.File, Line: o.Line, Subject: what,
			Message: fmt.Sprintf("the override %q matched no finding: remove it", what)})
	}
}
