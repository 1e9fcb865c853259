package matcher

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"regexp"
	"slices"
)

// singular are the elements of a domain definition that libvirt reads
// with an XPath query taking the first match, by parent element:
// libvirtxml reads the last of repeated ones instead (conformance cases
// xml-two-*; <pm>'s are read as string(./pm/suspend-to-mem/@enabled)).
// <features> children are not among them: libvirt reads each in turn, the
// last <smm> winning, as libvirtxml does (xml-two-smm).
var singular = map[string][]string{
	"os": {"type", "loader", "nvram"},
	"pm": {"suspend-to-mem", "suspend-to-disk"},
}

// singularTop are the children of <domain> that libvirt reads with an
// XPath query taking the first match, where libvirtxml reads (and, for an
// unknown <launchSecurity> type, refuses) every one (xml-launchsec-two-*).
var singularTop = []string{"launchSecurity"}

// launchSecurityTypes are the <launchSecurity type> values libvirtxml
// models; LibvirtXML rewrites an element with any other (or none) so that
// libvirtxml can read it and attrChecks can refuse the value as libvirt
// does.
var launchSecurityTypes = []string{"sev", "sev-snp", "s390-pv", "tdx"}

// unknownLaunchSecurity starts the <dhCert> text of the SEV element that
// LibvirtXML writes in place of a <launchSecurity> whose type libvirtxml
// does not model: the marker alone for a missing type, the marker, "=" and
// the type as written otherwise. A noncharacter, which no certificate
// holds.
const unknownLaunchSecurity = "\uFDD1"

// emptyChecked are the elements whose attributes libvirt refuses when
// written empty (secure=” is an invalid value ”, conformance cases
// xml-empty-*), where libvirtxml reads them as absent.
var emptyChecked = []string{"loader", "nvram", "feature", "smm", "suspend-to-mem", "suspend-to-disk"}

// emptyValue stands for an attribute written empty in what LibvirtXML hands
// libvirtxml, so that attrChecks can refuse it: a noncharacter, which no
// value libvirt takes holds.
const emptyValue = "\uFDD0"

// An xmlEdit replaces data[start:end] by with.
type xmlEdit struct {
	start, end int64
	with       []byte
}

// LibvirtXML returns domain XML as libvirtxml should read it to see what
// libvirt reads: without the repeated singular elements after the first,
// with a tab, newline or carriage return written in an attribute value read
// as a space, as libxml2 normalizes attribute values (machine='q35<TAB>' is
// 'q35 ' to libvirt: mach-attr-tab), with the empty attributes of
// emptyChecked elements and of <features> and its descendants written as
// emptyValue, whatever follows the first <features> state libvirt refuses
// (neither on nor off) in <features> left out (fstate-*), a <launchSecurity>
// whose type libvirtxml does not model (or which has none) written as a
// marked SEV element (unknownLaunchSecurity), and one of a type it models
// with the values libvirt reads in it (readLaunchSecurity; refusedLaunch
// when libvirt refuses them). A document encoding/xml cannot read is returned as it is, for
// libvirtxml to refuse. ParseDomain reads through it; a program that
// unmarshals domain XML itself for FromDomain should too.
func LibvirtXML(data []byte) []byte {
	data = markNVRAMType(data)
	d := xml.NewDecoder(bytes.NewReader(data))
	var path []string
	seen := map[string]bool{} // "parent/child" already read
	badState := false         // a <features> state that is neither on nor off was met
	var edits []xmlEdit
	for {
		start := d.InputOffset()
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return data
		}
		switch t := tok.(type) {
		case xml.StartElement:
			name := t.Name.Local
			if len(path) == 1 && path[0] == "domain" && slices.Contains(singularTop, name) {
				if seen[name] {
					if err := d.Skip(); err != nil {
						return data
					}
					edits = append(edits, xmlEdit{start, d.InputOffset(), nil})
					continue
				}
				seen[name] = true
			}
			if len(path) == 1 && path[0] == "domain" && name == "launchSecurity" {
				if with, ok := markLaunchSecurity(t); ok {
					if err := d.Skip(); err != nil {
						return data
					}
					edits = append(edits, xmlEdit{start, d.InputOffset(), with})
					continue
				}
				more, err := readLaunchSecurity(d, t, start, d.InputOffset(), data)
				if err != nil {
					return data
				}
				edits = append(edits, more...)
				continue
			}
			if len(path) == 2 && path[0] == "domain" && slices.Contains(singular[path[1]], name) {
				key := path[1] + "/" + name
				if seen[key] {
					if err := d.Skip(); err != nil {
						return data
					}
					edits = append(edits, xmlEdit{start, d.InputOffset(), nil})
					continue
				}
				seen[key] = true
			}
			end := d.InputOffset()
			tag := normalizeAttrs(data[start:end])
			inFeatures := len(path) >= 2 && path[0] == "domain" && path[1] == "features"
			// An NVRAM source's empty protocol is refused, its empty file
			// or dev is no path (xml-nvram-network-protocol-empty).
			nvramSource := name == "source" && len(path) == 3 && path[0] == "domain" && path[1] == "os" && path[2] == "nvram"
			if slices.Contains(emptyChecked, name) || inFeatures || nvramSource {
				for _, a := range t.Attr {
					if a.Value == "" && a.Name.Space == "" && (!nvramSource || a.Name.Local == "protocol") {
						re := regexp.MustCompile(`(\s` + regexp.QuoteMeta(a.Name.Local) + `\s*=\s*)(''|"")`)
						tag = re.ReplaceAll(tag, []byte("${1}'"+emptyValue+"'"))
					}
				}
			}
			if inFeatures {
				if badState {
					// libvirt refuses the first bad state of <features>
					// in document order, which attrChecks cannot see in
					// libvirtxml's structs (nor a repeated element's
					// first value: live-7600-53): what follows it in
					// <features> is left out.
					if err := d.Skip(); err != nil {
						return data
					}
					edits = append(edits, xmlEdit{start, d.InputOffset(), nil})
					continue
				}
				for _, a := range t.Attr {
					if a.Name.Space == "" && a.Name.Local == "state" && a.Value != "on" && a.Value != "off" {
						badState = true
					}
				}
			}
			if !bytes.Equal(tag, data[start:end]) {
				edits = append(edits, xmlEdit{start, end, tag})
			}
			path = append(path, name)
		case xml.EndElement:
			if len(path) > 0 {
				path = path[:len(path)-1]
			}
		}
	}
	if len(edits) == 0 {
		return data
	}
	var b []byte
	prev := int64(0)
	for _, e := range edits {
		b = append(append(b, data[prev:e.start]...), e.with...)
		prev = e.end
	}
	return append(b, data[prev:]...)
}

// markLaunchSecurity returns what LibvirtXML writes for a <launchSecurity>
// element whose type libvirtxml does not model, or false for one it does.
func markLaunchSecurity(t xml.StartElement) ([]byte, bool) {
	text := unknownLaunchSecurity
	for _, a := range t.Attr {
		if a.Name.Space == "" && a.Name.Local == "type" {
			if slices.Contains(launchSecurityTypes, a.Value) {
				return nil, false
			}
			text += "=" + a.Value
			break
		}
	}
	var b bytes.Buffer
	b.WriteString("<launchSecurity type='sev'><dhCert>")
	_ = xml.EscapeText(&b, []byte(text)) // a bytes.Buffer does not fail
	b.WriteString("</dhCert></launchSecurity>")
	return b.Bytes(), true
}

// normalizeAttrs returns a start tag with the tabs, newlines and carriage
// returns written literally inside its attribute values replaced by spaces
// (a CR LF pair by one), as XML's attribute-value normalization does for
// CDATA attributes; character references (&#9;) are left alone, as they
// are. A tag without any is returned as it is.
func normalizeAttrs(tag []byte) []byte {
	var out []byte
	var quote byte
	for i := 0; i < len(tag); i++ {
		c := tag[i]
		switch {
		case quote == 0 && (c == '\'' || c == '"'):
			quote = c
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0 && (c == '\t' || c == '\n' || c == '\r'):
			if out == nil {
				out = append(make([]byte, 0, len(tag)), tag[:i]...)
			}
			out = append(out, ' ')
			if c == '\r' && i+1 < len(tag) && tag[i+1] == '\n' {
				i++
			}
			continue
		}
		if out != nil {
			out = append(out, c)
		}
	}
	if out == nil {
		return tag
	}
	return out
}
