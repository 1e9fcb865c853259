package main

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/fwaudit/fwaudit"
	"github.com/fwaudit/fwaudit/audit"
	"github.com/fwaudit/fwaudit/internal/suggest"
	"github.com/fwaudit/fwaudit/matcher"
	"github.com/fwaudit/fwaudit/release"
	"github.com/fwaudit/fwaudit/report"
	"github.com/fwaudit/fwaudit/result"
	"github.com/fwaudit/fwaudit/source"
	"github.com/spf13/cobra"
)

// enumFlag is a flag whose value is one of a fixed list: a wrong value is a
// usage error that suggests the closest, and the list is its shell
// completion.
type enumFlag struct {
	value   string
	set     func(string)
	name    string // the flag's name
	what    string // "format", "firmware type", ...
	allowed []string
}

func (e *enumFlag) String() string { return e.value }
func (e *enumFlag) Type() string   { return "string" }
func (e *enumFlag) Set(v string) error {
	if !slices.Contains(e.allowed, v) {
		return usageError(fmt.Sprintf("--%s: unknown %s %q%s (want %s)", e.name, e.what, v, suggest.Hint(v, e.allowed), suggest.Or(e.allowed)))
	}
	e.value = v
	e.set(v)
	return nil
}

// enumVar defines an enumerated flag with its completion.
func enumVar(c *cobra.Command, p *string, name, value, what string, allowed []string, usage string) {
	*p = value
	c.Flags().Var(&enumFlag{value: value, set: func(v string) { *p = v }, name: name, what: what, allowed: allowed}, name, usage)
	c.RegisterFlagCompletionFunc(name, fixed(allowed))
}

// triVar defines a flag of a matcher.Tristate: words[0] (yes, on) is
// Yes, words[1] No.
func triVar(c *cobra.Command, p *matcher.Tristate, name string, words []string, usage string) {
	set := func(v string) {
		if *p = matcher.No; v == words[0] {
			*p = matcher.Yes
		}
	}
	c.Flags().Var(&enumFlag{set: set, name: name, what: "value", allowed: words}, name, usage)
	c.RegisterFlagCompletionFunc(name, fixed(words))
}

// formatVar defines --format with the given formats, the first the default.
func formatVar(c *cobra.Command, p *string, formats ...string) {
	enumVar(c, p, "format", formats[0], "format", formats, "output `format`: "+suggest.Or(formats))
}

// fixed completes from a fixed list.
func fixed(values []string) cobra.CompletionFunc {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return values, cobra.ShellCompDirectiveNoFileComp
	}
}

// byParts completes values made of "/"-separated parts one part at a time:
// "x8" offers "x86_64/", "x86_64/" offers "x86_64/q35/", ... and a
// value's last part ends the completion.
func byParts(values []string) cobra.CompletionFunc {
	return func(_ *cobra.Command, _ []string, prefix string) ([]string, cobra.ShellCompDirective) {
		var out []string
		partial := false
		for _, v := range values {
			rest, ok := strings.CutPrefix(v, prefix)
			if !ok {
				continue
			}
			if i := strings.Index(rest, "/"); i >= 0 {
				v, partial = prefix+rest[:i+1], true
			}
			if !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
		d := cobra.ShellCompDirectiveNoFileComp
		if partial {
			d |= cobra.ShellCompDirectiveNoSpace
		}
		return out, d
	}
}

// names maps a list to the names completion offers.
func names[T any](list []T, name func(T) string) []string {
	var out []string
	for _, v := range list {
		out = append(out, name(v))
	}
	return out
}

// sourceVars binds the flags that choose a descriptor set to s; --distro
// help lists the bundled sets instead of running the command.
func sourceVars(a *app, c *cobra.Command, s *source.Spec) {
	f := c.Flags()
	f.StringVar(&s.Root, "root", "", "take `DIR` as the file system root (a sysroot, image or DESTDIR)")
	f.StringArrayVar(&s.Dirs, "dir", nil, "scan `DIR` instead of libvirt's search path (repeatable, lowest precedence first)")
	f.BoolVar(&s.Session, "session", false, "add $XDG_CONFIG_HOME/qemu/firmware, as a session (unprivileged) daemon does")
	f.StringVar(&s.Distro, "distro", "", "use the bundled descriptor set `NAME` (--distro help lists them)")
	c.MarkFlagDirname("root")
	c.MarkFlagDirname("dir")
	c.RegisterFlagCompletionFunc("distro", fixed(fwaudit.Distros()))
	c.PreRunE = func(*cobra.Command, []string) error {
		if s.Distro != "help" {
			return nil
		}
		if _, err := fmt.Fprintln(a.stdout, strings.Join(fwaudit.Distros(), "\n")); err != nil {
			return failure(err)
		}
		return &exitError{code: exitOK} // done
	}
}

// releaseVars binds the flags that choose the libvirt release and QEMU
// version; every command that predicts takes them with one meaning.
func releaseVars(c *cobra.Command, libvirt, profile, qemu *string) {
	f := c.Flags()
	f.StringVar(libvirt, "libvirt", "", "predict for libvirt `VERSION`: the newest modelled release not newer (9.0, 10.0, 11.3, 12.8)")
	f.StringVar(profile, "profile", "", "predict with the profile `NAME` (libvirt-11.3, ..., or nova-legacy)")
	f.StringVar(qemu, "qemu", "", "QEMU `VERSION` that resolves machine aliases (q35 -> pc-q35-X.Y)")
	c.RegisterFlagCompletionFunc("libvirt", fixed(libvirtVersions))
	c.RegisterFlagCompletionFunc("profile", fixed(release.ProfileNames()))
	c.RegisterFlagCompletionFunc("qemu", cobra.NoFileCompletions)
}

// novaVars binds nova's request flags (match and audit).
func novaVars(c *cobra.Command, n *result.NovaInput) {
	f := c.Flags()
	f.StringArrayVar(&n.ImageProps, "image-property", nil, "nova image property `KEY=VALUE` (hw_firmware_type=uefi, os_secure_boot=required, ...; repeatable)")
	f.StringArrayVar(&n.FlavorSpecs, "flavor-extra-spec", nil, "nova flavor extra spec `KEY=VALUE` (hw:mem_encryption=true, ...; repeatable)")
	f.StringVar(&n.Image, "image", "", "nova image properties from `FILE`, the output of openstack image show -f json")
	f.StringVar(&n.Flavor, "flavor", "", "nova flavor extra specs from `FILE`, the output of openstack flavor show -f json")
}

// outputFlags are the report flags shared by audit and lint.
type outputFlags struct {
	format, output, failOn string
	quiet                  bool
	contents               bool
	at                     dateFlag
	overrides              string
}

func (o *outputFlags) register(c *cobra.Command, contents string) {
	formatVar(c, &o.format, "text", "json", "sarif", "junit", "prometheus")
	c.Flags().StringVar(&o.output, "output", "", "write the report to `FILE` (atomically) instead of stdout")
	enumVar(c, &o.failOn, "fail-on", report.FailOnNames[0], "severity", report.FailOnNames,
		"exit 1 when a finding is at least `SEVERITY`: error, warning, info or never")
	c.Flags().BoolVar(&o.quiet, "quiet", false, "text output: the header and only failures and warnings")
	c.Flags().BoolVar(&o.contents, "contents", true, contents)
	c.Flags().Var(&o.at, "at", "judge certificate expiry at `DATE` (YYYY-MM-DD; default today)")
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

// The modelled releases (--libvirt's completions), feature sets and rule
// IDs (explain's).
var (
	libvirtVersions = names(matcher.Profiles, func(p *matcher.Profile) string { return p.Version })
	featureSetNames = names(audit.FeatureSets(), func(f audit.FeatureSet) string { return f.Name })
	ruleIDs         = names(audit.Rules(), func(r audit.RuleInfo) string { return r.ID })
)
