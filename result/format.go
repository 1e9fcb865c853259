package result

import (
	"fmt"
	"io"
)

// Format is an output format of a result, as --format names it.
type Format string

// The formats: Text for people and JSON for programs, which every result
// has, and XML, the domain a Match writes.
const (
	Text Format = "text"
	JSON Format = "json"
	XML  Format = "xml"
)

// Formats are the formats Write renders, the default first; MatchFormats
// those Match.Write renders.
var (
	Formats      = []Format{Text, JSON}
	MatchFormats = []Format{Text, JSON, XML}
)

// Result is a result with one renderer per format: List, Validation,
// Distros.
type Result interface {
	WriteJSON(io.Writer) error
	WriteText(io.Writer, TextOptions) error
}

// Write renders v to w in format f (Text or JSON); opts configure the text.
func Write(w io.Writer, v Result, f Format, opts TextOptions) error {
	switch f {
	case Text:
		return v.WriteText(w, opts)
	case JSON:
		return v.WriteJSON(w)
	}
	return fmt.Errorf("result: unknown format %q (want text or json)", f)
}

// Write renders the prediction to w in format f: Text (with opts), JSON
// or XML. The XML of a domain libvirt refuses is a *DomainRefusedError,
// with nothing written: there is no domain to write.
func (m *Match) Write(w io.Writer, f Format, opts MatchTextOptions) error {
	switch f {
	case Text:
		return m.WriteText(w, opts)
	case JSON:
		return m.WriteJSON(w)
	case XML:
		return m.WriteXML(w)
	}
	return fmt.Errorf("result: unknown format %q (want text, json or xml)", f)
}

// DomainRefusedError is Match.WriteXML's error for a domain libvirt
// refuses (fwaudit match's exit 1, as for a refusal in the other formats).
type DomainRefusedError struct {
	// Profile is the release that refuses; Reason is libvirt's error.
	Profile, Reason string
}

func (e *DomainRefusedError) Error() string {
	return fmt.Sprintf("%s would refuse the domain: %s", e.Profile, e.Reason)
}
