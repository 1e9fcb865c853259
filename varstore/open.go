package varstore

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
)

// MaxFileSize bounds the files Open reads: a raw AAVMF image is 64 MiB, a
// qcow2 file of the largest image with its metadata somewhat more.
const MaxFileSize = MaxVirtualSize + 16<<20 // 144 MiB

// Open reads the image in file name of fsys (a rooted file system: the
// --root, or os.DirFS("/")). It refuses anything but a regular file and
// files larger than MaxFileSize; the file is read through io.ReaderAt when
// fsys provides it, so only the store's bytes are read from large images.
func Open(fsys fs.FS, name string) (*Image, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fmt.Errorf("not a regular file (%s)", info.Mode().Type())}
	}
	size := info.Size()
	if size > MaxFileSize {
		return nil, errorf(name, "raw", -1, "%d bytes is larger than any firmware file (%d)", size, MaxFileSize)
	}
	if ra, ok := f.(io.ReaderAt); ok {
		return Read(name, ra, size)
	}
	data, err := io.ReadAll(io.LimitReader(f, size+1))
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: name, Err: err}
	}
	if int64(len(data)) != size {
		return nil, errorf(name, "raw", int64(len(data)), "file changed size while being read (%d bytes, stat said %d)", len(data), size)
	}
	return Read(name, bytes.NewReader(data), size)
}

// Probe reads only the container header of file name in fsys: the
// container and the size of the image it holds (the virtual size for
// qcow2). It is for executables, whose contents this package does not read.
func Probe(fsys fs.FS, name string) (Container, int64, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return "", 0, err
	}
	if !info.Mode().IsRegular() {
		return "", 0, &fs.PathError{Op: "open", Path: name, Err: fmt.Errorf("not a regular file (%s)", info.Mode().Type())}
	}
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
