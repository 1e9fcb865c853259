package descriptor_test

import (
	"errors"
	"io/fs"
	"syscall"
	"testing"
	"testing/fstest"

	"github.com/fwaudit/fwaudit/descriptor"
)

func TestStat(t *testing.T) {
	link := func(target string) *fstest.MapFile {
		return &fstest.MapFile{Mode: fs.ModeSymlink | 0o777, Data: []byte(target)}
	}
	root := fstest.MapFS{
		"usr/share/AAVMF/AAVMF_CODE.no-secboot.fd": {},
		"usr/share/AAVMF/AAVMF_CODE.fd":            link("AAVMF_CODE.no-secboot.fd"),
		"usr/share/qemu/OVMF.fd":                   link("../ovmf/OVMF.fd"),
		"usr/share/ovmf/OVMF.fd":                   {},
		"usr/share/fw":                             link("/usr/share/AAVMF"), // absolute: from the root
		"usr/share/deep/x":                         {},
		"usr/share/fwb":                            link("/opt/a/b"),
		"opt/a/b/y":                                {},
		"opt/a/x":                                  {},
		"opt/escape":                               link("../../../../usr/share/ovmf/OVMF.fd"),
		"opt/loop":                                 link("loop"),
		"opt/dangling":                             link("nowhere"),
	}
	tests := []struct {
		path, want string
		err        error
	}{
		{"/usr/share/AAVMF/AAVMF_CODE.fd", "/usr/share/AAVMF/AAVMF_CODE.no-secboot.fd", nil},
		{"/usr/share/qemu/OVMF.fd", "/usr/share/ovmf/OVMF.fd", nil},
		{"/usr/share/fw/AAVMF_CODE.fd", "/usr/share/AAVMF/AAVMF_CODE.no-secboot.fd", nil},
		{"/usr/share//AAVMF/./AAVMF_CODE.no-secboot.fd", "/usr/share/AAVMF/AAVMF_CODE.no-secboot.fd", nil},
		// ".." applies to where the symlink led (realpath), not to the
		// name before it: /usr/share/fwb/.. is /opt/a, not /usr/share.
		{"/usr/share/fwb/../x", "/opt/a/x", nil},
		{"/usr/share/qemu/../ovmf/OVMF.fd", "/usr/share/ovmf/OVMF.fd", nil},
		// ".." stops at the root, as in a chroot.
		{"/opt/escape", "/usr/share/ovmf/OVMF.fd", nil},
		{"/opt/loop", "", syscall.ELOOP},
		{"/opt/dangling", "", fs.ErrNotExist},
		{"/usr/share/AAVMF/missing.fd", "", fs.ErrNotExist},
	}
	for _, tt := range tests {
		got, _, err := descriptor.Stat(root, tt.path)
		if tt.err != nil {
			if !errors.Is(err, tt.err) {
				t.Errorf("Stat(%q) error = %v, want %v", tt.path, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Stat(%q) = %q, %v; want %q", tt.path, got, err, tt.want)
		}
	}
}

// countingFS counts Lstat calls.
type countingFS struct {
	fstest.MapFS
	lstats int
}

func (c *countingFS) Lstat(name string) (fs.FileInfo, error) {
	c.lstats++
	return c.MapFS.Lstat(name)
}

func (c *countingFS) ReadLink(name string) (string, error) { return c.MapFS.ReadLink(name) }

// TestResolver: a Resolver answers as Stat does, asked the same paths again
// and in other orders (what it remembers never changes an answer: missing
// directories, links, "..", a file taken for a directory), and looks each
// directory up once.
func TestResolver(t *testing.T) {
	link := func(target string) *fstest.MapFile {
		return &fstest.MapFile{Mode: fs.ModeSymlink | 0o777, Data: []byte(target)}
	}
	root := fstest.MapFS{
		"usr/share/AAVMF/AAVMF_CODE.no-secboot.fd": {Data: []byte("code")},
		"usr/share/AAVMF/AAVMF_CODE.fd":            link("AAVMF_CODE.no-secboot.fd"),
		"usr/share/qemu/OVMF.fd":                   link("../ovmf/OVMF.fd"),
		"usr/share/ovmf/OVMF.fd":                   {Data: []byte("ovmf")},
		"usr/share/fw":                             link("/usr/share/AAVMF"),
		"usr/share/deep/x":                         {},
		"usr/share/fwb":                            link("/opt/a/b"),
		"opt/a/b/y":                                {},
		"opt/a/x":                                  {},
		"opt/loop":                                 link("loop"),
		"opt/dangling":                             link("nowhere"),
	}
	paths := []string{
		"/usr/share/AAVMF/AAVMF_CODE.fd", "/usr/share/qemu/OVMF.fd", "/usr/share/fw/AAVMF_CODE.fd",
		"/usr/share/fwb/../x", "/usr/share/fwb/y", "/usr/share/fwb/z", "/usr/share/deep/x", "/usr/share/deep/x/y",
		"/usr/share/deep", "/usr/share/deep/", "/usr/share/deep/..", "/", "/opt/loop", "/opt/dangling",
		"/usr/share/nope/a.fd", "/usr/share/nope/b/c.fd", "/usr/share/nope", "/nope/x/y", "/usr/share/AAVMF/missing.fd",
	}
	type answer struct {
		target, name string
		size         int64
		mode         fs.FileMode
		err          string
	}
	ask := func(stat func(string) (string, fs.FileInfo, error), p string) answer {
		target, info, err := stat(p)
		if err != nil {
			return answer{err: descriptor.StrerrorForTest(err)}
		}
		return answer{target: target, name: info.Name(), size: info.Size(), mode: info.Mode()}
	}
	r := descriptor.NewResolver(root)
	for round := range 3 {
		for i := range paths {
			p := paths[(i*(round+1)+round)%len(paths)]
			want := ask(func(p string) (string, fs.FileInfo, error) { return descriptor.Stat(root, p) }, p)
			if got := ask(r.Stat, p); got != want {
				t.Errorf("round %d: Resolver.Stat(%q) = %+v, want %+v", round, p, got, want)
			}
		}
	}

	// Many files under the same directories: the directories are looked
	// up once, then one lookup per file.
	c := &countingFS{MapFS: root}
	r = descriptor.NewResolver(c)
	for _, name := range []string{"a", "b", "c", "d"} {
		r.Stat("/usr/share/ovmf/" + name)
		r.Stat("/usr/share/missing/dir/" + name)
	}
	if want := 3 + 4 + 1; c.lstats != want { // usr, share, ovmf; four files; missing
		t.Errorf("%d lookups, want %d", c.lstats, want)
	}
	c.lstats = 0
	for _, name := range []string{"a", "b", "c", "d"} {
		descriptor.Stat(c, "/usr/share/ovmf/"+name)
	}
	if c.lstats != 16 {
		t.Errorf("Stat without a resolver: %d lookups, want 16", c.lstats)
	}
}
