package descriptor

// Hostile input to Load (issue 11): each test here failed before the fix
// it names and must keep passing.

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// Case 2: Load stats an entry, then reads it. An entry swapped for a FIFO
// between the two used to hang Load for ever (a plain blocking open); the
// read now opens without blocking and checks the handle.
func TestHostileLoadSwapToFIFO(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "usr/share/qemu/firmware")
	tree(t, root, map[string]string{"usr/share/qemu/firmware/40-ok.json": desc("/ok")})
	p := filepath.Join(dir, "50-x.json")
	stop := make(chan struct{})
	swapped := make(chan struct{})
	go func() {
		defer close(swapped)
		reg, fifo := filepath.Join(root, "reg"), filepath.Join(root, "fifo")
		for {
			select {
			case <-stop:
				return
			default:
			}
			os.WriteFile(reg, []byte(desc("/x")), 0o644)
			os.Rename(reg, p)
			syscall.Mkfifo(fifo, 0o644)
			os.Rename(fifo, p)
		}
	}()
	defer func() { close(stop); <-swapped }()
	done := make(chan int)
	go func() {
		n := 0
		for range 300 {
			set, err := Load(Options{Root: root})
			if err != nil {
				t.Error(err)
				break
			}
			if len(set.Entries) == 0 || set.Entries[0].Name != "40-ok.json" || set.Entries[0].Status != StatusActive {
				t.Errorf("40-ok.json not active: %+v", rows(set))
				break
			}
			n++
		}
		done <- n
	}()
	select {
	case n := <-done:
		t.Logf("%d loads while 50-x.json was swapped with a FIFO", n)
	case <-time.After(60 * time.Second):
		t.Fatal("Load still blocked after 60s: it opened a FIFO swapped in after its stat")
	}
}

// Case 4: a file name that is not valid UTF-8 is a name like any other to
// libvirt (qemuBuildFileList copies d_name and sorts with strcmp); it used
// to be reported as unreadable (os.Root.FS refuses such names), which
// failed the whole lookup.
func TestHostileLoadNonUTF8Name(t *testing.T) {
	root := t.TempDir()
	name := "50-\xff\xfe.json"
	tree(t, root, map[string]string{
		"usr/share/qemu/firmware/" + name:       desc("/latin1"),
		"usr/share/qemu/firmware/60-link.json":  "->" + name,
		"usr/share/qemu/firmware/40-plain.json": desc("/plain"),
	})
	set, err := Load(Options{Root: root})
	if err != nil {
		t.Fatal(err)
	}
	want := []row{
		{"40-plain.json", usr, StatusActive, "/plain"},
		{name, usr, StatusActive, "/latin1"},
		{"60-link.json", usr, StatusActive, "/latin1"},
	}
	if diff := cmp.Diff(want, rows(set)); diff != "" {
		t.Errorf("entries mismatch (-want +got):\n%s", diff)
	}
	if err := set.LookupError(); err != nil {
		t.Errorf("LookupError = %v; want none", err)
	}
}

// Scan stats every entry before Listing.Entries reads any, so the window
// between the two is the whole scan: whatever a file became meanwhile (a
// FIFO, a link out of the root, nothing, a directory, a larger file) is that
// entry's problem, read without blocking and never outside the root, and
// the other entries are judged as usual.
func TestHostileScanChangedBeforeRead(t *testing.T) {
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret.json"), []byte(desc("/secret")), 0o644); err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	const fw = "usr/share/qemu/firmware/"
	files := map[string]string{fw + "10-ok.json": desc("/ok")}
	for _, n := range []string{"20-fifo.json", "30-link.json", "40-gone.json", "50-dir.json", "60-grown.json", "70-emptied.json"} {
		files[fw+n] = desc("/" + n)
	}
	tree(t, root, files)
	l, err := Scan(Options{Root: root})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	dir := filepath.Join(root, fw)
	for _, err := range []error{
		os.Remove(filepath.Join(dir, "20-fifo.json")), syscall.Mkfifo(filepath.Join(dir, "20-fifo.json"), 0o644),
		os.Remove(filepath.Join(dir, "30-link.json")), os.Symlink(filepath.Join(outside, "secret.json"), filepath.Join(dir, "30-link.json")),
		os.Remove(filepath.Join(dir, "40-gone.json")),
		os.Remove(filepath.Join(dir, "50-dir.json")), os.Mkdir(filepath.Join(dir, "50-dir.json"), 0o755),
		os.WriteFile(filepath.Join(dir, "60-grown.json"), make([]byte, MaxSize+1), 0o644),
		os.WriteFile(filepath.Join(dir, "70-emptied.json"), nil, 0o644),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan map[string]*Entry)
	go func() {
		got := map[string]*Entry{}
		for e := range l.Entries() {
			c := *e
			got[e.Name] = &c
		}
		done <- got
	}()
	var got map[string]*Entry
	select {
	case got = <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("Entries blocked: it opened a FIFO swapped in after the scan")
	}
	if e := got["10-ok.json"]; e == nil || e.Status != StatusActive {
		t.Errorf("10-ok.json: %+v, want active", e)
	}
	for _, n := range []string{"20-fifo.json", "30-link.json", "40-gone.json", "50-dir.json", "60-grown.json", "70-emptied.json"} {
		e := got[n]
		if e == nil {
			t.Errorf("%s: not yielded", n)
			continue
		}
		t.Logf("%s: %s %v", n, e.Status, e.Problems)
		if e.Status != StatusInvalid || len(e.Problems) == 0 {
			t.Errorf("%s: status %s, problems %v; want invalid with a problem", n, e.Status, e.Problems)
		}
		if e.Descriptor != nil && e.Descriptor.Mapping.Executable != nil && e.Descriptor.Mapping.Executable.Filename == "/secret" {
			t.Errorf("%s: read the file outside the root", n)
		}
	}
}
