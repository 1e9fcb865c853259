package result

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/internal/safefile"
	"github.com/fwaudit/fwaudit/release"
)

// ValidateSchemaVersion versions the JSON output of Validation.
const ValidateSchemaVersion = 1

// Validation is the verdicts on single descriptor files: fwaudit validate.
type Validation struct {
	SchemaVersion int `json:"schema_version"`
	// Rules names the libvirt parser judged with.
	Rules string      `json:"rules"`
	Files []FileCheck `json:"files"`
}

// FileCheck is one file's verdicts.
type FileCheck struct {
	File string `json:"file"`
	// QEMU is true when the file conforms to QEMU's firmware schema.
	QEMU bool `json:"qemu_schema_ok"`
	// Libvirt is true when the release's parser accepts the file.
	Libvirt  bool              `json:"libvirt_ok"`
	Problems descriptor.Errors `json:"problems"`
	Summary  string            `json:"summary,omitempty"`
}

// OK reports whether both QEMU's schema and libvirt accept the file.
func (c FileCheck) OK() bool { return c.QEMU && c.Libvirt }

// NewValidation starts an empty Validation for rules; Add the files.
func NewValidation(rules *descriptor.Rules) *Validation {
	return &Validation{SchemaVersion: ValidateSchemaVersion, Rules: rules.Name, Files: []FileCheck{}}
}

// Failed reports whether a file was rejected (fwaudit validate's exit 1).
func (v *Validation) Failed() bool {
	for _, f := range v.Files {
		if !f.OK() {
			return true
		}
	}
	return false
}

// CheckFile reads file (safefile: never blocking, a regular file of at
// most descriptor.MaxSize bytes) and judges it with rules. A file larger
// than libvirt reads is a rejection, not an error; the error is for a file
// that cannot be read at all.
func CheckFile(file string, rules *descriptor.Rules) (FileCheck, error) {
	c := FileCheck{File: file, Problems: descriptor.Errors{}}
	data, err := safefile.Read(file, descriptor.MaxSize)
	if errors.Is(err, safefile.ErrTooLarge) {
		c.Problems = append(c.Problems, &descriptor.Error{File: file, Kind: descriptor.KindIO,
			Msg: fmt.Sprintf("file is larger than the %d bytes libvirt reads", descriptor.MaxSize)})
		return c, nil
	}
	if err != nil {
		return c, err
	}
	d, perr := descriptor.Parse(file, data)
	c.QEMU = perr == nil
	var es descriptor.Errors
	if errors.As(perr, &es) {
		c.Problems = append(c.Problems, es...)
	}
	lv, lerr := rules.Decode(file, data, d)
	if lerr != nil {
		c.Problems = append(c.Problems, lerr)
	} else {
		c.Libvirt = true
		d = lv // the descriptor as the release reads it
	}
	if d != nil {
		c.Summary = d.Summary()
	}
	return c, nil
}

// Add records one file's check.
func (v *Validation) Add(c FileCheck) { v.Files = append(v.Files, c) }

// WriteJSON writes the verdicts as JSON (schema/validate.schema.json).
func (v *Validation) WriteJSON(w io.Writer) error { return writeJSON(w, v) }

// WriteText writes a line per file, "FILE: ok" or what rejects it, and its
// problems under it.
func (v *Validation) WriteText(w io.Writer, opts TextOptions) error {
	st := style{opts.Color}
	var b strings.Builder
	for _, r := range v.Files {
		verdict := st.green("ok")
		if !r.OK() {
			var parts []string
			if !r.QEMU {
				parts = append(parts, "violates QEMU's schema")
			}
			if !r.Libvirt {
				parts = append(parts, "rejected by "+v.Rules)
			}
			verdict = st.red(strings.Join(parts, ", "))
		}
		fmt.Fprintf(&b, "%s: %s\n", clean(r.File), verdict)
		for _, p := range r.Problems {
			fmt.Fprintf(&b, "  %s %s\n", st.yellow(string(p.Kind)+":"), clean(p.Error()))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Validate is fwaudit validate: each file checked (CheckFile) with the
// parser of the release libvirt or profile names (release.Named; the
// newest modelled when both are empty). A file that cannot be read is left
// out of the Validation; its error is in unread, in order. err is a
// *release.UsageError for an unknown release.
func Validate(files []string, libvirt, profile string) (v *Validation, unread []error, err error) {
	p, _, err := release.Named(libvirt, profile)
	if err != nil {
		return nil, nil, err
	}
	rules := descriptor.RulesLatest
	if p != nil {
		rules = p.Rules
	}
	v = NewValidation(rules)
	for _, file := range files {
		c, err := CheckFile(file, rules)
		if err != nil {
			unread = append(unread, err)
			continue
		}
		v.Add(c)
	}
	return v, unread, nil
}
