package report_test

import (
	"bytes"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/fwaudit/fwaudit/report"
)

// example is a small report as an audit would produce it.
func example() *report.Report {
	return &report.Report{
		SchemaVersion: report.SchemaVersion,
		Tool:          report.Tool{Name: "fwaudit", Version: "1.0.0"},
		Profile:       "libvirt-12.8",
		ProfileSource: "flag",
		Source:        "distro:debian-13",
		Dirs:          []string{"/usr/share/qemu/firmware"},
		Descriptors: []report.Descriptor{
			{Name: "60-edk2-x86_64.json", Path: "/usr/share/qemu/firmware/60-edk2-x86_64.json", Status: "active"},
		},
		Rules: []report.Rule{
			{ID: "coverage-gap", Severity: report.Error, Summary: "No descriptor provides a required feature set.", Help: "libvirt fails to start such a guest."},
		},
		Findings: report.NewFindings(
			report.Finding{Rule: "coverage-gap", Severity: report.Error, Message: "no descriptor provides amd-sev-es", Subject: "x86_64/q35/amd-sev-es"},
		),
		Coverage: []report.Coverage{
			{Arch: "x86_64", Machine: "q35", FeatureSet: "uefi", Status: "ok", Descriptor: "60-edk2-x86_64.json"},
			{Arch: "x86_64", Machine: "q35", FeatureSet: "amd-sev-es", Status: "gap"},
		},
	}
}

func ExampleWrite() {
	if err := report.Write(os.Stdout, example(), report.Text, report.Options{}); err != nil {
		log.Fatal(err)
	}
	// Output:
	// fwaudit 1.0.0: profile libvirt-12.8 (flag), source distro:debian-13
	// Summary                 : FAIL (1 error, 0 warnings, 0 info, 0 suppressed)
	// Descriptors
	//   60-edk2-x86_64.json   : PASS
	// Coverage
	//   x86_64 q35 uefi       : PASS (60-edk2-x86_64.json)
	//   x86_64 q35 amd-sev-es : FAIL (no descriptor provides amd-sev-es)
}

func ExampleWrite_quiet() {
	if err := report.Write(os.Stdout, example(), report.Text, report.Options{Quiet: true}); err != nil {
		log.Fatal(err)
	}
	// Output:
	// fwaudit 1.0.0: profile libvirt-12.8 (flag), source distro:debian-13
	// Summary                 : FAIL (1 error, 0 warnings, 0 info, 0 suppressed)
	// Coverage
	//   x86_64 q35 amd-sev-es : FAIL (no descriptor provides amd-sev-es)
}

func ExampleWriteFile() {
	dir, err := os.MkdirTemp("", "fwaudit-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	// The textfile collector reads *.prom files; WriteFile replaces the
	// file in one rename, so it never reads half a report.
	path := filepath.Join(dir, "fwaudit.prom")
	if err := report.WriteFile(path, example(), report.Prometheus, report.Options{}); err != nil {
		log.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	for _, line := range bytes.Split(data, []byte("\n")) {
		if bytes.HasPrefix(line, []byte("fwaudit_coverage")) {
			fmt.Printf("%s\n", line)
		}
	}
	// Output:
	// fwaudit_coverage{arch="x86_64",machine="q35",feature_set="amd-sev-es",status="gap"} 1
	// fwaudit_coverage{arch="x86_64",machine="q35",feature_set="uefi",status="ok"} 1
	// fwaudit_coverage_gap 1
	// fwaudit_coverage_degraded 0
}

func ExampleParseFormat() {
	f, err := report.ParseFormat("sarif")
	fmt.Println(f, err)
	_, err = report.ParseFormat("yaml")
	fmt.Println(err)
	// Output:
	// sarif <nil>
	// report: unknown format "yaml" (want one of json, text, sarif, junit, prometheus)
}

func ExampleParseSeverity() {
	s, err := report.ParseSeverity("warning")
	fmt.Println(s, s.Rank(), err)
	// Output:
	// warning 2 <nil>
}

func ExampleReport_Fails() {
	r := example()
	fmt.Println(r.Fails(report.Error))
	r.Findings.Suppress(0)
	fmt.Println(r.Fails(report.Info))
	// Output:
	// true
	// false
}

// --fail-on never is a threshold that no finding reaches.
func ExampleParseFailOn() {
	for _, v := range report.FailOnNames {
		threshold, err := report.ParseFailOn(v)
		fmt.Printf("--fail-on %-7s fails: %v %v\n", v, example().Fails(threshold), err)
	}
	_, err := report.ParseFailOn("none")
	fmt.Println(err)
	// Output:
	// --fail-on error   fails: true <nil>
	// --fail-on warning fails: true <nil>
	// --fail-on info    fails: true <nil>
	// --fail-on never   fails: false <nil>
	// report: unknown --fail-on "none" (want error, warning, info or never)
}

func ExampleReport_Finalize() {
	r := example()
	r.Finalize()
	fmt.Printf("%+v\n", r.Summary)
	fmt.Println(r.Findings.At(0).Fingerprint != "")
	// Output:
	// {Errors:1 Warnings:0 Infos:0 Suppressed:0}
	// true
}

func ExampleValidateJSON() {
	var buf bytes.Buffer
	if err := report.Write(&buf, example(), report.JSON, report.Options{}); err != nil {
		log.Fatal(err)
	}
	fmt.Println(report.ValidateJSON(buf.Bytes()))
	fmt.Println(report.ValidateJSON([]byte(`{"schema_version": 2}`)) != nil)
	// Output:
	// <nil>
	// true
}

func ExampleSchema() {
	fmt.Println(bytes.Contains(report.Schema(), []byte(report.SchemaID)))
	// Output:
	// true
}

func ExampleCoverage_Key() {
	c := report.Coverage{Arch: "x86_64", Machine: "q35", FeatureSet: "amd-sev-es"}
	fmt.Println(c.Key())
	// Output:
	// x86_64/q35/amd-sev-es
}

func ExampleFinding_DefaultFingerprint() {
	f := report.Finding{Rule: "lint-missing-executable", Descriptor: "60-edk2-x86_64.json", Pointer: "/mapping/executable/filename"}
	moved := f
	moved.Line = 42
	fmt.Println(f.DefaultFingerprint() == moved.DefaultFingerprint())
	// Output:
	// true
}

func ExampleChoice_String() {
	fmt.Println(report.Choice{Descriptor: "60-edk2-x86_64.json", Loader: "/usr/share/OVMF/OVMF_CODE_4M.fd"})
	fmt.Println(report.Choice{Loader: "/usr/share/OVMF/OVMF_CODE_4M.fd"})
	fmt.Println(report.Choice{Error: "no firmware"})
	// Output:
	// 60-edk2-x86_64.json
	// /usr/share/OVMF/OVMF_CODE_4M.fd
	// error: no firmware
}

// A report's findings are a compact list: a message that differs from
// others only by a path is kept as its parts, and each finding is built
// when it is read.
func ExampleFindings() {
	var l report.Findings
	for _, p := range []string{"/usr/share/fw/0/CODE.fd", "/usr/share/fw/1/CODE.fd"} {
		f := report.Finding{Rule: "missing-file", Severity: report.Error, Descriptor: "50-x.json",
			File: "/usr/share/qemu/firmware/50-x.json", Pointer: "/mapping/executable/filename"}
		l.AddSpliced(f, "the executable ", p, " does not exist")
	}
	l.Add(report.Finding{Rule: "coverage-gap", Severity: report.Info, Message: "no amd-sev-es", Subject: "x86_64/q35/amd-sev-es"})
	l.Suppress(2)
	for i, f := range l.All() {
		fmt.Println(i, f.Severity, f.Message, f.Suppressed, f.Fingerprint == f.DefaultFingerprint())
	}
	// Output:
	// 0 error the executable /usr/share/fw/0/CODE.fd does not exist false true
	// 1 error the executable /usr/share/fw/1/CODE.fd does not exist false true
	// 2 info no amd-sev-es true true
}
