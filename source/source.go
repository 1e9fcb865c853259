// Package source turns where the descriptors come from (this host, a root
// directory, directories on this host, a bundled distribution set) and
// which libvirt release and QEMU version they are judged with into what a
// prediction or an audit needs: the descriptor set, the release.Choice
// with its reasons, and the file systems the images and firmware paths are
// looked up in. It is fwaudit's --root, --dir, --session, --distro,
// --libvirt, --profile and --qemu as a value, so that a Go program and the
// command line make the same choice.
//
// Errors a user can fix (an unknown bundled set, an unknown release) are
// *release.UsageError values; anything else is an I/O failure.
package source

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/fwaudit/fwaudit"
	"github.com/fwaudit/fwaudit/audit"
	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/internal/safefile"
	"github.com/fwaudit/fwaudit/internal/suggest"
	"github.com/fwaudit/fwaudit/matcher"
	"github.com/fwaudit/fwaudit/release"
)

// Spec is the user's choice of descriptors and release. The zero Spec is
// this host: libvirt's search path, judged with the libvirt and QEMU this
// host runs.
type Spec struct {
	// Root is a directory taken as the file system root (a sysroot, an
	// image, a DESTDIR): --root.
	Root string
	// Dirs replace libvirt's search path, lowest precedence first: --dir.
	Dirs []string
	// Session adds the user's directory, as a session daemon does.
	Session bool
	// Distro names a bundled set (fwaudit.Distros): --distro.
	Distro string
	// Libvirt, Profile and QEMU are what the user asked for
	// (release.Request); empty leaves the choice to release.Choose.
	Libvirt, Profile, QEMU string
	// Host probes this host's libvirt and QEMU; nil is hostinfo.Prober{}.
	Host release.Prober
}

// Use is what a set is opened for. It decides whether directories given
// with Dirs count as this host's.
type Use int

const (
	// Predict (fwaudit match): Dirs are directories on this host, read by
	// this host's libvirt, so its libvirt and QEMU are asked.
	Predict Use = iota
	// Audit (fwaudit audit): only libvirt's own search path is this host's;
	// Dirs are judged as a root's are, with every emulator taken as
	// installed, so that a directory a package installs can be audited on
	// a machine that runs another libvirt, or none.
	Audit
)

// OnHost reports whether the descriptors are this host's for use.
func (s Spec) OnHost(use Use) bool {
	return s.Root == "" && s.Distro == "" && (use == Predict || len(s.Dirs) == 0)
}

// notHost names a source that is not this host, for release notes.
func (s Spec) notHost() string {
	switch {
	case s.Root != "":
		return "--root " + s.Root
	case s.Distro != "":
		return "the bundled " + s.Distro + " set"
	}
	return "--dir " + strings.Join(s.Dirs, ", ")
}

// Name is how a report names the source: "distro:NAME", the root, "dirs:"
// and the directories, or "host".
func (s Spec) Name() string {
	switch {
	case s.Distro != "":
		return "distro:" + s.Distro
	case s.Root != "":
		return s.Root
	case len(s.Dirs) > 0:
		return "dirs:" + strings.Join(s.Dirs, ",")
	}
	return "host"
}

// Check is a *release.UsageError for a Distro that is not bundled.
func (s Spec) Check() error {
	if _, ok := fwaudit.Distro(s.Distro); s.Distro != "" && !ok {
		names := fwaudit.Distros()
		return &release.UsageError{Msg: fmt.Sprintf("--distro: unknown distro %q%s (want %s)",
			s.Distro, suggest.Hint(s.Distro, names), suggest.Or(names))}
	}
	return nil
}

// FallBack is s, or the bundled default set (fwaudit.DefaultDistro) when s
// is this host's search path and that holds no descriptors at all, with a
// note saying so (for standard error). Open and Load fall back themselves;
// FallBack tells a caller what they will use.
//
// A directory of the search path that exists but cannot be read (or is
// not a directory) is not "no descriptors": libvirt's lookups fail on it,
// and the host's own set, which says so, is used.
func (s Spec) FallBack() (Spec, string) {
	if s.Root != "" || s.Distro != "" || len(s.Dirs) > 0 {
		return s, ""
	}
	path := descriptor.SearchPath(s.options(nil))
	if !noDescriptors(path) {
		return s, ""
	}
	s.Distro = fwaudit.DefaultDistro
	return s, fmt.Sprintf("note: this host has no firmware descriptors in %s; showing the bundled %s set instead (choose another with --distro, see --distro help)",
		strings.Join(path, ", "), s.Distro)
}

// noDescriptors reports whether every directory of path is missing or
// empty. It reads at most one entry of each and never blocks.
func noDescriptors(path []string) bool {
	for _, d := range path {
		empty, err := safefile.DirEmpty(d)
		if err == nil && !empty || err != nil && !errors.Is(err, fs.ErrNotExist) {
			return false
		}
	}
	return true
}

func (s Spec) options(rules *descriptor.Rules) descriptor.Options {
	return descriptor.Options{Root: s.Root, Dirs: s.Dirs, Session: s.Session, Rules: rules}
}

// Load reads the descriptor set s names (after FallBack), each entry
// judged with rules (nil: the newest modelled release's).
func (s Spec) Load(rules *descriptor.Rules) (*descriptor.Set, error) {
	s, _ = s.FallBack()
	return s.load(rules)
}

func (s Spec) load(rules *descriptor.Rules) (*descriptor.Set, error) {
	opts, err := s.loadOptions(rules)
	if err != nil {
		return nil, err
	}
	return descriptor.Load(opts)
}

// Scan is Load one descriptor at a time: it scans the set s names (after
// FallBack) with descriptor.Scan, each entry to be judged with rules (nil:
// the newest modelled release's). Close the listing when done.
func (s Spec) Scan(rules *descriptor.Rules) (*descriptor.Listing, error) {
	s, _ = s.FallBack()
	opts, err := s.loadOptions(rules)
	if err != nil {
		return nil, err
	}
	return descriptor.Scan(opts)
}

// loadOptions are the descriptor options of s, checked.
func (s Spec) loadOptions(rules *descriptor.Rules) (descriptor.Options, error) {
	if err := s.Check(); err != nil {
		return descriptor.Options{}, err
	}
	opts := s.options(rules)
	if s.Distro != "" {
		opts.FS, _ = fwaudit.Distro(s.Distro)
		opts.Root = ""
	}
	return opts, nil
}

// Choose picks the libvirt release and QEMU version for s (after
// FallBack), asking this host when the descriptors are its own for use;
// arch is the guest architecture whose emulator is asked.
func (s Spec) Choose(ctx context.Context, use Use, arch string) (release.Choice, error) {
	s, _ = s.FallBack()
	return s.choose(ctx, use, arch)
}

func (s Spec) choose(ctx context.Context, use Use, arch string) (release.Choice, error) {
	return release.Choose(ctx, release.Request{
		Libvirt: s.Libvirt, Profile: s.Profile, QEMU: s.QEMU,
		OnHost: s.OnHost(use), Host: s.Host, Distro: s.Distro, NotHost: s.notHost(), Arch: arch,
	})
}

// Source is an opened Spec: the set, the release it is judged with, and
// the file systems to look things up in. Close it when done.
type Source struct {
	// Spec is the spec opened, after FallBack.
	Spec Spec
	// Note says why Spec differs from the one asked for ("" when not).
	Note   string
	Set    *descriptor.Set
	Choice release.Choice
	// Files is the file system the descriptors' images are looked up in
	// (audit.Options.Files): the root, or this host's "/"; nil for a
	// bundled set, which holds the descriptors only. Set for Audit only.
	Files fs.FS
	// HostFiles is the file system the chosen release resolves firmware
	// paths in (matcher.MatchOptions.Files, release.Choice.HostFiles).
	HostFiles fs.FS

	closers []func() error
}

// Open falls back (FallBack), chooses the release for a guest of arch
// (Choose) and loads the set with that release's rules.
func Open(ctx context.Context, s Spec, use Use, arch string) (*Source, error) {
	src, err := Prepare(ctx, s, use, arch)
	if err != nil {
		return nil, err
	}
	if src.Set, err = src.Spec.load(src.Choice.Profile.Rules); err != nil {
		src.Close()
		return nil, err
	}
	return src, nil
}

// Prepare is Open without loading the set: Set is nil, and LoadOptions
// are the options that load it (for audit.RunLoad, which loads the set
// itself so as to lint each descriptor as it is read).
func Prepare(ctx context.Context, s Spec, use Use, arch string) (*Source, error) {
	if err := s.Check(); err != nil {
		return nil, err
	}
	src := &Source{}
	src.Spec, src.Note = s.FallBack()
	s = src.Spec
	var err error
	if src.Choice, err = s.choose(ctx, use, arch); err != nil {
		return nil, err
	}
	if use == Audit && s.Distro == "" {
		if src.Files, err = src.openRoot(s.Root); err != nil {
			return nil, err
		}
	}
	if src.Choice.Profile.ReadsHostFiles() && s.Distro == "" {
		var root, host fs.FS
		switch {
		case s.Root != "":
			root, err = src.openRoot(s.Root)
		case src.Choice.HostRelease:
			host, err = src.openRoot("/")
		}
		if err != nil {
			src.Close()
			return nil, err
		}
		src.HostFiles = src.Choice.HostFiles(host, root)
	}
	return src, nil
}

// LoadOptions are the descriptor.Load options of the set, judged with the
// chosen release's rules.
func (src *Source) LoadOptions() (descriptor.Options, error) {
	return src.Spec.loadOptions(src.Choice.Profile.Rules)
}

// openRoot opens dir ("" is "/") through safefile.FS: opens never block
// on a FIFO and names are bytes.
func (src *Source) openRoot(dir string) (fs.FS, error) {
	if dir == "" {
		dir = "/"
	}
	r, err := os.OpenRoot(dir)
	if err != nil {
		src.Close()
		return nil, fmt.Errorf("opening root: %w", err)
	}
	src.closers = append(src.closers, r.Close)
	return safefile.FS(r), nil
}

// MatchOptions are the options matcher.Match needs for this source: the
// chosen QEMU version, the host files and, for this host or a bundled set,
// KVM for every architecture (a root or --dir is predicted as on the host
// the profile was recorded on, as for its files).
func (src *Source) MatchOptions() matcher.MatchOptions {
	o := matcher.MatchOptions{QEMU: src.Choice.QEMU, Files: src.HostFiles}
	if src.Spec.Distro != "" || (src.Choice.HostRelease && src.Spec.Root == "") {
		// A bundled set (a question about a distribution, not about
		// the host the profile was recorded on) or this host, whose KVM
		// fwaudit does not probe: KVM is taken as running every guest.
		o.KVM = matcher.AnyKVM()
	}
	return o
}

// Close closes the file systems Open opened.
func (src *Source) Close() error {
	var first error
	for _, c := range src.closers {
		if err := c(); err != nil && first == nil {
			first = err
		}
	}
	src.closers = nil
	return first
}

// Templates is the bundled set's summary of its NVRAM templates
// (fwaudit.DistroTemplates) as audit.Options.Templates: what audits of the
// set without its images know of the templates' keys.
func Templates(distro string) map[string]audit.TemplateInfo {
	out := map[string]audit.TemplateInfo{}
	for _, tk := range fwaudit.DistroTemplates(distro) {
		out[tk.Path] = audit.TemplateInfo{Missing2023: tk.Missing2023, Source: tk.Package + " " + tk.Version}
	}
	return out
}
