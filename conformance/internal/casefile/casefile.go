// Package casefile reads and writes conformance case files (txtar, see conformance/README.md):
// section names, their stable order, the symlinks section and atomic writes. It is shared by the
// case generator and the recorder.
package casefile

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/tools/txtar"
)

// Section names.
const (
	Domain     = "domain.xml"
	Symlinks   = "symlinks"
	RootPrefix = "root/"
	// DefineRootPrefix starts the sections of a firmware-upgrade case's
	// first descriptor tree: the domain is defined over define-root/, and
	// the stored definition is then loaded over root/ (see DefineRoot).
	DefineRootPrefix = "define-root/"
	AnswerPrefix     = "answer/libvirt"
	AnswerSuffix     = ".json"
)

// FirmwareDirs are the directories a case may populate, relative to the case root.
var FirmwareDirs = []string{"root/usr/share/qemu/firmware/", "root/etc/qemu/firmware/"}

// DefineFirmwareDirs are the same directories of a case's define root.
var DefineFirmwareDirs = []string{"define-root/usr/share/qemu/firmware/", "define-root/etc/qemu/firmware/"}

// DefineRoot reports whether the case is a firmware upgrade under a stored
// domain: it has define-root/ sections (or symlinks), so the domain is
// first defined as a new one over the define root, and the definition
// libvirt stored is then loaded, as an existing domain, over root/. Such a
// case must be "existing: true".
func DefineRoot(ar *txtar.Archive) bool {
	for _, f := range ar.Files {
		if strings.HasPrefix(f.Name, DefineRootPrefix) {
			return true
		}
	}
	if i := Find(ar, Symlinks); i >= 0 {
		links, _ := ParseSymlinks(ar.Files[i].Data)
		for _, l := range links {
			if strings.HasPrefix(l.Link, DefineRootPrefix) {
				return true
			}
		}
	}
	return false
}

// AnswerSection is the section holding libvirt version v's answer, e.g. "answer/libvirt11.json";
// v may name a query mode other than the version's default, as in "11-start"
// ("answer/libvirt11-start.json", query.sh --libvirt 11 --mode start).
func AnswerSection(v string) string { return AnswerPrefix + v + AnswerSuffix }

// StartMode is the suffix of a version that asks the oracle in start mode.
const StartMode = "-start"

// AnswerVersion returns the version number of an answer section name (0 if it is none).
func AnswerVersion(name string) int {
	if !strings.HasPrefix(name, AnswerPrefix) || !strings.HasSuffix(name, AnswerSuffix) {
		return 0
	}
	v, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(name, AnswerPrefix), AnswerSuffix), StartMode))
	return v
}

// IsStartAnswer reports whether an answer section holds a start-mode answer
// of a release whose default mode is define ("answer/libvirt11-start.json").
func IsStartAnswer(name string) bool {
	return IsAnswer(name) && strings.HasSuffix(strings.TrimSuffix(name, AnswerSuffix), StartMode)
}

// IsAnswer reports whether a section is a recorded answer.
func IsAnswer(name string) bool { return strings.HasPrefix(name, AnswerPrefix) }

// Read parses a case file and checks its shape.
func Read(file string) (*txtar.Archive, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	ar := txtar.Parse(data)
	if err := Check(ar); err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	return ar, nil
}

// Check verifies that the archive has a domain.xml, no duplicate sections, root files only
// directly under the two firmware directories and a well-formed symlinks section.
func Check(ar *txtar.Archive) error {
	if Find(ar, Domain) < 0 {
		return fmt.Errorf("no %s section", Domain)
	}
	seen := map[string]bool{}
	for _, f := range ar.Files {
		if seen[f.Name] {
			return fmt.Errorf("duplicate section %s", f.Name)
		}
		seen[f.Name] = true
		if strings.HasPrefix(f.Name, RootPrefix) || strings.HasPrefix(f.Name, DefineRootPrefix) {
			if err := CheckRootPath(f.Name); err != nil {
				return err
			}
		}
	}
	if i := Find(ar, Symlinks); i >= 0 {
		links, err := ParseSymlinks(ar.Files[i].Data)
		if err != nil {
			return err
		}
		for _, l := range links {
			if seen[l.Link] {
				return fmt.Errorf("symlinks: %s is also a file section", l.Link)
			}
			seen[l.Link] = true
		}
	}
	if DefineRoot(ar) && !Existing(ar.Comment) {
		return fmt.Errorf("a case with %s sections must be \"existing: true\"", DefineRootPrefix)
	}
	return nil
}

// CheckRootPath accepts root/usr/share/qemu/firmware/NAME and root/etc/qemu/firmware/NAME,
// and the same under define-root/.
func CheckRootPath(name string) error {
	for _, d := range append(FirmwareDirs[:len(FirmwareDirs):len(FirmwareDirs)], DefineFirmwareDirs...) {
		if base, ok := strings.CutPrefix(name, d); ok && base != "" && !strings.Contains(base, "/") && base != "." && base != ".." {
			return nil
		}
	}
	return fmt.Errorf("section %s: not a file directly under %s (or the same under %s)", name, strings.Join(FirmwareDirs, " or "), DefineRootPrefix)
}

// Symlink is one line of the symlinks section.
type Symlink struct{ Link, Target string }

func (l Symlink) String() string { return l.Link + " -> " + l.Target }

// ParseSymlinks reads lines "root/etc/qemu/firmware/NAME -> RELATIVE-TARGET" (or
// "define-root/...").
func ParseSymlinks(data []byte) ([]Symlink, error) {
	var out []Symlink
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		link, target, ok := strings.Cut(line, " -> ")
		link, target = strings.TrimSpace(link), strings.TrimSpace(target)
		if !ok || link == "" || target == "" {
			return nil, fmt.Errorf("symlinks: bad line %q (want `root/.../NAME -> TARGET`)", line)
		}
		if err := CheckRootPath(link); err != nil {
			return nil, fmt.Errorf("symlinks: %v", err)
		}
		if path.IsAbs(target) {
			return nil, fmt.Errorf("symlinks: %s: target %s must be relative", link, target)
		}
		out = append(out, Symlink{link, target})
	}
	return out, nil
}

// Find returns the index of the named section, or -1.
func Find(ar *txtar.Archive, name string) int {
	for i, f := range ar.Files {
		if f.Name == name {
			return i
		}
	}
	return -1
}

// Extract writes dir/domain.xml and dir/root/{usr/share,etc}/qemu/firmware/... (files, empty
// mask files, symlinks), and dir/define-root/... for a firmware-upgrade case. Both firmware
// directories of a root are always created.
func Extract(ar *txtar.Archive, dir string) error {
	dirs := FirmwareDirs
	if DefineRoot(ar) {
		dirs = append(dirs[:len(dirs):len(dirs)], DefineFirmwareDirs...)
	}
	for _, d := range dirs {
		if err := os.MkdirAll(filepath.Join(dir, filepath.FromSlash(d)), 0o755); err != nil {
			return err
		}
	}
	for _, f := range ar.Files {
		if f.Name == Domain || strings.HasPrefix(f.Name, RootPrefix) || strings.HasPrefix(f.Name, DefineRootPrefix) {
			if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(f.Name)), f.Data, 0o644); err != nil {
				return err
			}
		}
	}
	if i := Find(ar, Symlinks); i >= 0 {
		links, err := ParseSymlinks(ar.Files[i].Data)
		if err != nil {
			return err
		}
		for _, l := range links {
			if err := os.Symlink(l.Target, filepath.Join(dir, filepath.FromSlash(l.Link))); err != nil {
				return err
			}
		}
	}
	return nil
}

// rank gives the stable section order: domain.xml, root files (byte order), symlinks, other
// sections, answers (by version number).
func rank(name string) int {
	switch {
	case name == Domain:
		return 0
	case strings.HasPrefix(name, DefineRootPrefix), strings.HasPrefix(name, RootPrefix):
		return 1
	case name == Symlinks:
		return 2
	case IsAnswer(name):
		return 4
	}
	return 3
}

// Sort puts the sections in their stable order.
func Sort(ar *txtar.Archive) {
	sort.SliceStable(ar.Files, func(i, j int) bool {
		a, b := ar.Files[i].Name, ar.Files[j].Name
		ra, rb := rank(a), rank(b)
		if ra != rb {
			return ra < rb
		}
		if ra == 4 && AnswerVersion(a) != AnswerVersion(b) {
			return AnswerVersion(a) < AnswerVersion(b)
		}
		return a < b
	})
}

// Write sorts the sections and replaces file atomically (temporary file in the same directory,
// fsync, rename).
func Write(file string, ar *txtar.Archive) error {
	Sort(ar)
	return WriteFileAtomic(file, txtar.Format(ar))
}

// WriteFileAtomic replaces file with data through a temporary file and a rename.
func WriteFileAtomic(file string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(file), "."+filepath.Base(file)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), file)
}

// Tags reads the "tags: a, b" line of a case comment.
func Tags(comment []byte) []string {
	for _, line := range strings.Split(string(comment), "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "tags:"); ok {
			var tags []string
			for _, t := range strings.Split(rest, ",") {
				if t = strings.TrimSpace(t); t != "" {
					tags = append(tags, t)
				}
			}
			return tags
		}
	}
	return nil
}

// Existing reports whether a case comment has the line "existing: true": the
// case asks about an existing domain (a stored definition libvirt loads
// without an ABI update), which the recorder asks with
// conformance/internal/existing/query.sh instead of the oracle's query.sh.
func Existing(comment []byte) bool {
	for _, line := range strings.Split(string(comment), "\n") {
		if strings.TrimSpace(line) == "existing: true" {
			return true
		}
	}
	return false
}
