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
