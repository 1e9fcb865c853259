// Command machinesnap writes the machine types a libvirt daemon's QEMU
// capability cache lists for TCG, per emulator, in the cache's order (the
// first is the one libvirt takes for a domain that names none), with their
// aliases and, where the cache says so, that a machine has no ACPI. The
// matcher embeds one such file per QEMU build (matcher/machines/).
//
//	go run ./matcher/internal/machinesnap -root /srv/sid-oracle -qemu 11.1 -title "..." > matcher/machines/qemu-11.1.txt
package main

import (
	"encoding/xml"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// arches maps an emulator binary to the libvirt architecture it serves.
var arches = map[string]string{
	"qemu-system-x86_64":  "x86_64",
	"qemu-system-i386":    "i686",
	"qemu-system-aarch64": "aarch64",
	"qemu-system-arm":     "armv7l",
}

type qemuCaps struct {
	Emulator string `xml:"emulator"`
	Machines []struct {
		Type  string `xml:"type,attr"`
		Name  string `xml:"name,attr"`
		Alias string `xml:"alias,attr"`
		ACPI  string `xml:"acpi,attr"`
	} `xml:"machine"`
}

func main() {
	root := flag.String("root", "/", "root of the libvirt installation whose cache to read")
	qemu := flag.String("qemu", "", "QEMU build key, as profiles name it (7.2, 8.2+ubuntu, ...)")
	title := flag.String("title", "", "first comment line")
	flag.Parse()
	if *qemu == "" {
		log.Fatal("-qemu is required")
	}
	files, err := filepath.Glob(filepath.Join(*root, "var/cache/libvirt/qemu/capabilities/*.xml"))
	if err != nil || len(files) == 0 {
		log.Fatalf("no capability cache under %s", *root)
	}
	out := map[string][]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			log.Fatal(err)
		}
		var c qemuCaps
		if err := xml.Unmarshal(data, &c); err != nil {
			log.Fatalf("%s: %v", f, err)
		}
		arch, ok := arches[filepath.Base(c.Emulator)]
		if !ok {
			continue
		}
		for _, m := range c.Machines {
			if m.Type != "tcg" {
				continue
			}
			line := arch + " " + m.Name
			if m.Alias != "" {
				line += " alias=" + m.Alias
			}
			if m.ACPI == "no" {
				line += " acpi=no"
			}
			out[arch] = append(out[arch], line)
		}
	}
	fmt.Printf("# %s\n# qemu %s\n# Written by go run ./matcher/internal/machinesnap -root %s -qemu %s; do not edit.\n", *title, *qemu, *root, *qemu)
	keys := make([]string, 0, len(out))
	for k := range out {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Println(strings.Join(out[k], "\n"))
	}
}
