package benchmarks

import (
	"context"
	"fmt"
	"testing"

	"github.com/fwaudit/fwaudit/audit"
	"github.com/fwaudit/fwaudit/diff"
	"github.com/fwaudit/fwaudit/matcher"
)

// diffDomains is the population BenchmarkDiff follows across the upgrade.
const diffDomains = 10000

func diffSide(b *testing.B, spec string) diff.Side {
	b.Helper()
	sp, err := diff.ParseSpec(spec)
	if err != nil {
		b.Fatal(err)
	}
	s, err := diff.Load(context.Background(), sp, nil)
	if err != nil {
		b.Fatal(err)
	}
	return s
}

func diffFiles() []audit.DomainFile {
	files := make([]audit.DomainFile, diffDomains)
	for i := range files {
		files[i] = audit.DomainFile{Path: fmt.Sprintf("/etc/libvirt/qemu/vm-%05d.xml", i), Data: domainXML(i)}
	}
	return files
}

// BenchmarkDiff is fwaudit diff's work for Debian 12 (libvirt 9.0) against
// Debian 13 (libvirt 11.3) with 10,000 domains (the generated population
// of BenchmarkDomainImpact): "parsed" starts from parsed domains
// (diff.Compare: both coverage matrices, the descriptor comparison, four
// selections per domain), "xml" from their XML (diff.ReadDomains first),
// as the command does. The target is under a second per operation on one
// core (-cpu 1). BenchmarkDiffBaseline is what it is judged against: the
// same 10,000 XMLs only parsed by matcher.ParseDomain (libvirtxml's whole
// domain), as fwaudit audit reads domains.
func BenchmarkDiff(b *testing.B) {
	old, new := diffSide(b, "distro:debian-12"), diffSide(b, "distro:debian-13")
	files := diffFiles()
	parsed, err := diff.ReadDomains(files)
	if err != nil || len(parsed) != diffDomains {
		b.Fatalf("%d domains, %v", len(parsed), err)
	}
	b.Run(fmt.Sprintf("debian-12-to-13/parsed/%d", diffDomains), func(b *testing.B) {
		b.ReportAllocs()
		defer reportCPU(b)()
		for b.Loop() {
			if _, err := diff.Compare(context.Background(), old, new, parsed); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run(fmt.Sprintf("debian-12-to-13/xml/%d", diffDomains), func(b *testing.B) {
		b.ReportAllocs()
		defer reportCPU(b)()
		for b.Loop() {
			doms, err := diff.ReadDomains(files)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := diff.Compare(context.Background(), old, new, doms); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkDiffBaseline parses the 10,000 domain XMLs of BenchmarkDiff
// with matcher.ParseDomain and does nothing else.
func BenchmarkDiffBaseline(b *testing.B) {
	files := diffFiles()
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		for _, f := range files {
			if _, _, err := matcher.ParseDomain(f.Data); err != nil {
				b.Fatal(err)
			}
		}
	}
}
