package cli

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/fwaudit/fwaudit"
	"github.com/fwaudit/fwaudit/audit"
	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/diff"
	"github.com/fwaudit/fwaudit/internal/suggest"
	"github.com/fwaudit/fwaudit/matcher"
	"github.com/fwaudit/fwaudit/nova"
	"github.com/fwaudit/fwaudit/release"
	"github.com/fwaudit/fwaudit/report"
	"github.com/fwaudit/fwaudit/result"
	"github.com/fwaudit/fwaudit/varstore"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// values are what the flags set, one per command: each flag in flagTable
// has one place here, and a command reads the flags it takes.
type values struct {
	// match's input; its Spec is every command's --root, --dir, --session,
	// --distro, --libvirt, --profile and --qemu (those it takes).
	result.MatchInput
	// audit's options; lint, diff and vars read their --overrides,
	// --domains and --at here too.
	audit                    result.AuditOptions
	format, output, failOn   string
	quiet, contents, explain bool
	hashes                   bool
}

// flagDef is one flag of flagTable: its help, its completion, and the
// place its value goes.
type flagDef struct {
	usage    string
	bind     func(fs *pflag.FlagSet, v *values, name, usage string)
	complete cobra.CompletionFunc
	dirs     bool // complete directory names
}

// flagTable defines every flag once. A key is the flag's name, or the name
// and a variant ("root/lint") where commands give one name different
// meanings; a command takes flags by key (addFlags).
var flagTable = map[string]flagDef{
	// Where the descriptors come from.
	"root":    str(func(v *values) *string { return &v.Spec.Root }, "", "take `DIR` as the file system root (a sysroot, image or DESTDIR)").dir(),
	"dir":     strs(func(v *values) *[]string { return &v.Spec.Dirs }, "scan `DIR` instead of libvirt's search path (repeatable, lowest precedence first)").dir(),
	"session": boolean(func(v *values) *bool { return &v.Spec.Session }, false, "add $XDG_CONFIG_HOME/qemu/firmware, as a session (unprivileged) daemon does"),
	"distro":  str(func(v *values) *string { return &v.Spec.Distro }, "", "use the bundled descriptor set `NAME` (--distro help lists them)").with(fixed(fwaudit.Distros())),
	"root/lint": str(func(v *values) *string { return &v.Spec.Root }, "",
		"look the images up inside `DIR` (e.g. the package's DESTDIR); without it they are not checked").dir(),

	// Which libvirt release and QEMU version judge them.
	"libvirt": str(func(v *values) *string { return &v.Spec.Libvirt }, "", "predict for libvirt `VERSION`: the newest modelled release not newer (9.0, 10.0, 11.3, 12.8)").with(fixed(libvirtVersions)),
	"profile": str(func(v *values) *string { return &v.Spec.Profile }, "", "predict with the profile `NAME` (libvirt-11.3, ..., or nova-legacy)").with(fixed(release.ProfileNames())),
	"qemu":    str(func(v *values) *string { return &v.Spec.QEMU }, "", "QEMU `VERSION` that resolves machine aliases (q35 -> pc-q35-X.Y)").with(cobra.NoFileCompletions),

	// The output.
	"format":         formats(result.Formats...),
	"format/match":   formats(result.MatchFormats...),
	"format/report":  formats(report.Text, report.JSON, report.SARIF, report.JUnit, report.Prometheus),
	"format/diff":    formats(diff.Text, diff.JSON, diff.SARIF),
	"format/vars":    formats(varstore.Formats...),
	"output":         file(func(v *values) *string { return &v.output }, "write the report to `FILE` (atomically) instead of stdout"),
	"fail-on":        enum(func(v *values) *string { return &v.failOn }, report.FailOnNames[0], "severity", report.FailOnNames, "exit 1 when a finding is at least `SEVERITY`: error, warning, info or never"),
	"quiet":          boolean(func(v *values) *bool { return &v.quiet }, false, "text output: the header and only failures and warnings"),
	"contents":       boolean(func(v *values) *bool { return &v.contents }, true, "read the images: NVRAM templates' Secure Boot keys, containers, CODE/VARS layouts, domains' NVRAM"),
	"contents/lint":  boolean(func(v *values) *bool { return &v.contents }, true, "read the images inside --root: NVRAM templates' Secure Boot keys, containers, CODE/VARS layouts"),
	"at":             date(func(v *values) *time.Time { return &v.audit.At }, "judge certificate expiry at `DATE` (YYYY-MM-DD; default today)"),
	"overrides":      file(func(v *values) *string { return &v.audit.Overrides }, "suppress findings listed in `FILE` (\"rule [descriptor-glob]\" per line)"),
	"overrides/lint": str(func(v *values) *string { return &v.audit.Overrides }, "", "suppress findings listed in `FILE`"),
	"explain":        boolean(func(v *values) *bool { return &v.explain }, false, "show libvirt's verdict on every descriptor"),
	"all":            boolean(func(v *values) *bool { return &v.Options.All }, false, "list every other matching descriptor, in order"),
	"hashes":         boolean(func(v *values) *bool { return &v.hashes }, false, "list every hash entry (dbx) instead of counting them"),

	// audit's and diff's inputs.
	"domains":      strs(func(v *values) *[]string { return &v.audit.Domains }, "libvirt domain XML `PATH` (a file or a directory such as /etc/libvirt/qemu; repeatable)"),
	"domains/diff": strs(func(v *values) *[]string { return &v.audit.Domains }, "follow the libvirt domains in `PATH` (a file or a directory such as /etc/libvirt/qemu; repeatable)"),
	"require": strs(func(v *values) *[]string { return &v.audit.Require },
		"`FEATURESET` (x86_64 q35) or ARCH/MACHINE/FEATURESET that must be covered: its gap is an error (repeatable)").with(byParts(append(slices.Clone(featureSetNames), audit.Cells()...))),
	"nova-combinations": file(func(v *values) *string { return &v.audit.NovaCombinations }, "predict the image/flavor combinations of `FILE` (JSON) before and after nova 2026.1"),
	"domcapabilities":   strs(func(v *values) *[]string { return &v.audit.DomainCaps }, "compare libvirt's domain capabilities in `FILE` (virsh domcapabilities) with the descriptors (repeatable)"),

	// The domain match predicts for: a file, nova's request, or the
	// request flags (requestFlags).
	"domain":            file(func(v *values) *string { return &v.DomainFile }, "read the domain definition from `FILE` (virsh dumpxml)"),
	"existing":          boolean(func(v *values) *bool { return &v.Options.Existing }, false, "an existing domain (loaded from its stored definition), not a new define"),
	"image-property":    strs(func(v *values) *[]string { return &v.Nova.ImageProps }, "nova image property `KEY=VALUE` (hw_firmware_type=uefi, os_secure_boot=required, ...; repeatable)"),
	"flavor-extra-spec": strs(func(v *values) *[]string { return &v.Nova.FlavorSpecs }, "nova flavor extra spec `KEY=VALUE` (hw:mem_encryption=true, ...; repeatable)"),
	"image":             file(func(v *values) *string { return &v.Nova.Image }, "nova image properties from `FILE`, the output of openstack image show -f json"),
	"flavor":            file(func(v *values) *string { return &v.Nova.Flavor }, "nova flavor extra specs from `FILE`, the output of openstack flavor show -f json"),
	"nova-release": str(func(v *values) *string { return &v.NovaRelease }, nova.AutoSelect.Name,
		"with nova's flags: the nova `RELEASE` that writes the domain (2025.2 and before: nova's own selection)"),
	"arch":            str(func(v *values) *string { return &v.Guest.Arch }, "", "guest architecture `ARCH` as libvirt names it (x86_64, i686, aarch64, ...)").with(fixed(descriptor.RulesLatest.Architectures)),
	"machine":         str(func(v *values) *string { return &v.Guest.Machine }, "", "machine type `M` (q35, pc, virt, pc-q35-9.2, ...)").with(fixed(machineFamilies)),
	"firmware":        enum(func(v *values) *string { return &v.Guest.Firmware }, "efi", "firmware type", []string{"efi", "bios"}, "<os firmware=`TYPE`>: efi or bios"),
	"secure-boot":     tri(func(v *values) *matcher.Tristate { return &v.Guest.SecureBoot }, yesNo, "firmware feature secure-boot: yes or no"),
	"enrolled-keys":   tri(func(v *values) *matcher.Tristate { return &v.Guest.EnrolledKeys }, yesNo, "firmware feature enrolled-keys: yes or no"),
	"smm":             tri(func(v *values) *matcher.Tristate { return &v.Guest.SMM }, onOff, "<features><smm state=...>: on or off"),
	"loader-secure":   tri(func(v *values) *matcher.Tristate { return &v.Guest.LoaderSecure }, yesNo, "<loader secure=...>: yes or no"),
	"stateless":       boolean(func(v *values) *bool { return &v.Guest.Stateless }, false, "<loader stateless='yes'>"),
	"loader-type":     enum(func(v *values) *string { return &v.Guest.LoaderType }, "", "loader type", []string{"pflash", "rom"}, "<loader type=...>: pflash or rom"),
	"loader-format":   enum(func(v *values) *string { return &v.Guest.LoaderFormat }, "", "format", []string{"raw", "qcow2"}, "<loader format=...>: raw or qcow2"),
	"nvram-format":    enum(func(v *values) *string { return &v.Guest.NVRAMFormat }, "", "format", []string{"raw", "qcow2"}, "<nvram format=...>: raw or qcow2"),
	"loader":          str(func(v *values) *string { return &v.Guest.LoaderPath }, "", "pin the loader `PATH`"),
	"nvram-template":  str(func(v *values) *string { return &v.Guest.NVRAMTemplate }, "", "pin the NVRAM template `PATH`"),
	"launch-security": enum(func(v *values) *string { return &v.Guest.LaunchSecurity }, "", "launch security type", []string{"sev", "sev-es", "sev-snp", "tdx"}, "<launchSecurity>: sev, sev-es, sev-snp or tdx"),
	"s3":              boolean(func(v *values) *bool { return &v.Guest.S3 }, false, "<pm><suspend-to-mem enabled='yes'>"),
	"s4":              boolean(func(v *values) *bool { return &v.Guest.S4 }, false, "<pm><suspend-to-disk enabled='yes'>"),
	"no-acpi":         boolean(func(v *values) *bool { return &v.Guest.NoACPI }, false, "leave <acpi/> out of <features> (by default it is there for x86_64, i686 and aarch64)"),
	"name":            str(func(v *values) *string { return &v.Guest.Name }, "guest", "domain `NAME` (names the NVRAM file)"),

	// distros's matrix.
	"arch/distros":    str(func(v *values) *string { return &v.Guest.Arch }, "x86_64", "`ARCH` of the matrix").with(fixed(descriptor.RulesLatest.Architectures)),
	"machine/distros": str(func(v *values) *string { return &v.Guest.Machine }, "q35", "machine family `M` of the matrix (q35, pc, microvm, virt, ...)").with(fixed(machineFamilies)),
}

// Flag groups that several commands take.
var (
	sourceFlags  = []string{"root", "dir", "session", "distro"}
	releaseFlags = []string{"libvirt", "profile", "qemu"}
	// verdictFlags are releaseFlags without --qemu, for the commands that
	// judge descriptor files for releases (lint, validate): lint uses each
	// release's own QEMU (its report names them), validate none, so one
	// host's QEMU has no place in them.
	verdictFlags = []string{"libvirt", "profile"}
	novaFlags    = []string{"image-property", "flavor-extra-spec", "image", "flavor"}
	reportFlags  = []string{"format/report", "output", "fail-on", "quiet", "at"}
	// requestFlags describe match's domain (result.MatchInput.GuestFlags);
	// they exclude --domain.
	requestFlags = []string{"arch", "machine", "firmware", "secure-boot", "enrolled-keys", "smm", "loader-secure",
		"stateless", "loader-type", "loader-format", "nvram-format", "loader", "nvram-template", "launch-security",
		"s3", "s4", "no-acpi", "name"}
)

// addFlags gives c the flags of flagTable named by keys (groups of keys),
// setting v, and makes --distro help list the bundled sets instead of
// running c.
func (a *app) addFlags(c *cobra.Command, v *values, keys ...[]string) {
	for _, key := range slices.Concat(keys...) {
		d, ok := flagTable[key]
		if !ok {
			panic("fwaudit: no flag " + key) // a command's definition is wrong
		}
		name, _, _ := strings.Cut(key, "/")
		d.bind(c.Flags(), v, name, d.usage)
		if d.complete != nil {
			c.RegisterFlagCompletionFunc(name, d.complete)
		}
		if d.dirs {
			c.MarkFlagDirname(name)
		}
	}
	c.PreRunE = func(*cobra.Command, []string) error {
		if v.Spec.Distro != "help" {
			return nil
		}
		if _, err := fmt.Fprintln(a.stdout, strings.Join(fwaudit.Distros(), "\n")); err != nil {
			return failure(err)
		}
		return &exitError{code: exitOK} // done
	}
}

// flags is addFlags for a list of keys.
func flags(keys ...string) []string { return keys }

func (d flagDef) dir() flagDef { d.dirs = true; return d }

func (d flagDef) with(complete cobra.CompletionFunc) flagDef { d.complete = complete; return d }

// str, strs, boolean and date are flags of a plain value at field.
func str(field func(*values) *string, value, usage string) flagDef {
	return flagDef{usage: usage, bind: func(fs *pflag.FlagSet, v *values, name, usage string) { fs.StringVar(field(v), name, value, usage) }}
}

// file is a flag naming an input file whose absence is meaningful (the
// empty string is "not given"): an empty name, as "--image $FILE" gives
// with FILE unset, is a usage error naming the flag rather than the flag
// silently left out.
func file(field func(*values) *string, usage string) flagDef {
	return flagDef{usage: usage, bind: func(fs *pflag.FlagSet, v *values, name, usage string) {
		fs.Var(&fileFlag{p: field(v), name: name}, name, usage)
	}}
}

// fileFlag is file's value.
type fileFlag struct {
	p    *string
	name string // the flag's name
}

func (f *fileFlag) String() string {
	if f.p == nil {
		return ""
	}
	return *f.p
}

func (f *fileFlag) Type() string { return "string" }

func (f *fileFlag) Set(s string) error {
	if s == "" {
		return usageError(fmt.Sprintf("--%s: empty file name: name a FILE, or leave --%s out", f.name, f.name))
	}
	*f.p = s
	return nil
}

func strs(field func(*values) *[]string, usage string) flagDef {
	return flagDef{usage: usage, bind: func(fs *pflag.FlagSet, v *values, name, usage string) { fs.StringArrayVar(field(v), name, nil, usage) }}
}

func boolean(field func(*values) *bool, value bool, usage string) flagDef {
	return flagDef{usage: usage, bind: func(fs *pflag.FlagSet, v *values, name, usage string) { fs.BoolVar(field(v), name, value, usage) }}
}

func date(field func(*values) *time.Time, usage string) flagDef {
	return flagDef{usage: usage, bind: func(fs *pflag.FlagSet, v *values, name, usage string) { fs.Var((*dateFlag)(field(v)), name, usage) }}
}

// enum is a flag whose value is one of allowed, value by default; they are
// its completion.
func enum(field func(*values) *string, value, what string, allowed []string, usage string) flagDef {
	bind := func(fs *pflag.FlagSet, v *values, name, usage string) {
		p := field(v)
		*p = value
		fs.Var(&enumFlag{value: value, set: func(s string) { *p = s }, name: name, what: what, allowed: allowed}, name, usage)
	}
	return flagDef{usage: usage, bind: bind, complete: fixed(allowed)}
}

// tri is a flag of a matcher.Tristate: words[0] (yes, on) is Yes,
// words[1] No.
func tri(field func(*values) *matcher.Tristate, words []string, usage string) flagDef {
	bind := func(fs *pflag.FlagSet, v *values, name, usage string) {
		p := field(v)
		set := func(s string) {
			if *p = matcher.No; s == words[0] {
				*p = matcher.Yes
			}
		}
		fs.Var(&enumFlag{set: set, name: name, what: "value", allowed: words}, name, usage)
	}
	return flagDef{usage: usage, bind: bind, complete: fixed(words)}
}

// formats is --format with the given formats, the first the default.
func formats[F ~string](fs ...F) flagDef {
	allowed := make([]string, len(fs))
	for i, f := range fs {
		allowed[i] = string(f)
	}
	return enum(func(v *values) *string { return &v.format }, allowed[0], "format", allowed, "output `format`: "+suggest.Or(allowed))
}

// enumFlag is a flag whose value is one of a fixed list: a wrong value is a
// usage error that suggests the closest.
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

// dateFlag is a YYYY-MM-DD flag (--at).
type dateFlag time.Time

func (d *dateFlag) String() string {
	if time.Time(*d).IsZero() {
		return ""
	}
	return time.Time(*d).Format(time.DateOnly)
}

func (d *dateFlag) Set(s string) error {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return fmt.Errorf("want a date as YYYY-MM-DD, got %q", s)
	}
	*d = dateFlag(t)
	return nil
}

func (d *dateFlag) Type() string { return "date" }

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

// The modelled releases (--libvirt's completions), feature sets and rule
// IDs (explain's), and the machine families --machine offers.
var (
	libvirtVersions = names(matcher.Profiles, func(p *matcher.Profile) string { return p.Version })
	featureSetNames = names(audit.FeatureSets(), func(f audit.FeatureSet) string { return f.Name })
	ruleIDs         = names(audit.Rules(), func(r audit.RuleInfo) string { return r.ID })
	machineFamilies = []string{"q35", "pc", "microvm", "virt"}
	yesNo, onOff    = []string{"yes", "no"}, []string{"on", "off"}
)
