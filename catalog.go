// Package fwaudit predicts which QEMU firmware libvirt will boot a virtual
// machine with, and audits firmware descriptor sets before an upgrade does it
// for real. The work is done by its sub-packages: descriptor (reading and
// discovering descriptors), schema (QEMU's descriptor schema) and matcher
// (libvirt's auto-selection). This package holds the bundled catalogue of
// real distribution descriptor sets.
package fwaudit

import (
	"embed"
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
