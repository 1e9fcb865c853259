package audit

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/fwaudit/fwaudit/descriptor"
)

// LoadPaths loads the descriptor files and directories a packager names
// for linting (host paths, e.g. under a DESTDIR). Directories are scanned
// as libvirt scans its firmware directories (descriptor.Load; later ones
// take precedence over same-named files of earlier ones), files are read
// as they are. The entries are in libvirt's order, byte-wise by name. The
// error is for a path that cannot be read at all.
func LoadPaths(paths []string, rules *descriptor.Rules) (*descriptor.Set, error) {
	rules = cmp.Or(rules, descriptor.RulesLatest)
	var dirs, files []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		abs, err := filepath.Abs(p)
		if err != nil {
			return nil, err
		}
		if info.IsDir() {
			dirs = append(dirs, abs)
		} else {
			files = append(files, abs)
		}
	}
	set := &descriptor.Set{Rules: rules}
	if len(dirs) > 0 {
		s, err := descriptor.Load(descriptor.Options{Dirs: dirs, Rules: rules})
		if err != nil {
			return nil, err
		}
		set = s
	}
	for _, f := range files {
		e, err := loadFile(f, rules)
		if err != nil {
			return nil, err
		}
		set.Entries = append(set.Entries, e)
	}
	slices.SortStableFunc(set.Entries, func(a, b *descriptor.Entry) int { return strings.Compare(a.Name, b.Name) })
	return set, nil
}

func loadFile(path string, rules *descriptor.Rules) (*descriptor.Entry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, descriptor.MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	name := filepath.Base(path)
	e := &descriptor.Entry{Name: name, Path: path, Dir: filepath.Dir(path), Size: int64(len(data)), Data: data,
		NotJSON: !strings.HasSuffix(name, ".json"), Status: descriptor.StatusActive}
	switch {
	case len(data) == 0:
		e.Status = descriptor.StatusMask
		return e, nil
	case len(data) > descriptor.MaxSize:
		return nil, fmt.Errorf("%s: larger than the %d bytes libvirt reads", path, descriptor.MaxSize)
	}
	d, err := descriptor.Parse(path, data)
	e.Descriptor = d
	var es descriptor.Errors
	if errors.As(err, &es) {
		e.Problems = es
	} else if err != nil {
		return nil, err
	}
	if e.Libvirt = rules.Check(path, data, d); e.Libvirt != nil {
		e.Status = descriptor.StatusInvalid
	}
	return e, nil
}
