package varstore

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"testing"
)

// tinyQcow2 wraps img in a version 3 qcow2 of 512-byte clusters (header,
// L1, L2 tables, data), deflating every other cluster when compress is set:
// small seeds let the fuzzer spend its time in the tables.
func tinyQcow2(img []byte, compress bool) []byte {
	const cs = 512
	be := binary.BigEndian
	n := (len(img) + cs - 1) / cs
	l2n := (n + 63) / 64
	out := make([]byte, (2+l2n)*cs)
	copy(out, qcow2Magic)
	be.PutUint32(out[4:], 3)
	be.PutUint32(out[20:], 9)
	be.PutUint64(out[24:], uint64(len(img)))
	be.PutUint32(out[36:], uint32(l2n))
	be.PutUint64(out[40:], cs)
	be.PutUint32(out[96:], 4)
	be.PutUint32(out[100:], 104)
	for i := 0; i < l2n; i++ {
		be.PutUint64(out[cs+8*i:], uint64((2+i)*cs))
	}
	for c := 0; c < n; c++ {
		chunk := make([]byte, cs)
		copy(chunk, img[c*cs:])
		entry := out[(2+c/64)*cs+8*(c%64):]
		host := len(out)
		if compress && c%2 == 1 {
			var z bytes.Buffer
			w, _ := flate.NewWriter(&z, flate.BestCompression)
			w.Write(chunk)
			w.Close()
			sectors := (host%512 + z.Len() + 511) / 512
			be.PutUint64(entry, 1<<62|uint64(sectors-1)<<(62-1)|uint64(host))
			out = append(out, z.Bytes()...)
			continue
		}
		if pad := len(out) % cs; pad != 0 {
			out = append(out, make([]byte, cs-pad)...)
			host = len(out)
		}
		be.PutUint64(entry, uint64(host))
		out = append(out, chunk...)
	}
	return out
}

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
// them. Seeds are small stores holding a real KEK value, plain, as qcow2
// and inside a combined image, and the head of a real JSON store.
func FuzzRead(f *testing.F) {
	real := readFixture(f, "raw/debian-unstable_OVMF_VARS_4M.ms.fd")
	kek, _ := real.Lookup("KEK", GlobalVariable)
	small := store(16384, 0, Variable{Name: "KEK", GUID: GlobalVariable, State: StateAdded, Data: kek.Data},
		Variable{Name: "KEK", GUID: GlobalVariable, State: StateDeleted, Data: []byte{1}})
	f.Add(small)
	f.Add(tinyQcow2(small, true))
	f.Add(store(16384, 8192, Variable{Name: "PK", GUID: GlobalVariable, State: StateAdded, Data: []byte{1, 2, 3}}))
	f.Add(fixture(f, "json/debian-unstable_OVMF_VARS_4M.ms.json")[:2048])
	f.Fuzz(func(t *testing.T, data []byte) { exercise(t, "f.fd", data) })
}

// FuzzQcow2 fuzzes the qcow2 layer with a real header kept in front, so the
// fuzzer spends its time in the tables rather than the magic.
func FuzzQcow2(f *testing.F) {
	small := store(4096, 0, Variable{Name: "PK", GUID: GlobalVariable, State: StateAdded, Data: []byte{1, 2, 3}})
	f.Add(tinyQcow2(small, false))
	f.Add(tinyQcow2(small, true))
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
