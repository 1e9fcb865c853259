package varstore

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"
	"unicode/utf16"
)

// VarState is the State byte of an edk2 variable header. edk2 clears bits
// as a variable goes through its life, so a state is a combination.
type VarState uint8

// Variable states (MdeModulePkg/Include/Guid/VariableFormat.h).
const (
	StateAdded               VarState = 0x3f // VAR_ADDED: the value
	StateInDeletedTransition VarState = 0x3e // VAR_ADDED & VAR_IN_DELETED_TRANSITION: being replaced
	StateDeleted             VarState = 0x3c // VAR_ADDED & VAR_IN_DELETED_TRANSITION & VAR_DELETED
	StateHeaderValidOnly     VarState = 0x7f // VAR_HEADER_VALID_ONLY: data never written
)

// String names the state.
func (s VarState) String() string {
	switch {
	case s == StateAdded:
		return "added"
	case s == StateInDeletedTransition:
		return "in-deleted-transition"
	case s == StateHeaderValidOnly:
		return "header-only"
	case s&0x02 == 0:
		return "deleted"
	}
	return fmt.Sprintf("state-%#02x", uint8(s))
}

// Variable is one copy of a variable in a store.
type Variable struct {
	Name       string
	GUID       GUID
	Attributes uint32
	Data       []byte
	State      VarState
	// Offset of the variable's header in the image; -1 for JSON, where
	// JSONOffset gives the byte offset in the file instead.
	Offset     int64
	JSONOffset int64
	// Time is the authenticated variable's time stamp (zero if none).
	Time time.Time
	// DataOffset is the offset of Data in the image (-1 for JSON).
	DataOffset int64
}

// Variable attributes.
const (
	AttrNonVolatile         = 0x01
	AttrBootService         = 0x02
	AttrRuntime             = 0x04
	AttrTimeBasedAuth       = 0x20
	AttrAppendWrite         = 0x40
	AttrHardwareErrorRecord = 0x08
)

// Limits of the edk2 layer.
const (
	// MaxStoreSize bounds the bytes of one variable store read at once.
	MaxStoreSize = 64 << 20
	// fvScanStep is the alignment at which a combined image is searched
	// for the variable firmware volume.
	fvScanStep      = 4096
	fvHeaderMin     = 56 // up to the block map
	storeHeaderSize = 28
	authHeaderSize  = 60
	plainHeaderSize = 32
	maxVariables    = 1 << 16
)

// readFlash finds the variable firmware volume in a flash image and reads
// its store.
func (img *Image) readFlash(r io.ReaderAt) error {
	size := img.ImageSize
	hdr := make([]byte, fvHeaderMin)
	var fvOff int64 = -1
	var firstErr error
	for off := int64(0); off+fvHeaderMin <= size; off += fvScanStep {
		if _, err := r.ReadAt(hdr, off); err != nil && err != io.EOF {
			return img.readErr("volume", off, err)
		}
		if string(hdr[40:44]) != "_FVH" {
			continue
		}
		if GUID(hdr[16:32]) == NVDataFV {
			fvOff = off
			break
		}
		if off == 0 && firstErr == nil {
			firstErr = img.err("volume", 16, "the firmware volume at offset 0 is not a variable store (file system %s)", GUID(hdr[16:32]))
		}
	}
	if fvOff < 0 {
		if blank, err := isBlank(r, size); err != nil {
			return img.readErr("volume", 0, err)
		} else if blank && size > 0 {
			img.Format = FormatBlank
			return nil
		}
		if size < fvHeaderMin {
			return img.err("volume", size, "file of %d bytes is too short for a firmware volume header", size)
		}
		if firstErr != nil {
			return fmt.Errorf("%w; no variable store firmware volume found in %d bytes", firstErr, size)
		}
		return img.err("volume", 0, "no edk2 variable store firmware volume (signature _FVH, file system %s) in %d bytes", NVDataFV, size)
	}
	le := binary.LittleEndian
	fvLen := le.Uint64(hdr[32:])
	hlen := le.Uint16(hdr[48:])
	img.Volume = &Volume{Offset: fvOff, Length: fvLen, HeaderLength: hlen}
	if fvLen > uint64(size-fvOff) {
		return img.err("volume", fvOff+32, "volume length %d runs past the end of the image (%d bytes from the volume)", fvLen, size-fvOff)
	}
	if hlen < fvHeaderMin+8 || uint64(hlen)+storeHeaderSize > fvLen || hlen%2 != 0 {
		return img.err("volume", fvOff+48, "header length %d does not fit a volume of %d bytes", hlen, fvLen)
	}
	full := make([]byte, hlen)
	if _, err := r.ReadAt(full, fvOff); err != nil && err != io.EOF {
		return img.readErr("volume", fvOff, err)
	}
	var sum uint16
	for i := 0; i < len(full); i += 2 {
		sum += le.Uint16(full[i:])
	}
	if sum != 0 {
		return img.err("volume", fvOff+50, "header checksum does not add up (sum %#04x, stored %#04x)", sum, le.Uint16(full[50:]))
	}
	// The store header follows the volume header.
	stOff := fvOff + int64(hlen)
	sh := make([]byte, storeHeaderSize)
	if _, err := r.ReadAt(sh, stOff); err != nil && err != io.EOF {
		return img.readErr("store", stOff, err)
	}
	switch GUID(sh[0:16]) {
	case AuthenticatedVariableStore:
		img.Format = FormatAuthenticated
	case VariableStore:
		img.Format = FormatPlain
	default:
		return img.err("store", stOff, "unknown variable store signature %s", GUID(sh[0:16]))
	}
	stSize := int64(le.Uint32(sh[16:]))
	if stSize < storeHeaderSize || uint64(stSize) > fvLen-uint64(hlen) {
		return img.err("store", stOff+16, "store size %d does not fit the volume (%d bytes after its header)", stSize, fvLen-uint64(hlen))
	}
	if sh[20] != 0x5a {
		return img.err("store", stOff+20, "store is not formatted (format byte %#02x, want 0x5a)", sh[20])
	}
	if sh[21] != 0xfe {
		return img.err("store", stOff+21, "store is not healthy (state byte %#02x, want 0xfe)", sh[21])
	}
	img.StoreOffset, img.StoreSize = stOff, stSize
	if stSize > MaxStoreSize {
		return img.err("store", stOff+16, "store size %d is larger than %d", stSize, MaxStoreSize)
	}
	st := &storeReader{img: img, r: r, off: stOff, size: stSize}
	err := img.parseVariables(st)
	// Data of the variables read before the buffer last grew points into
	// an older copy: point everything at the final one.
	for i := range img.Variables {
		v := &img.Variables[i]
		at := v.DataOffset - stOff
		v.Data = st.data[at : at+int64(len(v.Data)) : at+int64(len(v.Data))]
	}
	return err
}

// storeChunk is the granularity at which a store is read: variables fill a
// store from its start and the rest is free space (0xff), so a store is
// read only as far as its variables go, in chunks ending at multiples of
// storeChunk in the image (for a qcow2 image, a cluster inflated once).
const storeChunk = 64 << 10

// storeReader reads a variable store of size bytes at image offset off on
// demand.
type storeReader struct {
	img  *Image
	r    io.ReaderAt
	off  int64
	size int64
	data []byte // the store's first len(data) bytes
}

// ensure reads the store's first n bytes, or all of it if it is shorter;
// it reads at least twice what it holds, up to the next chunk boundary.
func (s *storeReader) ensure(n uint64) error {
	have := int64(len(s.data))
	if n <= uint64(have) || have == s.size {
		return nil
	}
	want := s.size
	if n < uint64(s.size) {
		end := s.off + max(int64(n), 2*have, 4096)
		end = (end + storeChunk - 1) / storeChunk * storeChunk
		want = min(end-s.off, s.size)
	}
	grown := make([]byte, want)
	copy(grown, s.data)
	if _, err := s.r.ReadAt(grown[have:], s.off+have); err != nil && err != io.EOF {
		return s.img.readErr("store", s.off+have, err)
	}
	s.data = grown
	return nil
}

func (img *Image) err(layer string, off int64, format string, args ...any) error {
	return errorf(img.File, layer, off, format, args...)
}

// readErr passes on the container's own errors (*Error) and wraps others.
func (img *Image) readErr(layer string, off int64, err error) error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return img.err(layer, off, "%v", err)
}

// parseVariables walks the variable headers of the store st, reading it
// as far as the headers go.
func (img *Image) parseVariables(st *storeReader) error {
	le := binary.LittleEndian
	base := st.off
	hsize := plainHeaderSize
	if img.Format == FormatAuthenticated {
		hsize = authHeaderSize
	}
	pos := storeHeaderSize // already 4-aligned
	for len(img.Variables) < maxVariables {
		if err := st.ensure(uint64(pos + hsize)); err != nil {
			return err
		}
		data := st.data
		if pos+hsize > len(data) || le.Uint16(data[pos:]) != 0x55aa {
			return nil // the free space starts here
		}
		v := Variable{Offset: base + int64(pos), JSONOffset: -1, State: VarState(data[pos+2]), Attributes: le.Uint32(data[pos+4:])}
		var nameSize, dataSize uint32
		if img.Format == FormatAuthenticated {
			v.Time = efiTime(data[pos+16 : pos+32])
			nameSize, dataSize = le.Uint32(data[pos+36:]), le.Uint32(data[pos+40:])
			v.GUID = GUID(data[pos+44 : pos+60])
		} else {
			nameSize, dataSize = le.Uint32(data[pos+8:]), le.Uint32(data[pos+12:])
			v.GUID = GUID(data[pos+16 : pos+32])
		}
		nameAt := pos + hsize
		if err := st.ensure(uint64(nameAt) + uint64(nameSize) + uint64(dataSize)); err != nil {
			return err
		}
		data = st.data
		room := uint64(st.size) - uint64(nameAt)
		if uint64(nameSize)+uint64(dataSize) > room {
			if v.State == 0xff {
				return nil // a header being written when power failed: edk2 stops here too
			}
			return img.err("variable", v.Offset, "name (%d bytes) and data (%d bytes) run past the end of the store (%d bytes left)", nameSize, dataSize, room)
		}
		name := data[nameAt : nameAt+int(nameSize)]
		dataAt := nameAt + int(nameSize)
		v.Data = data[dataAt : dataAt+int(dataSize)]
		v.DataOffset = base + int64(dataAt)
		if v.State == StateAdded || v.State == StateInDeletedTransition {
			n, err := utf16Name(name)
			if err != "" {
				return img.err("variable", base+int64(nameAt), "%s", err)
			}
			v.Name = n
		} else {
			v.Name, _ = utf16Name(name)
		}
		img.Variables = append(img.Variables, v)
		pos = (dataAt + int(dataSize) + 3) &^ 3
	}
	return img.err("variable", base+int64(pos), "more than %d variables", maxVariables)
}

func utf16Name(b []byte) (string, string) {
	if len(b) < 2 || len(b)%2 != 0 {
		return "", fmt.Sprintf("name of %d bytes is not a NUL-terminated UTF-16 string", len(b))
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	if u[len(u)-1] != 0 {
		return string(utf16.Decode(u)), "name is not NUL-terminated"
	}
	u = u[:len(u)-1]
	for i, c := range u {
		if c == 0 {
			return string(utf16.Decode(u[:i])), "name has a NUL before its end"
		}
	}
	return string(utf16.Decode(u)), ""
}

// efiTime decodes an EFI_TIME; a zero or invalid one gives the zero time.
func efiTime(b []byte) time.Time {
	le := binary.LittleEndian
	y, mo, d, h, mi, s := int(le.Uint16(b)), int(b[2]), int(b[3]), int(b[4]), int(b[5]), int(b[6])
	if y == 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59 {
		return time.Time{}
	}
	return time.Date(y, time.Month(mo), d, h, mi, s, int(le.Uint32(b[8:])%1e9), time.UTC)
}

// isBlank reports whether the image holds only 0x00 or only 0xff bytes: an
// erased flash the firmware formats at first boot.
func isBlank(r io.ReaderAt, size int64) (bool, error) {
	if q, ok := r.(*qcow2Image); ok {
		return q.blank()
	}
	buf := make([]byte, min(size, 64<<10))
	var fill byte
	for off := int64(0); off < size; off += int64(len(buf)) {
		n, err := r.ReadAt(buf[:min(int64(len(buf)), size-off)], off)
		if err != nil && err != io.EOF {
			return false, err
		}
		if off == 0 && n > 0 {
			fill = buf[0]
			if fill != 0 && fill != 0xff {
				return false, nil
			}
		}
		if bytes.Count(buf[:n], []byte{fill}) != n {
			return false, nil
		}
	}
	return true, nil
}
