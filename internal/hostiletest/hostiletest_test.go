package hostiletest

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestMkfifoWithin(t *testing.T) {
	p := filepath.Join(t.TempDir(), "pipe")
	Mkfifo(t, p)
	info, err := os.Lstat(p)
	if err != nil || info.Mode()&fs.ModeNamedPipe == 0 {
		t.Fatalf("Mkfifo made %v, %v; want a named pipe", info, err)
	}
	ran := false
	Within(t, "a call that returns", func() { ran = true })
	if !ran {
		t.Error("Within returned before f ran")
	}
}
