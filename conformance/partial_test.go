package conformance

import (
	"testing"

	"github.com/fwaudit/fwaudit/conformance/internal/verdict"
)

// TestPartial replays the cases of testdata/partial: inputs some releases
// cannot answer on the oracle (a stored definition 11.3 and 12.8 crash
// loading, at every daemon restart, so internal/existing/query.sh reports
// "did not come back"). Each answer a case holds must be reproduced, as in
// TestRecorded, and each case must hold at least one.
func TestPartial(t *testing.T) {
	cases := LoadCases(t, "testdata/partial")
	if len(cases) == 0 {
		t.Fatal("no cases in testdata/partial")
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			root, domain := Materialize(t, c, t.TempDir())
			n := 0
			for _, v := range versions {
				data := section(c.Archive, v.file)
				if data == nil {
					continue
				}
				n++
				diff, err := verdict.Diff(data, Predict(t, c, root, domain, v.profile))
				if err != nil {
					t.Fatal(err)
				}
				if diff != "" {
					t.Errorf("%s: prediction differs from libvirt (-libvirt +fwaudit):\n%s", v.profile.Name, diff)
				}
			}
			if n == 0 {
				t.Error("the case holds no answer")
			}
		})
	}
}
