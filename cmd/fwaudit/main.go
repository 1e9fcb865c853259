// Command fwaudit audits QEMU firmware descriptors and predicts which
// firmware libvirt's auto-selection picks for a virtual machine.
//
// Usage:
//
//	fwaudit list     [--root DIR] [--dir DIR]... [--session] [--distro NAME] [--format text|json]
//	fwaudit validate [--libvirt VER] [--format text|json] FILE...
//	fwaudit help
//
// Exit codes: 0 ok; 1 invalid input found; 2 usage error; 3 the tool itself
// failed (I/O).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

// Exit codes.
const (
	exitOK       = 0
	exitFindings = 1
	exitUsage    = 2
	exitFailure  = 3
)

const usage = `fwaudit audits QEMU firmware descriptors and predicts libvirt's firmware choice.

Usage:
  fwaudit list     [--root DIR] [--dir DIR]... [--session] [--distro NAME] [--format text|json]
      The descriptors libvirt sees, in its order, with status (active, invalid,
      mask, masked, overridden, ignored, error), provenance and a summary.
  fwaudit validate [--libvirt VER] [--format text|json] FILE...
      Check single descriptor files against QEMU's schema and libvirt's parser.
  fwaudit help
      This text.

Exit codes:
  0  ok
  1  invalid input found (a descriptor QEMU's schema or libvirt rejects,
     an entry libvirt cannot examine)
  2  usage error
  3  the tool itself failed (I/O)
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes one command line and returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "list":
		return runList(rest, stdout, stderr)
	case "validate":
		return runValidate(rest, stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	fmt.Fprintf(stderr, "fwaudit: unknown command %q\n\n%s", cmd, usage)
	return exitUsage
}

// newFlags returns a flag set that reports errors on stderr and never exits.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("fwaudit "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parseFlags parses args, mapping -h and bad flags to exit codes.
func parseFlags(fs *flag.FlagSet, args []string) (code int, ok bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK, false
		}
		return exitUsage, false
	}
	return 0, true
}

// multiFlag collects a repeated string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return fmt.Sprint(*m) }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }
