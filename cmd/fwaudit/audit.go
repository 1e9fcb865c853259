package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/fwaudit/fwaudit"
	"github.com/fwaudit/fwaudit/audit"
	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/matcher"
	"github.com/fwaudit/fwaudit/release"
	"github.com/fwaudit/fwaudit/report"
	"github.com/spf13/cobra"
)

// check returns the threshold of --fail-on ("" for never).
func (o *outputFlags) threshold() report.Severity {
	if o.failOn == "never" {
		return ""
	}
	return report.Severity(o.failOn)
}

// write renders r to --output or stdout and returns the exit code.
func (o *outputFlags) write(a *app, r *report.Report) error {
	f := report.Format(o.format)
	opts := report.Options{Quiet: o.quiet}
	var err error
	if o.output != "" {
		err = report.WriteFile(o.output, r, f, opts)
	} else {
		opts.Color = f == report.Text && newStyle(a.term).color
		err = report.Write(a.stdout, r, f, opts)
	}
	if err != nil {
		return err
	}
	if r.Fails(o.threshold()) {
		return errFindings
	}
	return nil
}

func newAuditCmd(a *app) *cobra.Command {
	var (
		src              sourceFlags
		rel              releaseFlags
		out              outputFlags
		domains, require []string
		overrides        string
		nv               novaAuditFlags
		contents         bool
		at               dateFlag
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
			if src.distro == "help" {
				_, err := fmt.Fprintln(a.stdout, strings.Join(fwaudit.Distros(), "\n"))
				return err
			}
			if err := src.checkDistro(); err != nil {
				return err
			}
			ctx := cmd.Context()
			src.fallBack(a.stderr)
			choice, err := release.Choose(ctx, release.Request{
				Libvirt: rel.libvirt, Profile: rel.profile, QEMU: rel.qemu,
				OnHost: src.isHost() && len(src.dirs) == 0, Host: hostProbe, Distro: src.distro, NotHost: src.name(), Arch: "x86_64",
			})
			if err != nil {
				return releaseError(err)
			}
			p := choice.Profile
			opts := audit.Options{Profile: p, ProfileSource: string(choice.ProfileSetting.Source), ProfileNote: choice.ProfileSetting.Note, QEMU: choice.QEMU,
				Require: require, Tool: report.Tool{Version: toolVersion()}, Contents: contents, At: at.t}
			if opts.Overrides, err = readOverrides(overrides); err != nil {
				return err
			}
			if len(domains) > 0 {
				if opts.Domains, err = audit.ReadDomains(domains); err != nil {
					return err
				}
				opts.EmptyDomainDirs = audit.EmptyDomainDirs(domains, opts.Domains)
			}
			if err := nv.apply(cmd, &opts); err != nil {
				return err
			}
			set, err := src.loadSet(p.Rules)
			if err != nil {
				return err
			}
			switch {
			case src.distro != "":
				opts.Source = "distro:" + src.distro
				opts.FilesSkipped = "the bundled " + src.distro + " set holds the descriptors only, not the images"
				opts.Templates = distroTemplates(src.distro)
			default:
				opts.Source = sourceOf(src)
				files, closeFn, err := rootFS(src.root)
				if err != nil {
					return err
				}
				defer closeFn()
				opts.Files = files
			}
			hostFiles, closeHostFiles, err := src.hostFiles(choice)
			if err != nil {
				return err
			}
			defer closeHostFiles()
			opts.HostFiles = hostFiles
			opts.CheckEmulators = choice.HostRelease && src.root == ""
			r, err := audit.Run(ctx, set, opts)
			if err != nil {
				return usageError(err.Error())
			}
			return out.write(a, r)
		}),
	}
	src.register(c)
	rel.register(c)
	out.register(c)
	f := c.Flags()
	f.StringArrayVar(&domains, "domains", nil, "libvirt domain XML `PATH` (a file or a directory such as /etc/libvirt/qemu; repeatable)")
	f.StringArrayVar(&require, "require", nil, "`FEATURESET` (x86_64 q35) or ARCH/MACHINE/FEATURESET that must be covered: its gap is an error (repeatable)")
	f.StringVar(&overrides, "overrides", "", "suppress findings listed in `FILE` (\"rule [descriptor-glob]\" per line)")
	f.BoolVar(&contents, "contents", true, "read the images: NVRAM templates' Secure Boot keys, containers, CODE/VARS layouts, domains' NVRAM")
	f.Var(&at, "at", "judge certificate expiry at `DATE` (YYYY-MM-DD; default today)")
	c.RegisterFlagCompletionFunc("require", fixed(featureSetNames()))
	nv.register(c)
	return c
}

// readOverrides reads an --overrides file: a file that cannot be read is
// the tool's failure, one that is malformed a usage error.
func readOverrides(file string) ([]audit.Override, error) {
	if file == "" {
		return nil, nil
	}
	ovs, err := audit.ReadOverrides(file)
	var pe *os.PathError
	switch {
	case errors.As(err, &pe):
		return nil, err
	case err != nil:
		return nil, usageError(err.Error())
	}
	return ovs, nil
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

func newLintCmd(a *app) *cobra.Command {
	var (
		out             outputFlags
		rel             releaseFlags
		root, overrides string
		contents        bool
		at              dateFlag
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
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErrorf("no descriptor files or directories given")
			}
			return nil
		},
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			// Without --libvirt or --profile: every modelled release, the
			// strictest verdict.
			p, ps, err := release.Named(rel.libvirt, rel.profile)
			if err != nil {
				return releaseError(err)
			}
			profiles, source, note := matcher.Profiles, "default", "every modelled release, the strictest verdict; narrow with --libvirt"
			if p != nil {
				profiles, source, note = []*matcher.Profile{p}, "flag", ps.Note
			}
			opts := audit.Options{ProfileSource: source, ProfileNote: note, Source: strings.Join(args, ","), Tool: report.Tool{Version: toolVersion()},
				Contents: contents, At: at.t}
			if opts.Overrides, err = readOverrides(overrides); err != nil {
				return err
			}
			if root != "" {
				files, closeFn, err := rootFS(root)
				if err != nil {
					return err
				}
				defer closeFn()
				opts.Files = files
			} else {
				opts.FilesSkipped = "no --root given (pass the DESTDIR the package installs into to check the images)"
			}
			load := func(rules *descriptor.Rules) (*descriptor.Set, error) { return audit.LoadPaths(root, args, rules) }
			r, err := audit.LintReleases(cmd.Context(), load, opts, profiles...)
			if err != nil {
				return err
			}
			return out.write(a, r)
		}),
	}
	out.register(c)
	rel.register(c)
	c.Flags().MarkHidden("qemu")
	c.Flags().StringVar(&root, "root", "", "look the images up inside `DIR` (e.g. the package's DESTDIR); without it they are not checked")
	c.Flags().StringVar(&overrides, "overrides", "", "suppress findings listed in `FILE`")
	c.Flags().BoolVar(&contents, "contents", true, "read the images inside --root: NVRAM templates' Secure Boot keys, containers, CODE/VARS layouts")
	c.Flags().Var(&at, "at", "judge certificate expiry at `DATE` (YYYY-MM-DD; default today)")
	c.MarkFlagDirname("root")
	return c
}
