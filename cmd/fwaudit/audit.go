package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime/debug"
	"strings"

	"github.com/fwaudit/fwaudit"
	"github.com/fwaudit/fwaudit/audit"
	"github.com/fwaudit/fwaudit/matcher"
	"github.com/fwaudit/fwaudit/report"
)

// outputFlags are the report flags shared by audit and lint.
type outputFlags struct {
	format, output, failOn string
	quiet                  bool
}

func (o *outputFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&o.format, "format", "text", "output `format`: text, json, sarif, junit or prometheus")
	fs.StringVar(&o.output, "output", "", "write the report to `FILE` (atomically) instead of stdout")
	fs.StringVar(&o.failOn, "fail-on", "error", "exit 1 when a finding is at least `SEVERITY`: error, warning, info or never")
	fs.BoolVar(&o.quiet, "quiet", false, "text output: only failures and warnings")
}

// check validates the flags and returns the format and threshold.
func (o *outputFlags) check() (report.Format, report.Severity, error) {
	f, err := report.ParseFormat(o.format)
	if err != nil {
		return "", "", usageError(strings.TrimPrefix(err.Error(), "report: "))
	}
	if o.failOn == "never" {
		return f, "", nil
	}
	sev, err := report.ParseSeverity(o.failOn)
	if err != nil {
		return "", "", usageError(fmt.Sprintf("--fail-on %q: want error, warning, info or never", o.failOn))
	}
	return f, sev, nil
}

// write renders r to --output or stdout and returns the exit code.
func (o *outputFlags) write(cmd string, r *report.Report, f report.Format, failOn report.Severity, stdout, stderr io.Writer) int {
	opts := report.Options{Quiet: o.quiet}
	var err error
	if o.output != "" {
		err = report.WriteFile(o.output, r, f, opts)
	} else {
		opts.Color = f == report.Text && newStyle(stdout).color
		err = report.Write(stdout, r, f, opts)
	}
	if err != nil {
		return reportError(stderr, cmd, err)
	}
	if r.Fails(failOn) {
		return exitFindings
	}
	return exitOK
}

// toolVersion is the module version fwaudit was built as, or "devel".
func toolVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

// rootFS opens the file system root the images are looked up in.
func rootFS(root string) (fs.FS, func(), error) {
	if root == "" {
		root = "/"
	}
	r, err := os.OpenRoot(root)
	if err != nil {
		return nil, nil, fmt.Errorf("opening root: %w", err)
	}
	return r.FS(), func() { r.Close() }, nil
}

func runAudit(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("audit", stderr)
	var src sourceFlags
	src.register(fs)
	var out outputFlags
	out.register(fs)
	libvirt := fs.String("libvirt", "", "predict libvirt `VER` (9.0, 10.0, 11.3, 12.8; default: this host's, else the newest)")
	qemu := fs.String("qemu", "", "QEMU `VER` that resolves machine aliases (default: this host's, else the profile's)")
	var domains, require multiFlag
	fs.Var(&domains, "domains", "libvirt domain XML `PATH` (a file or a directory such as /etc/libvirt/qemu; repeatable)")
	fs.Var(&require, "require", "`FEATURESET` (x86_64 q35) or ARCH/MACHINE/FEATURESET that must be covered: its gap is an error (repeatable)")
	overrides := fs.String("overrides", "", "suppress findings listed in `FILE` (\"rule [descriptor-glob]\" per line)")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "fwaudit audit: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	if src.distro == "help" {
		fmt.Fprintln(stdout, strings.Join(fwaudit.Distros(), "\n"))
		return exitOK
	}
	format, failOn, err := out.check()
	if err != nil {
		return reportError(stderr, "audit", err)
	}
	ctx := context.Background()
	onHost := src.root == "" && src.distro == "" && len(src.dirs) == 0
	mf := matchFlags{src: src, libvirt: *libvirt, qemu: *qemu}
	p, ps, err := mf.chooseProfile(ctx, onHost)
	if err != nil {
		return reportError(stderr, "audit", err)
	}
	qv, _ := mf.chooseQEMU(ctx, onHost, "x86_64", p, ps)

	opts := audit.Options{Profile: p, ProfileSource: ps.source, QEMU: qv, Require: require, Tool: report.Tool{Version: toolVersion()}}
	if *overrides != "" {
		ovs, err := audit.ReadOverrides(*overrides)
		var pe *os.PathError
		switch {
		case errors.As(err, &pe):
			return reportError(stderr, "audit", err)
		case err != nil:
			return reportError(stderr, "audit", usageError(err.Error()))
		}
		opts.Overrides = ovs
	}
	if len(domains) > 0 {
		if opts.Domains, err = audit.ReadDomains(domains); err != nil {
			return reportError(stderr, "audit", err)
		}
	}
	set, note, err := src.load(p.Rules)
	if err != nil {
		return reportError(stderr, "audit", err)
	}
	if note != "" {
		fmt.Fprintln(stderr, note)
	}
	switch {
	case src.distro != "":
		opts.Source = "distro:" + src.distro
		opts.FilesSkipped = "the bundled " + src.distro + " set holds the descriptors only, not the images"
	default:
		opts.Source = sourceOf(src)
		files, closeFn, err := rootFS(src.root)
		if err != nil {
			return reportError(stderr, "audit", err)
		}
		defer closeFn()
		opts.Files = files
	}
	hostOwn, _ := hostRelease(ctx, note == "" && src.root == "" && src.distro == "", p, ps)
	hostFiles, closeHostFiles, err := src.hostFiles(p, hostOwn)
	if err != nil {
		return reportError(stderr, "audit", err)
	}
	defer closeHostFiles()
	opts.HostFiles = hostFiles
	opts.CheckEmulators = hostOwn
	r, err := audit.Run(ctx, set, opts)
	if err != nil {
		return reportError(stderr, "audit", usageError(err.Error()))
	}
	return out.write("audit", r, format, failOn, stdout, stderr)
}

func sourceOf(src sourceFlags) string {
	switch {
	case src.root != "":
		return src.root
	case len(src.dirs) > 0:
		return "dirs:" + strings.Join(src.dirs, ",")
	}
	return "host"
}

func runLint(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("lint", stderr)
	var out outputFlags
	out.register(fs)
	root := fs.String("root", "", "look the images up inside `DIR` (e.g. the package's DESTDIR); without it they are not checked")
	libvirt := fs.String("libvirt", "", "judge for libvirt `VER` (9.0, 10.0, 11.3, 12.8; default the newest)")
	overrides := fs.String("overrides", "", "suppress findings listed in `FILE`")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "fwaudit lint: no descriptor files or directories given")
		return exitUsage
	}
	format, failOn, err := out.check()
	if err != nil {
		return reportError(stderr, "lint", err)
	}
	p := matcher.Latest
	source := "default"
	if *libvirt != "" {
		if p, err = matcher.ProfileFor(*libvirt); err != nil {
			return reportError(stderr, "lint", usageError("--libvirt: "+err.Error()))
		}
		source = "flag"
	}
	opts := audit.Options{Profile: p, ProfileSource: source, Source: strings.Join(fs.Args(), ","), Tool: report.Tool{Version: toolVersion()}}
	if *overrides != "" {
		ovs, err := audit.ReadOverrides(*overrides)
		var pe *os.PathError
		switch {
		case errors.As(err, &pe):
			return reportError(stderr, "lint", err)
		case err != nil:
			return reportError(stderr, "lint", usageError(err.Error()))
		}
		opts.Overrides = ovs
	}
	set, err := audit.LoadPaths(*root, fs.Args(), p.Rules)
	if err != nil {
		return reportError(stderr, "lint", err)
	}
	if *root != "" {
		files, closeFn, err := rootFS(*root)
		if err != nil {
			return reportError(stderr, "lint", err)
		}
		defer closeFn()
		opts.Files = files
	} else {
		opts.FilesSkipped = "no --root given (pass the DESTDIR the package installs into to check the images)"
	}
	r, err := audit.Lint(context.Background(), set, opts)
	if err != nil {
		return reportError(stderr, "lint", err)
	}
	return out.write("lint", r, format, failOn, stdout, stderr)
}
