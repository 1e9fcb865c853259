package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/fwaudit/fwaudit/conformance/internal/casefile"
	"golang.org/x/tools/txtar"
)

// signature summarises a case's disagreements for minimisation: per
// disagreeing version, libvirt's verdict (its error, or "ok" and the chosen
// descriptor). Two variants of a case with the same signature show the same
// divergence.
func signature(ar *txtar.Archive) (string, error) {
	diffs, _, err := Compare(ar)
	if err != nil {
		return "", err
	}
	var parts []string
	for _, d := range diffs {
		i := casefile.Find(ar, casefile.AnswerSection(d.Version))
		var a struct {
			OK         bool   `json:"ok"`
			Error      string `json:"error"`
			Descriptor string `json:"descriptor"`
		}
		if err := json.Unmarshal(ar.Files[i].Data, &a); err != nil {
			return "", err
		}
		verdict := "ok " + a.Descriptor
		if !a.OK {
			verdict = a.Error
		}
		parts = append(parts, d.Version+"="+verdict)
	}
	sort.Strings(parts)
	return strings.Join(parts, "; "), nil
}

// withoutEntry returns a copy of ar without answers and without the root
// entries secs (file sections, or symlink lines), dropping symlinks that
// pointed at a removed /usr/share file.
func withoutEntry(ar *txtar.Archive, secs ...string) *txtar.Archive {
	out := &txtar.Archive{Comment: ar.Comment}
	for _, f := range ar.Files {
		switch {
		case casefile.IsAnswer(f.Name), slices.Contains(secs, f.Name):
		case f.Name == casefile.Symlinks:
			links, _ := casefile.ParseSymlinks(f.Data)
			var keep []string
			for _, l := range links {
				target := path.Join(path.Dir(l.Link), l.Target)
				if !slices.Contains(secs, l.Link) && !slices.Contains(secs, target) {
					keep = append(keep, l.String())
				}
			}
			if len(keep) > 0 {
				out.Files = append(out.Files, txtar.File{Name: f.Name, Data: []byte(strings.Join(keep, "\n") + "\n")})
			}
		default:
			out.Files = append(out.Files, f)
		}
	}
	return out
}

// entries lists the removable root entries of ar, as groups removed
// together: file sections and symlinks of root/ and define-root/, an entry
// that both trees of an upgrade case hold first as a pair.
func entries(ar *txtar.Archive) [][]string {
	var all []string
	for _, f := range ar.Files {
		if strings.HasPrefix(f.Name, casefile.RootPrefix) || strings.HasPrefix(f.Name, casefile.DefineRootPrefix) {
			all = append(all, f.Name)
		}
		if f.Name == casefile.Symlinks {
			links, _ := casefile.ParseSymlinks(f.Data)
			for _, l := range links {
				all = append(all, l.Link)
			}
		}
	}
	var out [][]string
	for _, e := range all {
		if rest, ok := strings.CutPrefix(e, casefile.DefineRootPrefix); ok && slices.Contains(all, casefile.RootPrefix+rest) {
			out = append(out, []string{e, casefile.RootPrefix + rest})
		}
	}
	for _, e := range all {
		out = append(out, []string{e})
	}
	return out
}

// minimize removes root entries one at a time, re-asking the oracle, and
// keeps each removal after which the case still disagrees the same way
// (same signature). It writes the smallest variant, with its answers, to
// out. It asks versions, at most jobs at once.
func minimize(file, out, rec, oracle, versions string, jobs int) error {
	ar, err := casefile.Read(file)
	if err != nil {
		return err
	}
	want, err := signature(ar)
	if err != nil {
		return err
	}
	if want == "" {
		return fmt.Errorf("%s: no disagreement to keep", file)
	}
	fmt.Fprintf(os.Stderr, "livediff: minimising %s, keeping: %s\n", file, want)
	dir, err := os.MkdirTemp("", "fwaudit-livediff-min-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	try := filepath.Join(dir, filepath.Base(file))
	for changed := true; changed; {
		changed = false
		for _, sec := range entries(ar) {
			cand := withoutEntry(ar, sec...)
			if len(entries(cand)) == 0 || casefile.DefineRoot(ar) != casefile.DefineRoot(cand) {
				continue // keep something, and keep an upgrade case one
			}
			if err := casefile.Write(try, cand); err != nil {
				return err
			}
			cmd := exec.Command(rec, "-oracle", oracle, "-versions", versions, "-j", fmt.Sprint(min(jobs, len(strings.Split(versions, ",")))), try)
			cmd.Stderr = os.Stderr
			if err := cmd.Run(); err != nil {
				return fmt.Errorf("recorder: %v", err)
			}
			got, err := casefile.Read(try)
			if err != nil {
				return err
			}
			sig, err := signature(got)
			if err != nil {
				return err
			}
			if sig == want {
				fmt.Fprintf(os.Stderr, "livediff: dropped %s\n", sec)
				ar, changed = got, true
				break
			}
		}
	}
	return casefile.Write(out, ar)
}
