package main

import (
	"strings"
	"testing"

	"github.com/fwaudit/fwaudit/conformance/internal/casefile"
)

func TestBuild(t *testing.T) {
	for _, tc := range []struct {
		name, machine string
		existing      bool
		files         int // root file sections
	}{
		{"firmware-auto-efi", "machine='q35'", true, 20},
		{"firmware-auto-efi-nvram-file", "machine='pc'", true, 20},
		{"firmware-auto-efi-format-loader-raw-abi-update", "machine='virt'", false, 20},
		{"firmware-auto-efi-abi-update-aarch64--2023", "machine='virt'", false, 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ar, err := build("../../upstream", tc.name)
			if err != nil {
				t.Fatal(err)
			}
			if got := casefile.Existing(ar.Comment); got != tc.existing {
				t.Errorf("existing = %v, want %v", got, tc.existing)
			}
			dom := string(ar.Files[casefile.Find(ar, casefile.Domain)].Data)
			for _, want := range []string{"<domain type='qemu'>", "<name>fwc-upstream-" + tc.name + "</name>", tc.machine} {
				if !strings.Contains(dom, want) {
					t.Errorf("domain.xml lacks %q:\n%s", want, dom)
				}
			}
			files := 0
			for _, f := range ar.Files {
				if strings.HasPrefix(f.Name, "root/") {
					files++
				}
			}
			if files != tc.files {
				t.Errorf("%d root files, want %d", files, tc.files)
			}
			if casefile.Find(ar, casefile.Symlinks) < 0 {
				t.Error("no symlinks section: the tree's /etc symlinks are lost")
			}
		})
	}
	if _, err := build("../../upstream", "no-such-case"); err == nil {
		t.Error("build of a missing case succeeded")
	}
}
