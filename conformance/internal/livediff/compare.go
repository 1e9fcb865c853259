package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/fwaudit/fwaudit/conformance/internal/casefile"
	"github.com/fwaudit/fwaudit/conformance/internal/verdict"
	"github.com/fwaudit/fwaudit/matcher"
	"golang.org/x/tools/txtar"
)

// profiles maps each oracle version (query.sh --libvirt N) to the profile
// that models it, as conformance_test.go does.
var profiles = map[string]*matcher.Profile{
	"9":  matcher.Libvirt90,
	"10": matcher.Libvirt100,
	"11": matcher.Libvirt113,
	"12": matcher.Libvirt128,
}

// Diff is one disagreement between libvirt and fwaudit.
type Diff struct {
	Version string // oracle version, "9", "10", "11", "12", or "11-start" for a start-mode answer
	Profile string // the profile that predicted
	Text    string // cmp.Diff, -libvirt +fwaudit
}

// diffAnswer compares libvirt's recorded answer with fwaudit's prediction
// the way TestRecorded does (verdict.Diff); "" when they agree.
func diffAnswer(answer []byte, got *matcher.Answer) (string, error) {
	return verdict.Diff(answer, got)
}

// predict runs fwaudit's matcher on an extracted case (root and domain.xml
// under dir), for an existing domain when the case says so, and defined
// over dir/define-root first for a firmware-upgrade case.
func predict(dir string, p *matcher.Profile, ar *txtar.Archive) (*matcher.Answer, error) {
	data, err := os.ReadFile(filepath.Join(dir, casefile.Domain))
	if err != nil {
		return nil, err
	}
	if casefile.DefineRoot(ar) {
		return verdict.PredictUpgrade(filepath.Join(dir, "define-root"), filepath.Join(dir, "root"), data, p)
	}
	return verdict.Predict(filepath.Join(dir, "root"), data, p, casefile.Existing(ar.Comment))
}

// Compare predicts every answered version of the case and returns the
// disagreements, in version order. It also returns how many answers it
// compared. A default-mode answer is compared as TestRecorded does
// (verdict.Diff); a start-mode answer (answer/libvirtN-start.json, a
// release that selects at define: the define, or for an upgrade case the
// define over define-root/ and the load over root/, then the first start)
// with the predicted start outcome (verdict.DiffStart).
func Compare(ar *txtar.Archive) (diffs []Diff, compared int, err error) {
	dir, err := os.MkdirTemp("", "fwaudit-livediff-")
	if err != nil {
		return nil, 0, err
	}
	defer os.RemoveAll(dir)
	if err := casefile.Extract(ar, dir); err != nil {
		return nil, 0, err
	}
	for _, f := range ar.Files {
		if !casefile.IsAnswer(f.Name) {
			continue
		}
		start := casefile.IsStartAnswer(f.Name)
		v := strconv.Itoa(casefile.AnswerVersion(f.Name))
		p := profiles[v]
		if p == nil {
			return nil, compared, fmt.Errorf("%s: no profile for libvirt %s", f.Name, v)
		}
		if start && p.Selection.AtStart {
			return nil, compared, fmt.Errorf("%s: libvirt %s selects at start: its default answer is the start", f.Name, v)
		}
		got, err := predict(dir, p, ar)
		if err != nil {
			return nil, compared, err
		}
		diff := diffAnswer
		if start {
			diff, v = verdict.DiffStart, v+casefile.StartMode
		}
		d, err := diff(f.Data, got)
		if err != nil {
			return nil, compared, fmt.Errorf("%s: %v", f.Name, err)
		}
		compared++
		if d != "" {
			diffs = append(diffs, Diff{Version: v, Profile: p.Name, Text: d})
		}
	}
	return diffs, compared, nil
}
