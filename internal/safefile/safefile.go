// Package safefile is the one way fwaudit reads an input file: a
// descriptor, a domain definition, an overrides file, a VARS image or a
// path given on the command line.
//
// Every read here
//   - opens the file without blocking (O_NONBLOCK), so a named pipe or a
//     device never hangs the open;
//   - checks that it is a regular file on the open handle (fstat), not
//     with a stat before the open, so a file swapped for a pipe, a device
//     or a directory between the two is refused rather than read;
//   - reads at most a limit the caller gives (what libvirt or the format
//     allows), allocating no more than the file's size plus one byte;
//   - stays inside a root when there is one: [ReadIn] and [FS] open through
//     an [os.Root], which never follows a symlink out of it.
//
// Errors are [*fs.PathError] values naming the file; they wrap
// [ErrNotRegular] or [ErrTooLarge] for the two refusals of this package.
package safefile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"
	"syscall"
)

// Refusals, wrapped in the *fs.PathError a read returns.
var (
	// ErrNotRegular: the path names a directory, a named pipe, a socket
	// or a device.
	ErrNotRegular = errors.New("not a regular file")
	// ErrTooLarge: the file holds more bytes than the caller's limit.
	ErrTooLarge = errors.New("file too large")
)

// openFlags open for reading without blocking on a FIFO's missing writer
// or a device's carrier, and without leaking the descriptor to children.
const openFlags = os.O_RDONLY | syscall.O_NONBLOCK | syscall.O_CLOEXEC

// Open opens the host file name for reading without blocking and checks on
// the open handle that it is a regular file. The caller closes it.
func Open(name string) (*os.File, error) {
	f, err := os.OpenFile(name, openFlags, 0)
	if err != nil {
		return nil, err
	}
	if _, err := regular(f, name); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// Read reads the host file name, which must be a regular file of at most
// limit bytes.
func Read(name string, limit int64) ([]byte, error) {
	f, err := os.OpenFile(name, openFlags, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readAll(f, name, limit)
}

// ReadDir reads the host directory name, sorted by name, opening it
// without blocking: a path that is not a directory (a named pipe swapped
// in after a stat) is an error, not a hang.
func ReadDir(name string) ([]fs.DirEntry, error) {
	f, err := os.OpenFile(name, openFlags|syscall.O_DIRECTORY, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ents, err := f.ReadDir(-1)
	slices.SortFunc(ents, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return ents, err
}

// DirEmpty reports whether the host directory name holds no entry,
// reading at most one: a directory of 100,000 files costs what an empty
// one does. It opens without blocking, so a named pipe in its place is an
// error (not a directory), not a hang.
func DirEmpty(name string) (bool, error) {
	f, err := os.OpenFile(name, openFlags|syscall.O_DIRECTORY, 0)
	if err != nil {
		return false, err
	}
	defer f.Close()
	ents, err := f.ReadDir(1)
	if len(ents) > 0 {
		return false, nil
	}
	if err == io.EOF {
		return true, nil
	}
	return false, err
}

// ReadIn reads name (slash-separated, relative to root) inside root, which
// must be a regular file of at most limit bytes. Symlinks are followed
// only as far as they stay inside root ([os.Root]'s rule).
func ReadIn(root *os.Root, name string, limit int64) ([]byte, error) {
	f, err := root.OpenFile(name, openFlags, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readAll(f, name, limit)
}

// ReadFS reads name from fsys, which must be a regular file of at most
// limit bytes. The check is made on the opened fs.File; fsys's Open must
// not block (use [FS] for an [os.Root], not os.Root.FS).
func ReadFS(fsys fs.FS, name string, limit int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readAll(f, name, limit)
}

// OpenFS opens name in fsys for reading and checks on the open handle that
// it is a regular file of at most limit bytes; the caller closes it. For
// reading only parts of a large file (through io.ReaderAt) where ReadFS
// would read it all.
//
// With [FS] the open itself never blocks. Another fs.FS (os.DirFS) opens
// with a blocking open(2); when it implements fs.StatFS, a Stat before the
// open refuses a named pipe, a device or a directory without opening it,
// so only a file swapped for one between the two calls could still block.
func OpenFS(fsys fs.FS, name string, limit int64) (fs.File, fs.FileInfo, error) {
	if _, nonBlocking := fsys.(rootFS); !nonBlocking {
		if sfs, ok := fsys.(fs.StatFS); ok {
			info, err := sfs.Stat(name)
			if err != nil {
				return nil, nil, err
			}
			if !info.Mode().IsRegular() {
				return nil, nil, notRegular(name, info.Mode())
			}
		}
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, nil, err
	}
	info, err := regular(f, name)
	if err == nil && info.Size() > limit {
		err = tooLarge(name, limit)
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, info, nil
}

// ReadAll reads f, an open file that name names in errors, checking on the
// handle that it is a regular file of at most limit bytes.
func ReadAll(f fs.File, name string, limit int64) ([]byte, error) {
	return readAll(f, name, limit)
}

func readAll(f fs.File, name string, limit int64) ([]byte, error) {
	info, err := regular(f, name)
	if err != nil {
		return nil, err
	}
	if info.Size() > limit {
		return nil, tooLarge(name, limit)
	}
	// One byte more than the size seen, to notice a file that grew;
	// never more than limit+1.
	buf := make([]byte, 0, min(max(info.Size(), 0), limit)+1)
	for {
		if len(buf) == cap(buf) {
			if int64(len(buf)) > limit {
				return nil, tooLarge(name, limit)
			}
			// The file grew after the fstat: keep reading, bounded.
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := f.Read(buf[len(buf):min(int64(cap(buf)), limit+1)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > limit {
			return nil, tooLarge(name, limit)
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, &fs.PathError{Op: "read", Path: name, Err: unwrapPath(err)}
		}
	}
}

func tooLarge(name string, limit int64) error {
	return &fs.PathError{Op: "read", Path: name, Err: fmt.Errorf("%w: more than %d bytes", ErrTooLarge, limit)}
}

// regular stats the open handle and refuses anything but a regular file.
func regular(f fs.File, name string) (fs.FileInfo, error) {
	info, err := f.Stat()
	if err != nil {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: unwrapPath(err)}
	}
	if !info.Mode().IsRegular() {
		return nil, notRegular(name, info.Mode())
	}
	return info, nil
}

func notRegular(name string, m fs.FileMode) error {
	return &fs.PathError{Op: "open", Path: name, Err: fmt.Errorf("%w (%s)", ErrNotRegular, Kind(m))}
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Kind names the type of file a mode describes: "regular file",
// "directory", "named pipe", "socket", "character device", "block device",
// "symlink" or "irregular file".
func Kind(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return "regular file"
	case m.IsDir():
		return "directory"
	case m&fs.ModeNamedPipe != 0:
		return "named pipe"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeCharDevice != 0:
		return "character device"
	case m&fs.ModeDevice != 0:
		return "block device"
	case m&fs.ModeSymlink != 0:
		return "symlink"
	}
	return "irregular file"
}

// FS returns root as an fs.FS whose Open does not block (os.Root.FS opens
// with a plain O_RDONLY, which waits for ever on a named pipe) and whose
// names are bytes, as the kernel's are: os.Root.FS refuses a name that is
// not valid UTF-8, which libvirt reads like any other. Names are otherwise
// as fs.ValidPath wants them: unrooted, slash-separated, without "." or
// ".." elements. It implements fs.StatFS, fs.ReadDirFS and fs.ReadLinkFS
// (so symlinks can be resolved inside the root), but not fs.ReadFileFS:
// read its files with [ReadFS], which checks and caps.
func FS(root *os.Root) fs.FS {
	return rootFS{root}
}

type rootFS struct{ root *os.Root }

// validPath is fs.ValidPath without its UTF-8 requirement.
func validPath(name string) bool {
	if name == "." {
		return true
	}
	for elem := range strings.SplitSeq(name, "/") {
		if elem == "" || elem == "." || elem == ".." {
			return false
		}
	}
	return true
}

func (r rootFS) Open(name string) (fs.File, error) {
	if !validPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	f, err := r.root.OpenFile(name, openFlags, 0)
	if err != nil {
		return nil, err
	}
	return f, nil
}

func (r rootFS) Stat(name string) (fs.FileInfo, error) {
	if !validPath(name) {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrInvalid}
	}
	return r.root.Stat(name)
}

func (r rootFS) Lstat(name string) (fs.FileInfo, error) {
	if !validPath(name) {
		return nil, &fs.PathError{Op: "lstat", Path: name, Err: fs.ErrInvalid}
	}
	return r.root.Lstat(name)
}

func (r rootFS) ReadLink(name string) (string, error) {
	if !validPath(name) {
		return "", &fs.PathError{Op: "readlink", Path: name, Err: fs.ErrInvalid}
	}
	return r.root.Readlink(name)
}

// ReadDir returns the entries sorted by name, byte-wise.
func (r rootFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if !validPath(name) {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrInvalid}
	}
	f, err := r.root.OpenFile(name, openFlags, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ents, err := f.ReadDir(-1)
	slices.SortFunc(ents, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return ents, err
}
