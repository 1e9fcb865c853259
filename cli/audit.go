package cli

import (
	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/internal/membudget"
	"github.com/fwaudit/fwaudit/report"
	"github.com/fwaudit/fwaudit/result"
	"github.com/spf13/cobra"
)

// writeReport renders r to --output or stdout; exit 1 when it fails
// --fail-on.
func (a *app) writeReport(o *values, r *report.Report) error {
	f := report.Format(o.format)
	opts := report.Options{Quiet: o.quiet}
	var err error
	if o.output != "" {
		err = report.WriteFile(o.output, r, f, opts)
	} else {
		opts.Color = f == report.Text && a.color
		err = report.Write(a.stdout, r, f, opts)
	}
	if err != nil {
		return err
	}
	threshold, err := report.ParseFailOn(o.failOn)
	if err != nil {
		return err
	}
	if r.Fails(threshold) {
		return errFindings
	}
	return nil
}

// reportCmd makes c (audit, lint) run build and write the report it
// returns with writeReport: the two commands differ only in how they
// make the report.
func (a *app) reportCmd(c *cobra.Command, v *values, build func(cmd *cobra.Command, args []string, b *membudget.Budget) (*report.Report, error)) {
	c.RunE = runE(func(cmd *cobra.Command, args []string) error {
		// The report's memory is bounded by the descriptors' bytes
		// (build tells the budget once it has scanned them) until it
		// is written.
		b := membudget.Start()
		defer b.Stop()
		r, err := build(cmd, args, b)
		if err != nil {
			return err
		}
		return a.writeReport(v, r)
	})
}

func newAuditCmd(a *app) *cobra.Command {
	v := new(values)
	c := &cobra.Command{
		Use:   "audit",
		Short: "Audit a descriptor set: coverage, lint and the domains' fate",
		Long: `Audit a descriptor set: what libvirt picks for typical guests per arch and
machine (coverage), lint rules over the files, and what happens to the
domains given (files or directories such as /etc/libvirt/qemu).
--require amd-sev-es (or ARCH/MACHINE/FEATURESET) makes that gap an error.
Without domains or nova input, audit keeps its memory within 3 times the
descriptors' bytes plus a constant (the Go runtime's soft memory limit,
sized from the set before it is read); GOMEMLIMIT, if set, is used instead.`,
		Example: `  fwaudit audit
  fwaudit audit --distro ubuntu-24.04 --require amd-sev-es
  fwaudit audit --root /mnt/image --domains /mnt/image/etc/libvirt/qemu --format sarif --output fw.sarif
  fwaudit audit --profile nova-legacy --domains /etc/libvirt/qemu
  fwaudit audit --distro ubuntu-24.04 --nova-combinations combos.json
  fwaudit audit --distro ubuntu-24.04 --domcapabilities caps.xml`,
		Args: cobra.NoArgs,
	}
	a.reportCmd(c, v, func(cmd *cobra.Command, _ []string, b *membudget.Budget) (*report.Report, error) {
		if err := v.Spec.Check(); err != nil {
			return nil, err
		}
		opts := v.audit
		opts.SkipContents, opts.Nova, opts.Tool = !v.contents, &v.Nova, report.Tool{Version: toolVersion()}
		opts.Scanned = func(l *descriptor.Listing) { b.Read(l.Size()) }
		return result.Audit(cmd.Context(), a.fallBack(v.Spec), opts)
	})
	a.addFlags(c, v, sourceFlags, releaseFlags, reportFlags, novaFlags,
		flags("contents", "domains", "require", "overrides", "nova-combinations", "domcapabilities"))
	return c
}

func newLintCmd(a *app) *cobra.Command {
	v := new(values)
	c := &cobra.Command{
		Use:   "lint PATH...",
		Short: "Run the lint rules on descriptor files or directories (for packagers)",
		Long: `Run the lint rules only, on descriptor files or directories (for packagers);
images are looked up inside --root (e.g. the DESTDIR) and, unless
--contents=false, read as audit reads them: the NVRAM templates' stores and
Secure Boot keys, the containers against the descriptors' formats, the
CODE/VARS layouts. lint keeps its memory within 3 times the files' bytes
plus a constant (the Go runtime's soft memory limit, sized from the files
before they are read); GOMEMLIMIT, if set, is used instead.`,
		Example: `  fwaudit lint --root "$DESTDIR" "$DESTDIR"/usr/share/qemu/firmware
  fwaudit lint 60-ovmf.json --format json
  fwaudit lint --libvirt 10.0 --format sarif --output lint.sarif firmware/`,
		Args: needArgs("no descriptor files or directories given"),
	}
	a.reportCmd(c, v, func(cmd *cobra.Command, args []string, b *membudget.Budget) (*report.Report, error) {
		return result.Lint(cmd.Context(), args, result.LintOptions{
			Libvirt: v.Spec.Libvirt, Profile: v.Spec.Profile, Root: v.Spec.Root, Overrides: v.audit.Overrides,
			SkipContents: !v.contents, At: v.audit.At, Tool: report.Tool{Version: toolVersion()},
			Scanned: func(l *descriptor.Listing) { b.Read(l.Size()) },
		})
	})
	a.addFlags(c, v, verdictFlags, reportFlags, flags("contents/lint", "root/lint", "overrides/lint"))
	return c
}
