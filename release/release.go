// Package release chooses the libvirt release and the QEMU version a
// prediction is made for, and says why: from what the user asked for
// (--libvirt, --profile, --qemu), from this host's own daemons for this
// host's descriptors, from a bundled distribution set's own release, or
// else the newest modelled release. Every fwaudit command that predicts
// goes through Choose, so that --libvirt and --profile mean one thing
// everywhere.
package release

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"strings"

	"github.com/fwaudit/fwaudit"
	"github.com/fwaudit/fwaudit/hostfs"
	"github.com/fwaudit/fwaudit/hostinfo"
	"github.com/fwaudit/fwaudit/internal/suggest"
	"github.com/fwaudit/fwaudit/matcher"
)

// Source says where a choice comes from (the JSON profile_source and
// qemu_source).
type Source string

const (
	// Flag: the user named it (--libvirt, --profile, --qemu).
	Flag Source = "flag"
	// Detected: this host runs it.
	Detected Source = "detected"
	// Distro: the bundled distribution set's release ships it.
	Distro Source = "distro"
	// Default: the newest modelled release, for want of anything better.
	Default Source = "default"
	// Profile: the QEMU version the chosen profile was recorded with.
	Profile Source = "profile"
)

// Setting is one choice and why it was made.
type Setting struct {
	Source Source
	// Note says why, for people.
	Note string
}

// Prober learns this host's libvirt and QEMU versions; hostinfo.Prober is
// one.
type Prober interface {
	LibvirtVersion(ctx context.Context) (string, error)
	QEMUVersion(ctx context.Context, arch string) (string, error)
}

// Request is what the choice depends on.
type Request struct {
	// Libvirt, Profile and QEMU are what the user asked for; at most one
	// of Libvirt and Profile.
	Libvirt, Profile, QEMU string
	// OnHost: the descriptors are this host's, so its libvirt and QEMU
	// are asked (through Host).
	OnHost bool
	Host   Prober
	// Distro names the bundled set the descriptors come from, if any: its
	// own release is the default.
	Distro string
	// NotHost names the descriptors' source when it is not this host
	// ("--root /mnt", "the bundled debian-13 set"), for the notes.
	NotHost string
	// Arch is the guest architecture whose QEMU emulator is asked.
	Arch string
}

// Choice is the release and QEMU version predicted for, with their reasons.
type Choice struct {
	Profile        *matcher.Profile
	ProfileSetting Setting
	QEMU           string
	QEMUSetting    Setting
	// HostRelease: the chosen release is the one this host runs, so the
	// host's own files and emulators are the ones it sees. A release the
	// host does not run comes with its own, as an upgrade brings them.
	HostRelease bool
}

// UsageError is a request that cannot be honoured as asked (an unknown
// profile, a release older than every modelled one): the user's to fix.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

var versionRe = regexp.MustCompile(`^[0-9]+\.[0-9]+(\.[0-9]+)?$`)

// ProfileNames are the names --profile accepts: each modelled release's,
// then nova-legacy.
func ProfileNames() []string {
	var names []string
	for _, p := range matcher.Profiles {
		names = append(names, p.Name)
	}
	return append(names, matcher.NovaLegacy.Name)
}

// Named returns the profile asked for by --libvirt VERSION or --profile
// NAME (exactly one non-empty), with the setting that says so.
func Named(libvirt, profile string) (*matcher.Profile, Setting, error) {
	switch {
	case libvirt != "" && profile != "":
		return nil, Setting{}, &UsageError{"--libvirt and --profile both choose the profile; give one"}
	case libvirt != "":
		p, err := matcher.ProfileFor(libvirt)
		if err != nil {
			return nil, Setting{}, &UsageError{"--libvirt: " + err.Error()}
		}
		note := "--libvirt " + libvirt
		if majorMinor(libvirt) != majorMinor(p.Version) {
			note += ", modelled by " + p.Name
		}
		return p, Setting{Flag, note}, nil
	case profile != "":
		p, ok := matcher.ProfileNamed(profile)
		if !ok {
			return nil, Setting{}, &UsageError{fmt.Sprintf("--profile: unknown profile %q%s (want %s)",
				profile, suggest.Hint(profile, ProfileNames()), suggest.Or(ProfileNames()))}
		}
		return p, Setting{Flag, "--profile " + profile}, nil
	}
	return nil, Setting{}, nil
}

// Choose picks the profile and the QEMU version for req.
func Choose(ctx context.Context, req Request) (Choice, error) {
	if req.QEMU != "" && !versionRe.MatchString(req.QEMU) {
		return Choice{}, &UsageError{fmt.Sprintf("--qemu %q: want a version like 9.2 or 9.2.1", req.QEMU)}
	}
	var c Choice
	p, ps, err := Named(req.Libvirt, req.Profile)
	if err != nil {
		return Choice{}, err
	}
	hostVersion, hostErr := "", error(nil)
	if req.OnHost {
		if req.Host == nil {
			req.Host = hostinfo.Prober{}
		}
		hostVersion, hostErr = req.Host.LibvirtVersion(ctx)
	}
	dr, _ := fwaudit.DistroRelease(req.Distro)
	hasDR := dr.Recorded()
	switch {
	case p != nil:
	case req.OnHost && hostErr == nil:
		p, err = matcher.ProfileFor(hostVersion)
		if err != nil {
			p = matcher.Profiles[0]
			ps = Setting{Detected, fmt.Sprintf("this host runs libvirt %s, older than every modelled release; using the oldest, %s", hostVersion, p.Name)}
			break
		}
		note := "this host runs libvirt " + hostVersion
		if majorMinor(hostVersion) != majorMinor(p.Version) {
			note += ", modelled by " + p.Name
		}
		ps = Setting{Detected, note}
	case req.OnHost:
		why := "this host's libvirt is unknown: " + hostErr.Error()
		if errors.Is(hostErr, hostinfo.ErrNotFound) {
			why = "no virtqemud or libvirtd found on this host"
		}
		p, ps = matcher.Latest, Setting{Default, "the newest modelled; " + why + "; choose with --libvirt or --profile"}
	case hasDR:
		p, ps = distroProfile(req.Distro, dr)
	default:
		why := req.NotHost + " is not this host"
		if req.Distro != "" {
			why = "the release of the bundled " + req.Distro + " set is not recorded"
			if dr.Unrecorded != "" {
				why += " (" + dr.Unrecorded + ")"
			}
		}
		p, ps = matcher.Latest, Setting{Default, "the newest modelled; " + why + "; choose with --libvirt or --profile"}
	}
	c.Profile, c.ProfileSetting = p, ps

	// The release is the host's when detected, or when a flag names the
	// release the host runs (or the host is not asked about).
	c.HostRelease = req.OnHost
	notHostWhy := req.NotHost + " is not this host"
	if req.OnHost && ps.Source == Flag && !p.Nova && hostErr == nil {
		if hp, err := matcher.ProfileFor(hostVersion); err == nil && hp != p {
			c.HostRelease = false
			notHostWhy = fmt.Sprintf("%s is not the release this host runs (libvirt %s)", p.Name, hostVersion)
		}
	}

	switch {
	case req.QEMU != "":
		c.QEMU, c.QEMUSetting = req.QEMU, Setting{Flag, "--qemu " + req.QEMU}
	case c.HostRelease:
		v, err := req.Host.QEMUVersion(ctx, req.Arch)
		if err == nil {
			bin, _ := hostinfo.QEMUBinary(req.Arch)
			c.QEMU, c.QEMUSetting = v, Setting{Detected, "this host's " + bin + " --version"}
			break
		}
		why := "this host's QEMU is unknown: " + err.Error()
		if errors.Is(err, hostinfo.ErrNotFound) {
			bin, berr := hostinfo.QEMUBinary(req.Arch)
			if berr != nil {
				bin = "QEMU emulator for " + req.Arch
			}
			why = "no " + bin + " found on this host"
		}
		c.QEMU, c.QEMUSetting = p.QEMU, Setting{Profile, fmt.Sprintf("%s's; %s; set it with --qemu", p.Name, why)}
	case hasDR && ps.Source == Distro:
		c.QEMU, c.QEMUSetting = dr.QEMU, Setting{Distro, fmt.Sprintf("%s ships %s", req.Distro, dr.QEMUPackage)}
	default:
		c.QEMU, c.QEMUSetting = p.QEMU, Setting{Profile, fmt.Sprintf("%s's; %s; set it with --qemu", p.Name, notHostWhy)}
	}
	return c, nil
}

// distroProfile is the profile modelling a bundled set's own release.
func distroProfile(name string, dr fwaudit.Release) (*matcher.Profile, Setting) {
	p, err := matcher.ProfileFor(dr.Libvirt)
	if err != nil {
		p = matcher.Profiles[0]
		return p, Setting{Distro, fmt.Sprintf("%s ships %s, older than every modelled release; using the oldest, %s",
			name, dr.LibvirtPackage, p.Name)}
	}
	note := fmt.Sprintf("%s ships %s", name, dr.LibvirtPackage)
	if majorMinor(dr.Libvirt) != majorMinor(p.Version) {
		note += ", modelled by " + p.Name
	}
	return p, Setting{Distro, note}
}

// HostFiles is the file system a profile that reads the host's files sees
// (matcher.MatchOptions.Files): the host's own (host) when the release is
// the host's, else the files the profile's distribution installs, with a
// root's own files over them when there is a root; nil when the profile
// reads no host files or the answer should come from the profile alone.
func (c Choice) HostFiles(host, root fs.FS) fs.FS {
	switch {
	case !c.Profile.ReadsHostFiles():
		return nil
	case root != nil:
		return hostfs.Overlay(root, c.Profile.HostFiles)
	case c.HostRelease:
		return host
	}
	return nil
}

func majorMinor(v string) string {
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return v + ".0"
	}
	return parts[0] + "." + parts[1]
}
