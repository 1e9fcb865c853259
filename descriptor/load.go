package descriptor

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
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
	// Visit, when set, is called by Load with each entry, in libvirt's
	// order, once it is read and judged and before the next one is read.
	// It may drop the entry's bytes (Entry.DropData) when it has taken
	// what it needs of them, so that a large set's bytes are never all
	// held at once (audit.RunLoad). Scan ignores it.
	Visit func(*Entry)
	// Scanned, when set, is called by Load and Scan with the listing once
	// the set is scanned, before any descriptor is read: what will be
	// read is known then (Listing.Size; fwaudit sizes its memory budget
	// from it).
	Scanned func(*Listing)
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

// DropData forgets the entry's bytes: Data, and the parsed descriptor's
// reference to them. The decoded fields stay, but Descriptor.Position
// answers 0, 0 from then on and libvirt's parse can no longer be replayed
// from the entry. It is for a caller that owns the entry, has taken the
// positions it needs and keeps the entry only for its decoded fields (an
// audit of a large set, see audit.Options.ReleaseData): the bytes are about
// a third of a loaded set.
func (e *Entry) DropData() {
	e.Data = nil
	if e.Descriptor != nil {
		e.Descriptor.src = nil
	}
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
// order (byte-wise by name; for one name, the winner first). Its methods
// answer from what it holds when they are called, so a Set built by hand or
// changed after Load (entries added, removed or replaced) is answered as it
// stands. Each Entry keeps what Load found when it made it (see
// Entry.FeatureSet): replace an entry rather than change it in place.
type Set struct {
	Root    string   `json:"root,omitempty"`
	Dirs    []Dir    `json:"dirs"`
	Entries []*Entry `json:"entries"`
	Rules   *Rules   `json:"-"`
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
//
// It is worked out on each call (the matcher asks once per Match): a set
// with no directory error and no entry in error, the usual case, costs one
// pass over the entries' statuses, without allocating.
func (s *Set) LookupError() *Error {
	for i := range s.Dirs {
		if s.Dirs[i].Err != nil {
			return lookupError(s.Dirs, slices.Values(s.Entries))
		}
	}
	for _, e := range s.Entries {
		if e.Status == StatusError {
			return lookupError(s.Dirs, slices.Values(s.Entries))
		}
	}
	return nil
}

func lookupError(dirs []Dir, entries iter.Seq[*Entry]) *Error {
	for _, d := range dirs {
		if d.Err != nil {
			return d.Err
		}
		for e := range entries {
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
//
// Load holds every descriptor, its bytes and its parsed form at once; Scan
// gives the same entries one at a time. The descriptors' lists may be
// shared between descriptors and are read-only (see Descriptor).
func Load(opts Options) (*Set, error) {
	l, err := Scan(opts)
	if err != nil {
		return nil, err
	}
	defer l.Close()
	set := &Set{Root: l.Root, Dirs: l.Dirs, Rules: l.Rules, Entries: make([]*Entry, 0, len(l.items))}
	for e := range l.entries(true) {
		if opts.Visit != nil {
			opts.Visit(e)
		}
		set.Entries = append(set.Entries, e)
	}
	return set, nil
}

// A Listing is a descriptor set scanned but not read: Scan's result. It
// knows every entry, in libvirt's order, with its provenance and the
// precedence between same-named files (Status overridden, masked, mask,
// ignored and error are final), and reads, parses and judges the
// descriptors one at a time as Entries yields them, so that a caller that
// writes each entry as it comes (fwaudit list) never holds them all.
type Listing struct {
	// Root, Dirs and Rules are the Set's: the root scanned, the search
	// path's directories (lowest precedence first) and the rules each
	// descriptor is judged with.
	Root  string
	Dirs  []Dir
	Rules *Rules

	items []scanItem
	fsys  fs.FS
	root  *os.Root
}

// scanItem is one entry of a Listing and what Entries does with it.
type scanItem struct {
	e *Entry
	// src is the resolved rooted path to read ("" for e.Path).
	src string
	// rank is the search-path index of the entry's directory; prec is
	// set for a directory entry that takes part in precedence (a regular
	// file, empty or not).
	rank int32
	prec bool
	do   action
}

// action is what Listing.Entries does with an entry once read.
type action uint8

const (
	actNone    action = iota // nothing to read: ignored, error
	actJudge                 // the winner of its name (or a named file): read and judged
	actParse                 // a loser of its name: read and parsed, so that findings about it are not lost
	actIgnored               // a named file that is not regular
)

// Scan does the first half of Load: it reads the directories of opts'
// search path (or opts.Files), stats every entry and settles precedence,
// without reading any descriptor; Listing.Entries reads them. Close the
// Listing when done. The returned error is for a root that cannot be
// opened at all.
func Scan(opts Options) (*Listing, error) {
	l := &Listing{Root: opts.Root, Rules: cmp.Or(opts.Rules, RulesLatest), fsys: opts.FS}
	if l.fsys == nil {
		rootDir := opts.Root
		if rootDir == "" {
			rootDir = "/"
		}
		r, err := os.OpenRoot(rootDir)
		if err != nil {
			return nil, fmt.Errorf("opening root: %w", err)
		}
		l.root, l.fsys = r, safefile.FS(r)
	}
	fsys := l.fsys
	// One resolver for the scan: every entry of a directory is looked up
	// under the same components.
	res := NewResolver(fsys)

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
		resolved, _, err := res.resolve(dir)
		if err == nil {
			err = readDir(fsys, fsPath(resolved), func(de fs.DirEntry) {
				// The name is kept as the end of the path, not as a second copy.
				name, p := de.Name(), path.Join(dir, de.Name())
				if strings.HasSuffix(p, "/"+name) {
					name = p[len(p)-len(name):]
				}
				e := &Entry{Name: name, Path: p, Dir: dir, NotJSON: !strings.HasSuffix(name, ".json")}
				if strings.HasPrefix(e.Name, ".") {
					e.Status = StatusIgnored
					l.items = append(l.items, scanItem{e: e})
					return
				}
				src, ok := examine(res, e, path.Join(resolved, de.Name()), de.Type()&fs.ModeSymlink != 0)
				l.items = append(l.items, scanItem{e: e, src: src, rank: int32(rank), prec: ok})
			})
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
		l.Dirs = append(l.Dirs, d)
	}
	// Files named one by one: each is judged alone, as if it were the
	// only file of its name.
	for _, f := range opts.Files {
		f = rooted(f)
		e := &Entry{Name: path.Base(f), Path: f, Dir: path.Dir(f), NotJSON: !strings.HasSuffix(f, ".json")}
		info, err := fs.Lstat(fsys, fsPath(f))
		isLink := err == nil && info.Mode()&fs.ModeSymlink != 0
		it := scanItem{e: e}
		var ok bool
		if it.src, ok = examine(res, e, f, isLink); ok {
			it.do = actJudge
		} else if e.Status == StatusIgnored {
			it.do = actIgnored
		}
		l.items = append(l.items, it)
	}

	rankOf := map[string]int{}
	for i, d := range l.Dirs {
		rankOf[d.Path] = i
	}
	slices.SortStableFunc(l.items, func(a, b scanItem) int {
		return cmp.Or(strings.Compare(a.e.Name, b.e.Name), rankOf[b.e.Dir]-rankOf[a.e.Dir])
	})
	// Precedence: of the directory entries of a name (adjacent now), the
	// highest-ranked regular file wins.
	var run []*scanItem
	for i := 0; i < len(l.items); {
		run = run[:0]
		j := i
		for ; j < len(l.items) && l.items[j].e.Name == l.items[i].e.Name; j++ {
			if l.items[j].prec {
				run = append(run, &l.items[j])
			}
		}
		i = j
		if len(run) == 0 {
			continue
		}
		slices.SortStableFunc(run, func(a, b *scanItem) int { return cmp.Compare(b.rank, a.rank) })
		win := run[0].e
		run[0].do = actJudge
		for _, it := range run[1:] {
			win.Overrides = append(win.Overrides, it.e.Path)
			it.e.HiddenBy = win.Path
			it.e.Status = StatusOverridden
			if win.Size == 0 {
				it.e.Status = StatusMasked
			}
			// Losers are parsed too, so that findings about them are not
			// lost.
			if it.e.Size > 0 {
				it.do = actParse
			}
		}
	}
	if opts.Scanned != nil {
		opts.Scanned(l)
	}
	return l, nil
}

// readDir calls fn for each entry of the directory name in fsys, reading it
// in batches when fsys's directories allow it, so that a directory of many
// entries is never held whole. The order is the file system's.
func readDir(fsys fs.FS, name string, fn func(fs.DirEntry)) error {
	f, err := fsys.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	d, ok := f.(fs.ReadDirFile)
	if !ok {
		ents, err := fs.ReadDir(fsys, name)
		for _, de := range ents {
			fn(de)
		}
		return err
	}
	for {
		ents, err := d.ReadDir(256)
		for _, de := range ents {
			fn(de)
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// Len returns the number of entries.
func (l *Listing) Len() int { return len(l.items) }

// LookupError is Set.LookupError for the listing: it is known before any
// descriptor is read.
func (l *Listing) LookupError() *Error {
	return lookupError(l.Dirs, func(yield func(*Entry) bool) {
		for _, it := range l.items {
			if !yield(it.e) {
				return
			}
		}
	})
}

// Size returns the bytes of the files Entries reads: what Scan found the
// descriptors to be, before any is read.
func (l *Listing) Size() int64 {
	var n int64
	for _, it := range l.items {
		if it.do == actJudge || it.do == actParse {
			n += it.e.Size
		}
	}
	return n
}

// Entries yields every entry in libvirt's order (Set.Entries's), each read,
// parsed and judged as Load would leave it. The listing keeps the entries
// but not what is big in them: an entry's Data and Descriptor are dropped
// when the loop body returns (keep the Descriptor pointer to hold on to
// it); its Status, Problems, Libvirt verdict and FeatureSet stay. Ranging
// again reads the files again.
func (l *Listing) Entries() iter.Seq[*Entry] { return l.entries(false) }

func (l *Listing) entries(keep bool) iter.Seq[*Entry] {
	return func(yield func(*Entry) bool) {
		for _, it := range l.items {
			e := it.e
			if it.do == actJudge || it.do == actParse {
				l.read(e, it.src)
				if it.do == actJudge {
					judge(e, l.Rules)
				} else if e.Data != nil {
					e.parse()
					e.Descriptor.compact()
				}
			} else if it.do == actIgnored {
				e.Problems = Errors{{File: e.Path, Kind: KindIO, Msg: "not a regular file: libvirt skips it"}}
			}
			ok := yield(e)
			if !keep {
				e.Data, e.Descriptor = nil, nil
			}
			if !ok {
				return
			}
		}
	}
}

// Close releases the root the listing reads from; Entries cannot read the
// files afterwards (each would be an entry with an I/O problem).
func (l *Listing) Close() error {
	if l.root == nil {
		return nil
	}
	return l.root.Close()
}

// examine stats the entry e at the rooted path p (a symlink if isLink)
// with res. It reports whether e takes part in precedence (a regular file,
// empty or not) and returns the resolved path to read it from ("" when it
// is e.Path).
func examine(res *Resolver, e *Entry, p string, isLink bool) (string, bool) {
	target, info, err := res.Stat(p)
	if err != nil {
		e.Status = StatusError
		e.Problems = Errors{{File: e.Path, Kind: KindIO, Msg: fmt.Sprintf("Unable to access %s: %s", e.Path, strerror(err))}}
		return "", false
	}
	if isLink {
		e.Target = target
	}
	if !info.Mode().IsRegular() {
		e.Status = StatusIgnored
		return "", false
	}
	e.Size = info.Size()
	if target == e.Path {
		target = ""
	}
	return target, true
}

// read reads the non-empty regular file e (at the resolved path src, or
// e.Path) into e.Data, or records why it cannot be read.
func (l *Listing) read(e *Entry, src string) {
	e.Data, e.Problems, e.Libvirt = nil, nil, nil
	if e.Size == 0 {
		return
	}
	// Read through the open handle, which is checked again: the entry may
	// have been swapped since Scan's Stat.
	data, err := safefile.ReadFS(l.fsys, fsPath(cmp.Or(src, e.Path)), MaxSize)
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
		return
	}
	e.Data = data
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
		d, err := rules.Decode(e.Path, e.Data, e.Descriptor)
		e.Libvirt = err
		e.Status = StatusActive
		if err != nil {
			e.Status = StatusInvalid
		} else if d != e.Descriptor {
			// The release reads the file otherwise than strict JSON
			// does (Rules.Decode), and selects from what it reads.
			e.Descriptor, e.feats = d, d.FeatureSet()
		}
		e.Descriptor.compact()
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

// A Resolver resolves rooted paths inside a file system as Stat does,
// remembering for its lifetime the directories it has gone through: which
// exist and are not symlinks, and which do not exist. Resolving many paths
// under the same directories then costs a lookup per new name rather than
// one per component of every path (os.Root, which opens every directory on
// the way, makes that quadratic in the depth). Use one Resolver for one
// pass over a tree that does not change meanwhile (a Load, an audit); it is
// not safe for concurrent use.
type Resolver struct {
	fsys fs.FS
	// dirs maps a rooted directory path without its leading slash
	// ("usr/share/OVMF") to nil (it exists and is not a symlink) or to the
	// error that says it does not exist.
	dirs map[string]error
}

// NewResolver returns a Resolver over fsys, which must implement
// fs.ReadLinkFS for symlinks to be followed (os.Root.FS does).
func NewResolver(fsys fs.FS) *Resolver {
	return &Resolver{fsys: fsys, dirs: map[string]error{}}
}

// Stat is the package's Stat over the resolver's file system, with what
// the resolver remembers.
func (r *Resolver) Stat(p string) (string, fs.FileInfo, error) {
	target, info, err := r.resolve(p)
	if err != nil {
		return "", nil, err
	}
	if info == nil {
		info, err = fs.Stat(r.fsys, fsPath(target))
	}
	return target, info, err
}

// resolve resolves p. When p's last component was looked up as it stands
// (not a symlink, not "." or ".."), it also returns what the lookup found,
// which is what a stat of the resolved path would find.
func (r *Resolver) resolve(p string) (string, fs.FileInfo, error) {
	// Not path.Clean'd first: ".." applies to the resolved parent, as
	// realpath(3) does, not to the name written before it.
	todo := strings.Split(p, "/")
	var done []string
	var last fs.FileInfo
	hops := 0
	for len(todo) > 0 {
		c := todo[0]
		todo = todo[1:]
		switch c {
		case "", ".":
			last = nil
			continue
		case "..":
			if len(done) > 0 {
				done = done[:len(done)-1]
			}
			last = nil
			continue
		}
		cur := path.Join(append(slices.Clone(done), c)...)
		// Only directories on the way are remembered, not the names at
		// the end of paths, which are many and looked up once.
		dir := slices.ContainsFunc(todo, func(c string) bool { return c != "" && c != "." })
		if dir && r.dirs != nil {
			if err, ok := r.dirs[cur]; ok {
				if err != nil {
					return "", nil, &fs.PathError{Op: "lstat", Path: cur, Err: err}
				}
				done = append(done, c)
				last = nil
				continue
			}
		}
		info, err := fs.Lstat(r.fsys, cur)
		if err != nil {
			if dir && r.dirs != nil && errors.Is(err, fs.ErrNotExist) {
				r.dirs[cur] = unwrapPath(err)
			}
			return "", nil, err
		}
		if info.Mode()&fs.ModeSymlink == 0 {
			if dir && r.dirs != nil {
				r.dirs[cur] = nil
			}
			done = append(done, c)
			last = info
			continue
		}
		last = nil
		hops++
		if hops > maxSymlinks {
			return "", nil, &fs.PathError{Op: "stat", Path: "/" + cur, Err: syscall.ELOOP}
		}
		target, err := fs.ReadLink(r.fsys, cur)
		if err != nil {
			return "", nil, err
		}
		if strings.HasPrefix(target, "/") {
			done = nil
		}
		todo = append(strings.Split(target, "/"), todo...)
	}
	return "/" + path.Join(done...), last, nil
}

// unwrapPath is err without its *fs.PathError, whose path names the
// component that was looked up.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Stat resolves the rooted path p ("/usr/share/OVMF/OVMF_CODE.fd") inside
// fsys as a chroot would, following symlinks component by component
// (absolute targets restart at the root, ".." stops at it, too many hops is
// ELOOP), and returns the resolved rooted path and what it points to, like
// stat(2) inside the root. fsys must implement fs.ReadLinkFS for symlinks
// to be followed (os.Root.FS does). A Resolver does the same for many
// paths at a lower cost.
func Stat(fsys fs.FS, p string) (string, fs.FileInfo, error) {
	r := Resolver{fsys: fsys}
	return r.Stat(p)
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
