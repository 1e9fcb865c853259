package audit

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
	"syscall"

	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/report"
)

// maxHops bounds symlink resolution, like the kernel's ELOOP limit.
const maxHops = 40

// resolveIn follows the symlinks of the rooted path p inside fsys with
// chroot semantics (absolute targets restart at the root, ".." stops at
// it) and returns the resolved rooted path and its FileInfo.
func resolveIn(fsys fs.FS, p string) (string, fs.FileInfo, error) {
	todo := strings.Split(strings.TrimPrefix(path.Clean("/"+p), "/"), "/")
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
			return "", nil, err
		}
		if info.Mode()&fs.ModeSymlink == 0 {
			done = append(done, c)
			continue
		}
		if hops++; hops > maxHops {
			return "", nil, &fs.PathError{Op: "stat", Path: "/" + cur, Err: syscall.ELOOP}
		}
		target, err := fs.ReadLink(fsys, cur)
		if err != nil {
			return "", nil, err
		}
		if strings.HasPrefix(target, "/") {
			done = nil
		}
		todo = append(strings.Split(target, "/"), todo...)
	}
	name := path.Join(done...)
	if name == "" {
		name = "."
	}
	info, err := fs.Stat(fsys, name)
	if err != nil {
		return "", nil, err
	}
	return "/" + path.Join(done...), info, nil
}

// fileState says whether a rooted path names a regular file.
func fileState(fsys fs.FS, p string) (ok bool, why string) {
	_, info, err := resolveIn(fsys, p)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return false, "does not exist"
	case err != nil:
		return false, "cannot be examined: " + errText(err)
	case !info.Mode().IsRegular():
		return false, "is not a regular file"
	}
	return true, ""
}

func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

var pathWhat = map[string]string{
	"/mapping/executable/filename":     "executable",
	"/mapping/nvram-template/filename": "NVRAM template",
	"/mapping/filename":                "firmware image",
}

// missing checks the files an active descriptor names.
func (a *auditor) missing(e *descriptor.Entry, unresolved map[string]string) {
	d := e.Descriptor
	paths := d.Paths()
	for _, ptr := range slices.Sorted(maps.Keys(paths)) {
		if _, bad := unresolved[ptr]; bad {
			continue
		}
		if ptr == "/mapping/nvram-template/filename" && d.Mapping.EffectiveMode() != descriptor.ModeSplit {
			continue // libvirt does not read it
		}
		what := pathWhat[ptr]
		if d.Mapping.Device == descriptor.DeviceKernel {
			what = "kernel"
		}
		if ok, why := fileState(a.opts.Files, paths[ptr]); !ok {
			a.addEntry(e, RuleMissingFile, "", ptr, fmt.Sprintf("the %s %s %s: libvirt still selects this descriptor and the guest fails to start", what, paths[ptr], why))
		}
	}
}

// imageDirs are where distributions install firmware images. Under
// /usr/share/qemu, shared with many other ROMs, only edk2-like names count.
var imageDirs = []string{"/usr/share/OVMF", "/usr/share/AAVMF", "/usr/share/edk2", "/usr/share/qemu"}

var imageExts = []string{".fd", ".raw", ".qcow2", ".bin", ".img"}

func isImageName(dir, name string) bool {
	lower := strings.ToLower(name)
	if !slices.ContainsFunc(imageExts, func(x string) bool { return strings.HasSuffix(lower, x) }) {
		return false
	}
	if dir != "/usr/share/qemu" {
		return true
	}
	for _, s := range []string{"ovmf", "aavmf", "edk2", "qemu_efi", "qemu_vars", "vars-template", "riscv_virt"} {
		if strings.Contains(lower, s) {
			return true
		}
	}
	return false
}

// orphans reports images under imageDirs no active descriptor describes.
func (a *auditor) orphans() {
	described := map[string]bool{}
	for _, e := range a.set.Entries {
		if e.Status != descriptor.StatusActive {
			continue
		}
		for _, p := range e.Descriptor.Paths() {
			described[p] = true
			if r, _, err := resolveIn(a.opts.Files, p); err == nil {
				described[r] = true
			}
		}
	}
	seen := map[string]bool{}
	for _, dir := range imageDirs {
		rdir, info, err := resolveIn(a.opts.Files, dir)
		if err != nil || !info.IsDir() {
			continue
		}
		root := strings.TrimPrefix(rdir, "/")
		_ = fs.WalkDir(a.opts.Files, root, func(name string, de fs.DirEntry, err error) error {
			if err != nil {
				return nil // unreadable parts are not this rule's business
			}
			if de.IsDir() {
				if dir == "/usr/share/qemu" && name != root {
					return fs.SkipDir // firmware/ and the rest: descriptors, other ROMs
				}
				return nil
			}
			shown := path.Join(dir, strings.TrimPrefix(strings.TrimPrefix(name, root), "/"))
			if !isImageName(dir, de.Name()) || seen[shown] {
				return nil
			}
			seen[shown] = true
			r, info, err := resolveIn(a.opts.Files, shown)
			if err != nil || !info.Mode().IsRegular() || described[shown] || described[r] {
				return nil
			}
			a.add(report.Finding{Rule: RuleOrphanImage, File: shown, Subject: shown,
				Message: fmt.Sprintf("%s is a firmware image no descriptor describes: libvirt never auto-selects it; domains naming it keep working only while the package ships it", shown)})
			return nil
		})
	}
}
