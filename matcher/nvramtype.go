package matcher

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"regexp"
	"slices"
)

// What libvirt's parser makes of <nvram type> (conformance cases
// xml-nvram-type-*): a value outside the storage types is an invalid value
// (met after the NVRAM's formats, before the loader), and a storage type
// without a <source> child fails with libvirt's message for an error it
// did not report. libvirtxml keeps neither the type nor whether a source
// was given, so LibvirtXML writes such an element without its type and
// content, with a marked text instead (nvramTypeMark).

// storageTypes are libvirt's storage types (virStorageType).
var storageTypes = []string{"none", "file", "block", "dir", "network", "volume", "nvme", "vhostuser", "vhostvdpa"}

// The marks the text of a rewritten <nvram> starts with: an invalid type
// (the value follows) or a type without a source.
const (
	nvramTypeInvalid  = "\uFDD3"
	nvramTypeNoSource = "\uFDD4"
)

// errUnknownCause is libvirt's message for an error it raised without
// reporting it (a typed <nvram> without a <source>).
const errUnknownCause = "An error occurred, but the cause is unknown"

var typeAttr = regexp.MustCompile(`\stype\s*=\s*('[^']*'|"[^"]*")`)

// markNVRAMType rewrites the first <os><nvram> of data as nvramTypeMark
// says, or returns data as it is.
func markNVRAMType(data []byte) []byte {
	d := xml.NewDecoder(bytes.NewReader(data))
	var path []string
	for {
		start := d.InputOffset()
		tok, err := d.Token()
		if errors.Is(err, io.EOF) || err != nil {
			return data
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(path) != 2 || path[0] != "domain" || path[1] != "os" || t.Name.Local != "nvram" {
				path = append(path, t.Name.Local)
				continue
			}
			tagEnd := d.InputOffset()
			typ, typed := "", false
			for _, a := range t.Attr {
				if a.Name.Space == "" && a.Name.Local == "type" {
					typ, typed = normalizeValue(a.Value), true
				}
			}
			source := false
			depth := 0
			for depth >= 0 {
				tok, err := d.Token()
				if err != nil {
					return data
				}
				switch c := tok.(type) {
				case xml.StartElement:
					if depth == 0 && c.Name.Local == "source" {
						source = true
					}
					depth++
				case xml.EndElement:
					depth--
				}
			}
			end := d.InputOffset()
			var text string
			switch {
			case !typed:
				return data
			case !slices.Contains(storageTypes, typ):
				text = nvramTypeInvalid + typ
			case !source:
				text = nvramTypeNoSource
			default:
				return data
			}
			tag := bytes.TrimSuffix(typeAttr.ReplaceAll(data[start:tagEnd], nil), []byte("/>"))
			tag = bytes.TrimSuffix(tag, []byte(">"))
			var b bytes.Buffer
			b.Write(data[:start])
			b.Write(tag)
			b.WriteString(">")
			_ = xml.EscapeText(&b, []byte(text)) // a bytes.Buffer does not fail
			b.WriteString("</nvram>")
			b.Write(data[end:])
			return b.Bytes()
		case xml.EndElement:
			if len(path) > 0 {
				path = path[:len(path)-1]
			}
		}
	}
}
