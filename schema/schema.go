// Package schema embeds and applies the JSON Schema of QEMU firmware descriptors.
//
// The schema (firmware.schema.json, JSON Schema draft 2020-12) is written
// from the QAPI definition of the Firmware type in QEMU's
// docs/interop/firmware.json. It checks shapes only: member names, JSON
// types, mandatory members, the absence of unknown members and the
// "device" discriminator of the mapping union. The values of QEMU's enums
// (interface types, flash modes, image formats, architectures, features)
// are left open on purpose and are judged by other packages.
package schema

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// ID is the $id of the embedded schema. It names the QEMU release whose
// docs/interop/firmware.json the schema follows.
const ID = "https://fwaudit.invalid/schema/firmware/qemu-10.1.json"

//go:embed firmware.schema.json
var source []byte

// Source returns the embedded schema document. The caller gets its own
// copy and may modify it.
func Source() []byte {
	return bytes.Clone(source)
}

// Violation is one way in which a descriptor breaks the schema.
type Violation struct {
	// Pointer is the RFC 6901 JSON pointer of the offending value in the
	// instance, "" for the root. For a missing or an unexpected member it
	// points at the object that should (not) hold the member.
	Pointer string
	// Keyword is the JSON pointer, inside the schema document, of the
	// keyword that failed, e.g. "/$defs/FirmwareMappingFlash/required".
	Keyword string
	// Message is a short, one-line, human-readable explanation, e.g.
	// "missing property 'nvram-template'".
	Message string
}

// String formats v as "POINTER: MESSAGE", with "(root)" for the empty
// pointer.
func (v Violation) String() string {
	p := v.Pointer
	if p == "" {
		p = "(root)"
	}
	return p + ": " + v.Message
}

var printer = message.NewPrinter(language.English)

// compiled compiles the embedded schema once. The compiler is given the
// document itself and a loader that refuses everything, so compiling never
// touches the network or the file system; the 2020-12 metaschema comes
// from the copy embedded in the jsonschema library.
var compiled = sync.OnceValues(func() (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(source))
	if err != nil {
		return nil, fmt.Errorf("schema: parsing embedded schema: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.UseLoader(noLoader{})
	if err := c.AddResource(ID, doc); err != nil {
		return nil, fmt.Errorf("schema: adding embedded schema: %w", err)
	}
	sch, err := c.Compile(ID)
	if err != nil {
		return nil, fmt.Errorf("schema: compiling embedded schema: %w", err)
	}
	return sch, nil
})

// noLoader is a jsonschema.URLLoader that loads nothing.
type noLoader struct{}

func (noLoader) Load(u string) (any, error) {
	return nil, fmt.Errorf("schema: refusing to load %q: only the embedded schema is available", u)
}

// Validate checks one decoded firmware descriptor against the schema and
// returns its violations, sorted by Pointer, then Message, then Keyword.
// It returns nil when doc is valid.
//
// doc must be the generic value of a whole JSON document: what
// jsonschema.UnmarshalJSON returns (numbers as json.Number), or what
// encoding/json's Unmarshal stores into an *any (numbers as float64).
// Both work; values of other Go types (structs, typed slices) are reported
// as violations.
//
// Validate panics if the embedded schema does not compile, which is a
// build defect caught by this package's tests.
func Validate(doc any) []Violation {
	sch, err := compiled()
	if err != nil {
		panic(err)
	}
	err = sch.Validate(doc)
	if err == nil {
		return nil
	}
	var verr *jsonschema.ValidationError
	if !errors.As(err, &verr) {
		// Not expected from the library; report it rather than lose it.
		return []Violation{{Message: err.Error()}}
	}
	var out []Violation
	collect(verr, &out)
	slices.SortFunc(out, func(a, b Violation) int {
		if c := strings.Compare(a.Pointer, b.Pointer); c != 0 {
			return c
		}
		if c := strings.Compare(a.Message, b.Message); c != 0 {
			return c
		}
		return strings.Compare(a.Keyword, b.Keyword)
	})
	return slices.Compact(out)
}

// collect appends the leaves of the error tree rooted at e to out. Inner
// nodes (the schema root, $ref hops, allOf groups) only carry their causes.
// Because the mapping union is written as if/then branches keyed on a
// const "device", only the branch that matches the document's device
// ever reports anything, so no branch filtering is needed here.
func collect(e *jsonschema.ValidationError, out *[]Violation) {
	if len(e.Causes) > 0 {
		for _, c := range e.Causes {
			collect(c, out)
		}
		return
	}
	ptr := pointer(e.InstanceLocation)
	kw := keyword(e)
	switch k := e.ErrorKind.(type) {
	case *kind.Required:
		// One violation per missing member.
		for _, m := range k.Missing {
			one := &kind.Required{Missing: []string{m}}
			*out = append(*out, Violation{ptr, kw, one.LocalizedString(printer)})
		}
	case *kind.AdditionalProperties:
		// One violation per unexpected member.
		for _, m := range k.Properties {
			*out = append(*out, Violation{ptr, kw, printer.Sprintf("property %s is not allowed", quote(m))})
		}
	case *kind.MinItems:
		*out = append(*out, Violation{ptr, kw, printer.Sprintf("got %d items, want at least %d", k.Got, k.Want)})
	default:
		*out = append(*out, Violation{ptr, kw, oneLine(e.ErrorKind.LocalizedString(printer))})
	}
}

// keyword returns the location of e's failing keyword as a JSON pointer
// into the schema document.
func keyword(e *jsonschema.ValidationError) string {
	frag := ""
	if _, f, ok := strings.Cut(e.SchemaURL, "#"); ok {
		frag = f
		if u, err := url.PathUnescape(f); err == nil {
			frag = u
		}
	}
	return frag + pointer(e.ErrorKind.KeywordPath())
}

// pointer joins tokens into an RFC 6901 JSON pointer.
func pointer(tokens []string) string {
	var sb strings.Builder
	for _, t := range tokens {
		sb.WriteByte('/')
		t = strings.ReplaceAll(t, "~", "~0")
		sb.WriteString(strings.ReplaceAll(t, "/", "~1"))
	}
	return sb.String()
}

// quote quotes s the way the jsonschema library does in its messages.
func quote(s string) string {
	s = fmt.Sprintf("%q", s)
	s = strings.ReplaceAll(s, `\"`, `"`)
	s = strings.ReplaceAll(s, `'`, `\'`)
	return "'" + s[1:len(s)-1] + "'"
}

var newlines = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ")

// oneLine turns any line breaks of a library message into spaces.
func oneLine(s string) string {
	return newlines.Replace(s)
}
