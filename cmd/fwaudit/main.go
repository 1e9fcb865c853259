// Command fwaudit audits QEMU firmware descriptors and predicts which
// firmware libvirt's auto-selection picks for a virtual machine.
//
// Usage:
//
//	fwaudit list     [--root DIR] [--dir DIR]... [--session] [--distro NAME] [--format text|json]
//	fwaudit validate [--libvirt VER] [--format text|json] FILE...
//	fwaudit match    [--root DIR] [--dir DIR]... [--session] [--distro NAME] [--libvirt VER | --profile NAME]
//	                 [--qemu VER] (--domain FILE | --arch A --machine M [request flags]) [--existing] [--explain] [--all]
//	                 [--format text|json|xml]
//	fwaudit audit    [--root DIR] [--dir DIR]... [--distro NAME] [--libvirt VER] [--qemu VER] [--domains PATH]...
//	                 [--require FEATURESET]... [--overrides FILE] [--format F] [--output FILE] [--fail-on SEV] [--quiet]
//	fwaudit lint     [--root DIR] [--libvirt VER] [--overrides FILE] [--format F] [--output FILE] [--fail-on SEV] PATH...
//	fwaudit explain  [RULE]
//	fwaudit distros  [--libvirt VER] [--arch A] [--machine M] [--format text|json]
//	fwaudit help
//
// Exit codes: 0 ok; 1 findings (an invalid descriptor; for match, no
// firmware or a refused domain; for audit and lint, a finding at or above
// --fail-on); 2 usage error; 3 the tool itself failed (I/O).
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
  fwaudit match    [--root DIR] [--dir DIR]... [--session] [--distro NAME] [--libvirt VER | --profile NAME]
                   [--qemu VER] (--domain FILE | --arch A --machine M [--firmware efi|bios] [--secure-boot yes|no]
                    [--enrolled-keys yes|no] [--smm on|off] [--loader-secure yes|no] [--stateless]
                    [--loader-type pflash|rom] [--loader-format raw|qcow2] [--nvram-format raw|qcow2]
                    [--loader PATH] [--nvram-template PATH] [--launch-security sev|sev-es|sev-snp|tdx]
                    [--s3] [--s4] [--no-acpi] [--name NAME]) [--existing] [--explain] [--all]
                   [--format text|json|xml]
      Predict the firmware libvirt's auto-selection picks for a domain (a file,
      or one described by flags) and what it writes into the domain. The libvirt
      release and QEMU version are the flags', else this host's, else the
      profile's; the output says which.
  fwaudit audit    [--root DIR] [--dir DIR]... [--session] [--distro NAME] [--libvirt VER] [--qemu VER]
                   [--domains PATH]... [--require FEATURESET]... [--overrides FILE]
                   [--format text|json|sarif|junit|prometheus] [--output FILE]
                   [--fail-on error|warning|info|never] [--quiet]
      Audit a descriptor set: what libvirt picks for typical guests per arch and
      machine (coverage), lint rules over the files, and what happens to the
      domains given (files or directories such as /etc/libvirt/qemu).
      --require amd-sev-es (or ARCH/MACHINE/FEATURESET) makes that gap an error.
  fwaudit lint     [--root DIR] [--libvirt VER] [--overrides FILE] [--format ...]
                   [--output FILE] [--fail-on ...] [--quiet] PATH...
      The lint rules only, on descriptor files or directories (for packagers);
      images are looked up inside --root (e.g. the DESTDIR).
  fwaudit explain  [RULE]
      List the audit rules, or explain one.
  fwaudit distros  [--libvirt VER] [--arch A] [--machine M] [--format text|json]
      Which bundled distribution set gives which feature set (SEV-ES, TDX,
      stateless, ...), as libvirt would select.
  fwaudit help
      This text.

Exit codes:
  0  ok
  1  findings: for list and validate, a descriptor QEMU's schema or libvirt
     rejects, or an entry libvirt cannot examine; for match, no firmware
     matches or libvirt would refuse the domain; for audit and lint, a
     finding at or above --fail-on (default error)
  2  usage error (for match also: a domain file that is not a domain;
     for audit and lint also: a bad --overrides file; explain: unknown rule)
  3  the tool itself failed (I/O, e.g. an unreadable --domain file)
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
	case "match":
		return runMatch(rest, stdout, stderr)
	case "audit":
		return runAudit(rest, stdout, stderr)
	case "lint":
		return runLint(rest, stdout, stderr)
	case "explain":
		return runExplain(rest, stdout, stderr)
	case "distros":
		return runDistros(rest, stdout, stderr)
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
