package safefile_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"github.com/fwaudit/fwaudit/internal/safefile"
)

func ExampleRead() {
	dir, _ := os.MkdirTemp("", "safefile")
	defer os.RemoveAll(dir)
	p := filepath.Join(dir, "pipe")
	syscall.Mkfifo(p, 0o644)
	// A named pipe would block a plain os.ReadFile for ever.
	_, err := safefile.Read(p, 1<<20)
	fmt.Println(errors.Is(err, safefile.ErrNotRegular))
	// Output: true
}

func ExampleReadIn() {
	dir, _ := os.MkdirTemp("", "safefile")
	defer os.RemoveAll(dir)
	os.WriteFile(filepath.Join(dir, "50-edk2.json"), []byte(`{"interface-types":["uefi"]}`), 0o644)
	root, _ := os.OpenRoot(dir)
	defer root.Close()
	data, err := safefile.ReadIn(root, "50-edk2.json", 1<<20)
	fmt.Println(string(data), err)
	_, err = safefile.ReadIn(root, "50-edk2.json", 8)
	fmt.Println(errors.Is(err, safefile.ErrTooLarge))
	// Output:
	// {"interface-types":["uefi"]} <nil>
	// true
}

func ExampleFS() {
	dir, _ := os.MkdirTemp("", "safefile")
	defer os.RemoveAll(dir)
	os.Symlink("/etc/passwd", filepath.Join(dir, "escape.json"))
	root, _ := os.OpenRoot(dir)
	defer root.Close()
	_, err := safefile.ReadFS(safefile.FS(root), "escape.json", 1<<20)
	fmt.Println(err != nil)
	// Output: true
}
