package descriptor

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"github.com/fwaudit/fwaudit/internal/safefile"
)

// Default search path of a privileged (system) libvirt daemon, lowest
// precedence first.
const (
	SystemDir  = "/usr/share/qemu/firmware"
	SysconfDir = "/etc/qemu/firmware"
)

// maxSymlinks bounds symlink resolution, like the kernel's ELOOP limit.
const maxSymlinks = 40

// Options control Load.
type Options struct {
	// Root is a directory taken as the file system root (a sysroot, an
	// image or a package's DESTDIR). Every path, symlink targets included,
	// is resolved inside it: an absolute symlink is read relative to Root
	// and ".." never climbs above it. "" means the host's "/".
	Root string
	// FS, if set, is used instead of Root (e.g. an embedded catalogue).
	// Symlinks are followed when it implements fs.ReadLinkFS.
	FS fs.FS
	// Dirs replaces libvirt's search path with explicit directories, lowest
	// precedence first (the order libvirt scans). Paths are absolute inside
	// the root; without Root, relative paths are taken from the working
	// directory.
	Dirs []string
	// Session adds the user's directory, as an unprivileged (qemu:///session)
	// daemon does: $XDG_CONFIG_HOME/qemu/firmware, or ~/.config/qemu/firmware.
	Session bool
	// ConfigHome overrides $XDG_CONFIG_HOME for Session.
	ConfigHome string
	// Files are descriptor files named one by one (a package's files given
	// to lint), paths like Dirs'. Each is read and judged alone, as the
	// winner of its name, whatever the directories hold. With Files and no
	// Dirs, no directory is scanned.
	Files []string
	// Rules judge each descriptor's libvirt verdict; default RulesLatest.
	Rules *Rules
}

// SearchPath returns the directories Load scans for opts, lowest precedence
// first.
func SearchPath(opts Options) []string {
	if len(opts.Dirs) > 0 {
		return slices.Clone(opts.Dirs)
	}
	dirs := []string{SystemDir, SysconfDir}
	if opts.Session {
		home := opts.ConfigHome
		if home == "" {
			home = os.Getenv("XDG_CONFIG_HOME")
		}
		if home == "" {
			if u, err := user.Current(); err == nil {
				home = filepath.Join(u.HomeDir, ".config")
			}
		}
		if home != "" {
			dirs = append(dirs, filepath.Join(home, "qemu", "firmware"))
		}
	}
	return dirs
}

// Status is what libvirt does with a directory entry.
type Status string

// Entry statuses.
const (
	// StatusActive: parsed and considered by auto-selection.
	StatusActive Status = "active"
	// StatusInvalid: libvirt reads it but rejects it (see Entry.Libvirt);
	// older releases then fail every lookup, newer ones skip the file.
	StatusInvalid Status = "invalid"
	// StatusMask: an empty file; it hides same-named files of lower
	// precedence and is itself never parsed.
	StatusMask Status = "mask"
	// StatusMasked: hidden by an empty file of the same name.
	StatusMasked Status = "masked"
	// StatusOverridden: hidden by a same-named file of higher precedence.
	StatusOverridden Status = "overridden"
	// StatusIgnored: a dot-file or not a regular file; libvirt skips it.
	StatusIgnored Status = "ignored"
	// StatusError: could not be examined (dangling symlink, permission
	// denied, symlink loop); libvirt aborts the whole lookup.
	StatusError Status = "error"
)

// Dir is one directory of the search path.
type Dir struct {
	Path   string `json:"path"`
	Exists bool   `json:"exists"`
	Err    *Error `json:"error,omitempty"`
}

// Entry is one directory entry seen by Load.
type Entry struct {
	// Name is the base name, the key of libvirt's precedence.
	Name string `json:"name"`
	// Path is the path libvirt uses (inside the root).
	Path string `json:"path"`
	// Dir is the search-path directory the entry is in.
	Dir    string `json:"dir"`
	Status Status `json:"status"`
	// Overrides lists the same-named paths of lower precedence this
	// entry hides (for active, invalid and mask entries).
	Overrides []string `json:"overrides,omitempty"`
	// HiddenBy is the path that hides a masked or overridden entry.
	HiddenBy string `json:"hidden_by,omitempty"`
	// Target is where a symlink resolves to, inside the root.
	Target string `json:"target,omitempty"`
	Size   int64  `json:"size"`
	// NotJSON is set when the name lacks a ".json" suffix: libvirt reads
	// such files all the same.
	NotJSON    bool        `json:"not_json,omitempty"`
	Descriptor *Descriptor `json:"descriptor,omitempty"`
	// Problems are syntax and QEMU-schema errors, and I/O errors.
	Problems Errors `json:"problems,omitempty"`
	// Libvirt is libvirt's reason to reject the file, under Set.Rules.
	Libvirt *Error `json:"libvirt_error,omitempty"`
	// Data holds the file's bytes.
	Data []byte `json:"-"`

	// feats is FeatureSet's answer, worked out by Load (loaded).
	feats  FeatureSet
	loaded bool
}

// FeatureSet returns the QEMU features the entry's descriptor lists, as
// Load read them. Like Status and Libvirt, it is what Load found when it
// made the entry, kept with it and with its copies: after changing or
// replacing the Descriptor, build a new Entry rather than a copy. For an
// Entry that Load did not make, it is Descriptor.FeatureSet(), and 0
// without a descriptor.
func (e *Entry) FeatureSet() FeatureSet {
	if e.loaded {
		return e.feats
	}
	return e.Descriptor.FeatureSet()
}

// Set is the result of Load: every entry of every directory, in libvirt's
// order (byte-wise by name; for one name, the winner first). Load
// precomputes what lookups need, so treat its Set as read-only: change a
// copy's Entries slice rather than an Entry in place.
type Set struct {
	Root    string   `json:"root,omitempty"`
	Dirs    []Dir    `json:"dirs"`
	Entries []*Entry `json:"entries"`
	Rules   *Rules   `json:"-"`

	// index is what Load precomputes for lookups (compiled.go).
	index setIndex
}

// Effective returns the entries libvirt parses, in its order: the active and
// invalid ones.
func (s *Set) Effective() []*Entry {
	var out []*Entry
	for _, e := range s.Entries {
		if e.Status == StatusActive || e.Status == StatusInvalid {
			out = append(out, e)
		}
	}
	return out
}

// LookupError returns the first problem that makes libvirt's whole firmware
// lookup fail whatever the release: an unreadable directory, or an entry
// that cannot be examined. It returns nil if there is none.
func (s *Set) LookupError() *Error {
	if x := &s.index; x.ok && x.dirs == len(s.Dirs) && x.entries == len(s.Entries) {
		return x.lookupErr
	}
	return s.lookupError()
}

func (s *Set) lookupError() *Error {
	for _, d := range s.Dirs {
		if d.Err != nil {
			return d.Err
		}
		for _, e := range s.Entries {
			if e.Status == StatusError && e.Dir == d.Path {
				return e.Problems[0]
			}
		}
	}
	return nil
}

// Load discovers and parses descriptors as libvirt does (see
// ../shared/spec §1): directories in precedence order, same-named files
// overriding lower ones, byte-wise order by name, empty files masking,
// dot-files and non-regular files skipped, no suffix filter, a 1 MiB cap.
// Load never stops at a bad entry; each entry carries its own errors. The
// returned error is for a root that cannot be opened at all.
func Load(opts Options) (*Set, error) {
	fsys := opts.FS
	if fsys == nil {
		rootDir := opts.Root
		if rootDir == "" {
			rootDir = "/"
		}
		r, err := os.OpenRoot(rootDir)
		if err != nil {
			return nil, fmt.Errorf("opening root: %w", err)
		}
		defer r.Close()
		fsys = safefile.FS(r)
	}
	rules := cmp.Or(opts.Rules, RulesLatest)
	set := &Set{Root: opts.Root, Rules: rules}

	type found struct {
		entry *Entry
		rank  int
	}
	byName := map[string][]found{}
	// rooted makes a search-path directory or a file a rooted path;
	// without a root, relative ones are taken from the working directory.
	rooted := func(p string) string {
		if opts.Root == "" && opts.FS == nil && !filepath.IsAbs(p) {
			if abs, err := filepath.Abs(p); err == nil {
				p = abs
			}
		}
		return path.Clean("/" + filepath.ToSlash(p))
	}
	dirs := SearchPath(opts)
	if len(opts.Dirs) == 0 && len(opts.Files) > 0 {
		dirs = nil
	}
	for rank, dir := range dirs {
		dir = rooted(dir)
		d := Dir{Path: dir}
		resolved, err := resolve(fsys, dir)
		var ents []fs.DirEntry
		if err == nil {
			ents, err = fs.ReadDir(fsys, fsPath(resolved))
		}
		switch {
		case errors.Is(err, fs.ErrNotExist):
			// libvirt ignores a missing directory.
		case err != nil:
			d.Exists = true
			d.Err = &Error{File: dir, Kind: KindIO, Msg: "cannot read directory: " + errText(err)}
		default:
			d.Exists = true
		}
		set.Dirs = append(set.Dirs, d)
		for _, de := range ents {
			// The name is kept as the end of the path, not as a second copy.
			name, p := de.Name(), path.Join(dir, de.Name())
			if strings.HasSuffix(p, "/"+name) {
				name = p[len(p)-len(name):]
			}
			e := &Entry{Name: name, Path: p, Dir: dir, NotJSON: !strings.HasSuffix(name, ".json")}
			set.Entries = append(set.Entries, e)
			if strings.HasPrefix(e.Name, ".") {
				e.Status = StatusIgnored
				continue
			}
			if examine(fsys, e, path.Join(resolved, de.Name()), de.Type()&fs.ModeSymlink != 0) {
				byName[e.Name] = append(byName[e.Name], found{e, rank})
			}
		}
	}
	// Files named one by one: each is judged alone, as if it were the
	// only file of its name.
	for _, f := range opts.Files {
		f = rooted(f)
		e := &Entry{Name: path.Base(f), Path: f, Dir: path.Dir(f), NotJSON: !strings.HasSuffix(f, ".json")}
		set.Entries = append(set.Entries, e)
		info, err := fs.Lstat(fsys, fsPath(f))
		isLink := err == nil && info.Mode()&fs.ModeSymlink != 0
		if examine(fsys, e, f, isLink) {
			judge(e, rules)
		} else if e.Status == StatusIgnored {
			e.Problems = Errors{{File: e.Path, Kind: KindIO, Msg: "not a regular file: libvirt skips it"}}
		}
	}

	// Precedence: the highest-ranked file of a name wins.
	for _, fl := range byName {
		slices.SortFunc(fl, func(a, b found) int { return b.rank - a.rank })
		win := fl[0].entry
		for _, f := range fl[1:] {
			win.Overrides = append(win.Overrides, f.entry.Path)
			f.entry.HiddenBy = win.Path
			f.entry.Status = StatusOverridden
			if win.Size == 0 {
				f.entry.Status = StatusMasked
			}
		}
		judge(win, rules)
	}
	// Losers are parsed too, so that findings about them are not lost.
	for _, fl := range byName {
		for _, f := range fl[1:] {
			if e := f.entry; e.Size > 0 && e.Data != nil {
				e.parse()
				e.Descriptor.compact()
			}
		}
	}

	rankOf := map[string]int{}
	for i, d := range set.Dirs {
		rankOf[d.Path] = i
	}
	slices.SortStableFunc(set.Entries, func(a, b *Entry) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), rankOf[b.Dir]-rankOf[a.Dir])
	})
	set.index = newSetIndex(set)
	return set, nil
}

// examine stats the entry e at the rooted path p inside fsys (a symlink if
// isLink) and reads it if it is a non-empty regular file. It reports
// whether e takes part in precedence: a regular file, empty or not.
func examine(fsys fs.FS, e *Entry, p string, isLink bool) bool {
	target, info, err := Stat(fsys, p)
	if err != nil {
		e.Status = StatusError
		e.Problems = Errors{{File: e.Path, Kind: KindIO, Msg: fmt.Sprintf("Unable to access %s: %s", e.Path, strerror(err))}}
		return false
	}
	if isLink {
		e.Target = target
	}
	if !info.Mode().IsRegular() {
		e.Status = StatusIgnored
		return false
	}
	e.Size = info.Size()
	if e.Size == 0 {
		return true
	}
	// Read through the open handle, which is checked again: the entry may
	// have been swapped since the Stat above.
	e.Data, err = safefile.ReadFS(fsys, fsPath(target), MaxSize)
	if err != nil {
		msg := errText(err)
		// libvirt's virFileReadAll reports an oversized file as EOVERFLOW.
		cause := strerror(err)
		if errors.Is(err, safefile.ErrTooLarge) {
			msg = fmt.Sprintf("file too large: larger than the %d bytes libvirt reads", MaxSize)
			cause = strerror(syscall.EOVERFLOW)
		}
		e.Problems = Errors{{File: e.Path, Kind: KindIO, Msg: msg}}
		e.Libvirt = &Error{File: e.Path, Kind: KindLibvirt, Msg: fmt.Sprintf("Failed to read file '%s': %s", e.Path, cause)}
	}
	return true
}

// judge sets the status of an entry libvirt parses (the winner of its
// name): a mask when empty, else parsed and checked under rules.
func judge(e *Entry, rules *Rules) {
	switch {
	case e.Size == 0:
		e.Status = StatusMask
	case e.Libvirt != nil: // read error
		e.Status = StatusInvalid
	default:
		e.parse()
		e.Libvirt = rules.Check(e.Path, e.Data, e.Descriptor)
		e.Descriptor.compact()
		e.Status = StatusActive
		if e.Libvirt != nil {
			e.Status = StatusInvalid
		}
	}
}

// parse parses e's bytes into e.Descriptor and e.Problems, and records
// what Load works out about the descriptor (Entry.FeatureSet).
func (e *Entry) parse() {
	d, err := Parse(e.Path, e.Data)
	e.Descriptor, e.Problems = d, nil
	if err != nil {
		e.Problems = err.(Errors)
	}
	e.feats = e.Descriptor.FeatureSet()
	e.loaded = true
}

// fsPath converts a rooted slash path to an fs.FS name.
func fsPath(p string) string {
	p = strings.TrimPrefix(path.Clean("/"+p), "/")
	if p == "" {
		return "."
	}
	return p
}

// resolve follows symlinks in p component by component with chroot
// semantics: absolute targets restart at the root and ".." stops at it.
// It returns the resolved rooted path.
func resolve(fsys fs.FS, p string) (string, error) {
	// Not path.Clean'd first: ".." applies to the resolved parent, as
	// realpath(3) does, not to the name written before it.
	todo := strings.Split(p, "/")
	var done []string
	hops := 0
	for len(todo) > 0 {
		c := todo[0]
		todo = todo[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			if len(done) > 0 {
				done = done[:len(done)-1]
			}
			continue
		}
		cur := path.Join(append(slices.Clone(done), c)...)
		info, err := fs.Lstat(fsys, cur)
		if err != nil {
			return "", err
		}
		if info.Mode()&fs.ModeSymlink == 0 {
			done = append(done, c)
			continue
		}
		hops++
		if hops > maxSymlinks {
			return "", &fs.PathError{Op: "stat", Path: "/" + cur, Err: syscall.ELOOP}
		}
		target, err := fs.ReadLink(fsys, cur)
		if err != nil {
			return "", err
		}
		if strings.HasPrefix(target, "/") {
			done = nil
		}
		todo = append(strings.Split(target, "/"), todo...)
	}
	return "/" + path.Join(done...), nil
}

// Stat resolves the rooted path p ("/usr/share/OVMF/OVMF_CODE.fd") inside
// fsys as a chroot would, following symlinks component by component
// (absolute targets restart at the root, ".." stops at it, too many hops is
// ELOOP), and returns the resolved rooted path and what it points to, like
// stat(2) inside the root. fsys must implement fs.ReadLinkFS for symlinks
// to be followed (os.Root.FS does).
func Stat(fsys fs.FS, p string) (string, fs.FileInfo, error) {
	target, err := resolve(fsys, p)
	if err != nil {
		return "", nil, err
	}
	info, err := fs.Stat(fsys, fsPath(target))
	return target, info, err
}

// strerror words an error as glibc's strerror does, as libvirt prints it
// ("No such file or directory").
func strerror(err error) string {
	s := errText(err)
	var errno syscall.Errno
	if errors.As(err, &errno) {
		s = errno.Error()
	}
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// errText is an error's message without the Go-side path decoration, which
// names fs.FS-relative paths that would confuse a reader.
func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
