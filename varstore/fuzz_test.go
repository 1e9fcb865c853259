package varstore

import (
	"errors"
	"testing"
)

// checkErr fails unless err is nil or an *Error naming file.
func checkErr(t *testing.T, file string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var e *Error
	if !errors.As(err, &e) || e.File != file || e.Msg == "" {
		t.Fatalf("error without file and offset: %v", err)
	}
}

func exercise(t *testing.T, file string, data []byte) {
	img, err := ReadBytes(file, data)
	checkErr(t, file, err)
	if img == nil {
		return
	}
	sb := img.SecureBoot()
	for _, k := range sb.DBs() {
		checkErr(t, file, k.Err)
	}
	_ = sb.Missing2023()
	_ = img.Current()
}

// FuzzRead feeds whole files to Read: container detection, qcow2, the
// JSON store, the edk2 volume and store and the signature lists behind
// them. Seeds are the real templates and their conversions.
func FuzzRead(f *testing.F) {
	for _, name := range []string{"raw/debian-13_OVMF_VARS_4M.ms.fd", "qcow2/debian-unstable_OVMF_VARS_4M.ms.compressed.qcow2",
		"qcow2/debian-13_OVMF_VARS_4M.c4k.qcow2", "corrupt/variable-overrun.fd"} {
		f.Add(fixture(f, name))
	}
	f.Add(store(8192, 0, Variable{Name: "PK", GUID: GlobalVariable, State: StateAdded, Data: []byte{1, 2, 3}}))
	f.Fuzz(func(t *testing.T, data []byte) { exercise(t, "f.fd", data) })
}

// FuzzQcow2 fuzzes the qcow2 layer with a real header kept in front, so the
// fuzzer spends its time in the tables rather than the magic.
func FuzzQcow2(f *testing.F) {
	f.Add(fixture(f, "qcow2/debian-13_OVMF_VARS_4M.c4k.qcow2")[:64<<10])
	f.Add(fixture(f, "qcow2/debian-unstable_OVMF_VARS_4M.ms.compressed.qcow2")[:96<<10])
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 4 {
			return
		}
		copy(data, qcow2Magic)
		exercise(t, "f.qcow2", data)
	})
}

// FuzzJSON fuzzes QEMU's JSON store.
func FuzzJSON(f *testing.F) {
	f.Add(fixture(f, "json/debian-unstable_OVMF_VARS_4M.ms.json")[:4096])
	f.Add([]byte(`{"version":2,"variables":[{"name":"db","guid":"d719b2cb-3d3a-4596-a3bc-dad00e67656f","attr":39,"data":"00"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) { exercise(t, "f.json", append([]byte("{"), data...)) })
}

// FuzzSignatureLists fuzzes the EFI_SIGNATURE_LIST parser alone.
func FuzzSignatureLists(f *testing.F) {
	img := readFixture(f, "raw/debian-unstable_OVMF_VARS_4M.ms.fd")
	for _, n := range []string{"KEK", "db"} {
		ns := GlobalVariable
		if n == "db" {
			ns = ImageSecurityDatabase
		}
		v, _ := img.Lookup(n, ns)
		f.Add(v.Data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sigs, err := ParseSignatureLists("f", data, 0)
		checkErr(t, "f", err)
		for _, s := range sigs {
			if s.Offset < 0 || s.Offset >= int64(len(data)) {
				t.Fatalf("entry offset %d outside %d bytes", s.Offset, len(data))
			}
		}
	})
}
