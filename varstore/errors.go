package varstore

import "fmt"

// Error is a problem with one input file at one byte offset. Offsets are in
// the file for containers and in the image the container holds (the guest's
// view of the flash) for the layers inside it; Layer says which.
type Error struct {
	File   string // the file as given to Read or Open
	Layer  string // "raw", "qcow2", "json", "volume", "store", "variable", "siglist"
	Offset int64  // byte offset; -1 when the problem has no position
	Msg    string
}

func (e *Error) Error() string {
	if e.Offset < 0 {
		return fmt.Sprintf("%s: %s: %s", e.File, e.Layer, e.Msg)
	}
	return fmt.Sprintf("%s: %s at offset %d (%#x): %s", e.File, e.Layer, e.Offset, e.Offset, e.Msg)
}

func errorf(file, layer string, off int64, format string, args ...any) *Error {
	return &Error{File: file, Layer: layer, Offset: off, Msg: fmt.Sprintf(format, args...)}
}
