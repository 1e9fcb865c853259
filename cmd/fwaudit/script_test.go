package main

import (
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/fwaudit/fwaudit/cli"
	"github.com/fwaudit/fwaudit/hostinfo"
	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain makes the test binary fwaudit for the scripts: main, but on
// the stand-in host FWAUDIT_TEST_HOST_PATH names (no programs when unset),
// so that tests never run the real host's libvirt or QEMU.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"fwaudit": func() {
			dirs := []string{}
			if v := os.Getenv("FWAUDIT_TEST_HOST_PATH"); v != "" {
				dirs = filepath.SplitList(v)
			}
			os.Exit(cli.Run(os.Args[1:], cli.Options{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Host: hostinfo.Prober{Dirs: dirs}}))
		},
	})
}

// TestScript runs the CLI scripts in testdata/script: each checks the output
// and the exit code of fwaudit commands.
func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("CORPUS", "../../../../testdata/descriptors")
			vars, err := filepath.Abs("../../varstore/testdata")
			env.Setenv("VARS", vars) // varstore's real images, gzip-compressed
			if err != nil {
				return err
			}
			catalog, err := filepath.Abs("../../testdata/descriptors")
			env.Setenv("CATALOG", catalog) // the bundled sets, as an absolute path
			return err
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"gunzip": gunzipCmd,
			"zeros":  zerosCmd,
		},
		UpdateScripts: os.Getenv("UPDATE_SCRIPTS") != "",
	})
}

// gunzipCmd is "gunzip SRC.gz DST": decompress one of varstore's images.
func gunzipCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: gunzip SRC.gz DST")
	}
	f, err := os.Open(ts.MkAbs(args[0]))
	ts.Check(err)
	defer f.Close()
	zr, err := gzip.NewReader(f)
	ts.Check(err)
	dst := ts.MkAbs(args[1])
	ts.Check(os.MkdirAll(filepath.Dir(dst), 0o755))
	out, err := os.Create(dst)
	ts.Check(err)
	_, err = io.Copy(out, io.LimitReader(zr, 128<<20))
	ts.Check(err)
	ts.Check(out.Close())
}

// zerosCmd is "zeros FILE BYTES": a raw image of zero bytes (a CODE stand-in
// of a real size).
func zerosCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: zeros FILE BYTES")
	}
	n, err := strconv.ParseInt(args[1], 10, 64)
	ts.Check(err)
	dst := ts.MkAbs(args[0])
	ts.Check(os.MkdirAll(filepath.Dir(dst), 0o755))
	ts.Check(os.WriteFile(dst, make([]byte, n), 0o644))
}
