package source

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/fwaudit/fwaudit/internal/hostiletest"
	"github.com/fwaudit/fwaudit/matcher"
	"github.com/fwaudit/fwaudit/release"
)

// noDescriptors decides whether a command shows the bundled set instead
// of this host's: only when every directory is missing or empty, never
// for one it cannot read, and without blocking on a named pipe.
func TestNoDescriptors(t *testing.T) {
	dir := t.TempDir()
	mk := func(name string) string {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	}
	empty, full := mk("empty"), mk("full")
	if err := os.WriteFile(filepath.Join(full, "50-x.json"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	notDir := filepath.Join(dir, "file")
	if err := os.WriteFile(notDir, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	hostiletest.Mkfifo(t, fifo)
	missing := filepath.Join(dir, "missing")
	for _, tt := range []struct {
		name string
		path []string
		want bool
	}{
		{"missing and empty", []string{missing, empty}, true},
		{"none", nil, true},
		{"one with a file", []string{empty, full, missing}, false},
		{"not a directory", []string{missing, notDir}, false},
		{"a named pipe", []string{fifo, empty}, false},
	} {
		hostiletest.Within(t, tt.name, func() {
			if got := noDescriptors(tt.path); got != tt.want {
				t.Errorf("%s: noDescriptors = %v; want %v", tt.name, got, tt.want)
			}
		})
	}
	if os.Geteuid() != 0 {
		locked := mk("locked")
		os.WriteFile(filepath.Join(locked, "50-x.json"), []byte("{}"), 0o644)
		os.Chmod(locked, 0)
		defer os.Chmod(locked, 0o755)
		if noDescriptors([]string{locked}) {
			t.Error("an unreadable directory counts as no descriptors")
		}
	}
}

// A root or a --dir is predicted as on the host the profile was recorded
// on, KVM included; this host and a bundled set take KVM as running every
// guest (fwaudit does not probe it).
func TestMatchOptionsKVM(t *testing.T) {
	for _, tt := range []struct {
		name string
		src  Source
		want []string
	}{
		{"root", Source{Spec: Spec{Root: "/r"}}, nil},
		{"dir", Source{Spec: Spec{Dirs: []string{"/d"}}}, nil},
		{"bundled set", Source{Spec: Spec{Distro: "debian-13"}}, matcher.AnyKVM()},
		{"this host", Source{Choice: release.Choice{HostRelease: true}}, matcher.AnyKVM()},
		{"a root with this host's release", Source{Spec: Spec{Root: "/r"}, Choice: release.Choice{HostRelease: true}}, nil},
	} {
		if got := tt.src.MatchOptions().KVM; !slices.Equal(got, tt.want) || (got == nil) != (tt.want == nil) {
			t.Errorf("%s: KVM %q, want %q", tt.name, got, tt.want)
		}
	}
}
