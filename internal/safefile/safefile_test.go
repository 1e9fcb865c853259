package safefile_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/fwaudit/fwaudit/internal/hostiletest"
	"github.com/fwaudit/fwaudit/internal/safefile"
)

func TestRead(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	fifo := filepath.Join(dir, "fifo")
	hostiletest.Mkfifo(t, fifo)
	if err := os.Symlink("/dev/zero", filepath.Join(dir, "zero")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		path  string
		limit int64
		want  string
		err   error
		msg   string
	}{
		{name: "small", path: write("a.json", "{}"), limit: 10, want: "{}"},
		{name: "empty", path: write("empty", ""), limit: 10, want: ""},
		{name: "at limit", path: write("ten", "0123456789"), limit: 10, want: "0123456789"},
		{name: "over limit", path: write("eleven", "0123456789x"), limit: 10, err: safefile.ErrTooLarge, msg: "more than 10 bytes"},
		{name: "fifo", path: fifo, limit: 10, err: safefile.ErrNotRegular, msg: "named pipe"},
		{name: "dev zero via symlink", path: filepath.Join(dir, "zero"), limit: 10, err: safefile.ErrNotRegular, msg: "character device"},
		{name: "directory", path: dir, limit: 10, err: safefile.ErrNotRegular, msg: "directory"},
		{name: "missing", path: filepath.Join(dir, "nope"), limit: 10, err: fs.ErrNotExist},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []byte
			var err error
			hostiletest.Within(t, tt.name, func() { got, err = safefile.Read(tt.path, tt.limit) })
			if tt.err == nil {
				if err != nil || string(got) != tt.want {
					t.Fatalf("Read = %q, %v; want %q", got, err, tt.want)
				}
				return
			}
			if !errors.Is(err, tt.err) {
				t.Fatalf("Read error = %v; want %v", err, tt.err)
			}
			if !strings.Contains(err.Error(), tt.path) || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("Read error %q does not name the file %s and say %q", err, tt.path, tt.msg)
			}
		})
	}
}

// A file larger than the limit is refused from its size, before any byte
// is read; /proc files, whose size is 0, are read up to the limit.
func TestReadGrowing(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc")
	}
	data, err := safefile.Read("/proc/self/status", 1<<20)
	if err != nil || !bytes.Contains(data, []byte("Name:")) {
		t.Fatalf("Read(/proc/self/status) = %d bytes, %v", len(data), err)
	}
	if _, err := safefile.Read("/proc/self/status", 16); !errors.Is(err, safefile.ErrTooLarge) {
		t.Fatalf("Read(/proc/self/status, 16) error = %v; want ErrTooLarge", err)
	}
}

func TestReadIn(t *testing.T) {
	dir := t.TempDir()
	outside := filepath.Join(t.TempDir(), "secret")
	os.WriteFile(outside, []byte("secret"), 0o600)
	os.WriteFile(filepath.Join(dir, "in.json"), []byte("inside"), 0o644)
	os.Symlink(outside, filepath.Join(dir, "escape"))
	os.Symlink("../"+filepath.Base(dir)+"/in.json", filepath.Join(dir, "rel"))
	hostiletest.Mkfifo(t, filepath.Join(dir, "fifo"))
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()

	if got, err := safefile.ReadIn(root, "in.json", 100); err != nil || string(got) != "inside" {
		t.Errorf("ReadIn(in.json) = %q, %v", got, err)
	}
	if got, err := safefile.ReadIn(root, "escape", 100); err == nil {
		t.Errorf("ReadIn(escape) = %q; want an error, the link leaves the root", got)
	}
	hostiletest.Within(t, "ReadIn(fifo)", func() {
		if _, err := safefile.ReadIn(root, "fifo", 100); !errors.Is(err, safefile.ErrNotRegular) {
			t.Errorf("ReadIn(fifo) error = %v; want ErrNotRegular", err)
		}
	})
	fsys := safefile.FS(root)
	hostiletest.Within(t, "ReadFS(fifo)", func() {
		if _, err := safefile.ReadFS(fsys, "fifo", 100); !errors.Is(err, safefile.ErrNotRegular) {
			t.Errorf("ReadFS(fifo) error = %v; want ErrNotRegular", err)
		}
	})
	if got, err := safefile.ReadFS(fsys, "in.json", 100); err != nil || string(got) != "inside" {
		t.Errorf("ReadFS(in.json) = %q, %v", got, err)
	}
	if _, err := safefile.ReadFS(fsys, "escape", 100); err == nil {
		t.Errorf("ReadFS(escape) succeeded; want an error, the link leaves the root")
	}
	if target, err := fs.ReadLink(fsys, "escape"); err != nil || target != outside {
		t.Errorf("ReadLink(escape) = %q, %v", target, err)
	}
	if _, err := fsys.Open("../x"); err == nil {
		t.Errorf("Open(../x) succeeded")
	}
}

// A path that is swapped between a regular file and a FIFO while it is
// read never hangs the reader and never returns the FIFO's "content": the
// check is on the open handle (issue 11, case 2).
func TestReadSwapRace(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "x.json")
	reg := filepath.Join(dir, "reg")
	fifo := filepath.Join(dir, "fifo")
	stop := make(chan struct{})
	swapped := make(chan struct{})
	go func() {
		defer close(swapped)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			os.WriteFile(reg, []byte("{}"), 0o644)
			os.Rename(reg, p)
			syscall.Mkfifo(fifo, 0o644)
			os.Rename(fifo, p)
		}
	}()
	defer func() { close(stop); <-swapped }()
	var ok, refused int
	hostiletest.Within(t, "reading a swapped file", func() {
		for range 2000 {
			data, err := safefile.Read(p, 100)
			switch {
			case err == nil && string(data) == "{}":
				ok++
			case err == nil:
				t.Errorf("Read = %q", data)
				return
			case errors.Is(err, safefile.ErrNotRegular), errors.Is(err, fs.ErrNotExist):
				refused++
			default:
				t.Errorf("Read: unexpected error %v", err)
				return
			}
		}
	})
	t.Logf("%d reads of the regular file, %d refused", ok, refused)
}

func TestKind(t *testing.T) {
	for m, want := range map[fs.FileMode]string{
		0o644:                             "regular file",
		fs.ModeDir:                        "directory",
		fs.ModeNamedPipe:                  "named pipe",
		fs.ModeSocket:                     "socket",
		fs.ModeDevice | fs.ModeCharDevice: "character device",
		fs.ModeDevice:                     "block device",
		fs.ModeSymlink:                    "symlink",
		fs.ModeIrregular:                  "irregular file",
	} {
		if got := safefile.Kind(m); got != want {
			t.Errorf("Kind(%v) = %q; want %q", m, got, want)
		}
	}
}

// Names are bytes: a name that is not valid UTF-8 is listed, stat'ed and
// read like any other (libvirt's qemuBuildFileList keeps d_name as it is).
func TestFSNonUTF8(t *testing.T) {
	dir := t.TempDir()
	name := "50-\xff\xfe.json"
	if err := os.WriteFile(filepath.Join(dir, name), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(name, filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	hostiletest.Mkfifo(t, filepath.Join(dir, "fifo-dir"))
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	fsys := safefile.FS(root)
	ents, err := fs.ReadDir(fsys, ".")
	if err != nil || len(ents) != 3 || ents[0].Name() != name {
		t.Fatalf("ReadDir = %v, %v; want %q first of 3", ents, err, name)
	}
	if info, err := fs.Stat(fsys, name); err != nil || info.Size() != 2 {
		t.Errorf("Stat(%q) = %v, %v", name, info, err)
	}
	if info, err := fs.Lstat(fsys, "link"); err != nil || info.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("Lstat(link) = %v, %v", info, err)
	}
	if target, err := fs.ReadLink(fsys, "link"); err != nil || target != name {
		t.Errorf("ReadLink(link) = %q, %v", target, err)
	}
	if data, err := safefile.ReadFS(fsys, name, 10); err != nil || string(data) != "{}" {
		t.Errorf("ReadFS(%q) = %q, %v", name, data, err)
	}
	hostiletest.Within(t, "ReadDir(fifo)", func() {
		if _, err := fs.ReadDir(fsys, "fifo-dir"); err == nil {
			t.Errorf("ReadDir(fifo-dir) succeeded")
		}
	})
	for _, bad := range []string{"/abs", "a/../b", "", "a//b", "./a"} {
		if _, err := fsys.Open(bad); !errors.Is(err, fs.ErrInvalid) {
			t.Errorf("Open(%q) error = %v; want fs.ErrInvalid", bad, err)
		}
	}
}

// hostileDir makes a directory holding a regular file of 10 bytes, a named
// pipe, a link to /dev/zero, a subdirectory and a link leaving the
// directory, for the table tests below.
func hostileDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ten"), []byte("0123456789"), 0o644); err != nil {
		t.Fatal(err)
	}
	outside := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(outside, []byte("secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	hostiletest.Mkfifo(t, filepath.Join(dir, "fifo"))
	for name, target := range map[string]string{"zero": "/dev/zero", "escape": outside} {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// Open and ReadAll, on host paths: the check is on the open handle, and
// nothing blocks.
func TestOpenReadAll(t *testing.T) {
	dir := hostileDir(t)
	for _, tt := range []struct {
		name  string
		limit int64
		want  string
		err   error // of Open, or of ReadAll when Open succeeds
	}{
		{"ten", 10, "0123456789", nil},
		{"ten", 9, "", safefile.ErrTooLarge},
		{"fifo", 10, "", safefile.ErrNotRegular},
		{"zero", 10, "", safefile.ErrNotRegular},
		{"sub", 10, "", safefile.ErrNotRegular},
		{"missing", 10, "", fs.ErrNotExist},
	} {
		t.Run(fmt.Sprintf("%s/%d", tt.name, tt.limit), func(t *testing.T) {
			p := filepath.Join(dir, tt.name)
			hostiletest.Within(t, "Open "+tt.name, func() {
				f, err := safefile.Open(p)
				var got []byte
				if err == nil {
					got, err = safefile.ReadAll(f, p, tt.limit)
					f.Close()
				}
				if !errors.Is(err, tt.err) || string(got) != tt.want {
					t.Errorf("Open+ReadAll = %q, %v; want %q, %v", got, err, tt.want, tt.err)
					return
				}
				if err != nil && !strings.Contains(err.Error(), p) {
					t.Errorf("error %q does not name %s", err, p)
				}
			})
		})
	}
}

// ReadDir lists a directory sorted by name and refuses, without blocking,
// a path that is not one.
func TestReadDir(t *testing.T) {
	dir := hostileDir(t)
	hostiletest.Within(t, "ReadDir", func() {
		ents, err := safefile.ReadDir(dir)
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		if err != nil || strings.Join(names, " ") != "escape fifo sub ten zero" {
			t.Errorf("ReadDir = %q, %v", names, err)
		}
		for _, name := range []string{"fifo", "ten", "zero", "missing"} {
			if ents, err := safefile.ReadDir(filepath.Join(dir, name)); err == nil {
				t.Errorf("ReadDir(%s) = %v; want an error", name, ents)
			}
		}
	})
}

// OpenFS checks the handle and the size, inside a root (FS) and in an
// os.DirFS, whose blocking open is guarded by a Stat.
func TestOpenFS(t *testing.T) {
	dir := hostileDir(t)
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	for fsName, fsys := range map[string]fs.FS{"root": safefile.FS(root), "dirfs": os.DirFS(dir)} {
		for _, tt := range []struct {
			name  string
			limit int64
			err   error
		}{
			{"ten", 10, nil},
			{"ten", 9, safefile.ErrTooLarge},
			{"fifo", 10, safefile.ErrNotRegular},
			{"zero", 10, safefile.ErrNotRegular},
			{"sub", 10, safefile.ErrNotRegular},
			{"missing", 10, fs.ErrNotExist},
		} {
			t.Run(fmt.Sprintf("%s/%s/%d", fsName, tt.name, tt.limit), func(t *testing.T) {
				hostiletest.Within(t, "OpenFS", func() {
					f, info, err := safefile.OpenFS(fsys, tt.name, tt.limit)
					if fsName == "root" && tt.name == "zero" {
						// The link leaves the root: refused before
						// the file is even looked at.
						if err == nil {
							f.Close()
							t.Error("OpenFS(zero) succeeded inside the root")
						}
						return
					}
					if !errors.Is(err, tt.err) {
						t.Errorf("OpenFS error = %v; want %v", err, tt.err)
						return
					}
					if err != nil {
						return
					}
					defer f.Close()
					if info.Size() != 10 {
						t.Errorf("size %d", info.Size())
					}
					buf := make([]byte, 4)
					if n, err := f.(io.ReaderAt).ReadAt(buf, 6); n != 4 || string(buf) != "6789" {
						t.Errorf("ReadAt = %q, %v", buf[:n], err)
					}
				})
			})
		}
	}
	// Inside the root, a link leaving it is refused; os.DirFS follows it
	// (it is no confinement, which is why the audit reads through FS).
	if f, _, err := safefile.OpenFS(safefile.FS(root), "escape", 100); err == nil {
		f.Close()
		t.Errorf("OpenFS(FS(root), escape) succeeded; want an error, the link leaves the root")
	}
}

// DirEmpty reads at most one entry, and refuses without blocking what is
// not a directory.
func TestDirEmpty(t *testing.T) {
	dir := hostileDir(t)
	empty := t.TempDir()
	for _, tt := range []struct {
		path  string
		empty bool
		err   error // nil: no error; errAny: some error
	}{
		{dir, false, nil},
		{empty, true, nil},
		{filepath.Join(dir, "sub"), true, nil},
		{filepath.Join(dir, "missing"), false, fs.ErrNotExist},
		{filepath.Join(dir, "fifo"), false, errAny},
		{filepath.Join(dir, "ten"), false, errAny},
	} {
		hostiletest.Within(t, "DirEmpty "+tt.path, func() {
			got, err := safefile.DirEmpty(tt.path)
			switch {
			case tt.err == nil && err != nil, tt.err == errAny && err == nil,
				tt.err != nil && tt.err != errAny && !errors.Is(err, tt.err):
				t.Errorf("DirEmpty(%s) error %v; want %v", tt.path, err, tt.err)
			case got != tt.empty:
				t.Errorf("DirEmpty(%s) = %v; want %v", tt.path, got, tt.empty)
			}
		})
	}
}

// errAny stands for "some error" in the tables above.
var errAny = errors.New("any error")
