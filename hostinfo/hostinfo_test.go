package hostinfo

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestParseLibvirtVersion(t *testing.T) {
	tests := []struct {
		name, out, want, err string
	}{
		{"virtqemud", "virtqemud (libvirt) 9.0.0\n", "9.0.0", ""},
		{"libvirtd", "libvirtd (libvirt) 11.3.0\n", "11.3.0", ""},
		{"no newline", "virtqemud (libvirt) 12.8.0", "12.8.0", ""},
		{"leading noise", "warning: something\nvirtqemud (libvirt) 10.0.0\n", "10.0.0", ""},
		{"two-part version", "libvirtd (libvirt) 9.0\n", "", `unexpected output "libvirtd (libvirt) 9.0"`},
		{"other program", "QEMU emulator version 7.2.19\n", "", `unexpected output "QEMU emulator version 7.2.19"`},
		{"empty", "", "", `unexpected output ""`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseLibvirtVersion(tt.out)
			checkResult(t, got, err, tt.want, tt.err)
		})
	}
}

func TestParseQEMUVersion(t *testing.T) {
	tests := []struct {
		name, out, want, err string
	}{
		{"debian 12", "QEMU emulator version 7.2.19 (Debian 1:7.2+dfsg-7+deb12u18)\nCopyright (c) 2003-2022 Fabrice Bellard and the QEMU Project developers\n", "7.2.19", ""},
		{"upstream", "QEMU emulator version 10.0.2\nCopyright (c) 2003-2025 Fabrice Bellard and the QEMU Project developers\n", "10.0.2", ""},
		{"rhel qemu-kvm", "QEMU emulator version 8.2.0 (qemu-kvm-8.2.0-11.el9_4.6)\n", "8.2.0", ""},
		{"old one-line form", "QEMU emulator version 2.5.0 (Debian 1:2.5+dfsg-5ubuntu10), Copyright (c) 2003-2008 Fabrice Bellard\n", "2.5.0+ubuntu", ""},
		// Ubuntu's builds are marked: their machine aliases differ.
		{"ubuntu 24.04", "QEMU emulator version 8.2.2 (Debian 1:8.2.2+ds-0ubuntu1.18)\nCopyright (c) 2003-2023 Fabrice Bellard and the QEMU Project developers\n", "8.2.2+ubuntu", ""},
		{"two-part", "QEMU emulator version 9.2\n", "9.2", ""},
		{"libvirt output", "virtqemud (libvirt) 9.0.0\n", "", `unexpected output "virtqemud (libvirt) 9.0.0"`},
		{"garbage", "\x00\x01", "", "unexpected output"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseQEMUVersion(tt.out)
			checkResult(t, got, err, tt.want, tt.err)
		})
	}
}

func TestQEMUBinary(t *testing.T) {
	tests := []struct{ arch, want string }{
		{"x86_64", "qemu-system-x86_64"},
		{"i686", "qemu-system-i386"},
		{"aarch64", "qemu-system-aarch64"},
		{"armv7l", "qemu-system-arm"},
		{"ppc64le", "qemu-system-ppc64"},
		{"ppc64", "qemu-system-ppc64"},
		{"s390x", "qemu-system-s390x"},
		{"riscv64", "qemu-system-riscv64"},
		{"loongarch64", "qemu-system-loongarch64"},
		{"i386", ""}, // QEMU's name, not libvirt's
		{"", ""},
	}
	for _, tt := range tests {
		got, err := QEMUBinary(tt.arch)
		if got != tt.want || (err != nil) != (tt.want == "") {
			t.Errorf("QEMUBinary(%q) = %q, %v; want %q", tt.arch, got, err, tt.want)
		}
	}
}

// fakeBin writes executable shell scripts into a new directory.
func fakeBin(t *testing.T, scripts map[string]string) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("shell scripts as fake executables need a Unix system")
	}
	dir := t.TempDir()
	for name, body := range scripts {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestProberLibvirtVersion(t *testing.T) {
	tests := []struct {
		name    string
		scripts map[string]string
		want    string
		err     string
	}{
		{"virtqemud", map[string]string{"virtqemud": "echo 'virtqemud (libvirt) 9.0.0'"}, "9.0.0", ""},
		{"libvirtd only", map[string]string{"libvirtd": "echo 'libvirtd (libvirt) 11.3.0'"}, "11.3.0", ""},
		{"virtqemud preferred", map[string]string{
			"virtqemud": "echo 'virtqemud (libvirt) 12.8.0'",
			"libvirtd":  "echo 'libvirtd (libvirt) 9.0.0'",
		}, "12.8.0", ""},
		{"arguments passed", map[string]string{"virtqemud": `[ "$1" = --version ] && echo 'virtqemud (libvirt) 10.0.0'`}, "10.0.0", ""},
		{"not executable", map[string]string{}, "", "no virtqemud or libvirtd in"},
		{"fails", map[string]string{"virtqemud": "echo 'cannot open config' >&2; exit 3"}, "", "exit status 3: cannot open config"},
		{"bad output", map[string]string{"virtqemud": "echo hello"}, "", `virtqemud --version: unexpected output "hello"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := fakeBin(t, tt.scripts)
			if tt.name == "not executable" {
				if err := os.WriteFile(filepath.Join(dir, "virtqemud"), []byte("#!/bin/sh\necho 'virtqemud (libvirt) 9.0.0'\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			got, err := Prober{Dirs: []string{dir}}.LibvirtVersion(context.Background())
			checkResult(t, got, err, tt.want, tt.err)
		})
	}
}

func TestProberQEMUVersion(t *testing.T) {
	dir := fakeBin(t, map[string]string{
		"qemu-system-x86_64": "echo 'QEMU emulator version 7.2.19 (Debian 1:7.2+dfsg-7+deb12u18)'",
		"qemu-system-i386":   "echo 'QEMU emulator version 8.2.2 (Debian 1:8.2.2+ds-0ubuntu1)'",
		"qemu-system-arm":    "echo 'QEMU emulator version 10.0.2'",
		"qemu-system-ppc64":  "echo 'QEMU emulator version 9.2.0'",
	})
	tests := []struct{ arch, want, err string }{
		{"x86_64", "7.2.19", ""},
		{"i686", "8.2.2+ubuntu", ""},
		{"armv7l", "10.0.2", ""},
		{"ppc64le", "9.2.0", ""},
		{"s390x", "", "no qemu-system-s390x"},
		{"i386", "", `no QEMU system emulator known for architecture "i386"`},
	}
	for _, tt := range tests {
		t.Run(tt.arch, func(t *testing.T) {
			got, err := Prober{Dirs: []string{dir}}.QEMUVersion(context.Background(), tt.arch)
			checkResult(t, got, err, tt.want, tt.err)
		})
	}
}

func TestProberNotFound(t *testing.T) {
	empty := t.TempDir()
	for _, p := range []Prober{{Dirs: []string{}}, {Dirs: []string{empty, filepath.Join(empty, "missing")}}} {
		_, err := p.LibvirtVersion(context.Background())
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("LibvirtVersion with dirs %q: err = %v, want ErrNotFound", p.Dirs, err)
		}
		_, err = p.QEMUVersion(context.Background(), "aarch64")
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("QEMUVersion with dirs %q: err = %v, want ErrNotFound", p.Dirs, err)
		}
	}
}

func TestProberTimeout(t *testing.T) {
	dir := fakeBin(t, map[string]string{"virtqemud": "exec sleep 30"})
	start := time.Now()
	_, err := Prober{Dirs: []string{dir}, Timeout: 200 * time.Millisecond}.LibvirtVersion(context.Background())
	if err == nil || !strings.Contains(err.Error(), "no answer within 200ms") {
		t.Errorf("err = %v, want a timeout", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %v despite a 200ms timeout", d)
	}
}

func TestProberTimeoutChildHoldsOutput(t *testing.T) {
	// The script exits only after its background child, which keeps
	// stdout open; the run must still end near the timeout.
	dir := fakeBin(t, map[string]string{"qemu-system-aarch64": "sleep 5 & wait"})
	start := time.Now()
	_, err := Prober{Dirs: []string{dir}, Timeout: 200 * time.Millisecond}.QEMUVersion(context.Background(), "aarch64")
	if err == nil {
		t.Fatal("no error from a hanging qemu")
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %v despite a 200ms timeout", d)
	}
}

func TestDefaultDirs(t *testing.T) {
	t.Setenv("PATH", "/a/bin"+string(filepath.ListSeparator)+"/usr/sbin")
	got := DefaultDirs()
	want := []string{"/a/bin", "/usr/sbin", "/usr/local/sbin", "/sbin", "/usr/libexec"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("DefaultDirs() = %q, want %q", got, want)
	}
}

func checkResult(t *testing.T, got string, err error, want, wantErr string) {
	t.Helper()
	if wantErr != "" {
		if err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Errorf("got %q, %v; want an error containing %q", got, err, wantErr)
		}
		return
	}
	if err != nil || got != want {
		t.Errorf("got %q, %v; want %q", got, err, want)
	}
}
