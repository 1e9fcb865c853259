package cli

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// TestRequestFlagsDefined: every name in requestFlags is one of match's
// flags (pflag's Changed is silently false for a name never defined, so a
// typo would let --domain combine with that flag).
func TestRequestFlagsDefined(t *testing.T) {
	c := newMatchCmd(testApp())
	for _, n := range requestFlags {
		if c.Flags().Lookup(n) == nil {
			t.Errorf("requestFlags names --%s, which match does not define", n)
		}
	}
	if c.Flags().Lookup("domain") == nil || len(requestFlags) < 15 {
		t.Fatal("match's flags are not registered")
	}
}

// TestFlagTableUsed: every entry of flagTable is some command's flag, with
// the entry's help (an entry no command takes is dead).
func TestFlagTableUsed(t *testing.T) {
	root := New(Options{Stdout: io.Discard, Stderr: io.Discard})
	for key, d := range flagTable {
		name, _, _ := strings.Cut(key, "/")
		used := false
		for _, c := range root.Commands() {
			if f := c.Flags().Lookup(name); f != nil && f.Usage == d.usage {
				used = true
			}
		}
		if !used {
			t.Errorf("flagTable[%q]: no command takes it", key)
		}
	}
}

// TestExitCode: a command's code is kept, cobra's own errors are usage
// errors.
func TestExitCode(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want int
	}{
		{nil, exitOK},
		{errFindings, exitFindings},
		{failure(errors.New("read error")), exitFailure},
		{failure(usageError("bad")), exitUsage},
		{errors.New(`unknown command "x" for "fwaudit"`), exitUsage},
	} {
		if got := ExitCode(tc.err); got != tc.want {
			t.Errorf("ExitCode(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
}

// TestNewDefaults: a zero Options is the process's streams and this host.
func TestNewDefaults(t *testing.T) {
	root := New(Options{})
	if root.OutOrStdout() != os.Stdout || root.ErrOrStderr() != os.Stderr || root.InOrStdin() != os.Stdin {
		t.Error("New(Options{}) does not use the process's streams")
	}
	if (Options{}).withDefaults().Host == nil {
		t.Error("no host prober")
	}
}

// TestEmptyFileFlag: an input file flag given an empty name (--image="",
// as "--image $FILE" gives with FILE unset) is a usage error naming the
// flag, not the flag left out: match used to say "give a domain", audit
// and match with another nova flag ran without the file.
func TestEmptyFileFlag(t *testing.T) {
	for _, tc := range []struct {
		args []string
		flag string
	}{
		{[]string{"match", "--distro", "debian-13", "--image", ""}, "--image"},
		{[]string{"match", "--distro", "debian-13", "--image-property", "hw_firmware_type=uefi", "--flavor="}, "--flavor"},
		{[]string{"match", "--distro", "debian-13", "--domain", ""}, "--domain"},
		{[]string{"audit", "--distro", "debian-13", "--image="}, "--image"},
		{[]string{"audit", "--distro", "debian-13", "--flavor", ""}, "--flavor"},
		{[]string{"audit", "--distro", "debian-13", "--nova-combinations="}, "--nova-combinations"},
		// "--output $OUT" with OUT unset wrote the report to stdout, and
		// "--overrides $FILE" suppressed nothing, both with exit 0.
		{[]string{"audit", "--distro", "debian-13", "--output", ""}, "--output"},
		{[]string{"audit", "--distro", "debian-13", "--overrides="}, "--overrides"},
		{[]string{"lint", "--output=", "testdata/none.json"}, "--output"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, stdout, stderr := runFor(t, tc.args...)
			if code != exitUsage {
				t.Errorf("exit %d, want %d (stderr: %s)", code, exitUsage, stderr)
			}
			if want := tc.flag + ": empty file name"; !strings.Contains(stderr, want) {
				t.Errorf("stderr does not say %q: %q", want, stderr)
			}
			if stdout != "" {
				t.Errorf("stdout: %q", stdout)
			}
		})
	}
}

// TestNoIgnoredFlags: a command does not take a flag it ignores. lint and
// validate judge descriptor files for libvirt releases, lint each with its
// own QEMU, so --qemu (one host's QEMU) is refused there rather than hidden
// and ignored; no command hides a flag.
func TestNoIgnoredFlags(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "50-ovmf.json")
	writeFile(t, file, `{"description":"OVMF","interface-types":["uefi"],"mapping":{"device":"memory","filename":"/a.fd"},"targets":[{"architecture":"x86_64","machines":["pc-q35-*"]}],"features":[],"tags":[]}`)
	for _, cmd := range []string{"lint", "validate"} {
		code, stdout, stderr := runFor(t, cmd, "--qemu", "9.2", file)
		if code != exitUsage || !strings.Contains(stderr, "unknown flag: --qemu") {
			t.Errorf("%s --qemu 9.2: exit %d, stderr %q, stdout %q; want exit %d, unknown flag", cmd, code, stderr, stdout, exitUsage)
		}
	}
	root := New(Options{Stdout: io.Discard, Stderr: io.Discard})
	for _, c := range root.Commands() {
		c.Flags().VisitAll(func(f *pflag.Flag) {
			if f.Hidden {
				t.Errorf("%s: hidden flag --%s", c.Name(), f.Name)
			}
		})
	}
}
