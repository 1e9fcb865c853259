// Package cli is fwaudit's command line as a value: the cobra command tree
// of every fwaudit command (New), with its flags, defined once (flagTable),
// its help and exit codes, and the whole run of one command line (Run,
// Main). cmd/fwaudit's main is Main and nothing else; tests, the man pages
// (go generate ./cli) and shell completion come from the same tree, and a
// Go program can embed the command with New.
//
// Each command is one file here (list.go, match.go, ...) that takes its
// flags from the table and hands them to the library's entry points, which
// make every decision (package result, report, diff, varstore); fwaudit
// help lists the commands, fwaudit help COMMAND explains one.
//
// Exit codes: 0 ok; 1 findings (an invalid descriptor; for match, no
// firmware or a refused domain; for audit and lint, a finding at or above
// --fail-on); 2 usage error; 3 the tool itself failed (I/O, including a
// failed write to standard output).
package cli

//go:generate go run ../cmd/fwaudit man ../man

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/fwaudit/fwaudit/hostinfo"
	"github.com/fwaudit/fwaudit/internal/termtext"
	"github.com/fwaudit/fwaudit/matcher"
	"github.com/fwaudit/fwaudit/release"
	"github.com/fwaudit/fwaudit/result"
	"github.com/fwaudit/fwaudit/source"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Exit codes.
const (
	exitOK       = 0
	exitFindings = 1
	exitUsage    = 2
	exitFailure  = 3
)

// commands builds the subcommands, in the order help lists them. Adding a
// command is a file with a constructor and a line here.
var commands = []func(*app) *cobra.Command{
	newListCmd,
	newValidateCmd,
	newMatchCmd,
	newAuditCmd,
	newLintCmd,
	newDiffCmd,
	newExplainCmd,
	newDistrosCmd,
	newVarsCmd,
	newManCmd,
}

// Options are what a command tree reads, writes and asks.
type Options struct {
	// The streams; nil ones are os.Stdin, os.Stdout and os.Stderr.
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Color colors text output for a terminal (Main: standard output is
	// one, and NO_COLOR is unset).
	Color bool
	// Host probes this host's libvirt and QEMU; nil is hostinfo.Prober{}.
	Host release.Prober
}

// Main is fwaudit: it runs the command line args (without the program
// name) with the given streams and this host, colors text when stdout is a
// terminal, and returns the exit code.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return Run(args, Options{Stdin: stdin, Stdout: stdout, Stderr: stderr, Color: colorFor(stdout)})
}

// Run executes one command line with o and returns the exit code (see
// ExitCode). Errors go to o.Stderr, prefixed with the command, with a
// pointer to its help for a usage error; a failed write to o.Stdout is
// exit 3 whatever the command returned.
func Run(args []string, o Options) int {
	o = o.withDefaults()
	stdout := &errWriter{w: o.Stdout}
	o.Stdout = stdout
	root := New(o)
	root.SetArgs(args)
	cmd, err := root.ExecuteC()
	name := "fwaudit"
	if cmd != nil {
		name = cmd.CommandPath()
	}
	code := ExitCode(err)
	if ee := (*exitError)(nil); errors.As(err, &ee) {
		err = ee.err
	}
	if err != nil {
		fmt.Fprintf(o.Stderr, "%s: %s\n", name, cleanLines(err.Error()))
		if code == exitUsage && cmd != nil {
			fmt.Fprintf(o.Stderr, "Run '%s --help' for usage.\n", name)
		}
	}
	if stdout.err != nil && code != exitFailure {
		fmt.Fprintf(o.Stderr, "%s: writing output: %s\n", name, cleanLines(stdout.err.Error()))
		return exitFailure
	}
	return code
}

// ExitCode is the exit code of an error the tree New builds returns:
// 0 for nil, the code a command gave, else 2 (cobra's own errors: unknown
// commands, flags and arguments).
func ExitCode(err error) int {
	var ee *exitError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ee):
		return ee.code
	}
	return exitUsage
}

// withDefaults is o with the process's streams and this host where o has
// none.
func (o Options) withDefaults() Options {
	if o.Stdin == nil {
		o.Stdin = os.Stdin
	}
	if o.Stdout == nil {
		o.Stdout = os.Stdout
	}
	if o.Stderr == nil {
		o.Stderr = os.Stderr
	}
	if o.Host == nil {
		o.Host = hostinfo.Prober{}
	}
	return o
}

// app is what every command shares.
type app struct {
	stdout, stderr io.Writer
	color          bool
	host           release.Prober
}

const rootLong = `fwaudit audits QEMU firmware descriptors and predicts libvirt's firmware choice.

The libvirt release and QEMU version a prediction is made for are, in this
order: --libvirt/--profile and --qemu; this host's, for this host's
descriptors; the bundled set's own release, for --distro; else the newest
modelled. Every output says which, and why.`

const exitCodes = `Exit codes:
  0  ok
  1  findings: for list and validate, a descriptor QEMU's schema or libvirt
     rejects, or an entry libvirt cannot examine; for match, no firmware
     matches or libvirt (or nova) would refuse the domain; for audit and
     lint, a finding at or above --fail-on (default error); for diff, a
     regression
  2  usage error (for match also: a domain file that is not a domain;
     for audit and lint also: a bad --overrides file; explain: unknown rule)
  3  the tool itself failed (I/O, e.g. an unreadable --domain file, or a
     failed write to standard output)
`

// New builds fwaudit's command tree. Its Execute's error carries the exit
// code (ExitCode); Run runs it as fwaudit does.
func New(o Options) *cobra.Command {
	o = o.withDefaults()
	a := &app{stdout: o.Stdout, stderr: o.Stderr, color: o.Color, host: o.Host}
	root := &cobra.Command{
		Use:           "fwaudit",
		Short:         "Audit QEMU firmware descriptors and predict libvirt's firmware choice",
		Long:          rootLong,
		Version:       versionString(),
		SilenceErrors: true,
		SilenceUsage:  true,
		// Without a command: the help, on stderr, as a usage error.
		// cobra reports an unknown command, with suggestions.
		RunE: func(cmd *cobra.Command, args []string) error {
			cmd.SetOut(a.stderr)
			cmd.Help()
			return &exitError{code: exitUsage}
		},
	}
	root.SetIn(o.Stdin)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	root.SetVersionTemplate("fwaudit {{.Version}}\n")
	root.SetFlagErrorFunc(flagError)
	root.SetUsageTemplate(root.UsageTemplate() + "\n" + exitCodes)
	root.CompletionOptions.HiddenDefaultCmd = false
	for _, newCmd := range commands {
		root.AddCommand(newCmd(a))
	}
	return root
}

// flagError makes a bad flag a usage error, with the flag value's own
// message when it has one (enumerated values suggest the closest).
func flagError(cmd *cobra.Command, err error) error {
	var iv *pflag.InvalidValueError
	if errors.As(err, &iv) && iv.Unwrap() != nil {
		err = iv.Unwrap()
	}
	return &exitError{code: exitUsage, err: err}
}

// versionString is the module version fwaudit was built as and the
// releases it models.
func versionString() string {
	return fmt.Sprintf("%s (models libvirt %s, and %s)", toolVersion(), strings.Join(libvirtVersions, ", "), matcher.NovaLegacy.Name)
}

// toolVersion is the module version fwaudit was built as, or "devel".
func toolVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

// exitError carries an exit code; err, when set, is printed.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// errFindings is exit 1 with nothing more to say: the output said it.
var errFindings = &exitError{code: exitFindings}

// usageError is a usage error's message.
type usageError string

func (e usageError) Error() string { return string(e) }

// failure classifies an error a command returns: a usageError or a
// *release.UsageError (the library's) is exit 2, a *result.RefusedError or
// a *result.DomainRefusedError exit 1, an exitError keeps its code, and
// anything else is the tool's failure, 3.
func failure(err error) error {
	var (
		ee  *exitError
		ue  usageError
		rue *release.UsageError
		ref *result.RefusedError
		dre *result.DomainRefusedError
	)
	switch {
	case err == nil, errors.As(err, &ee):
		return err
	case errors.As(err, &ue), errors.As(err, &rue):
		return &exitError{code: exitUsage, err: err}
	case errors.As(err, &ref), errors.As(err, &dre):
		return &exitError{code: exitFindings, err: err}
	}
	return &exitError{code: exitFailure, err: err}
}

// needArgs is a command's Args: at least one, else the usage error msg.
func needArgs(msg string) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if len(args) == 0 {
			return usageError(msg)
		}
		return nil
	}
}

// runE adapts a command body to cobra, classifying its error (failure).
func runE(f func(cmd *cobra.Command, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error { return failure(f(cmd, args)) }
}

// errWriter passes writes on and remembers the first error.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	if err != nil {
		e.err = err
	}
	return n, err
}

// fallBack is spec with the host prober, after source.Spec.FallBack, whose
// note goes to stderr.
func (a *app) fallBack(spec source.Spec) source.Spec {
	spec.Host = a.host
	spec, note := spec.FallBack()
	if note != "" {
		fmt.Fprintln(a.stderr, note)
	}
	return spec
}

// colorFor says whether to color output to w: only a terminal, and not
// with NO_COLOR or TERM=dumb.
func colorFor(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// textOptions are the text renderers' options for this run.
func (a *app) textOptions() result.TextOptions {
	return result.TextOptions{Color: a.color}
}

// render writes r to stdout in format ("text" or "json").
func (a *app) render(format string, r result.Result) error {
	return result.Write(a.stdout, r, result.Format(format), a.textOptions())
}

// cleanLines escapes control and bidirectional characters in a message
// (file names come from the user and the file system), line by line.
func cleanLines(msg string) string {
	lines := strings.Split(msg, "\n")
	for i, l := range lines {
		lines[i] = termtext.Clean(l)
	}
	return strings.Join(lines, "\n")
}
