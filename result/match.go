package result

import (
	"encoding/xml"
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/fwaudit/fwaudit/matcher"
	"github.com/fwaudit/fwaudit/release"
	"libvirt.org/go/libvirtxml"
)

// MatchSchemaVersion versions the JSON output of Match.
const MatchSchemaVersion = 1

// Match is the firmware libvirt picks for one domain and what it writes
// into it, with the release and QEMU version predicted for and why:
// fwaudit match. Its JSON form is the oracle-shaped answer plus where the
// prediction comes from (schema/match.schema.json).
type Match struct {
	SchemaVersion int    `json:"schema_version"`
	Profile       string `json:"profile"`
	ProfileSource string `json:"profile_source"`
	ProfileNote   string `json:"profile_note"`
	QEMU          string `json:"qemu"`
	QEMUSource    string `json:"qemu_source"`
	QEMUNote      string `json:"qemu_note"`
	// Machine is the machine type matched, aliases resolved.
	Machine string `json:"machine"`
	// Selected is false when libvirt runs no selection at all.
	Selected bool `json:"selected"`
	// Stage is where libvirt fails ("define", "start", or "load" for an
	// existing domain's stored definition), on failure only.
	Stage string `json:"stage,omitempty"`
	*matcher.Answer
	// DescriptorPath shadows the Answer's, so that it is always present
	// (null when nothing was chosen), like the oracle's.
	DescriptorPath *string        `json:"descriptor_path"`
	Trace          []matcher.Step `json:"trace"`
	// Also is set with --all.
	Also *[]AlsoEntry `json:"also,omitempty"`
	// Nova says which nova release wrote the domain, when nova's request
	// described it.
	Nova string `json:"nova,omitempty"`

	// machineAsWritten is the machine type the domain asked for (an alias
	// such as q35), when it differs from Machine.
	machineAsWritten string
	decision         *matcher.Decision
	domain           *libvirtxml.Domain
}

// AlsoEntry is another descriptor that matches, in libvirt's order.
type AlsoEntry struct {
	Name string `json:"name"`
	Path string `json:"path"`
}

// NewMatch is the result of d, libvirt's decision on dom under choice.
// all lists the other matching descriptors (--all).
func NewMatch(choice release.Choice, dom *libvirtxml.Domain, d *matcher.Decision, all bool) *Match {
	ps, qs := choice.ProfileSetting, choice.QEMUSetting
	m := &Match{
		SchemaVersion: MatchSchemaVersion,
		Profile:       choice.Profile.Name, ProfileSource: string(ps.Source), ProfileNote: ps.Note,
		QEMU: choice.QEMU, QEMUSource: string(qs.Source), QEMUNote: qs.Note,
		Machine:  d.Request.Machine,
		Selected: d.Selected,
		Answer:   d.Answer(dom),
		Trace:    d.Trace,
		decision: d,
		domain:   dom,
	}
	if dom.OS != nil && dom.OS.Type != nil && dom.OS.Type.Machine != d.Request.Machine {
		m.machineAsWritten = dom.OS.Type.Machine
	}
	m.DescriptorPath = m.Answer.DescriptorPath
	if !m.Answer.OK {
		m.Stage = d.Stage
	}
	if m.Trace == nil {
		m.Trace = []matcher.Step{}
	}
	if all {
		also := []AlsoEntry{}
		for _, e := range d.Also {
			also = append(also, AlsoEntry{e.Name, e.Path})
		}
		m.Also = &also
	}
	return m
}

// OK reports whether libvirt accepts the domain (fwaudit match's exit 0).
func (m *Match) OK() bool { return m.decision.OK() }

// WriteJSON writes the prediction as JSON.
func (m *Match) WriteJSON(w io.Writer) error { return writeJSON(w, m) }

// WriteXML writes the domain's <os> and <features> as libvirt writes them
// after selection. For a domain libvirt refuses it writes nothing and
// returns a *DomainRefusedError.
func (m *Match) WriteXML(w io.Writer) error {
	if !m.OK() {
		return &DomainRefusedError{Profile: m.Profile, Reason: m.decision.Err}
	}
	dom := *m.domain
	if dom.OS != nil {
		os := *dom.OS
		dom.OS = &os
	}
	m.decision.Apply(&dom)
	return writeDomainXML(w, &dom, m.Machine)
}

// MatchTextOptions configure Match.WriteText.
type MatchTextOptions struct {
	TextOptions
	// Explain adds libvirt's verdict on every descriptor.
	Explain bool
}

// formats them after selection: empty elements self-closed, the machine
// type with its alias resolved (machine is the resolved name).
func writeDomainXML(w io.Writer, dom *libvirtxml.Domain, machine string) error {
	os := *dom.OS
	if os.Type != nil {
		t := *os.Type
		t.Machine = machine
		os.Type = &t
	}
	var b strings.Builder
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.EncodeElement(os, xml.StartElement{Name: xml.Name{Local: "os"}}); err != nil {
		return err
	}
	if dom.Features != nil {
		if err := enc.EncodeElement(dom.Features, xml.StartElement{Name: xml.Name{Local: "features"}}); err != nil {
			return err
		}
	}
	if err := enc.Close(); err != nil {
		return err
	}
	_, err := io.WriteString(w, emptyElementRe.ReplaceAllString(b.String(), "<$1$2/>")+"\n")
	return err
}

// emptyElementRe matches an element without content, which encoding/xml
// writes as <x a="b"></x>.
var emptyElementRe = regexp.MustCompile(`<([^\s<>/]+)([^<>]*)></[^<>]+>`)

// writeMatchText writes the prediction for people: where it comes from,
// then what libvirt writes, or its error.
func (out *Match) WriteText(w io.Writer, opts MatchTextOptions) error {
	var b strings.Builder
	err := out.writeText(&b, opts)
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, b.String())
	return err
}

func (out *Match) writeText(w io.Writer, opts MatchTextOptions) error {
	st, d, explain, machineAsWritten := style{opts.Color}, out.decision, opts.Explain, out.machineAsWritten
	a := out.Answer
	rows := [][]string{
		{"profile", out.Profile + "  (" + out.ProfileSource + ": " + out.ProfileNote + ")"},
		{"qemu", out.QEMU + "  (" + out.QEMUSource + ": " + out.QEMUNote + ")"},
	}
	machine := out.Machine
	if machineAsWritten != "" && machineAsWritten != out.Machine {
		machine += "  (" + machineAsWritten + ")"
	}
	rows = append(rows, []string{"machine", machine})
	if out.Nova != "" {
		rows = append(rows, []string{"nova", out.Nova})
	}
	if a.Descriptor != nil {
		label, path := "descriptor", ""
		if a.DescriptorPath != nil {
			path = "  " + *a.DescriptorPath
		}
		if !a.OK {
			label = "chosen"
			path += "  (before the error below)"
		}
		rows = append(rows, []string{label, *a.Descriptor + path})
	}
	switch {
	case !a.OK && a.DaemonCrashed:
		rows = append(rows, []string{"error", "libvirtd crashes (at " + out.Stage + "); the client sees: " + deref(a.Error)})
	case !a.OK:
		rows = append(rows, []string{"error", deref(a.Error) + "  (at " + out.Stage + ")"})
	case !out.Selected:
		rows = append(rows, []string{"selection", "none: the domain has neither <os firmware> nor a pflash loader; libvirt boots it as written"})
	default:
		if a.OSFirmware != nil {
			rows = append(rows, []string{"firmware", *a.OSFirmware})
		}
		if l := a.Loader; l != nil {
			rows = append(rows, []string{"loader", joinNonEmpty(deref(l.Path), attrs(
				attr{"type", l.Type}, attr{"readonly", l.Readonly}, attr{"secure", l.Secure},
				attr{"stateless", l.Stateless}, attr{"format", l.Format}))})
		}
		if n := a.NVRAM; n != nil {
			rows = append(rows, []string{"nvram", joinNonEmpty(deref(n.Path), attrs(
				attr{"type", n.Type}, attr{"format", n.Format}, attr{"template", n.Template},
				attr{"templateFormat", n.TemplateFormat}))})
		} else {
			rows = append(rows, []string{"nvram", "none"})
		}
		if a.Kernel != nil {
			rows = append(rows, []string{"kernel", *a.Kernel})
		}
		if a.SMM != nil {
			rows = append(rows, []string{"smm", *a.SMM})
		}
		if len(a.FirmwareFeatures) > 0 {
			var fs []string
			for _, k := range slices.Sorted(maps.Keys(a.FirmwareFeatures)) {
				fs = append(fs, k+"="+a.FirmwareFeatures[k])
			}
			rows = append(rows, []string{"features", strings.Join(fs, " ")})
		}
	}
	if st := a.Start; a.OK && st != nil {
		// Defined (or, for an existing domain, loaded) as above, with or
		// without a selection, then refused by the first start.
		after := "the define"
		if d != nil && d.Request.Existing {
			after = "loading the stored definition"
		}
		rows = append(rows, []string{"error", deref(st.Error) + "  (at start, after " + after + ")"})
	}
	for _, r := range rows {
		r[1] = clean(r[1])
	}
	table(w, rows, 2, func(row, col int, cell string) string {
		switch {
		case col == 0:
			return st.dim(cell)
		case rows[row][0] == "error":
			return st.red(cell)
		case rows[row][0] == "descriptor":
			return st.green(cell)
		}
		return cell
	})
	if out.Also != nil {
		if len(*out.Also) == 0 {
			fmt.Fprintln(w, st.dim("also:")+" no other descriptor matches")
		} else {
			fmt.Fprintln(w, st.dim("also:")+" the other matching descriptors, in libvirt's order")
			var also [][]string
			for i, e := range *out.Also {
				also = append(also, []string{fmt.Sprintf("  %d.", i+2), clean(e.Name), clean(e.Path)})
			}
			table(w, also, 2, func(_, _ int, c string) string { return c })
		}
	}
	if explain && len(out.Trace) == 0 {
		fmt.Fprintln(w, st.dim("trace:")+" libvirt examined no descriptor")
	}
	if explain && len(out.Trace) > 0 {
		fmt.Fprintln(w, st.dim("trace:")+" libvirt's verdict on each descriptor, in its order")
		var trace [][]string
		for _, s := range out.Trace {
			verdict := "skipped"
			switch {
			case d.Chosen != nil && s.Path == d.Chosen.Path && s.Accepted:
				verdict = "chosen"
			case s.Accepted:
				verdict = "matches"
			}
			trace = append(trace, []string{"  " + verdict, clean(s.Name), clean(s.Reason)})
		}
		table(w, trace, 2, func(_, col int, c string) string {
			if col != 0 {
				return c
			}
			switch strings.TrimSpace(c) {
			case "chosen":
				return st.green(c)
			case "matches":
				return st.yellow(c)
			}
			return st.dim(c)
		})
	}
	return nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// attr is one XML attribute as written, nil when absent.
type attr struct {
	name  string
	value *string
}

// attrs formats the present attributes as name=value.
func attrs(as ...attr) string {
	var out []string
	for _, a := range as {
		if a.value != nil {
			out = append(out, a.name+"="+*a.value)
		}
	}
	return strings.Join(out, " ")
}

// joinNonEmpty joins the non-empty strings with two spaces.
func joinNonEmpty(ss ...string) string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return strings.Join(out, "  ")
}
