package benchmarks

import (
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/fwaudit/fwaudit/varstore"
)

// varsFiles writes the VARS images the varstore benchmarks read into a
// temporary directory: real templates (varstore/testdata) and a 4 MiB
// combined image (Debian unstable's 528 KiB template followed by 3568 KiB of
// CODE stand-in, the x86 4 MiB layout).
func varsFiles(b *testing.B) string {
	b.Helper()
	dir := b.TempDir()
	for name, fx := range map[string]string{
		"OVMF_VARS_4M.ms.fd":               "raw/debian-unstable_OVMF_VARS_4M.ms.fd",
		"OVMF_VARS_4M.ms.qcow2":            "qcow2/debian-13_OVMF_VARS_4M.ms.qcow2",
		"OVMF_VARS_4M.ms.compressed.qcow2": "qcow2/debian-unstable_OVMF_VARS_4M.ms.compressed.qcow2",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), gunzipVars(b, fx), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	combined := append(gunzipVars(b, "raw/debian-unstable_OVMF_VARS_4M.ms.fd"), make([]byte, 3653632)...)
	if err := os.WriteFile(filepath.Join(dir, "OVMF.fd"), combined, 0o644); err != nil {
		b.Fatal(err)
	}
	return dir
}

func gunzipVars(b *testing.B, name string) []byte {
	f, err := os.Open(filepath.Join("..", "varstore", "testdata", name+".gz"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		b.Fatal(err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

var sinkCerts int

// BenchmarkVars is varstore.Open of a file and listing the certificates of
// PK, KEK, db and dbx; BenchmarkVarsReadFile is os.ReadFile of the same
// file, the baseline (targets: raw ≤ 3×, qcow2 ≤ 5×).
func BenchmarkVars(b *testing.B) {
	dir := varsFiles(b)
	fsys := os.DirFS(dir)
	for _, name := range []string{"OVMF_VARS_4M.ms.fd", "OVMF.fd", "OVMF_VARS_4M.ms.qcow2", "OVMF_VARS_4M.ms.compressed.qcow2"} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			defer reportCPU(b)()
			for b.Loop() {
				img, err := varstore.Open(fsys, name)
				if err != nil {
					b.Fatal(err)
				}
				sb := img.SecureBoot()
				n := 0
				for _, k := range sb.DBs() {
					n += len(k.Certs())
				}
				if n < 5 {
					b.Fatalf("%s: %d certificates", name, n)
				}
				sinkCerts += n
			}
		})
	}
}

func BenchmarkVarsReadFile(b *testing.B) {
	dir := varsFiles(b)
	for _, name := range []string{"OVMF_VARS_4M.ms.fd", "OVMF.fd", "OVMF_VARS_4M.ms.qcow2", "OVMF_VARS_4M.ms.compressed.qcow2"} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			defer reportCPU(b)()
			for b.Loop() {
				data, err := os.ReadFile(filepath.Join(dir, name))
				if err != nil {
					b.Fatal(err)
				}
				sinkCerts += len(data)
			}
		})
	}
}
