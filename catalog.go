// Package fwaudit predicts which QEMU firmware libvirt will boot a virtual
// machine with, and audits firmware descriptor sets before an upgrade does it
// for real. The work is done by its sub-packages: descriptor (reading and
// discovering descriptors), schema (QEMU's descriptor schema) and matcher
// (libvirt's auto-selection). This package holds the bundled catalogue of
// real distribution descriptor sets.
package fwaudit

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
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
// ships, with where that is known from. It is the set's release.json.
type Release struct {
	// Libvirt and QEMU are upstream versions ("10.0.0", "8.2.2"); an
	// Ubuntu build of QEMU carries matcher's "+ubuntu" suffix, as its
	// machine aliases are Ubuntu's own.
	Libvirt string `json:"libvirt,omitempty"`
	QEMU    string `json:"qemu,omitempty"`
	// LibvirtPackage and QEMUPackage are the packages the versions were
	// read from, as dpkg -l names them.
	LibvirtPackage string `json:"libvirt_package,omitempty"`
	QEMUPackage    string `json:"qemu_package,omitempty"`
	// Observed says where the packages' versions were read: an oracle
	// host that installed them, or the release's package index.
	Observed string `json:"observed,omitempty"`
	// Unrecorded says why the versions are not recorded; a set without
	// them is judged with the newest modelled release unless told
	// otherwise.
	Unrecorded string `json:"unrecorded,omitempty"`
}

// Recorded reports whether the release's versions are known.
func (r Release) Recorded() bool { return r.Libvirt != "" }

// DistroRelease returns the release the bundled set name ships, from the
// set's release.json, and whether the set exists and has one. A set whose
// versions are not recorded returns ok with Unrecorded saying why.
func DistroRelease(name string) (r Release, ok bool) {
	if !slices.Contains(Distros(), name) {
		return Release{}, false
	}
	r, err := readRelease(name)
	return r, err == nil
}

// readRelease reads and checks one set's release.json: strict JSON, and
// either the four versions with where they were observed, or the reason
// they are not recorded.
func readRelease(name string) (Release, error) {
	file := "testdata/descriptors/" + name + "/release.json"
	data, err := fs.ReadFile(catalog, file)
	if err != nil {
		return Release{}, err
	}
	return parseRelease(file, data)
}

func parseRelease(file string, data []byte) (Release, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var r Release
	if err := dec.Decode(&r); err != nil {
		return Release{}, fmt.Errorf("%s: %w", file, err)
	}
	versions := r.Libvirt != "" && r.QEMU != "" && r.LibvirtPackage != "" && r.QEMUPackage != "" && r.Observed != ""
	none := r.Libvirt == "" && r.QEMU == "" && r.LibvirtPackage == "" && r.QEMUPackage == "" && r.Observed == ""
	switch {
	case versions && r.Unrecorded == "":
	case none && r.Unrecorded != "":
	default:
		return Release{}, fmt.Errorf("%s: want libvirt, qemu, libvirt_package, qemu_package and observed, or only unrecorded", file)
	}
	return r, nil
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
