package main

import (
	"slices"

	"github.com/fwaudit/fwaudit/audit"
	"github.com/fwaudit/fwaudit/report"
	"github.com/fwaudit/fwaudit/result"
	"github.com/fwaudit/fwaudit/source"
	"github.com/spf13/cobra"
)

// write renders r to --output or stdout; exit 1 when it fails --fail-on.
func (o *outputFlags) write(a *app, r *report.Report) error {
	f := report.Format(o.format)
	opts := report.Options{Quiet: o.quiet}
	var err error
	if o.output != "" {
		err = report.WriteFile(o.output, r, f, opts)
	} else {
		opts.Color = f == report.Text && colorFor(a.term)
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

func newAuditCmd(a *app) *cobra.Command {
	var (
		spec source.Spec
		out  outputFlags
		opts result.AuditOptions
		nv   result.NovaInput
	)
	c := &cobra.Command{
		Use:   "audit",
		Short: "Audit a descriptor set: coverage, lint and the domains' fate",
		Long: `Audit a descriptor set: what libvirt picks for typical guests per arch and
machine (coverage), lint rules over the files, and what happens to the
domains given (files or directories such as /etc/libvirt/qemu).
--require amd-sev-es (or ARCH/MACHINE/FEATURESET) makes that gap an error.`,
		Example: `  fwaudit audit
  fwaudit audit --distro ubuntu-24.04 --require amd-sev-es
  fwaudit audit --root /mnt/image --domains /mnt/image/etc/libvirt/qemu --format sarif --output fw.sarif
  fwaudit audit --profile nova-legacy --domains /etc/libvirt/qemu
  fwaudit audit --distro ubuntu-24.04 --nova-combinations combos.json
  fwaudit audit --distro ubuntu-24.04 --domcapabilities caps.xml`,
		Args: cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			if err := spec.Check(); err != nil {
				return err
			}
			spec = a.fallBack(spec)
			opts.SkipContents, opts.At, opts.Overrides, opts.Tool = !out.contents, out.at.t, out.overrides, report.Tool{Version: toolVersion()}
			opts.Nova = &nv
			r, err := result.Audit(cmd.Context(), spec, opts)
			if err != nil {
				return err
			}
			return out.write(a, r)
		}),
	}
	sourceVars(a, c, &spec)
	releaseVars(c, &spec.Libvirt, &spec.Profile, &spec.QEMU)
	out.register(c, "read the images: NVRAM templates' Secure Boot keys, containers, CODE/VARS layouts, domains' NVRAM")
	f := c.Flags()
	f.StringArrayVar(&opts.Domains, "domains", nil, "libvirt domain XML `PATH` (a file or a directory such as /etc/libvirt/qemu; repeatable)")
	f.StringArrayVar(&opts.Require, "require", nil, "`FEATURESET` (x86_64 q35) or ARCH/MACHINE/FEATURESET that must be covered: its gap is an error (repeatable)")
	f.StringVar(&out.overrides, "overrides", "", "suppress findings listed in `FILE` (\"rule [descriptor-glob]\" per line)")
	c.RegisterFlagCompletionFunc("require", byParts(append(slices.Clone(featureSetNames), audit.Cells()...)))
	novaVars(c, &nv)
	f.StringVar(&opts.NovaCombinations, "nova-combinations", "", "predict the image/flavor combinations of `FILE` (JSON) before and after nova 2026.1")
	f.StringArrayVar(&opts.DomainCaps, "domcapabilities", nil, "compare libvirt's domain capabilities in `FILE` (virsh domcapabilities) with the descriptors (repeatable)")
	return c
}

func newLintCmd(a *app) *cobra.Command {
	var (
		out  outputFlags
		opts result.LintOptions
		qemu string
	)
	c := &cobra.Command{
		Use:   "lint PATH...",
		Short: "Run the lint rules on descriptor files or directories (for packagers)",
		Long: `Run the lint rules only, on descriptor files or directories (for packagers);
images are looked up inside --root (e.g. the DESTDIR) and, unless
--contents=false, read as audit reads them: the NVRAM templates' stores and
Secure Boot keys, the containers against the descriptors' formats, the
CODE/VARS layouts.`,
		Example: `  fwaudit lint --root "$DESTDIR" "$DESTDIR"/usr/share/qemu/firmware
  fwaudit lint 60-ovmf.json --format json
  fwaudit lint --libvirt 10.0 --format sarif --output lint.sarif firmware/`,
		Args: needArgs("no descriptor files or directories given"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			opts.SkipContents, opts.At, opts.Overrides, opts.Tool = !out.contents, out.at.t, out.overrides, report.Tool{Version: toolVersion()}
			r, err := result.Lint(cmd.Context(), args, opts)
			if err != nil {
				return err
			}
			return out.write(a, r)
		}),
	}
	out.register(c, "read the images inside --root: NVRAM templates' Secure Boot keys, containers, CODE/VARS layouts")
	releaseVars(c, &opts.Libvirt, &opts.Profile, &qemu)
	c.Flags().MarkHidden("qemu")
	c.Flags().StringVar(&opts.Root, "root", "", "look the images up inside `DIR` (e.g. the package's DESTDIR); without it they are not checked")
	c.Flags().StringVar(&out.overrides, "overrides", "", "suppress findings listed in `FILE`")
	c.MarkFlagDirname("root")
	return c
}
