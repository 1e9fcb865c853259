package diff

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/fwaudit/fwaudit"
	"github.com/fwaudit/fwaudit/audit"
	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/hostfs"
	"github.com/fwaudit/fwaudit/release"
)

// distroFiles are the firmware files each bundled set's packages install,
// where fwaudit has a listing (package hostfs). Ubuntu's listing was taken
// with noble-updates; the release pocket ships the same file names except
// OVMF.amdsev.fd.
var distroFiles = map[string]fs.FS{
	"debian-12":            hostfs.Debian12,
	"debian-13":            hostfs.Debian13,
	"debian-unstable":      hostfs.DebianUnstable,
	"ubuntu-24.04":         hostfs.Ubuntu2404,
	"ubuntu-24.04-updates": hostfs.Ubuntu2404,
}

// Spec is one side as the user names it: "distro:NAME", a root directory
// (a sysroot, an unpacked image, "/") or a firmware directory, optionally
// followed by "@RELEASE": a libvirt version ("10.0") or a profile name
// ("libvirt-12.8", "nova-legacy").
type Spec struct {
	// Distro is a bundled set's name; Path a directory. One is set.
	Distro, Path string
	// Release is what follows '@', or "".
	Release string
}

func (s Spec) String() string {
	n := s.Path
	if s.Distro != "" {
		n = "distro:" + s.Distro
	}
	if s.Release != "" {
		n += "@" + s.Release
	}
	return n
}

var versionRe = regexp.MustCompile(`^[0-9]+\.[0-9]+(\.[0-9]+)?$`)

// ParseSpec reads a side's name. The release is split off at the last
// '@' (so a path may hold one when the release is given).
func ParseSpec(s string) (Spec, error) {
	var sp Spec
	body := s
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		body, sp.Release = s[:i], s[i+1:]
		if sp.Release == "" {
			return Spec{}, fmt.Errorf("%q: nothing after '@' (want a libvirt version such as 10.0, or a profile such as nova-legacy)", s)
		}
	}
	if name, ok := strings.CutPrefix(body, "distro:"); ok {
		if _, found := fwaudit.Distro(name); !found {
			return Spec{}, fmt.Errorf("%q: no bundled set %q (fwaudit distros lists them)", s, name)
		}
		sp.Distro = name
		return sp, nil
	}
	if body == "" {
		return Spec{}, fmt.Errorf("%q: want distro:NAME or a directory", s)
	}
	sp.Path = body
	return sp, nil
}

// Load reads the side's descriptor set and chooses its libvirt release:
// the one after '@', else a bundled set's own release, else this host's
// for "/", else the newest modelled (release.Choose; host probes through
// host, nil for hostinfo's). Side.Files is the root's files, or a bundled
// set's package listing. A Path holding usr/share/qemu/firmware or
// etc/qemu/firmware is a root; any other directory is a firmware directory
// read on its own. An unknown release is a *release.UsageError.
func Load(ctx context.Context, sp Spec, host release.Prober) (Side, error) {
	req := release.Request{Distro: sp.Distro, Host: host, Arch: "x86_64"}
	if sp.Release != "" {
		if versionRe.MatchString(sp.Release) {
			req.Libvirt = sp.Release
		} else {
			req.Profile = sp.Release
		}
	}
	var opts descriptor.Options
	var side Side
	switch {
	case sp.Distro != "":
		fsys, ok := fwaudit.Distro(sp.Distro)
		if !ok {
			return Side{}, fmt.Errorf("%s: no such bundled set", sp)
		}
		opts.FS = fsys
		side.Files = distroFiles[sp.Distro]
	case sp.Path == "/":
		req.OnHost = true
		root, err := os.OpenRoot("/")
		if err != nil {
			return Side{}, fmt.Errorf("%s: %w", sp, err)
		}
		side.Files, side.close, side.Contents = root.FS(), root.Close, true
	default:
		info, err := os.Stat(sp.Path)
		if err != nil {
			return Side{}, fmt.Errorf("%s: %w", sp, err)
		}
		if !info.IsDir() {
			return Side{}, fmt.Errorf("%s: not a directory", sp)
		}
		req.NotHost = sp.Path
		if isRoot(sp.Path) {
			opts.Root = sp.Path
			root, err := os.OpenRoot(sp.Path)
			if err != nil {
				return Side{}, fmt.Errorf("%s: %w", sp, err)
			}
			side.Files, side.close, side.Contents = root.FS(), root.Close, true
		} else {
			abs, err := filepath.Abs(sp.Path)
			if err != nil {
				return Side{}, fmt.Errorf("%s: %w", sp, err)
			}
			opts.Dirs = []string{abs}
		}
	}
	c, err := release.Choose(ctx, req)
	if err != nil {
		side.Close()
		var ue *release.UsageError
		if errors.As(err, &ue) {
			return Side{}, &release.UsageError{Msg: fmt.Sprintf("%s: %s", sp, strings.TrimPrefix(strings.TrimPrefix(ue.Msg, "--libvirt: "), "--profile: "))}
		}
		return Side{}, fmt.Errorf("%s: %w", sp, err)
	}
	opts.Rules = c.Profile.Rules
	set, err := descriptor.Load(opts)
	if err != nil {
		side.Close()
		return Side{}, fmt.Errorf("%s: %w", sp, err)
	}
	side.Name, side.Set, side.Profile, side.QEMU = sp.String(), set, c.Profile, c.QEMU
	return side, nil
}

func isRoot(dir string) bool {
	for _, d := range []string{descriptor.SystemDir, descriptor.SysconfDir} {
		if info, err := os.Stat(filepath.Join(dir, d)); err == nil && info.IsDir() {
			return true
		}
	}
	return false
}

// Run is fwaudit diff: the sides named old and new (ParseSpec, Load with
// host) compared (Compare), following the libvirt domains in domainPaths
// (files or directories, audit.ReadDomains). A misnamed side or an unknown
// release is a *release.UsageError.
func Run(ctx context.Context, old, new string, domainPaths []string, host release.Prober) (*Result, error) {
	var sides [2]Side
	for i, arg := range []string{old, new} {
		sp, err := ParseSpec(arg)
		if err != nil {
			return nil, &release.UsageError{Msg: err.Error()}
		}
		if sides[i], err = Load(ctx, sp, host); err != nil {
			return nil, err
		}
		defer sides[i].Close()
	}
	var doms []Domain
	if len(domainPaths) > 0 {
		files, err := audit.ReadDomains(domainPaths)
		if err != nil {
			return nil, err
		}
		if doms, err = ReadDomains(files); err != nil {
			return nil, err
		}
	}
	return Compare(ctx, sides[0], sides[1], doms)
}
