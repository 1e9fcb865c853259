package audit

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/matcher"
)

// randomDescriptor writes a descriptor drawn from small pools, so that
// many pairs agree on everything but one detail.
func randomDescriptor(r *rand.Rand, i int) []byte {
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	some := func(n int, xs ...string) []string {
		var out []string
		for _, x := range xs {
			if r.IntN(n) == 0 {
				out = append(out, fmt.Sprintf("%q", x))
			}
		}
		return out
	}
	var mapping string
	switch pick("flash", "flash", "flash", "memory", "kernel") {
	case "flash":
		mode := pick("", "split", "stateless", "combined")
		m := []string{`"device": "flash"`}
		if mode != "" {
			m = append(m, fmt.Sprintf(`"mode": %q`, mode))
		}
		if r.IntN(20) > 0 {
			m = append(m, fmt.Sprintf(`"executable": {"filename": "/fw/%d.fd", "format": %q}`, r.IntN(3), pick("raw", "raw", "qcow2")))
		}
		if r.IntN(20) > 0 {
			m = append(m, fmt.Sprintf(`"nvram-template": {"filename": "/fw/%d.vars", "format": %q}`, r.IntN(3), pick("raw", "qcow2")))
		}
		mapping = "{" + strings.Join(m, ", ") + "}"
	case "memory":
		mapping = fmt.Sprintf(`{"device": "memory", "filename": "/fw/%d.bin"}`, r.IntN(3))
	default:
		mapping = `{"device": "kernel", "filename": "/fw/k"}`
	}
	var targets []string
	for range 1 + r.IntN(2) {
		machines := some(4, "pc-q35-*", "pc-q35-8.2", "pc-*", "*", "pc-i440fx-*", "virt-*", "virt", "p?-q35-*", "pc-q35-8.*", "q35")
		targets = append(targets, fmt.Sprintf(`{"architecture": %q, "machines": [%s]}`,
			pick("x86_64", "x86_64", "aarch64", "i386", "bogus"), strings.Join(machines, ", ")))
	}
	feats := some(6, "acpi-s3", "acpi-s4", "amd-sev", "amd-sev-es", "amd-sev-snp", "intel-tdx", "secure-boot",
		"enrolled-keys", "requires-smm", "verbose-dynamic", "host-uefi-vars")
	return fmt.Appendf(nil, `{"description": "d%d", "interface-types": [%s], "mapping": %s, "targets": [%s], "features": [%s]}`,
		i, strings.Join(append([]string{`"uefi"`}, some(4, "bios", "uboot")...), ", "), mapping, strings.Join(targets, ", "), strings.Join(feats, ", "))
}

// TestShadowIndexMatchesPairs: the index finds, for every descriptor,
// the same first beater as trying every earlier descriptor in order with
// beats, under every profile, over random sets.
func TestShadowIndexMatchesPairs(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for _, p := range matcher.Profiles {
		hits, misses := 0, 0
		for round := range 20 {
			var act []*descriptor.Entry
			for i := range 150 {
				name := fmt.Sprintf("%03d.json", i)
				d, _ := descriptor.Parse(name, randomDescriptor(r, i))
				if d == nil {
					t.Fatalf("descriptor %d does not parse", i)
				}
				act = append(act, &descriptor.Entry{Name: name, Path: "/" + name, Status: descriptor.StatusActive, Descriptor: d})
			}
			a := &auditor{p: p}
			idx := &shadowIndex{a: a, groups: map[shadowKey][]shadowGroup{}}
			for j, y := range act {
				var want *descriptor.Entry
				for _, x := range act[:j] {
					if a.beats(x.Descriptor, y.Descriptor) {
						want = x
						break
					}
				}
				if got := idx.push(y); got != want {
					t.Fatalf("%s round %d: beater of %s = %v, want %v", p.Name, round, y.Name, name(got), name(want))
				}
				if want != nil {
					hits++
				} else {
					misses++
				}
			}
		}
		// The comparison must have covered both answers, many times.
		t.Logf("%s: %d beaten, %d not", p.Name, hits, misses)
		if hits < 200 || misses < 200 {
			t.Errorf("%s: %d descriptors beaten, %d not: the random sets do not exercise the index", p.Name, hits, misses)
		}
	}
}

func name(e *descriptor.Entry) string {
	if e == nil {
		return "none"
	}
	return e.Name
}
