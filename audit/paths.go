package audit

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/internal/safefile"
)

// LoadPaths loads the descriptor files and directories a packager names
// for linting. Directories are scanned as libvirt scans its firmware
// directories (later ones take precedence over same-named files of earlier
// ones), files are judged one by one (descriptor.Options.Files). The
// entries are in libvirt's order, byte-wise by name.
//
// root is the file system root the paths are resolved in, a DESTDIR; ""
// is the host's "/". Every path must lie inside root (relative paths are
// taken from the working directory), and it is resolved inside root with
// its symlinks as audit --root resolves them: an absolute link target
// restarts at root and ".." stops at it, so a package's link to
// /usr/share/qemu/firmware/real.json finds the package's file and a link
// to /etc/shadow never reads the host's. With a root, entries are named by
// their paths inside it (/usr/share/qemu/firmware/50-x.json).
//
// The error is for a path that cannot be examined at all, lies outside
// root or is neither a directory nor a regular file (a named pipe, a
// device); a file that cannot be read is an entry with its problem.
func LoadPaths(root string, paths []string, rules *descriptor.Rules) (*descriptor.Set, error) {
	rules = cmp.Or(rules, descriptor.RulesLatest)
	if len(paths) == 0 {
		return &descriptor.Set{Root: root, Rules: rules}, nil
	}
	opts, err := pathOptions(root, paths)
	if err != nil {
		return nil, err
	}
	opts.Rules = rules
	return descriptor.Load(opts)
}

// pathOptions are the descriptor.Load options of LoadPaths(root, paths),
// without rules; paths is not empty.
func pathOptions(root string, paths []string) (descriptor.Options, error) {
	fail := func(err error) (descriptor.Options, error) { return descriptor.Options{}, err }
	top, err := filepath.Abs(cmp.Or(root, "/"))
	if err != nil {
		return fail(err)
	}
	r, err := os.OpenRoot(top)
	if err != nil {
		return fail(fmt.Errorf("opening root: %w", err))
	}
	defer r.Close()
	fsys := safefile.FS(r)
	var dirs, files []string
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			return fail(err)
		}
		rel, err := filepath.Rel(top, abs)
		if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
			return fail(fmt.Errorf("%s: not inside the root %s", p, root))
		}
		rp := path.Clean("/" + filepath.ToSlash(rel))
		_, info, err := descriptor.Stat(fsys, rp)
		if li, lerr := fs.Lstat(fsys, strings.TrimPrefix(rp, "/")); err != nil && lerr == nil && li.Mode()&fs.ModeSymlink != 0 {
			// A link that cannot be followed inside the root is the
			// entry's problem (a lookup error), as in a directory.
			files = append(files, rp)
			continue
		}
		if err != nil {
			var pe *fs.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			return fail(&fs.PathError{Op: "stat", Path: p, Err: err})
		}
		// Without a root the rooted path is the host's absolute path.
		switch {
		case info.IsDir():
			dirs = append(dirs, rp)
		case info.Mode().IsRegular():
			files = append(files, rp)
		default:
			return fail(&fs.PathError{Op: "open", Path: p, Err: fmt.Errorf("%w (%s)", safefile.ErrNotRegular, safefile.Kind(info.Mode()))})
		}
	}
	return descriptor.Options{Root: root, Dirs: dirs, Files: files}, nil
}
