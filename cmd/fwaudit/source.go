package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/fwaudit/fwaudit"
	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/internal/safefile"
	"github.com/fwaudit/fwaudit/release"
)

// isHost reports whether the descriptors are this host's (libvirt's search
// path, or --dir directories on this host).
func (s *sourceFlags) isHost() bool { return s.root == "" && s.distro == "" }

// fallBack switches to the bundled default set, with a note on stderr,
// when the host's own search path has no descriptors at all.
func (s *sourceFlags) fallBack(stderr io.Writer) {
	if !s.isHost() || len(s.dirs) > 0 {
		return
	}
	opts := s.options(nil)
	for _, d := range descriptor.SearchPath(opts) {
		if ents, err := os.ReadDir(d); err == nil && len(ents) > 0 {
			return
		}
	}
	s.distro = fwaudit.DefaultDistro
	fmt.Fprintf(stderr, "note: this host has no firmware descriptors in %s; showing the bundled %s set instead (choose another with --distro, see --distro help)\n",
		strings.Join(descriptor.SearchPath(opts), ", "), s.distro)
}

func (s *sourceFlags) options(rules *descriptor.Rules) descriptor.Options {
	return descriptor.Options{Root: s.root, Dirs: s.dirs, Session: s.session, Rules: rules}
}

// name names a source that is not this host, for notes.
func (s *sourceFlags) name() string {
	if s.root != "" {
		return "--root " + s.root
	}
	return "the bundled " + s.distro + " set"
}

// loadSet loads the chosen set.
func (s *sourceFlags) loadSet(rules *descriptor.Rules) (*descriptor.Set, error) {
	opts := s.options(rules)
	if s.distro != "" {
		fsys, ok := fwaudit.Distro(s.distro)
		if !ok {
			return nil, unknownValue("--distro", "distro", s.distro, fwaudit.Distros())
		}
		opts.FS, opts.Root = fsys, ""
	}
	return descriptor.Load(opts)
}

// checkDistro is a usage error for an unknown --distro.
func (s *sourceFlags) checkDistro() error {
	if _, ok := fwaudit.Distro(s.distro); s.distro != "" && !ok {
		return unknownValue("--distro", "distro", s.distro, fwaudit.Distros())
	}
	return nil
}

// hostFiles opens the file system the chosen release reads the host's
// files from (see release.Choice.HostFiles).
func (s *sourceFlags) hostFiles(c release.Choice) (fs.FS, func(), error) {
	if !c.Profile.ReadsHostFiles() || s.distro != "" {
		return nil, func() {}, nil
	}
	var root, host fs.FS
	closeFn := func() {}
	var err error
	switch {
	case s.root != "":
		root, closeFn, err = rootFS(s.root)
	case c.HostRelease:
		host, closeFn, err = rootFS("/")
	}
	if err != nil {
		return nil, nil, err
	}
	return c.HostFiles(host, root), closeFn, nil
}

// rootFS opens the file system root the images are looked up in, through
// safefile.FS: opens never block on a FIFO and names are bytes.
func rootFS(root string) (fs.FS, func(), error) {
	if root == "" {
		root = "/"
	}
	r, err := os.OpenRoot(root)
	if err != nil {
		return nil, nil, fmt.Errorf("opening root: %w", err)
	}
	return safefile.FS(r), func() { r.Close() }, nil
}
