package hostfs_test

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/hostfs"
)

const listing = `# a comment
/lib -> usr/lib
/usr/share/AAVMF/AAVMF_CODE.no-secboot.fd
/usr/share/AAVMF/AAVMF_CODE.fd -> AAVMF_CODE.no-secboot.fd
/usr/share/qemu/OVMF.fd -> ../ovmf/OVMF.fd
/usr/share/ovmf/OVMF.fd
/usr/share/seabios/
/opt/loop -> loop
`

func TestListing(t *testing.T) {
	l, err := hostfs.ParseListing("test.txt", listing)
	if err != nil {
		t.Fatal(err)
	}
	resolves := map[string]string{
		"/usr/share/AAVMF/AAVMF_CODE.fd":         "/usr/share/AAVMF/AAVMF_CODE.no-secboot.fd",
		"/usr/share/qemu/OVMF.fd":                "/usr/share/ovmf/OVMF.fd",
		"/usr/share/qemu/../AAVMF/AAVMF_CODE.fd": "/usr/share/AAVMF/AAVMF_CODE.no-secboot.fd",
		"/usr/share/seabios":                     "/usr/share/seabios",
	}
	for p, want := range resolves {
		got, _, err := descriptor.Stat(l, p)
		if err != nil || got != want {
			t.Errorf("Stat(%q) = %q, %v; want %q", p, got, err, want)
		}
	}
	for _, p := range []string{"/usr/share/AAVMF/AAVMF_VARS.fd", "/usr/lib/x", "/opt/loop"} {
		if got, _, err := descriptor.Stat(l, p); err == nil {
			t.Errorf("Stat(%q) = %q, want an error", p, got)
		}
	}

	fi, err := fs.Lstat(l, "usr/share/AAVMF/AAVMF_CODE.fd")
	if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("Lstat(symlink) = %v, %v; want a symlink", fi, err)
	}
	if target, err := fs.ReadLink(l, "usr/share/qemu/OVMF.fd"); err != nil || target != "../ovmf/OVMF.fd" {
		t.Errorf("ReadLink = %q, %v", target, err)
	}
	if _, err := fs.ReadLink(l, "usr/share/ovmf/OVMF.fd"); err == nil {
		t.Error("ReadLink of a regular file succeeded")
	}
	if fi, err := fs.Stat(l, "usr/share/qemu/OVMF.fd"); err != nil || !fi.Mode().IsRegular() {
		t.Errorf("Stat follows the link to a file: %v, %v", fi, err)
	}
	if fi, err := fs.Stat(l, "usr/share"); err != nil || !fi.IsDir() {
		t.Errorf("parents are directories: %v, %v", fi, err)
	}
	if _, err := l.Open("usr/share/none"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open(missing) = %v, want ErrNotExist", err)
	}
}

func TestParseListingErrors(t *testing.T) {
	tests := []struct{ text, want string }{
		{"usr/share/x", "t.txt:1: \"usr/share/x\" is not a clean absolute path"},
		{"/usr/share/../x", "is not a clean absolute path"},
		{"\n/a ->", "t.txt:2:"},
		{"/a\n/a -> b", "t.txt:2: /a listed twice, differently"},
		{"/a\n/a/b", "t.txt:2: /a/b is below /a, which is not a directory"},
	}
	for _, tt := range tests {
		_, err := hostfs.ParseListing("t.txt", tt.text)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseListing(%q) error = %v, want it to contain %q", tt.text, err, tt.want)
		}
	}
}

func TestDebianUnstable(t *testing.T) {
	// The symlinks Debian's firmware packages install, which libvirt 12.8
	// follows when it compares a domain's loader path with a descriptor's
	// (conformance/testdata/cases/path-resolve-*.txtar).
	for p, want := range map[string]string{
		"/usr/share/AAVMF/AAVMF_CODE.fd":     "/usr/share/AAVMF/AAVMF_CODE.no-secboot.fd",
		"/usr/share/AAVMF/AAVMF_CODE.ms.fd":  "/usr/share/AAVMF/AAVMF_CODE.secboot.fd",
		"/usr/share/OVMF/OVMF_CODE_4M.ms.fd": "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd",
		"/usr/share/qemu/OVMF.fd":            "/usr/share/ovmf/OVMF.fd",
		"/lib/../share/OVMF/OVMF_VARS_4M.fd": "/usr/share/OVMF/OVMF_VARS_4M.fd",
	} {
		got, _, err := descriptor.Stat(hostfs.DebianUnstable, p)
		if err != nil || got != want {
			t.Errorf("Stat(%q) = %q, %v; want %q", p, got, err, want)
		}
	}
	// Debian 12 still does (libvirt 9.0's legacy list names them).
	for _, p := range []string{"/usr/share/OVMF/OVMF_CODE.fd", "/usr/share/OVMF/OVMF_VARS.fd", "/usr/share/AAVMF/AAVMF_VARS.fd"} {
		if _, _, err := descriptor.Stat(hostfs.Debian12, p); err != nil {
			t.Errorf("Debian12: Stat(%q): %v", p, err)
		}
	}
	// Debian 13 and unstable no longer ship the 2 MiB OVMF images.
	if _, _, err := descriptor.Stat(hostfs.DebianUnstable, "/usr/share/OVMF/OVMF_CODE.fd"); err == nil {
		t.Error("/usr/share/OVMF/OVMF_CODE.fd exists in the listing")
	}
}

func TestOverlay(t *testing.T) {
	lower, err := hostfs.ParseListing("lower", listing)
	if err != nil {
		t.Fatal(err)
	}
	upper := fstest.MapFS{
		"usr/share/qemu/firmware/50-x.json": {Data: []byte("{}")},
		// upper replaces lower's symlink with a file of its own
		"usr/share/AAVMF/AAVMF_CODE.fd": {Data: []byte("code")},
		// and leads into lower
		"opt/fw": {Mode: fs.ModeSymlink, Data: []byte("/usr/share/qemu/OVMF.fd")},
	}
	o := hostfs.Overlay(upper, lower)
	for p, want := range map[string]string{
		"/usr/share/AAVMF/AAVMF_CODE.fd":     "/usr/share/AAVMF/AAVMF_CODE.fd",
		"/usr/share/qemu/OVMF.fd":            "/usr/share/ovmf/OVMF.fd",
		"/opt/fw":                            "/usr/share/ovmf/OVMF.fd",
		"/usr/share/qemu/firmware/50-x.json": "/usr/share/qemu/firmware/50-x.json",
	} {
		got, _, err := descriptor.Stat(o, p)
		if err != nil || got != want {
			t.Errorf("Stat(%q) = %q, %v; want %q", p, got, err, want)
		}
	}
	if b, err := fs.ReadFile(o, "usr/share/qemu/firmware/50-x.json"); err != nil || string(b) != "{}" {
		t.Errorf("ReadFile through the overlay = %q, %v", b, err)
	}
	if hostfs.Overlay(upper, nil) == nil || hostfs.Overlay(nil, lower) != fs.FS(lower) {
		t.Error("Overlay with one side nil is not the other side")
	}
}

func TestListingExists(t *testing.T) {
	l, err := hostfs.ParseListing("test.txt", listing)
	if err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]bool{
		"/usr/share/AAVMF/AAVMF_CODE.no-secboot.fd": true,
		"/usr/share/AAVMF/AAVMF_CODE.fd":            true, // a symlink to a file
		"/usr/share//AAVMF/AAVMF_CODE.fd":           true,
		"/usr/share/qemu/OVMF.fd":                   true,
		"/usr/share/seabios":                        true,
		"/usr/share/AAVMF/missing.fd":               false,
		"/opt/loop":                                 false,
	} {
		if got := l.Exists(p); got != want {
			t.Errorf("Exists(%q) = %v, want %v", p, got, want)
		}
	}
	if n := testing.AllocsPerRun(100, func() { l.Exists("/usr/share/ovmf/OVMF.fd") }); n != 0 {
		t.Errorf("Exists allocates %v times for a clean path to a file", n)
	}
	for _, emu := range []string{"/usr/bin/qemu-system-x86_64", "/usr/bin/qemu-system-aarch64"} {
		for _, h := range []*hostfs.Listing{hostfs.Debian12, hostfs.Debian13, hostfs.Ubuntu2404, hostfs.DebianUnstable} {
			if !h.Exists(emu) {
				t.Errorf("%s lacks %s", h, emu)
			}
		}
	}
}
