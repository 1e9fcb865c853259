package varstore

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"math"

	"github.com/fwaudit/fwaudit/internal/safefile"
)

// MaxFileSize bounds the files Open reads: a raw AAVMF image is 64 MiB, a
// qcow2 file of the largest image with its metadata somewhat more.
const MaxFileSize = MaxVirtualSize + 16<<20 // 144 MiB

// Refusals of Open, OpenFile and Probe, wrapped in the *fs.PathError they
// return (test with errors.Is).
var (
	// ErrNotRegular: the name is a directory, a named pipe, a socket or a
	// device.
	ErrNotRegular = safefile.ErrNotRegular
	// ErrTooLarge: the file holds more than MaxFileSize bytes.
	ErrTooLarge = safefile.ErrTooLarge
)

// Open reads the image in file name of fsys (a rooted file system: the
// --root, or os.DirFS("/")). It opens the file the way fwaudit reads every
// input (package internal/safefile): a regular file, checked on the open
// handle, of at most MaxFileSize bytes; with a file system that can stat
// (os.DirFS), a named pipe or a device is refused before it is opened, so
// it never blocks the open. The file is read through io.ReaderAt when
// fsys provides it, so only the store's bytes are read from large images.
func Open(fsys fs.FS, name string) (*Image, error) {
	f, info, err := safefile.OpenFS(fsys, name, MaxFileSize)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return read(name, f, info.Size())
}

// OpenFile reads the image in the host file name, opened without blocking
// (a named pipe or a device is refused, not waited for) and checked on the
// open handle to be a regular file of at most MaxFileSize bytes.
func OpenFile(name string) (*Image, error) {
	f, err := safefile.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if info.Size() > MaxFileSize {
		return nil, &fs.PathError{Op: "read", Path: name, Err: fmt.Errorf("%w: more than %d bytes", ErrTooLarge, MaxFileSize)}
	}
	return Read(name, f, info.Size())
}

// read reads an opened file: through io.ReaderAt when it has it, else
// whole, bounded by MaxFileSize.
func read(name string, f fs.File, size int64) (*Image, error) {
	if ra, ok := f.(io.ReaderAt); ok {
		return Read(name, ra, size)
	}
	data, err := safefile.ReadAll(f, name, MaxFileSize)
	if err != nil {
		return nil, err
	}
	return Read(name, bytes.NewReader(data), int64(len(data)))
}

// Probe reads only the container header of file name in fsys: the
// container and the size of the image it holds (the virtual size for
// qcow2). It is for executables, whose contents this package does not
// read; it opens them as Open does, without the size bound.
func Probe(fsys fs.FS, name string) (Container, int64, error) {
	f, info, err := safefile.OpenFS(fsys, name, math.MaxInt64)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	head := make([]byte, 112)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	if !bytes.HasPrefix(head, qcow2Magic) {
		return ContainerRaw, info.Size(), nil
	}
	q, err := openQcow2(name, bytes.NewReader(head), info.Size(), true)
	if err != nil {
		return ContainerQcow2, 0, err
	}
	return ContainerQcow2, q.Size(), nil
}
