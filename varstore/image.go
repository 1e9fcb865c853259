package varstore

import (
	"bytes"
	"io"
	"slices"
)

// Container is how a file holds the flash image.
type Container string

// Containers.
const (
	ContainerRaw   Container = "raw"
	ContainerQcow2 Container = "qcow2"
	// ContainerJSON is QEMU's JSON store for the host-uefi-vars device; it
	// holds variables, not a flash image.
	ContainerJSON Container = "json"
)

// StoreFormat is the format of the variable store.
type StoreFormat string

// Store formats.
const (
	// FormatAuthenticated is edk2's store of authenticated variable
	// headers (gEfiAuthenticatedVariableGuid), used by Secure Boot builds.
	FormatAuthenticated StoreFormat = "edk2-authenticated"
	// FormatPlain is edk2's store of plain variable headers (gEfiVariableGuid).
	FormatPlain StoreFormat = "edk2-plain"
	// FormatJSON is QEMU's JSON variable list.
	FormatJSON StoreFormat = "qemu-json"
	// FormatBlank is an erased flash image (all 0x00 or all 0xff) with no
	// store yet: edk2 formats an empty one at first boot.
	FormatBlank StoreFormat = "blank"
)

// Image is one file read: its container and the variable store inside.
type Image struct {
	File      string    // as given
	Container Container // how the file holds the image
	FileSize  int64     // bytes in the file
	// ImageSize is the size of the flash image the container holds (the
	// file size for raw files, the virtual size for qcow2, 0 for JSON).
	ImageSize int64
	// Volume is the firmware volume holding the store, nil for JSON.
	Volume *Volume
	Format StoreFormat
	// StoreOffset and StoreSize place the variable store in the image.
	StoreOffset int64
	StoreSize   int64
	// Variables lists every copy found, in store order, including deleted
	// and superseded ones; Current and Lookup give the values.
	Variables []Variable
}

// Volume is an edk2 firmware volume header.
type Volume struct {
	Offset       int64  `json:"offset"`        // in the image
	Length       uint64 `json:"length"`        // FvLength
	HeaderLength uint16 `json:"header_length"` // where the store starts, relative to Offset
}

// Read reads the image of one file given as an io.ReaderAt of size bytes;
// file names it in errors. It detects the container from the content: the
// qcow2 magic, a JSON object, or else a raw flash image.
func Read(file string, r io.ReaderAt, size int64) (*Image, error) {
	if size < 0 {
		return nil, errorf(file, "raw", -1, "negative size")
	}
	head := make([]byte, min(size, 64))
	if _, err := r.ReadAt(head, 0); err != nil && err != io.EOF {
		return nil, errorf(file, "raw", 0, "%v", err)
	}
	img := &Image{File: file, FileSize: size}
	switch {
	case bytes.HasPrefix(head, qcow2Magic):
		img.Container = ContainerQcow2
		q, err := openQcow2(file, r, size, false)
		if err != nil {
			return nil, err
		}
		defer q.release()
		img.ImageSize = q.Size()
		return img, img.readFlash(q)
	case isJSON(head):
		img.Container = ContainerJSON
		if size > MaxJSONSize {
			return nil, errorf(file, "json", -1, "%d bytes is more than a JSON store may have (%d)", size, MaxJSONSize)
		}
		data := make([]byte, size)
		if _, err := r.ReadAt(data, 0); err != nil && err != io.EOF {
			return nil, errorf(file, "json", 0, "%v", err)
		}
		return img, img.readJSON(data)
	default:
		img.Container = ContainerRaw
		if size > MaxVirtualSize {
			return nil, errorf(file, "raw", -1, "%d bytes is larger than any flash image (%d)", size, MaxVirtualSize)
		}
		img.ImageSize = size
		return img, img.readFlash(r)
	}
}

// ReadBytes reads an image held in memory.
func ReadBytes(file string, data []byte) (*Image, error) {
	return Read(file, bytes.NewReader(data), int64(len(data)))
}

func isJSON(head []byte) bool {
	t := bytes.TrimLeft(head, " \t\r\n")
	return len(t) > 0 && t[0] == '{'
}

// Current returns the variables in effect: for each name and namespace the
// added copy, or a copy in deleted transition when there is no other (edk2
// does the same after an interrupted update). Deleted and superseded
// copies are left out.
func (img *Image) Current() []Variable {
	type key struct {
		name string
		guid GUID
	}
	best := map[key]int{}
	var order []key
	for i, v := range img.Variables {
		if v.State != StateAdded && v.State != StateInDeletedTransition {
			continue
		}
		k := key{v.Name, v.GUID}
		j, seen := best[k]
		switch {
		case !seen:
			best[k] = i
			order = append(order, k)
		case img.Variables[j].State == StateInDeletedTransition && v.State == StateAdded:
			best[k] = i
		}
	}
	out := make([]Variable, 0, len(order))
	for _, k := range order {
		out = append(out, img.Variables[best[k]])
	}
	return out
}

// Lookup returns the current value of one variable.
func (img *Image) Lookup(name string, guid GUID) (Variable, bool) {
	cur := img.Current()
	i := slices.IndexFunc(cur, func(v Variable) bool { return v.Name == name && v.GUID == guid })
	if i < 0 {
		return Variable{}, false
	}
	return cur[i], true
}
