package varstore

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"unicode/utf8"
)

// MaxJSONSize bounds a JSON store (hex doubles the data; a store holds at
// most a few hundred KiB of variables).
const MaxJSONSize = 16 << 20

// jsonVariable is one entry of QEMU's UefiVarStore (qapi/uefi.json).
type jsonVariable struct {
	GUID   string `json:"guid"`
	Name   string `json:"name"`
	Attr   uint32 `json:"attr"`
	Data   string `json:"data"`
	Time   string `json:"time"`
	Digest string `json:"digest"`
}

// readJSON reads QEMU's {"version": 2, "variables": [...]} store.
func (img *Image) readJSON(data []byte) error {
	img.Format = FormatJSON
	dec := json.NewDecoder(bytes.NewReader(data))
	fail := func(err error) error {
		off := dec.InputOffset()
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			off = se.Offset
		case errors.As(err, &te):
			off = te.Offset
		case errors.Is(err, io.EOF):
			err = io.ErrUnexpectedEOF
		}
		return img.err("json", off, "%v", err)
	}
	expect := func(d json.Delim) error {
		off := dec.InputOffset()
		t, err := dec.Token()
		if err != nil {
			return fail(err)
		}
		if t != d {
			return img.err("json", off, "expected %q", d)
		}
		return nil
	}
	if err := expect('{'); err != nil {
		return err
	}
	version, sawVars := -1, false
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return fail(err)
		}
		key, _ := t.(string)
		switch key {
		case "version":
			off := skipSpace(data, dec.InputOffset())
			if err := dec.Decode(&version); err != nil {
				return fail(err)
			}
			if version != 2 {
				return img.err("json", off, "unsupported store version %d (only 2 exists)", version)
			}
		case "variables":
			sawVars = true
			if err := expect('['); err != nil {
				return err
			}
			for dec.More() {
				off := dec.InputOffset()
				var jv jsonVariable
				if err := dec.Decode(&jv); err != nil {
					return fail(err)
				}
				if len(img.Variables) >= maxVariables {
					return img.err("json", off, "more than %d variables", maxVariables)
				}
				v, msg := jv.variable()
				if msg != "" {
					return img.err("json", skipSpace(data, off), "variable %d: %s", len(img.Variables), msg)
				}
				v.JSONOffset = skipSpace(data, off)
				img.Variables = append(img.Variables, v)
			}
			if err := expect(']'); err != nil {
				return err
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return fail(err)
			}
		}
	}
	if err := expect('}'); err != nil {
		return err
	}
	if version < 0 {
		return img.err("json", 0, `no "version" member: not a QEMU variable store`)
	}
	if !sawVars {
		return img.err("json", 0, `no "variables" member: not a QEMU variable store`)
	}
	return nil
}

// skipSpace moves off past the separator and blanks json's InputOffset
// leaves before a value.
func skipSpace(data []byte, off int64) int64 {
	for off < int64(len(data)) && bytes.IndexByte([]byte(":, \t\r\n"), data[off]) >= 0 {
		off++
	}
	return off
}

func (jv jsonVariable) variable() (Variable, string) {
	v := Variable{Name: jv.Name, Attributes: jv.Attr, State: StateAdded, Offset: -1, DataOffset: -1}
	if jv.Name == "" || !utf8.ValidString(jv.Name) {
		return v, "missing or invalid name"
	}
	g, err := ParseGUID(jv.GUID)
	if err != nil {
		return v, "guid: " + err.Error()
	}
	v.GUID = g
	if v.Data, err = hex.DecodeString(jv.Data); err != nil {
		return v, "data is not hex: " + err.Error()
	}
	if jv.Time != "" {
		t, err := hex.DecodeString(jv.Time)
		if err != nil || len(t) != 16 {
			return v, "time is not a 16-byte hex EFI_TIME"
		}
		v.Time = efiTime(t)
	}
	return v, ""
}
