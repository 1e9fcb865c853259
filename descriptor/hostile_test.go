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
