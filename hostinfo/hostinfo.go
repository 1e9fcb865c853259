// Package hostinfo detects the versions of the libvirt daemon and of QEMU
// installed on this host, by running their --version and parsing the
// output: libvirt's release decides how firmware is selected, QEMU's release
// decides what machine aliases like q35 stand for.
//
// Detection only reads: it runs "virtqemud --version" (else "libvirtd
// --version") and "qemu-system-ARCH --version" with a short timeout and
// never contacts a daemon. A Prober chooses where the executables are
// looked for, so that tests can put fake ones in a temporary directory.
package hostinfo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"time"
)

// DefaultTimeout bounds each --version run of a Prober without a Timeout.
const DefaultTimeout = 3 * time.Second

// ErrNotFound is returned (wrapped) when none of the executables looked for
// is installed.
var ErrNotFound = errors.New("not found")

// sbinDirs hold the daemons on distributions that keep them out of an
// unprivileged user's $PATH; libexec holds RHEL's qemu-kvm.
var sbinDirs = []string{"/usr/local/sbin", "/usr/sbin", "/sbin", "/usr/libexec"}

// DefaultDirs returns where a zero Prober looks for executables: the
// directories of $PATH, then /usr/local/sbin, /usr/sbin, /sbin and
// /usr/libexec (libvirt's daemons live in sbin, which an unprivileged user's
// $PATH often lacks).
func DefaultDirs() []string {
	var dirs []string
	for _, d := range append(filepath.SplitList(os.Getenv("PATH")), sbinDirs...) {
		if d == "" {
			d = "." // an empty $PATH element is the current directory
		}
		if !slices.Contains(dirs, d) {
			dirs = append(dirs, d)
		}
	}
	return dirs
}

// Prober runs the host's executables to learn their versions.
type Prober struct {
	// Dirs are the directories searched for executables, in order. Nil
	// means DefaultDirs(); an empty, non-nil slice finds nothing.
	Dirs []string
	// Timeout bounds each run; zero means DefaultTimeout.
	Timeout time.Duration
}

// LibvirtVersion returns the version of this host's libvirt daemon
// ("11.3.0"), from "virtqemud --version" or, where the modular daemons
// are not installed, "libvirtd --version". It uses DefaultDirs.
func LibvirtVersion(ctx context.Context) (string, error) {
	return Prober{}.LibvirtVersion(ctx)
}

// QEMUVersion returns the version of this host's QEMU emulator for the
// libvirt architecture arch ("7.2.19"), from "qemu-system-ARCH --version"
// (see QEMUBinary). It uses DefaultDirs.
func QEMUVersion(ctx context.Context, arch string) (string, error) {
	return Prober{}.QEMUVersion(ctx, arch)
}

// LibvirtVersion is the package function LibvirtVersion, looking in p.Dirs.
func (p Prober) LibvirtVersion(ctx context.Context) (string, error) {
	out, cmd, err := p.run(ctx, []string{"virtqemud", "libvirtd"})
	if err != nil {
		return "", err
	}
	v, err := ParseLibvirtVersion(out)
	if err != nil {
		return "", fmt.Errorf("%s --version: %w", cmd, err)
	}
	return v, nil
}

// QEMUVersion is the package function QEMUVersion, looking in p.Dirs. For
// the host's own architecture it also tries qemu-kvm, the name RHEL and
// its rebuilds give the emulator (in /usr/libexec).
func (p Prober) QEMUVersion(ctx context.Context, arch string) (string, error) {
	bin, err := QEMUBinary(arch)
	if err != nil {
		return "", err
	}
	names := []string{bin}
	if hostArch[runtime.GOARCH] == arch {
		names = append(names, "qemu-kvm")
	}
	out, cmd, err := p.run(ctx, names)
	if err != nil {
		return "", err
	}
	v, err := ParseQEMUVersion(out)
	if err != nil {
		return "", fmt.Errorf("%s --version: %w", cmd, err)
	}
	return v, nil
}

// hostArch maps GOARCH to libvirt's name of the same architecture.
var hostArch = map[string]string{
	"amd64": "x86_64", "386": "i686", "arm64": "aarch64", "arm": "armv7l",
	"ppc64le": "ppc64le", "ppc64": "ppc64", "s390x": "s390x", "riscv64": "riscv64", "loong64": "loongarch64",
}

// run runs the first of names found in p's directories with --version and
// returns its standard output and the path run.
func (p Prober) run(ctx context.Context, names []string) (out, path string, err error) {
	dirs := p.Dirs
	if dirs == nil {
		dirs = DefaultDirs()
	}
	path = lookPath(names, dirs)
	if path == "" {
		return "", "", fmt.Errorf("no %s in %s: %w", strings.Join(names, " or "), describeDirs(dirs), ErrNotFound)
	}
	timeout := p.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, "--version")
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// A child that keeps the output open must not hold us past the timeout.
	cmd.WaitDelay = timeout / 4
	err = cmd.Run()
	switch {
	case ctx.Err() == context.DeadlineExceeded:
		return "", path, fmt.Errorf("%s --version: no answer within %v", path, timeout)
	case err != nil:
		msg := strings.TrimSpace(stderr.String())
		if msg != "" {
			return "", path, fmt.Errorf("%s --version: %v: %s", path, err, firstLine(msg))
		}
		return "", path, fmt.Errorf("%s --version: %w", path, err)
	}
	return stdout.String(), path, nil
}

// lookPath returns the first executable regular file named one of names
// (in that order of preference) in dirs, or "".
func lookPath(names, dirs []string) string {
	for _, name := range names {
		for _, d := range dirs {
			f := filepath.Join(d, name)
			if info, err := os.Stat(f); err == nil && info.Mode().IsRegular() && info.Mode().Perm()&0o111 != 0 {
				return f
			}
		}
	}
	return ""
}

func describeDirs(dirs []string) string {
	if len(dirs) == 0 {
		return "no directories"
	}
	return strings.Join(dirs, ":")
}

var (
	libvirtRe = regexp.MustCompile(`^\S+ \(libvirt\) ([0-9]+\.[0-9]+\.[0-9]+)\b`)
	qemuRe    = regexp.MustCompile(`^QEMU emulator version ([0-9]+\.[0-9]+(?:\.[0-9]+)?)\b`)
)

// ParseLibvirtVersion reads the version from the output of a libvirt
// daemon's --version, e.g. "virtqemud (libvirt) 9.0.0" or "libvirtd
// (libvirt) 11.3.0", and returns it ("9.0.0").
func ParseLibvirtVersion(out string) (string, error) {
	return parseFirst(out, libvirtRe, "DAEMON (libvirt) X.Y.Z")
}

// ParseQEMUVersion reads the version from the output of "qemu-system-ARCH
// --version", e.g. "QEMU emulator version 7.2.19 (Debian
// 1:7.2+dfsg-7+deb12u18)", and returns it ("7.2.19"). Ubuntu's builds,
// whose machine aliases lead to Ubuntu's own machine types, get "+ubuntu"
// ("QEMU emulator version 8.2.2 (Debian 1:8.2.2+ds-0ubuntu1.18)" gives
// "8.2.2+ubuntu"; see matcher.CanonicalMachine).
func ParseQEMUVersion(out string) (string, error) {
	v, err := parseFirst(out, qemuRe, "QEMU emulator version X.Y.Z")
	if err == nil && ubuntuBuild.MatchString(firstQEMULine(out)) {
		v += "+ubuntu"
	}
	return v, err
}

// ubuntuBuild matches the package version Ubuntu's QEMU prints
// ("1:8.2.2+ds-0ubuntu1.18").
var ubuntuBuild = regexp.MustCompile(`\(Debian [^)]*ubuntu[^)]*\)`)

// firstQEMULine is the line of out that names the QEMU version.
func firstQEMULine(out string) string {
	for _, line := range strings.Split(out, "\n") {
		if qemuRe.MatchString(strings.TrimSpace(line)) {
			return line
		}
	}
	return ""
}

// parseFirst applies re to each line until one matches.
func parseFirst(out string, re *regexp.Regexp, want string) (string, error) {
	for _, line := range strings.Split(out, "\n") {
		if m := re.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
			return m[1], nil
		}
	}
	return "", fmt.Errorf("unexpected output %q (want %q)", firstLine(out), want)
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

// qemuTargets maps libvirt architecture names to QEMU system emulator
// targets where the two differ or where the name is a QEMU target as is.
var qemuTargets = map[string]string{
	"x86_64":      "x86_64",
	"i686":        "i386",
	"aarch64":     "aarch64",
	"armv6l":      "arm",
	"armv7l":      "arm",
	"armv7b":      "arm",
	"ppc64":       "ppc64",
	"ppc64le":     "ppc64",
	"ppc":         "ppc",
	"ppcle":       "ppc",
	"ppcemb":      "ppc",
	"s390x":       "s390x",
	"riscv32":     "riscv32",
	"riscv64":     "riscv64",
	"loongarch64": "loongarch64",
	"mips":        "mips",
	"mipsel":      "mipsel",
	"mips64":      "mips64",
	"mips64el":    "mips64el",
	"sparc":       "sparc",
	"sparc64":     "sparc64",
}

// QEMUBinary returns the name of the QEMU system emulator that libvirt runs
// for the libvirt architecture arch: "qemu-system-x86_64" for x86_64,
// "qemu-system-i386" for i686, "qemu-system-arm" for armv7l,
// "qemu-system-ppc64" for ppc64le, and so on.
func QEMUBinary(arch string) (string, error) {
	t, ok := qemuTargets[arch]
	if !ok {
		return "", fmt.Errorf("no QEMU system emulator known for architecture %q", arch)
	}
	return "qemu-system-" + t, nil
}
