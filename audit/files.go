package audit

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/report"
)

// fileState says whether a rooted path names a regular file inside
// opts.Files.
func (a *auditor) fileState(p string) (ok bool, why string) {
	_, info, err := a.stat(p)
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
		if ok, why := a.fileState(paths[ptr]); !ok {
			a.addEntrySpliced(e, RuleMissingFile, "", ptr, "the "+what+" ", paths[ptr], " "+why+": libvirt still selects this descriptor and the guest fails to start")
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
// The images are found first and the descriptors' paths then compared with
// them, so that what it holds grows with the images, not with the set.
func (a *auditor) orphans() {
	type image struct{ shown, resolved string }
	var images []image
	seen := map[string]bool{}
	for _, dir := range imageDirs {
		rdir, info, err := a.stat(dir)
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
			if r, info, err := a.stat(shown); err == nil && info.Mode().IsRegular() {
				images = append(images, image{shown, r})
			}
			return nil
		})
	}
	if len(images) == 0 {
		return
	}
	// described holds the images' names that a descriptor's path, or
	// where it resolves to, is.
	described := map[string]bool{}
	for _, img := range images {
		described[img.shown], described[img.resolved] = false, false
	}
	for _, e := range a.set.Entries {
		if e.Status != descriptor.StatusActive {
			continue
		}
		for _, p := range e.Descriptor.Paths() {
			if _, ok := described[p]; ok {
				described[p] = true
			}
			if r, _, err := a.stat(p); err == nil {
				if _, ok := described[r]; ok {
					described[r] = true
				}
			}
		}
	}
	for _, img := range images {
		if described[img.shown] || described[img.resolved] {
			continue
		}
		a.add(report.Finding{Rule: RuleOrphanImage, File: img.shown, Subject: img.shown,
			Message: fmt.Sprintf("%s is a firmware image no descriptor describes: libvirt never auto-selects it; domains naming it keep working only while the package ships it", img.shown)})
	}
}
