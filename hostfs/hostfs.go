// Package hostfs models the file system of the host libvirt runs on, as far
// as firmware selection reads it: libvirt 12.8 compares a domain's firmware
// paths with a descriptor's after resolving both with realpath(3), so which
// paths are symlinks on the host decides the choice.
//
// It offers two fs.FS implementations that fs.ReadLink and fs.Lstat
// understand: a Listing, a host's firmware files written down as text (the
// files a distribution's packages install, see DebianUnstable), and an
// Overlay, which answers from an upper file system (a --root) and falls back
// to a lower one for the names the upper does not hold.
package hostfs

import (
	_ "embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"time"
)

// Listing is a read-only file system written down as text, one entry a
// line (blank lines and lines starting with '#' are ignored):
//
//	/usr/share/AAVMF/AAVMF_CODE.no-secboot.fd
//	/usr/share/AAVMF/AAVMF_CODE.fd -> AAVMF_CODE.no-secboot.fd
//	/usr/share/seabios/
//
// A path is a regular file, a directory when it ends in '/', or a symlink
// with its target after " -> ". Every parent of an entry is a directory.
// Files have no content: a Listing answers questions about names only.
type Listing struct {
	name    string
	entries map[string]entry // fs.FS names ("usr/share/AAVMF"), "." the root
}

type entry struct {
	mode   fs.FileMode
	target string // of a symlink
}

// ParseListing parses a listing; name is used in errors and in String.
func ParseListing(name, text string) (*Listing, error) {
	l := &Listing{name: name, entries: map[string]entry{".": {mode: fs.ModeDir | 0o755}}}
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		p, target, isLink := strings.Cut(line, "->")
		p, target = strings.TrimSpace(p), strings.TrimSpace(target)
		e := entry{mode: 0o644}
		switch {
		case isLink:
			if target == "" {
				return nil, fmt.Errorf("%s:%d: symlink %s has no target", name, i+1, p)
			}
			e = entry{mode: fs.ModeSymlink | 0o777, target: target}
		case strings.HasSuffix(p, "/"):
			e.mode = fs.ModeDir | 0o755
		}
		if !strings.HasPrefix(p, "/") || path.Clean(p) != strings.TrimSuffix(p, "/") && p != "/" {
			return nil, fmt.Errorf("%s:%d: %q is not a clean absolute path", name, i+1, p)
		}
		n := fsName(p)
		if old, ok := l.entries[n]; ok && (old.mode != e.mode || old.target != e.target) && !(old.mode.IsDir() && e.mode.IsDir()) {
			return nil, fmt.Errorf("%s:%d: %s listed twice, differently", name, i+1, p)
		}
		l.entries[n] = e
		for d := path.Dir(n); d != "."; d = path.Dir(d) {
			if old, ok := l.entries[d]; ok && !old.mode.IsDir() {
				return nil, fmt.Errorf("%s:%d: %s is below /%s, which is not a directory", name, i+1, p, d)
			}
			l.entries[d] = entry{mode: fs.ModeDir | 0o755}
		}
	}
	return l, nil
}

func fsName(p string) string {
	n := strings.Trim(path.Clean("/"+p), "/")
	if n == "" {
		return "."
	}
	return n
}

// Exists reports whether the absolute path p names an existing file or
// directory, symlinks followed. For a clean path to an entry that is not a
// symlink it allocates nothing.
func (l *Listing) Exists(p string) bool {
	if len(p) > 1 && p[0] == '/' {
		if e, ok := l.entries[p[1:]]; ok && e.mode&fs.ModeSymlink == 0 && path.Clean(p) == p {
			return true
		}
	}
	_, err := l.real(fsName(p), 0)
	return err == nil
}

// String names the listing.
func (l *Listing) String() string { return l.name }

// Open opens name; only Stat and Close are of use on what it returns.
// Symlinks are followed.
func (l *Listing) Open(name string) (fs.File, error) {
	info, err := l.Stat(name)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: unwrapPathError(err)}
	}
	return file{info}, nil
}

// Lstat describes name without following a final symlink.
func (l *Listing) Lstat(name string) (fs.FileInfo, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "lstat", Path: name, Err: fs.ErrInvalid}
	}
	// The parents are followed, as lstat(2) does.
	dir, err := l.real(path.Dir(name), 0)
	if err != nil {
		return nil, &fs.PathError{Op: "lstat", Path: name, Err: err}
	}
	n := path.Join(dir, path.Base(name))
	if name == "." {
		n = "."
	}
	e, ok := l.entries[n]
	if !ok {
		return nil, &fs.PathError{Op: "lstat", Path: name, Err: fs.ErrNotExist}
	}
	return info{path.Base(name), e.mode}, nil
}

// Stat describes name, following symlinks.
func (l *Listing) Stat(name string) (fs.FileInfo, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrInvalid}
	}
	n, err := l.real(name, 0)
	if err != nil {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: err}
	}
	return info{path.Base(name), l.entries[n].mode}, nil
}

// ReadLink returns the target of the symlink name.
func (l *Listing) ReadLink(name string) (string, error) {
	fi, err := l.Lstat(name)
	if err != nil {
		return "", &fs.PathError{Op: "readlink", Path: name, Err: unwrapPathError(err)}
	}
	if fi.Mode()&fs.ModeSymlink == 0 {
		return "", &fs.PathError{Op: "readlink", Path: name, Err: fs.ErrInvalid}
	}
	dir, _ := l.real(path.Dir(name), 0)
	return l.entries[path.Join(dir, path.Base(name))].target, nil
}

// maxHops is Linux's limit on symlinks followed in one lookup.
const maxHops = 40

var errLoop = errors.New("too many levels of symbolic links")

// real resolves name (an fs.FS name) to the name of an existing entry
// that is not a symlink, following symlinks in every component with
// chroot semantics.
func (l *Listing) real(name string, hops int) (string, error) {
	if name == "." {
		return ".", nil
	}
	todo := strings.Split(name, "/")
	cur := "."
	for len(todo) > 0 {
		c := todo[0]
		todo = todo[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			cur = path.Dir(cur)
			continue
		}
		next := path.Join(cur, c)
		e, ok := l.entries[next]
		switch {
		case !ok:
			return "", fs.ErrNotExist
		case e.mode&fs.ModeSymlink != 0:
			if hops++; hops > maxHops {
				return "", errLoop
			}
			if strings.HasPrefix(e.target, "/") {
				cur = "."
			}
			todo = append(strings.Split(e.target, "/"), todo...)
		case !e.mode.IsDir() && len(todo) > 0:
			return "", errors.New("not a directory")
		default:
			cur = next
		}
	}
	return cur, nil
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

type info struct {
	name string
	mode fs.FileMode
}

func (i info) Name() string       { return i.name }
func (i info) Size() int64        { return 0 }
func (i info) Mode() fs.FileMode  { return i.mode }
func (i info) ModTime() time.Time { return time.Time{} }
func (i info) IsDir() bool        { return i.mode.IsDir() }
func (i info) Sys() any           { return nil }

type file struct{ fs.FileInfo }

func (f file) Stat() (fs.FileInfo, error) { return f.FileInfo, nil }
func (f file) Read([]byte) (int, error)   { return 0, io.EOF }
func (f file) Close() error               { return nil }

//go:embed debian-12.txt
var debian12 string

// Debian12 lists the firmware files Debian 12's ovmf, qemu-efi-aarch64,
// seabios and qemu-system packages install (and the merged-/usr symlinks
// and the emulators),
// as on the host libvirt 9.0.0-4+deb12u2 was recorded on. The matcher's
// libvirt-9.0 profile looks NVRAM templates up in it when it is not given
// the host's own file system.
var Debian12 = mustParse("debian-12.txt", debian12)

//go:embed debian-13.txt
var debian13 string

// Debian13 lists the firmware files and emulators of Debian 13, as on the
// host libvirt 11.3.0-3+deb13u3 was recorded on.
var Debian13 = mustParse("debian-13.txt", debian13)

//go:embed ubuntu-24.04.txt
var ubuntu2404 string

// Ubuntu2404 lists the firmware files and emulators of Ubuntu 24.04 with
// noble-updates, as on the host libvirt 10.0.0-2ubuntu8.19 was recorded
// on (the libvirt 10 oracle of ../shared/oracle).
var Ubuntu2404 = mustParse("ubuntu-24.04.txt", ubuntu2404)

//go:embed debian-unstable.txt
var debianUnstable string

// DebianUnstable lists the firmware files Debian unstable's ovmf,
// qemu-efi-aarch64, seabios and qemu-system packages install (and the
// merged-/usr symlinks and the emulators), as on the host libvirt 12.8.0-1
// was recorded on.
// The matcher's libvirt-12.8 profile resolves paths in it when it is not
// given the host's own file system.
var DebianUnstable = mustParse("debian-unstable.txt", debianUnstable)

func mustParse(name, text string) *Listing {
	l, err := ParseListing(name, text)
	if err != nil {
		panic(err)
	}
	return l
}

// Overlay returns a file system that answers from upper and, for the names
// upper does not hold, from lower. A symlink in upper may lead into lower
// and back: names are looked up one at a time by fs.Lstat and fs.ReadLink.
func Overlay(upper, lower fs.FS) fs.FS {
	if lower == nil {
		return upper
	}
	if upper == nil {
		return lower
	}
	return overlay{upper, lower}
}

type overlay struct{ upper, lower fs.FS }

func (o overlay) Open(name string) (fs.File, error) {
	f, err := o.upper.Open(name)
	if errors.Is(err, fs.ErrNotExist) {
		return o.lower.Open(name)
	}
	return f, err
}

func (o overlay) Stat(name string) (fs.FileInfo, error) {
	fi, err := fs.Stat(o.upper, name)
	if errors.Is(err, fs.ErrNotExist) {
		return fs.Stat(o.lower, name)
	}
	return fi, err
}

func (o overlay) Lstat(name string) (fs.FileInfo, error) {
	fi, err := fs.Lstat(o.upper, name)
	if errors.Is(err, fs.ErrNotExist) {
		return fs.Lstat(o.lower, name)
	}
	return fi, err
}

func (o overlay) ReadLink(name string) (string, error) {
	if _, err := fs.Lstat(o.upper, name); errors.Is(err, fs.ErrNotExist) {
		return fs.ReadLink(o.lower, name)
	}
	return fs.ReadLink(o.upper, name)
}
