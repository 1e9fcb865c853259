package matcher

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"

	"libvirt.org/go/libvirtxml"
)

// What libvirt's parser reads inside a <launchSecurity> element of a type
// libvirtxml models (conformance cases xml-launchsec-*): the kernelHashes
// attribute (yes or no), the first <cbitpos> and <reducedPhysBits> (base
// 10), the first <policy> (base 16: SEV and SEV-SNP must have one, TDX may),
// each read as the text of its first element with strtoul(3): white space
// before it, a '+', a 0x before a hex digit are taken, a '-' or anything
// after the digits is not, and an empty element is no element. libvirtxml
// reads the last of repeated elements and none of these spellings, and
// refuses the domain on some, so LibvirtXML hands it the values libvirt
// reads, written plainly, and marks a refused element (refusedLaunch).

// refusedLaunch starts the <dhCert> text of the SEV element LibvirtXML
// writes in place of a <launchSecurity> libvirt refuses for its content:
// the marker, then the type, one letter per refusal (flag*), and the
// kernelHashes, authorKey and vcek values as written, each after a
// launchSep.
const (
	refusedLaunch = "\uFDD2"
	launchSep     = "\uFDD5"
)

// The refusals a launchSecurity element's content can carry.
const (
	flagKernelHashes = 'K'
	flagCBitPos      = 'C'
	flagReducedPhys  = 'R'
	flagPolicy       = 'P'
	flagAuthorKey    = 'A'
	flagVCEK         = 'V'
)

// launchParse is what libvirt's parser refuses inside a <launchSecurity>
// whose type libvirtxml models; the release decides which it meets first
// (launchParse.err).
type launchParse struct {
	kernelHashes, authorKey, vcek           string // as written, when refused
	badKernelHashes, badCBitPos, badReduced bool
	badAuthorKey, badVCEK                   bool // SEV-SNP's yes/no attributes
	badPolicy                               bool
}

// err is libvirt's message for the first refusal, for a release that
// reads the policy before <cbitpos> and <reducedPhysBits> (9.0, 10.0) or
// after them (11.3 and later), or "".
func (lp launchParse) err(typ string, policyFirst bool) string {
	policy := "XML error: failed to get launch security policy"
	if typ == "tdx" {
		policy += " for launch security type TDX"
	}
	var msgs []string
	if lp.badKernelHashes {
		msgs = append(msgs, fmt.Sprintf("XML error: Invalid value for attribute 'kernelHashes' in element 'launchSecurity': '%s'.", lp.kernelHashes))
	}
	if policyFirst && lp.badPolicy {
		msgs = append(msgs, policy)
	}
	if lp.badCBitPos {
		msgs = append(msgs, "XML error: Invalid format for launch security cbitpos")
	}
	if lp.badReduced {
		msgs = append(msgs, "XML error: Invalid format for launch security reduced-phys-bits")
	}
	// SEV-SNP's attributes after the common elements, before its policy
	// (xml-launchsec-snp-*).
	if lp.badAuthorKey {
		msgs = append(msgs, fmt.Sprintf("XML error: Invalid value for attribute 'authorKey' in element 'launchSecurity': '%s'.", lp.authorKey))
	}
	if lp.badVCEK {
		msgs = append(msgs, fmt.Sprintf("XML error: Invalid value for attribute 'vcek' in element 'launchSecurity': '%s'.", lp.vcek))
	}
	if !policyFirst && lp.badPolicy {
		msgs = append(msgs, policy)
	}
	if len(msgs) == 0 {
		return ""
	}
	return msgs[0]
}

// parseCUint reads s as libvirt's virStrToLong_* with strtoul(3) in base
// 10 or 16, up to max: leading white space, an optional '+' (a '-' is
// refused), for base 16 an optional 0x or 0X before a hex digit, at least
// one digit, and nothing after the digits.
func parseCUint(s string, base int, max uint64) (uint64, bool) {
	i := 0
	for i < len(s) && strings.IndexByte(" \t\n\v\f\r", s[i]) >= 0 {
		i++
	}
	if i < len(s) && s[i] == '+' {
		i++
	}
	if base == 16 && i+2 < len(s) && s[i] == '0' && (s[i+1] == 'x' || s[i+1] == 'X') && hexDigit(s[i+2]) >= 0 {
		i += 2
	}
	if i == len(s) {
		return 0, false
	}
	var v uint64
	for ; i < len(s); i++ {
		d := hexDigit(s[i])
		if d < 0 || d >= base {
			return 0, false
		}
		if v > (max-uint64(d))/uint64(base) {
			return 0, false
		}
		v = v*uint64(base) + uint64(d)
	}
	return v, true
}

func hexDigit(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// launchChild is a direct child element of <launchSecurity>: its name,
// its text (every text below it, as XPath's string() reads it) and where
// it is in the document.
type launchChild struct {
	name       string
	text       string
	start, end int64
}

// readLaunchSecurity consumes the <launchSecurity> element that start
// opened (d is past its start tag) and returns what LibvirtXML writes in
// its place for libvirtxml, as edits of data, for a type libvirtxml models.
func readLaunchSecurity(d *xml.Decoder, start xml.StartElement, startOff, tagEnd int64, data []byte) ([]xmlEdit, error) {
	var children []launchChild
	depth := 0
	var text strings.Builder
	for {
		off := d.InputOffset()
		tok, err := d.Token()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				children = append(children, launchChild{name: t.Name.Local, start: off})
				text.Reset()
			}
			depth++
		case xml.EndElement:
			if depth == 0 {
				return launchEdits(start, startOff, tagEnd, d.InputOffset(), children, data), nil
			}
			depth--
			if depth == 0 {
				c := &children[len(children)-1]
				c.text, c.end = text.String(), d.InputOffset()
			}
		case xml.CharData:
			if depth > 0 {
				text.Write(t)
			}
		}
	}
}

// launchEdits decides what readLaunchSecurity returns.
func launchEdits(start xml.StartElement, startOff, tagEnd, end int64, children []launchChild, data []byte) []xmlEdit {
	typ, kh, hasKH := "", "", false
	ak, hasAK, vcek, hasVCEK := "", false, "", false
	for _, a := range start.Attr {
		if a.Name.Space != "" {
			continue
		}
		switch a.Name.Local {
		case "type":
			typ = a.Value
		case "kernelHashes":
			kh, hasKH = normalizeValue(a.Value), true
		case "authorKey":
			ak, hasAK = normalizeValue(a.Value), true
		case "vcek":
			vcek, hasVCEK = normalizeValue(a.Value), true
		}
	}
	first := map[string]*launchChild{}
	for i := range children {
		if first[children[i].name] == nil {
			first[children[i].name] = &children[i]
		}
	}
	var lp launchParse
	var flags []byte
	// read is the first named child's value, or false when it is absent
	// or empty; bad when its text is refused.
	read := func(name string, base int, max uint64) (v uint64, present, bad bool) {
		c := first[name]
		if c == nil || c.text == "" {
			return 0, false, false
		}
		v, ok := parseCUint(c.text, base, max)
		return v, ok, !ok
	}
	if hasKH && kh != "yes" && kh != "no" && typ != "s390-pv" && typ != "tdx" {
		lp.badKernelHashes, lp.kernelHashes = true, kh
		flags = append(flags, flagKernelHashes)
	}
	if typ == "sev-snp" && hasAK && ak != "yes" && ak != "no" {
		flags = append(flags, flagAuthorKey)
	}
	if typ == "sev-snp" && hasVCEK && vcek != "yes" && vcek != "no" {
		flags = append(flags, flagVCEK)
	}
	values := map[string]string{}
	if typ == "sev" || typ == "sev-snp" {
		for _, name := range []string{"cbitpos", "reducedPhysBits"} {
			v, present, bad := read(name, 10, 1<<32-1)
			switch {
			case bad && name == "cbitpos":
				flags = append(flags, flagCBitPos)
			case bad:
				flags = append(flags, flagReducedPhys)
			case present:
				values[name] = fmt.Sprint(v)
			}
		}
	}
	switch typ {
	case "sev", "sev-snp", "tdx":
		max := uint64(1<<64 - 1)
		if typ == "sev" {
			max = 1<<32 - 1
		}
		v, present, bad := read("policy", 16, max)
		switch {
		case bad || (!present && typ != "tdx"):
			flags = append(flags, flagPolicy)
		case present:
			values["policy"] = fmt.Sprintf("0x%x", v)
		}
	}
	if len(flags) > 0 {
		var b bytes.Buffer
		b.WriteString("<launchSecurity type='sev'><dhCert>")
		text := refusedLaunch + strings.Join([]string{typ, string(flags), kh, ak, vcek}, launchSep)
		_ = xml.EscapeText(&b, []byte(text)) // a bytes.Buffer does not fail
		b.WriteString("</dhCert></launchSecurity>")
		return []xmlEdit{{startOff, end, b.Bytes()}}
	}
	// Accepted: the values libvirt reads, written plainly, and no second
	// element of those names.
	var edits []xmlEdit
	if tag := normalizeAttrs(data[startOff:tagEnd]); !bytes.Equal(tag, data[startOff:tagEnd]) {
		edits = append(edits, xmlEdit{startOff, tagEnd, tag})
	}
	for i := range children {
		c := &children[i]
		if c.name != "policy" && c.name != "cbitpos" && c.name != "reducedPhysBits" {
			continue
		}
		if first[c.name] != c {
			edits = append(edits, xmlEdit{c.start, c.end, nil})
			continue
		}
		if v, ok := values[c.name]; ok {
			if !plainAsLibvirt(c, data) {
				edits = append(edits, xmlEdit{c.start, c.end, []byte("<" + c.name + ">" + v + "</" + c.name + ">")})
			}
		} else {
			edits = append(edits, xmlEdit{c.start, c.end, nil})
		}
	}
	return edits
}

// plainAsLibvirt reports whether libvirtxml reads child c as libvirt does:
// written <name>TEXT</name>, and TEXT a number strconv reads (a policy in
// hex, with or without 0x), so that the element can stay as written.
func plainAsLibvirt(c *launchChild, data []byte) bool {
	if string(data[c.start:c.end]) != "<"+c.name+">"+c.text+"</"+c.name+">" {
		return false
	}
	base, max := 10, uint64(1<<32-1)
	text := c.text
	if c.name == "policy" {
		base, max = 16, 1<<64-1
		text = strings.TrimPrefix(text, "0x")
	}
	want, _ := parseCUint(c.text, base, max)
	got, err := strconv.ParseUint(text, base, 64)
	return err == nil && got == want
}

// normalizeValue is an attribute value as libxml2 normalizes it: a tab,
// newline or carriage return is a space.
func normalizeValue(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, s)
}

// refusedLaunchSecurity reads the marker LibvirtXML writes for an element
// libvirt refuses for its content (refusedLaunch): its type and refusals.
func refusedLaunchSecurity(dom *libvirtxml.Domain) (string, launchParse, bool) {
	ls := dom.LaunchSecurity
	if ls == nil || ls.SEV == nil {
		return "", launchParse{}, false
	}
	rest, ok := strings.CutPrefix(ls.SEV.DHCert, refusedLaunch)
	if !ok {
		return "", launchParse{}, false
	}
	f := strings.Split(rest, launchSep)
	if len(f) != 5 {
		return "", launchParse{}, false
	}
	typ, flags := f[0], f[1]
	lp := launchParse{
		badKernelHashes: strings.IndexByte(flags, flagKernelHashes) >= 0,
		badCBitPos:      strings.IndexByte(flags, flagCBitPos) >= 0,
		badReduced:      strings.IndexByte(flags, flagReducedPhys) >= 0,
		badAuthorKey:    strings.IndexByte(flags, flagAuthorKey) >= 0,
		badVCEK:         strings.IndexByte(flags, flagVCEK) >= 0,
		badPolicy:       strings.IndexByte(flags, flagPolicy) >= 0,
	}
	if lp.badKernelHashes {
		lp.kernelHashes = f[2]
	}
	if lp.badAuthorKey {
		lp.authorKey = f[3]
	}
	if lp.badVCEK {
		lp.vcek = f[4]
	}
	return typ, lp, true
}

// glibBase64Len is the length of what GLib's g_base64_decode makes of s,
// which libvirt checks SEV-SNP's guestVisibleWorkarounds with: characters
// outside the alphabet are skipped, a final incomplete group of four is
// dropped, and each '=' of the last group takes a byte off.
func glibBase64Len(s string) int {
	n, pad := 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '+', c == '/':
			n++
			if n%4 == 1 {
				pad = 0
			}
		case c == '=':
			n++
			if n%4 == 1 {
				pad = 0
			}
			pad++
		}
	}
	groups := n / 4
	if groups == 0 {
		return 0
	}
	if n%4 != 0 {
		pad = 0 // the '=' were in the dropped group
	}
	return groups*3 - min(pad, 2)
}
