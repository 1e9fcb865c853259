// Command snapshot writes a hostfs listing of the firmware files under a
// root: the top-level symlinks (merged /usr), every entry of the
// directories distributions install firmware images into, one level deep
// (the descriptor directory usr/share/qemu/firmware is left out: a case
// brings its own), and the QEMU emulators in /usr/bin.
//
//	go run ./hostfs/internal/snapshot -root /srv/sid-oracle -title "..." > hostfs/debian-unstable.txt
package main

import (
	"flag"
	"fmt"
	"io/fs"
	"log"
	"os"
	"path"
	"slices"
	"strings"
)

// dirs are where Debian, Fedora, Ubuntu, SUSE, Arch and QEMU upstream put
// firmware images; the ones a root lacks are skipped.
var dirs = []string{
	"usr/share/AAVMF", "usr/share/OVMF", "usr/share/ovmf", "usr/share/qemu",
	"usr/share/qemu-efi-aarch64", "usr/share/seabios", "usr/share/edk2",
	"usr/share/edk2/ovmf", "usr/share/edk2/aarch64", "usr/share/edk2-ovmf",
	"usr/share/edk2/x64", "usr/share/qemu/firmware-images",
}

func main() {
	root := flag.String("root", "/", "root to list")
	title := flag.String("title", "", "first comment line")
	flag.Parse()
	fsys := os.DirFS(*root)
	var lines []string
	add := func(name string) {
		fi, err := fs.Lstat(fsys, name)
		if err != nil {
			log.Fatal(err)
		}
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			t, err := fs.ReadLink(fsys, name)
			if err != nil {
				log.Fatal(err)
			}
			lines = append(lines, "/"+name+" -> "+t)
		case fi.IsDir():
			lines = append(lines, "/"+name+"/")
		default:
			lines = append(lines, "/"+name)
		}
	}
	top, err := fs.ReadDir(fsys, ".")
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range top {
		if e.Type()&fs.ModeSymlink != 0 {
			add(e.Name())
			// and the directory it leads to (/lib -> usr/lib)
			if t, err := fs.ReadLink(fsys, e.Name()); err == nil && !path.IsAbs(t) {
				if fi, err := fs.Stat(fsys, t); err == nil && fi.IsDir() {
					add(path.Clean(t))
				}
			}
		}
	}
	for _, d := range dirs {
		fi, err := fs.Lstat(fsys, d)
		if err != nil {
			continue
		}
		add(d)
		if !fi.IsDir() {
			continue
		}
		ents, err := fs.ReadDir(fsys, d)
		if err != nil {
			log.Fatal(err)
		}
		for _, e := range ents {
			n := path.Join(d, e.Name())
			if n == "usr/share/qemu/firmware" || slices.Contains(dirs, n) {
				continue
			}
			add(n)
		}
	}
	// The emulators: libvirt refuses a domain whose <emulator> is not there.
	if ents, err := fs.ReadDir(fsys, "usr/bin"); err == nil {
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), "qemu-system-") {
				add(path.Join("usr/bin", e.Name()))
			}
		}
	}
	slices.Sort(lines)
	fmt.Printf("# %s\n# Written by go run ./hostfs/internal/snapshot -root %s; do not edit.\n", *title, *root)
	for _, l := range slices.Compact(lines) {
		fmt.Println(l)
	}
}
