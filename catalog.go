// Package fwaudit predicts which QEMU firmware libvirt will boot a virtual
// machine with, and audits firmware descriptor sets before an upgrade does it
// for real. The work is done by its sub-packages: descriptor (reading and
// discovering descriptors), schema (QEMU's descriptor schema) and matcher
// (libvirt's auto-selection). This package holds the bundled catalogue of
// real distribution descriptor sets.
package fwaudit

import (
	"embed"
	"encoding/json"
	"io/fs"
	"slices"
)

//go:embed testdata/descriptors
var catalog embed.FS

// DefaultDistro is the catalogue set used where a host has no descriptors.
const DefaultDistro = "debian-13"

// Distros lists the names of the bundled descriptor sets ("debian-13",
// "ubuntu-24.04", ...), sorted.
func Distros() []string {
	ents, _ := fs.ReadDir(catalog, "testdata/descriptors")
	var names []string
	for _, e := range ents {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	return names
}

// Distro returns the file system root of one bundled set: its descriptors are
// in usr/share/qemu/firmware, as a distribution installs them. It reports
// false if there is no such set.
func Distro(name string) (fs.FS, bool) {
	if !slices.Contains(Distros(), name) {
		return nil, false
	}
	sub, err := fs.Sub(catalog, "testdata/descriptors/"+name)
	return sub, err == nil
}

// Release is the libvirt and QEMU a bundled set's distribution release
// ships, with where that is known from.
type Release struct {
	// Libvirt and QEMU are upstream versions ("10.0.0", "8.2.2"); an
	// Ubuntu build of QEMU carries matcher's "+ubuntu" suffix, as its
	// machine aliases are Ubuntu's own.
	Libvirt, QEMU string
	// LibvirtPackage and QEMUPackage are the packages the versions were
	// read from, as dpkg -l names them.
	LibvirtPackage, QEMUPackage string
	// Observed says where the packages were installed.
	Observed string
}

// releases records the releases the bundled sets ship, where they are
// known. Each was read from the packages installed on the oracle hosts
// the libvirt profiles were recorded on (the oracle's README, "Exact
// packages"); a set whose release no oracle ran is not listed, and is
// judged with the newest modelled release unless told otherwise.
var releases = map[string]Release{
	"debian-12": {"9.0.0", "7.2", "libvirt-daemon 9.0.0-4+deb12u2", "qemu-system-x86 1:7.2+dfsg-7+deb12u18+b3", "the libvirt 9.0 oracle host (bookworm)"},
	"debian-13": {"11.3.0", "10.0", "libvirt-daemon 11.3.0-3+deb13u3", "qemu-system-x86 1:10.0.13+ds-0+deb13u1", "the libvirt 11.3 oracle host (trixie)"},
	"debian-unstable": {"12.8.0", "11.1", "libvirt-daemon 12.8.0-1", "qemu-system-x86 1:11.1.3+ds-1",
		"the libvirt 12.8 oracle host (sid of 2026-11-28)"},
	// The oracle host ran noble with noble-updates; the release pocket
	// has the same upstream versions.
	"ubuntu-24.04": {"10.0.0", "8.2.2+ubuntu", "libvirt-daemon 10.0.0-2ubuntu8.19", "qemu-system-x86 1:8.2.2+ds-0ubuntu1.18",
		"the libvirt 10.0 oracle host (noble with noble-updates)"},
	"ubuntu-24.04-updates": {"10.0.0", "8.2.2+ubuntu", "libvirt-daemon 10.0.0-2ubuntu8.19", "qemu-system-x86 1:8.2.2+ds-0ubuntu1.18",
		"the libvirt 10.0 oracle host (noble with noble-updates)"},
}

// DistroRelease returns the release the bundled set name ships, and false
// when it is not recorded.
func DistroRelease(name string) (Release, bool) {
	r, ok := releases[name]
	return r, ok
}

// TemplateKeys summarises what one NVRAM template of a bundled set holds,
// for audits of the set without its images (generated from the real
// template by `go test . -run TestTemplateSummaries -update`; provenance in
// the set's templates.json and in varstore/testdata/README.md).
type TemplateKeys struct {
	// Path is the template as the set's descriptors name it.
	Path    string `json:"path"`
	Package string `json:"package"`
	Version string `json:"version"`
	// SHA256 is the digest of the template file as the package ships it.
	SHA256 string `json:"sha256"`
	// PK, KEK and DB list the certificates: a well-known ID
	// (varstore.Known) or "sha256:" and the DER digest.
	PK  []string `json:"pk"`
	KEK []string `json:"kek"`
	DB  []string `json:"db"`
	// DBX counts dbx's entries.
	DBX int `json:"dbx_entries"`
	// Missing2023 lists the Microsoft 2023 CAs missing where their 2011
	// predecessors are enrolled, as "KEK: Microsoft Corporation KEK 2K CA
	// 2023" (empty when none is missing).
	Missing2023 []string `json:"missing_2023"`
}

// templateSummary is the document of testdata/descriptors/SET/templates.json.
type templateSummary struct {
	Comment   string         `json:"comment"`
	Templates []TemplateKeys `json:"templates"`
}

// DistroTemplates returns the summary of the bundled set's NVRAM templates
// (nil when the set has none recorded).
func DistroTemplates(name string) []TemplateKeys {
	if !slices.Contains(Distros(), name) {
		return nil
	}
	data, err := fs.ReadFile(catalog, "testdata/descriptors/"+name+"/templates.json")
	if err != nil {
		return nil
	}
	var s templateSummary
	if json.Unmarshal(data, &s) != nil {
		return nil
	}
	return s.Templates
}
