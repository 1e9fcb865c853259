package varstore_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing/fstest"
	"time"

	"github.com/fwaudit/fwaudit/varstore"
)

func gunzip(name string) []byte {
	f, err := os.Open(name)
	if err != nil {
		panic(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		panic(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		panic(err)
	}
	return b
}

func ExampleRead() {
	data := gunzip("testdata/raw/debian-13_OVMF_VARS_4M.ms.fd.gz")
	img, err := varstore.Read("OVMF_VARS_4M.ms.fd", bytes.NewReader(data), int64(len(data)))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(img.Container, img.Format, img.Volume.Length)
	for _, c := range img.SecureBoot().KEK.Certs() {
		fmt.Println("KEK:", c.Label(), c.NotAfter.Format("2006-01-02"))
	}
	// Output:
	// raw edk2-authenticated 540672
	// KEK: Debian UEFI Secure Boot (PK/KEK key) 2029-07-05
	// KEK: Microsoft Corporation KEK CA 2011 2026-06-24
}

func ExampleOpen() {
	root := fstest.MapFS{"usr/share/OVMF/OVMF_VARS_4M.ms.fd": {Data: gunzip("testdata/qcow2/debian-unstable_OVMF_VARS_4M.ms.compressed.qcow2.gz")}}
	img, err := varstore.Open(root, "usr/share/OVMF/OVMF_VARS_4M.ms.fd")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(img.Container, img.ImageSize, img.SecureBoot().HasMicrosoft2023())
	// Output: qcow2 540672 true
}

func ExampleOpenFile() {
	dir, _ := os.MkdirTemp("", "varstore")
	defer os.RemoveAll(dir)
	vars := filepath.Join(dir, "OVMF_VARS_4M.ms.fd")
	os.WriteFile(vars, gunzip("testdata/raw/ubuntu-24.04-updates_OVMF_VARS_4M.ms.fd.gz"), 0o644)
	img, err := varstore.OpenFile(vars)
	fmt.Println(img.Container, img.SecureBoot().HasMicrosoft2023(), err)
	// A named pipe is refused, not waited for.
	syscall.Mkfifo(filepath.Join(dir, "pipe"), 0o644)
	_, err = varstore.OpenFile(filepath.Join(dir, "pipe"))
	fmt.Println(errors.Is(err, varstore.ErrNotRegular))
	// Output:
	// raw true <nil>
	// true
}

func ExampleSecureBoot_Missing2023() {
	img, _ := varstore.ReadBytes("OVMF_VARS_4M.ms.fd", gunzip("testdata/raw/debian-12_OVMF_VARS_4M.ms.fd.gz"))
	for _, g := range img.SecureBoot().Missing2023() {
		for _, m := range g.Missing {
			fmt.Printf("%s lacks %s\n", g.Var, m.Name)
		}
	}
	// Output:
	// KEK lacks Microsoft Corporation KEK 2K CA 2023
	// db lacks Windows UEFI CA 2023
	// db lacks Microsoft UEFI CA 2023
	// db lacks Microsoft Option ROM UEFI CA 2023
}

func ExampleParseSignatureLists() {
	img, _ := varstore.ReadBytes("v.fd", gunzip("testdata/raw/debian-unstable_OVMF_VARS_4M.ms.fd.gz"))
	db, _ := img.Lookup("db", varstore.ImageSecurityDatabase)
	sigs, err := varstore.ParseSignatureLists("v.fd", db.Data, db.DataOffset)
	fmt.Println(len(sigs), err, sigs[1].Cert.Known.ID)
	// Output: 5 <nil> ms-windows-uefi-ca-2023
}

func ExampleLookupKnown() {
	k, ok := varstore.LookupKnown("3cd3f0309edae228767a976dd40d9f4affc4fbd5218f2e8cc3c9dd97e8ac6f9d")
	fmt.Println(k.Name, k.Year, k.Role, ok)
	// Output: Microsoft Corporation KEK 2K CA 2023 2023 microsoft-kek true
}

func ExampleSummary_WriteText() {
	data := gunzip("testdata/raw/debian-unstable_OVMF_VARS_4M.ms.fd.gz")
	img, err := varstore.ReadBytes("OVMF_VARS_4M.ms.fd", data)
	s := varstore.Summary{SchemaVersion: varstore.SummarySchemaVersion, At: "2026-12-04",
		Files: []varstore.FileSummary{varstore.Summarize("OVMF_VARS_4M.ms.fd", img, err, time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC))}}
	s.WriteText(os.Stdout, varstore.TextOptions{})
	// Output:
	// OVMF_VARS_4M.ms.fd: Microsoft 2023 CAs: enrolled in KEK and db
	//   container    raw, 540672 bytes (image 540672 bytes)
	//   store        edk2-authenticated, volume 540672 bytes at 0x0, store 262072 bytes at 0x48; 4 variables
	//   secure boot  enabled (PK enrolled)
	//   PK           Debian UEFI Secure Boot (PK/KEK key)   until 2029-07-05    debian-pk-kek
	//   KEK          Debian UEFI Secure Boot (PK/KEK key)   until 2029-07-05    debian-pk-kek
	//                Microsoft Corporation KEK CA 2011      expired 2026-06-24  ms-kek-2011
	//                Microsoft Corporation KEK 2K CA 2023   until 2038-03-02    ms-kek-2023
	//   db           Microsoft Windows Production PCA 2011  expired 2026-10-19  ms-windows-pca-2011
	//                Windows UEFI CA 2023                   until 2035-06-13    ms-windows-uefi-ca-2023
	//                Microsoft Corporation UEFI CA 2011     expired 2026-06-27  ms-uefi-ca-2011
	//                Microsoft UEFI CA 2023                 until 2038-06-13    ms-uefi-ca-2023
	//                Microsoft Option ROM UEFI CA 2023      until 2038-10-26    ms-option-rom-ca-2023
	//   dbx          443 sha256 hashes
}

// What fwaudit vars shows; a file that cannot be read is an entry with
// its error.
func ExampleSummarizeFiles() {
	s := varstore.SummarizeFiles([]string{"nosuch_VARS.fd"}, time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC))
	fmt.Println(s.At, s.Files[0].Status, s.Failed())
	// Output: 2026-07-01 error true
}

// What fwaudit vars --format json prints for a file that cannot be read.
func ExampleSummary_Write() {
	s := varstore.SummarizeFiles([]string{"nosuch_VARS.fd"}, time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC))
	var b strings.Builder
	if err := s.Write(&b, "json", varstore.TextOptions{}); err != nil {
		panic(err)
	}
	fmt.Println(strings.Contains(b.String(), `"status": "error"`))
	fmt.Println(s.Write(&b, "yaml", varstore.TextOptions{}))
	// Output:
	// true
	// varstore: unknown format "yaml" (want text or json)
}
