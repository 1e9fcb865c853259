package release

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/fwaudit/fwaudit/hostinfo"
	"github.com/fwaudit/fwaudit/matcher"
)

// fakeHost stands for this host's daemons and emulators.
type fakeHost struct {
	libvirt string
	qemu    map[string]string
	err     error
}

func (h fakeHost) LibvirtVersion(context.Context) (string, error) {
	if h.err != nil {
		return "", h.err
	}
	return h.libvirt, nil
}

func (h fakeHost) QEMUVersion(_ context.Context, arch string) (string, error) {
	if v, ok := h.qemu[arch]; ok {
		return v, nil
	}
	return "", fmt.Errorf("qemu-system-%s: %w", arch, hostinfo.ErrNotFound)
}

func TestChoose(t *testing.T) {
	host := fakeHost{libvirt: "11.3.0", qemu: map[string]string{"x86_64": "10.0.2"}}
	for _, tc := range []struct {
		name                 string
		req                  Request
		profile, qemu        string
		pSource, qSource     Source
		noteHas, qemuNoteHas string
		hostRelease          bool
	}{
		{"host detected", Request{OnHost: true, Host: host, Arch: "x86_64"},
			"libvirt-11.3", "10.0.2", Detected, Detected, "this host runs libvirt 11.3.0", "qemu-system-x86_64 --version", true},
		{"host, no emulator for the arch", Request{OnHost: true, Host: host, Arch: "aarch64"},
			"libvirt-11.3", "10.0", Detected, Profile, "", "no qemu-system-aarch64 found on this host", true},
		{"host without libvirt", Request{OnHost: true, Host: fakeHost{err: hostinfo.ErrNotFound}, Arch: "x86_64"},
			"libvirt-12.8", "11.1", Default, Profile, "no virtqemud or libvirtd found", "no qemu-system-x86_64 found on this host", true},
		{"flag names another release than the host's", Request{Libvirt: "12.8", OnHost: true, Host: host, Arch: "x86_64"},
			"libvirt-12.8", "11.1", Flag, Profile, "--libvirt 12.8", "not the release this host runs (libvirt 11.3.0)", false},
		{"flag names the host's release", Request{Libvirt: "11.3.1", OnHost: true, Host: host, Arch: "x86_64"},
			"libvirt-11.3", "10.0.2", Flag, Detected, "--libvirt 11.3.1", "", true},
		{"bundled set with its release", Request{Distro: "ubuntu-24.04", NotHost: "the bundled ubuntu-24.04 set", Arch: "x86_64"},
			"libvirt-10.0", "8.2.2+ubuntu", Distro, Distro, "ubuntu-24.04 ships libvirt-daemon 10.0.0-2ubuntu8.19", "qemu-system-x86 1:8.2.2+ds-0ubuntu1.18", false},
		{"bundled set, compared under another release", Request{Libvirt: "12.8", Distro: "ubuntu-24.04", NotHost: "the bundled ubuntu-24.04 set"},
			"libvirt-12.8", "11.1", Flag, Profile, "--libvirt 12.8", "the bundled ubuntu-24.04 set is not this host", false},
		{"bundled set without a recorded release", Request{Distro: "fedora-39", NotHost: "the bundled fedora-39 set"},
			"libvirt-12.8", "11.1", Default, Profile, "the release of the bundled fedora-39 set is not recorded (no Fedora package index", "", false},
		{"bundled set older than every profile", Request{Distro: "debian-11", NotHost: "the bundled debian-11 set"},
			"libvirt-9.0", "5.2", Distro, Distro, "debian-11 ships libvirt-daemon 7.0.0-3+deb11u3, older than every modelled release; using the oldest, libvirt-9.0", "qemu-system-x86 1:5.2+dfsg-11+deb11u3", false},
		{"--qemu wins", Request{QEMU: "9.2", Profile: "nova-legacy", Distro: "debian-13"},
			"nova-legacy", "9.2", Flag, Flag, "--profile nova-legacy", "--qemu 9.2", false},
		{"release older than every profile", Request{OnHost: true, Host: fakeHost{libvirt: "8.0.0"}, Arch: "x86_64"},
			"libvirt-9.0", "7.2", Detected, Profile, "older than every modelled release; using the oldest, libvirt-9.0", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Choose(context.Background(), tc.req)
			if err != nil {
				t.Fatal(err)
			}
			if c.Profile.Name != tc.profile || c.ProfileSetting.Source != tc.pSource {
				t.Errorf("profile %s (%s: %s), want %s (%s)", c.Profile.Name, c.ProfileSetting.Source, c.ProfileSetting.Note, tc.profile, tc.pSource)
			}
			if c.QEMU != tc.qemu || c.QEMUSetting.Source != tc.qSource {
				t.Errorf("qemu %s (%s: %s), want %s (%s)", c.QEMU, c.QEMUSetting.Source, c.QEMUSetting.Note, tc.qemu, tc.qSource)
			}
			if !strings.Contains(c.ProfileSetting.Note, tc.noteHas) {
				t.Errorf("profile note %q lacks %q", c.ProfileSetting.Note, tc.noteHas)
			}
			if !strings.Contains(c.QEMUSetting.Note, tc.qemuNoteHas) {
				t.Errorf("qemu note %q lacks %q", c.QEMUSetting.Note, tc.qemuNoteHas)
			}
			if c.HostRelease != tc.hostRelease {
				t.Errorf("HostRelease %v, want %v", c.HostRelease, tc.hostRelease)
			}
		})
	}
}

func TestChooseUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		req  Request
		want string
	}{
		{Request{Libvirt: "12.8", Profile: "libvirt-11.3"}, "--libvirt and --profile both choose the profile; give one"},
		{Request{Libvirt: "8.0"}, "--libvirt: libvirt 8.0 is older than every modelled release"},
		{Request{Libvirt: "eleven"}, "--libvirt: bad version"},
		{Request{Profile: "nova"}, `--profile: unknown profile "nova"; did you mean nova-legacy?`},
		{Request{QEMU: "ten"}, `--qemu "ten": want a version like 9.2 or 9.2.1`},
	} {
		_, err := Choose(context.Background(), tc.req)
		var ue *UsageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want a UsageError with %q", tc.req, err, tc.want)
		}
	}
}

// Every modelled release's distribution sets name a profile that exists.
func TestProfileNames(t *testing.T) {
	names := ProfileNames()
	if len(names) != len(matcher.Profiles)+1 || names[len(names)-1] != "nova-legacy" {
		t.Errorf("ProfileNames() = %v", names)
	}
}
