package report

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
)

// ParseSeverity parses a severity name as given to --fail-on: "error",
// "warning" or "info".
func ParseSeverity(s string) (Severity, error) {
	switch sev := Severity(s); sev {
	case Error, Warning, Info:
		return sev, nil
	}
	return "", fmt.Errorf("report: unknown severity %q (want error, warning or info)", s)
}

// FailOnNames are the values of --fail-on, the default first: a severity,
// or "never".
var FailOnNames = []string{string(Error), string(Warning), string(Info), "never"}

// ParseFailOn parses --fail-on's value into the threshold Fails takes: a
// severity as ParseSeverity parses it, or "never", which is the zero
// Severity: Fails is then always false, whatever the findings.
func ParseFailOn(s string) (Severity, error) {
	if s == "never" {
		return "", nil
	}
	sev, err := ParseSeverity(s)
	if err != nil {
		return "", fmt.Errorf("report: unknown --fail-on %q (want error, warning, info or never)", s)
	}
	return sev, nil
}

// Key names the cell in the form findings use as their Subject:
// "ARCH/MACHINE/FEATURE_SET", e.g. "x86_64/q35/amd-sev-es".
func (c Coverage) Key() string {
	return c.Arch + "/" + c.Machine + "/" + c.FeatureSet
}

// DefaultFingerprint returns a fingerprint for f built from its rule,
// descriptor, file, JSON pointer and subject: the same for the same problem
// in every run, and never dependent on line numbers or on the wording of
// the message. Finalize gives it to findings that have no Fingerprint.
func (f Finding) DefaultFingerprint() string {
	h := sha256.New()
	for _, s := range []string{"fwaudit/v1", f.Rule, f.Descriptor, f.File, f.Pointer, f.Subject} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// Finalize puts r in its canonical form, the one every renderer shows:
// SchemaVersion is set when zero, Rules are sorted by ID, Findings are
// sorted (see below), findings without a Fingerprint get their
// DefaultFingerprint, nil lists become empty and Summary is recomputed.
// Coverage and Domains keep the order the audit gave them.
//
// Findings are sorted by libvirt's order of the descriptor they concern
// (their File matched against Descriptors[].Path, or else their Descriptor
// against Descriptors[].Name); findings about no known descriptor come
// after, by descriptor name, and findings about no descriptor at all come
// last. Ties are broken by rule ID, subject, file, line, column, pointer,
// message and fingerprint, so the order never depends on the order the
// audit produced them in.
//
// Write renders a finalized copy of its report, so calling Finalize is
// only needed when the Report value itself is used afterwards, e.g. for
// Fails or for Summary.
func (r *Report) Finalize() {
	if r.SchemaVersion == 0 {
		r.SchemaVersion = SchemaVersion
	}
	r.Dirs = nonNil(r.Dirs)
	r.Descriptors = nonNil(r.Descriptors)
	r.Rules = nonNil(r.Rules)
	r.Coverage = nonNil(r.Coverage)
	slices.SortStableFunc(r.Rules, func(a, b Rule) int { return strings.Compare(a.ID, b.ID) })
	if r.Findings.Len() > 1 {
		r.Findings.sort(r.descriptorOrder())
	}
	r.Summary = r.Findings.summary()
}

// finalized returns a finalized copy of r; r is not modified. The lists
// that Finalize reorders or edits are copied, the others are shared. A
// report that is already in its canonical form is returned as it is: its
// findings, which grow with the set, are not copied.
func (r *Report) finalized() *Report {
	if r.isFinal() {
		return r
	}
	c := *r
	c.Rules = slices.Clone(r.Rules)
	c.Findings = r.Findings.Clone()
	c.Finalize()
	return &c
}

// isFinal reports whether Finalize would leave r as it is.
func (r *Report) isFinal() bool {
	if r.SchemaVersion == 0 || r.Dirs == nil || r.Descriptors == nil || r.Rules == nil || r.Coverage == nil {
		return false
	}
	if !slices.IsSortedFunc(r.Rules, func(a, b Rule) int { return strings.Compare(a.ID, b.ID) }) {
		return false
	}
	return (r.Findings.Len() <= 1 || r.Findings.sorted(r.descriptorOrder())) && r.Summary == r.Findings.summary()
}

// Fails reports whether r holds an unsuppressed finding at or above
// threshold, the test behind --fail-on. A threshold that is not one of
// Error, Warning or Info (e.g. "" for "never") never fails.
func (r *Report) Fails(threshold Severity) bool {
	if threshold.Rank() == 0 {
		return false
	}
	for i := range r.Findings.Len() {
		if sev, suppressed := r.Findings.Severity(i); !suppressed && sev.Rank() >= threshold.Rank() {
			return true
		}
	}
	return false
}

// descriptorOrder ranks descriptors by their place in libvirt's order,
// by path and by name (a name's first entry wins). Each is a list sorted
// by key and then index, searched by bisection: a report of 100,000
// descriptors sorts its findings with 4.8 MB of it where two maps took
// 12.8 MB (Finalize runs while an audit still holds its set).
type descriptorOrder struct {
	byPath, byName []orderKey
	n              int
}

type orderKey struct {
	key string
	i   int32
}

func (r *Report) descriptorOrder() descriptorOrder {
	o := descriptorOrder{n: len(r.Descriptors)}
	for i, d := range r.Descriptors {
		if d.Path != "" {
			o.byPath = append(o.byPath, orderKey{d.Path, int32(i)})
		}
		if d.Name != "" {
			o.byName = append(o.byName, orderKey{d.Name, int32(i)})
		}
	}
	byKey := func(a, b orderKey) int { return cmp.Or(strings.Compare(a.key, b.key), cmp.Compare(a.i, b.i)) }
	slices.SortFunc(o.byPath, byKey)
	slices.SortFunc(o.byName, byKey)
	return o
}

// first returns the first index of key in keys.
func first(keys []orderKey, key string) (int, bool) {
	j, ok := slices.BinarySearchFunc(keys, key, func(k orderKey, key string) int { return strings.Compare(k.key, key) })
	if !ok {
		return 0, false
	}
	return int(keys[j].i), true
}

// index returns the index in Descriptors of the entry f concerns, or -1.
func (o descriptorOrder) index(f Finding) int {
	if i, ok := first(o.byPath, f.File); ok && f.File != "" {
		return i
	}
	if i, ok := first(o.byName, f.Descriptor); ok && f.Descriptor != "" {
		return i
	}
	return -1
}

// rank orders a finding's descriptor: known ones by index, unknown names
// after them, no descriptor last.
func (o descriptorOrder) rank(f Finding) int {
	if i := o.index(f); i >= 0 {
		return i
	}
	if f.Descriptor != "" {
		return o.n
	}
	return o.n + 1
}

func nonNil[S ~[]E, E any](s S) S {
	if s == nil {
		return S{}
	}
	return s
}
