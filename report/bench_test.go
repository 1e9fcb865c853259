package report

import (
	"fmt"
	"io"
	"testing"
)

// benchReport is a report over n descriptors with two lint findings each,
// a few coverage cells with a finding each, and a domain.
func benchReport(n int) *Report {
	r := &Report{Tool: Tool{Name: "fwaudit", Version: "bench"}, Profile: "libvirt-12.8", ProfileSource: "flag", Source: "bench",
		Rules: []Rule{{ID: "missing-file", Severity: Error, Summary: "a file is missing"}, {ID: "shadowed", Severity: Info}}}
	var fs []Finding
	for i := range n {
		d := Descriptor{Name: fmt.Sprintf("10-synthetic-%06d.json", i), Status: "active"}
		d.Path = "/usr/share/qemu/firmware/" + d.Name
		r.Descriptors = append(r.Descriptors, d)
		fs = append(fs,
			Finding{Rule: "missing-file", Severity: Error, Message: "the executable /usr/share/fw/" + d.Name + "/CODE.fd does not exist",
				Descriptor: d.Name, File: d.Path, Line: 4, Column: 61, Pointer: "/mapping/executable/filename"},
			Finding{Rule: "shadowed", Severity: Info, Message: "shadowed by a later descriptor", Descriptor: d.Name, File: d.Path})
	}
	for _, fset := range []string{"uefi", "secure-boot", "amd-sev-es", "bios"} {
		c := Coverage{Arch: "x86_64", Machine: "q35", FeatureSet: fset, Status: "gap", Error: "no firmware matches"}
		r.Coverage = append(r.Coverage, c)
		fs = append(fs, Finding{Rule: "coverage-gap", Severity: Warning, Message: "no firmware for " + fset, Subject: c.Key()})
	}
	r.Domains = []DomainImpact{{Name: "web", File: "web.xml", Current: Choice{Descriptor: r.Descriptors[0].Name},
		Regenerated: Choice{Descriptor: r.Descriptors[0].Name}}}
	r.Findings = NewFindings(fs...)
	r.Finalize()
	return r
}

// BenchmarkWrite renders a report of 10,000 descriptors (20,004 findings)
// in each format.
func BenchmarkWrite(b *testing.B) {
	r := benchReport(10000)
	for _, f := range Formats {
		b.Run(string(f), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := Write(io.Discard, r, f, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
