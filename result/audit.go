package result

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/fwaudit/fwaudit/audit"
	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/domcaps"
	"github.com/fwaudit/fwaudit/internal/safefile"
	"github.com/fwaudit/fwaudit/matcher"
	"github.com/fwaudit/fwaudit/nova"
	"github.com/fwaudit/fwaudit/release"
	"github.com/fwaudit/fwaudit/report"
	"github.com/fwaudit/fwaudit/source"
)

// maxShow bounds an "openstack ... show -f json" or combinations file.
const maxShow = 4 << 20

// AuditOptions are fwaudit audit's inputs besides the descriptors' source;
// files are named as the command line names them and read by Audit.
type AuditOptions struct {
	// Domains are libvirt domain XML files or directories (--domains).
	Domains []string
	// Require names coverage cells that must be satisfied (--require).
	Require []string
	// Overrides is a file of findings to suppress (--overrides).
	Overrides string
	// SkipContents leaves the images' contents unread (--contents=false);
	// At is the date certificate expiry is judged at, zero for now (--at).
	SkipContents bool
	At           time.Time
	// NovaCombinations is a file of image/flavor combinations
	// (--nova-combinations); Nova, when set and given (NovaInput.Given),
	// is one more, named "command line" (nova's request flags).
	NovaCombinations string
	Nova             *NovaInput
	// DomainCaps are virsh domcapabilities files (--domcapabilities).
	DomainCaps []string
	// Tool names the program in the report.
	Tool report.Tool
	// Scanned, when set, is called with the set once it is scanned and
	// before it is read (descriptor.Options.Scanned), if the audit is one
	// whose memory follows the set's size (audit.Options.Compact): fwaudit
	// audit sizes its memory budget from it (internal/membudget).
	Scanned func(*descriptor.Listing)
}

// Audit is fwaudit audit: the descriptors spec names (source.Open with
// source.Audit) audited under the release it chooses, with the images
// read from the root (or this host) unless the set is a bundled one, whose
// NVRAM templates are then known from its summary (source.Templates).
// It falls back as Predict does (source.Spec.FallBack).
// Inputs the user must fix (a malformed overrides, combinations or domain
// capabilities file, an unknown --require cell, nova combinations under
// nova-legacy) are *release.UsageError values.
func Audit(ctx context.Context, spec source.Spec, o AuditOptions) (*report.Report, error) {
	if err := spec.Check(); err != nil {
		return nil, err
	}
	opts := audit.Options{Require: o.Require, Tool: o.Tool, Contents: !o.SkipContents, At: o.At}
	var err error
	if opts.Overrides, err = readOverrides(o.Overrides); err != nil {
		return nil, err
	}
	if len(o.Domains) > 0 {
		if opts.Domains, err = audit.ReadDomains(o.Domains); err != nil {
			return nil, err
		}
		opts.EmptyDomainDirs = audit.EmptyDomainDirs(o.Domains, opts.Domains)
	}
	if o.NovaCombinations != "" {
		data, err := safefile.Read(o.NovaCombinations, maxShow)
		if err != nil {
			return nil, err
		}
		if opts.Nova, err = nova.ReadCombinations(o.NovaCombinations, data); err != nil {
			return nil, usage(err)
		}
	}
	if o.Nova != nil && o.Nova.Given() {
		p, err := o.Nova.Properties()
		if err != nil {
			return nil, err
		}
		opts.Nova = append(opts.Nova, nova.Combination{Name: "command line", Properties: p})
	}
	for _, file := range o.DomainCaps {
		data, err := safefile.Read(file, domcaps.MaxSize)
		if err != nil {
			return nil, err
		}
		caps, err := domcaps.Parse(file, data)
		if err != nil {
			return nil, usage(err)
		}
		opts.DomainCaps = append(opts.DomainCaps, caps)
	}

	src, err := source.Prepare(ctx, spec, source.Audit, "x86_64")
	if err != nil {
		return nil, err
	}
	defer src.Close()
	load, err := src.LoadOptions()
	if err != nil {
		return nil, err
	}

	c := src.Choice
	if len(opts.Nova) > 0 && c.Profile.Nova {
		return nil, &release.UsageError{Msg: "nova combinations are judged with a libvirt release: choose one with --libvirt, not --profile nova-legacy"}
	}
	opts.Profile, opts.QEMU = c.Profile, c.QEMU
	opts.ProfileSource, opts.ProfileNote = string(c.ProfileSetting.Source), c.ProfileSetting.Note
	opts.Source, opts.Files, opts.HostFiles = src.Spec.Name(), src.Files, src.HostFiles
	if d := src.Spec.Distro; d != "" {
		opts.FilesSkipped = "the bundled " + d + " set holds the descriptors only, not the images"
		opts.Templates = source.Templates(d)
	}
	opts.CheckEmulators = c.HostRelease && src.Spec.Root == ""
	// The set is this call's own: its bytes may go once read.
	opts.ReleaseData = true
	if opts.Compact() {
		load.Scanned = o.Scanned
	}
	r, err := audit.RunLoad(ctx, load, opts)
	var le *audit.LoadError
	switch {
	case errors.As(err, &le):
		return nil, le.Err
	case err != nil:
		return nil, usage(err)
	}
	return r, nil
}

// LintOptions are fwaudit lint's inputs besides the files.
type LintOptions struct {
	// Root is the directory the images are looked up in (the DESTDIR);
	// "" checks no images.
	Root string
	// Libvirt or Profile narrow the verdict to one release; without
	// either, every modelled release is judged and the strictest verdict
	// reported.
	Libvirt, Profile string
	// Overrides, SkipContents, At and Tool are as AuditOptions'.
	Overrides    string
	SkipContents bool
	At           time.Time
	Tool         report.Tool
	// Scanned, when set, is called with the files' listing once they are
	// scanned and before they are read (audit.Options.Scanned): fwaudit
	// lint sizes its memory budget from it.
	Scanned func(*descriptor.Listing)
}

// Lint is fwaudit lint: the lint rules over descriptor files and
// directories (paths, inside Root when given), for every modelled release
// unless one is named.
func Lint(ctx context.Context, paths []string, o LintOptions) (*report.Report, error) {
	p, ps, err := release.Named(o.Libvirt, o.Profile)
	if err != nil {
		return nil, err
	}
	profiles, source, note := matcher.Profiles, "default", "every modelled release, the strictest verdict; narrow with --libvirt"
	if p != nil {
		profiles, source, note = []*matcher.Profile{p}, "flag", ps.Note
	}
	opts := audit.Options{ProfileSource: source, ProfileNote: note, Source: strings.Join(paths, ","), Tool: o.Tool,
		Contents: !o.SkipContents, At: o.At, ReleaseData: true, // load below makes a fresh set
		Scanned: o.Scanned}
	if opts.Overrides, err = readOverrides(o.Overrides); err != nil {
		return nil, err
	}
	if o.Root != "" {
		r, err := os.OpenRoot(o.Root)
		if err != nil {
			return nil, fmt.Errorf("opening root: %w", err)
		}
		defer r.Close()
		opts.Files = safefile.FS(r)
	} else {
		opts.FilesSkipped = "no --root given (pass the DESTDIR the package installs into to check the images)"
	}
	return audit.LintPaths(ctx, o.Root, paths, opts, profiles...)
}

// readOverrides reads an overrides file: one that cannot be read is an
// I/O failure, one that is malformed a *release.UsageError.
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
		return nil, usage(err)
	}
	return ovs, nil
}

// usage makes err a *release.UsageError: the user's to fix.
func usage(err error) error { return &release.UsageError{Msg: err.Error()} }

// NovaInput is nova's request as fwaudit's flags give it: the outputs of
// "openstack image show -f json" and "openstack flavor show -f json"
// (Image, Flavor) with KEY=VALUE pairs over them (ImageProps,
// FlavorSpecs). An empty Image or Flavor is that file not given: the
// command refuses an explicit empty --image or --flavor as a usage error
// naming the flag, since "" names no file.
type NovaInput struct {
	Image, Flavor           string
	ImageProps, FlavorSpecs []string
}

// Given reports whether any part of the request is given.
func (n NovaInput) Given() bool {
	return n.Image != "" || n.Flavor != "" || len(n.ImageProps) > 0 || len(n.FlavorSpecs) > 0
}

// Properties reads the request: the files first, then the pairs over
// them. Malformed input is a *release.UsageError naming the flag.
func (n NovaInput) Properties() (nova.Properties, error) {
	var p nova.Properties
	for _, f := range []struct {
		file string
		dst  *map[string]string
		read func(string, []byte) (map[string]string, error)
	}{{n.Image, &p.Image, nova.ReadImage}, {n.Flavor, &p.Flavor, nova.ReadFlavor}} {
		if f.file == "" {
			continue
		}
		data, err := safefile.Read(f.file, maxShow)
		if err != nil {
			return p, err
		}
		if *f.dst, err = f.read(f.file, data); err != nil {
			return p, usage(err)
		}
	}
	for _, kv := range n.ImageProps {
		if err := nova.Set(&p.Image, kv); err != nil {
			return p, &release.UsageError{Msg: "--image-property " + err.Error()}
		}
	}
	for _, kv := range n.FlavorSpecs {
		if err := nova.Set(&p.Flavor, kv); err != nil {
			return p, &release.UsageError{Msg: "--flavor-extra-spec " + err.Error()}
		}
	}
	return p, nil
}
