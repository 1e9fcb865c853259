package main

import (
	"fmt"
	"slices"
	"time"

	"github.com/fwaudit/fwaudit"
	"github.com/fwaudit/fwaudit/audit"
	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/internal/suggest"
	"github.com/fwaudit/fwaudit/matcher"
	"github.com/fwaudit/fwaudit/release"
	"github.com/spf13/cobra"
)

// enumFlag is a flag whose value is one of a fixed list: a wrong value is a
// usage error that suggests the closest, and the list is its shell
// completion.
type enumFlag struct {
	p       *string
	name    string // the flag's name
	what    string // "format", "firmware type", ...
	allowed []string
}

func (e *enumFlag) String() string { return *e.p }
func (e *enumFlag) Type() string   { return "string" }
func (e *enumFlag) Set(v string) error {
	if !slices.Contains(e.allowed, v) {
		return unknownValue("--"+e.name, e.what, v, e.allowed)
	}
	*e.p = v
	return nil
}

// unknownValue is the usage error for a value of flag (or argument) not
// among allowed.
func unknownValue(flag, what, v string, allowed []string) error {
	return usageError(fmt.Sprintf("%s: unknown %s %q%s (want %s)", flag, what, v, suggest.Hint(v, allowed), suggest.Or(allowed)))
}

// enumVar defines an enumerated flag with its completion.
func enumVar(c *cobra.Command, p *string, name, value, what string, allowed []string, usage string) {
	*p = value
	c.Flags().Var(&enumFlag{p: p, name: name, what: what, allowed: allowed}, name, usage)
	c.RegisterFlagCompletionFunc(name, fixed(allowed))
}

// fixed completes from a fixed list.
func fixed(values []string) cobra.CompletionFunc {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return values, cobra.ShellCompDirectiveNoFileComp
	}
}

// profileNames are the values --profile accepts.
func profileNames() []string {
	var names []string
	for _, p := range matcher.Profiles {
		names = append(names, p.Name)
	}
	return append(names, matcher.NovaLegacy.Name)
}

// libvirtVersions are the modelled releases, the completions of --libvirt.
func libvirtVersions() []string {
	var vs []string
	for _, p := range matcher.Profiles {
		vs = append(vs, p.Version)
	}
	return vs
}

// featureSetNames are the values --require accepts (with ARCH/MACHINE/ in
// front, too).
func featureSetNames() []string {
	var names []string
	for _, f := range audit.FeatureSets() {
		names = append(names, f.Name)
	}
	return names
}

// ruleIDs are the audit rules' IDs.
func ruleIDs() []string {
	var ids []string
	for _, r := range audit.Rules() {
		ids = append(ids, r.ID)
	}
	return ids
}

// distroNames are the bundled sets, and "help", which lists them.
func distroNames() []string { return fwaudit.Distros() }

// sourceFlags are the flags that choose a descriptor set.
type sourceFlags struct {
	root    string
	dirs    []string
	session bool
	distro  string
}

func (s *sourceFlags) register(c *cobra.Command) {
	f := c.Flags()
	f.StringVar(&s.root, "root", "", "take `DIR` as the file system root (a sysroot, image or DESTDIR)")
	f.StringArrayVar(&s.dirs, "dir", nil, "scan `DIR` instead of libvirt's search path (repeatable, lowest precedence first)")
	f.BoolVar(&s.session, "session", false, "add $XDG_CONFIG_HOME/qemu/firmware, as a session (unprivileged) daemon does")
	f.StringVar(&s.distro, "distro", "", "use the bundled descriptor set `NAME` (--distro help lists them)")
	c.MarkFlagDirname("root")
	c.MarkFlagDirname("dir")
	c.RegisterFlagCompletionFunc("distro", fixed(distroNames()))
}

// releaseFlags choose the libvirt release and QEMU version predicted for;
// every command that predicts takes them with one meaning.
type releaseFlags struct {
	libvirt, profile, qemu string
}

func (r *releaseFlags) register(c *cobra.Command) {
	f := c.Flags()
	f.StringVar(&r.libvirt, "libvirt", "", "predict for libvirt `VERSION`: the newest modelled release not newer (9.0, 10.0, 11.3, 12.8)")
	f.StringVar(&r.profile, "profile", "", "predict with the profile `NAME` (libvirt-11.3, ..., or nova-legacy)")
	f.StringVar(&r.qemu, "qemu", "", "QEMU `VERSION` that resolves machine aliases (q35 -> pc-q35-X.Y)")
	c.RegisterFlagCompletionFunc("libvirt", fixed(libvirtVersions()))
	c.RegisterFlagCompletionFunc("profile", fixed(profileNames()))
	c.RegisterFlagCompletionFunc("qemu", cobra.NoFileCompletions)
}

// outputFlags are the report flags shared by audit and lint.
type outputFlags struct {
	format, output, failOn string
	quiet                  bool
}

func (o *outputFlags) register(c *cobra.Command) {
	enumVar(c, &o.format, "format", "text", "format", []string{"text", "json", "sarif", "junit", "prometheus"},
		"output `format`: text, json, sarif, junit or prometheus")
	c.Flags().StringVar(&o.output, "output", "", "write the report to `FILE` (atomically) instead of stdout")
	enumVar(c, &o.failOn, "fail-on", "error", "severity", []string{"error", "warning", "info", "never"},
		"exit 1 when a finding is at least `SEVERITY`: error, warning, info or never")
	c.Flags().BoolVar(&o.quiet, "quiet", false, "text output: the header and only failures and warnings")
}

// rules is the descriptor parser of the release --libvirt or --profile
// names, else the newest.
func (r *releaseFlags) rules() (*descriptor.Rules, error) {
	p, _, err := release.Named(r.libvirt, r.profile)
	if err != nil {
		return nil, releaseError(err)
	}
	if p == nil {
		return descriptor.RulesLatest, nil
	}
	return p.Rules, nil
}

// dateFlag is a YYYY-MM-DD flag (--at).
type dateFlag struct{ t time.Time }

func (d *dateFlag) String() string {
	if d.t.IsZero() {
		return ""
	}
	return d.t.Format(time.DateOnly)
}

func (d *dateFlag) Set(s string) error {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return fmt.Errorf("want a date as YYYY-MM-DD, got %q", s)
	}
	d.t = t
	return nil
}

func (d *dateFlag) Type() string { return "date" }
