package verdict

import (
	"path/filepath"
	"testing"

	"github.com/fwaudit/fwaudit/conformance/internal/casefile"
	"github.com/fwaudit/fwaudit/matcher"
)

// TestPredictUpgrade replays a recorded firmware upgrade (the descriptor the
// define chose is gone after it): the define-then-load chain gives libvirt's
// answers, on load and at the first start, and matching the new domain over
// the upgraded root directly does not (10.0 and later keep what they stored).
func TestPredictUpgrade(t *testing.T) {
	ar, err := casefile.Read("../../testdata/cases/upgrade-descriptor-removed.txtar")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := casefile.Extract(ar, dir); err != nil {
		t.Fatal(err)
	}
	domain := ar.Files[casefile.Find(ar, casefile.Domain)].Data
	defineRoot, root := filepath.Join(dir, "define-root"), filepath.Join(dir, "root")
	for _, tc := range []struct {
		v     string
		p     *matcher.Profile
		start bool // a start-mode answer
	}{
		{"9", matcher.Libvirt90, false},
		{"12", matcher.Libvirt128, false},
		{"12-start", matcher.Libvirt128, true},
	} {
		answer := ar.Files[casefile.Find(ar, casefile.AnswerSection(tc.v))].Data
		diff := Diff
		if tc.start {
			diff = DiffStart
		}
		got, err := PredictUpgrade(defineRoot, root, domain, tc.p)
		if err != nil {
			t.Fatal(err)
		}
		if d, err := diff(answer, got); err != nil || d != "" {
			t.Errorf("libvirt %s: PredictUpgrade differs from libvirt (-libvirt +fwaudit), %v:\n%s", tc.v, err, d)
		}
		direct, err := Predict(root, domain, tc.p, true)
		if err != nil {
			t.Fatal(err)
		}
		d, err := diff(answer, direct)
		if err != nil {
			t.Fatal(err)
		}
		if same := d == ""; same != tc.p.Selection.AtStart {
			t.Errorf("libvirt %s: without the define over define-root/ the prediction agrees: %v, want %v", tc.v, same, tc.p.Selection.AtStart)
		}
	}
}
