package matcher

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
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

// firstOnly returns data without the repeated singular elements after the
// first, so that libvirtxml reads what libvirt reads. A document
// encoding/xml cannot read is returned as it is, for libvirtxml to refuse.
func firstOnly(data []byte) []byte {
	d := xml.NewDecoder(bytes.NewReader(data))
	var path []string
	seen := map[string]bool{} // "parent/child" already read
	var cuts [][2]int64
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
			if len(path) == 2 && path[0] == "domain" && slices.Contains(singular[path[1]], name) {
				key := path[1] + "/" + name
				if seen[key] {
					if err := d.Skip(); err != nil {
						return data
					}
					cuts = append(cuts, [2]int64{start, d.InputOffset()})
					continue
				}
				seen[key] = true
			}
			path = append(path, name)
		case xml.EndElement:
			if len(path) > 0 {
				path = path[:len(path)-1]
			}
		}
	}
	if len(cuts) == 0 {
		return data
	}
	var b []byte
	prev := int64(0)
	for _, c := range cuts {
		b = append(b, data[prev:c[0]]...)
		prev = c[1]
	}
	return append(b, data[prev:]...)
}
