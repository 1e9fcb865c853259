package descriptor

import (
	"testing"
	"testing/fstest"
	"unsafe"
)

// TestDropData: after DropData the entry keeps its decoded fields but no
// bytes, and Position answers 0, 0.
func TestDropData(t *testing.T) {
	data := []byte(`{
  "description": "x",
  "interface-types": ["uefi"],
  "mapping": {"device": "memory", "filename": "/usr/share/fw/x.fd"},
  "targets": [{"architecture": "x86_64", "machines": ["pc-q35-*"]}],
  "features": ["acpi-s3"],
  "tags": []
}
`)
	set, err := Load(Options{FS: fstest.MapFS{"usr/share/qemu/firmware/50-x.json": {Data: data}}})
	if err != nil {
		t.Fatal(err)
	}
	e := set.Entries[0]
	if e.Status != StatusActive {
		t.Fatalf("status %s: %v %v", e.Status, e.Problems, e.Libvirt)
	}
	if l, c := e.Descriptor.Position("/mapping/filename"); l != 4 || c != 47 {
		t.Fatalf("Position before DropData = %d:%d, want 4:47", l, c)
	}
	kept := *e.Descriptor // a copy taken before keeps its bytes
	e.DropData()
	if e.Data != nil {
		t.Error("Data kept")
	}
	if l, c := e.Descriptor.Position("/mapping/filename"); l != 0 || c != 0 {
		t.Errorf("Position after DropData = %d:%d, want 0:0", l, c)
	}
	if l, c := kept.Position("/mapping/filename"); l != 4 || c != 47 {
		t.Errorf("Position of a copy taken before DropData = %d:%d, want 4:47", l, c)
	}
	// What the bytes and the tree cost is one pointer once they are gone.
	if got, want := unsafe.Sizeof(Descriptor{}), unsafe.Sizeof("")+4*unsafe.Sizeof([]string{})+
		unsafe.Sizeof(Mapping{})+unsafe.Sizeof(&source{}); got != want {
		t.Errorf("Descriptor is %d bytes, want %d (its exported fields and one pointer)", got, want)
	}
	if e.Descriptor.Mapping.Filename != "/usr/share/fw/x.fd" || !e.Descriptor.Has(FeatureACPIS3) || e.FeatureSet() == 0 {
		t.Errorf("decoded fields lost: %+v", e.Descriptor)
	}
}
