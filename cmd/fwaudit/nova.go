package main

import (
	"context"
	"fmt"

	"github.com/fwaudit/fwaudit/audit"
	"github.com/fwaudit/fwaudit/domcaps"
	"github.com/fwaudit/fwaudit/internal/safefile"
	"github.com/fwaudit/fwaudit/matcher"
	"github.com/fwaudit/fwaudit/nova"
	"github.com/fwaudit/fwaudit/release"
	"github.com/spf13/cobra"
	"libvirt.org/go/libvirtxml"
)

// maxShow bounds an "openstack ... show -f json" or combinations file.
const maxShow = 4 << 20

// novaFlags are nova's request, as image properties and flavor extra
// specs, on match and audit.
type novaFlags struct {
	imageProps, flavorSpecs []string
	image, flavor           string
}

var novaFlagNames = []string{"image-property", "flavor-extra-spec", "image", "flavor"}

func (n *novaFlags) register(c *cobra.Command) {
	f := c.Flags()
	f.StringArrayVar(&n.imageProps, "image-property", nil, "nova image property `KEY=VALUE` (hw_firmware_type=uefi, os_secure_boot=required, ...; repeatable)")
	f.StringArrayVar(&n.flavorSpecs, "flavor-extra-spec", nil, "nova flavor extra spec `KEY=VALUE` (hw:mem_encryption=true, ...; repeatable)")
	f.StringVar(&n.image, "image", "", "nova image properties from `FILE`, the output of openstack image show -f json")
	f.StringVar(&n.flavor, "flavor", "", "nova flavor extra specs from `FILE`, the output of openstack flavor show -f json")
}

func (n *novaFlags) given(c *cobra.Command) bool {
	for _, name := range novaFlagNames {
		if c.Flags().Changed(name) {
			return true
		}
	}
	return false
}

// properties reads the request: the files first, then KEY=VALUE flags
// over them.
func (n *novaFlags) properties() (nova.Properties, error) {
	var p nova.Properties
	for _, f := range []struct {
		file string
		dst  *map[string]string
		read func(string, []byte) (map[string]string, error)
	}{{n.image, &p.Image, nova.ReadImage}, {n.flavor, &p.Flavor, nova.ReadFlavor}} {
		if f.file == "" {
			continue
		}
		data, err := safefile.Read(f.file, maxShow)
		if err != nil {
			return p, err
		}
		if *f.dst, err = f.read(f.file, data); err != nil {
			return p, usageError(err.Error())
		}
	}
	for _, kv := range n.imageProps {
		if err := nova.Set(&p.Image, kv); err != nil {
			return p, usageError("--image-property " + err.Error())
		}
	}
	for _, kv := range n.flavorSpecs {
		if err := nova.Set(&p.Flavor, kv); err != nil {
			return p, usageError("--flavor-extra-spec " + err.Error())
		}
	}
	return p, nil
}

// novaAuditFlags are audit's nova view and libvirt's domain capabilities.
type novaAuditFlags struct {
	req          novaFlags
	combinations string
	caps         []string
}

func (n *novaAuditFlags) register(c *cobra.Command) {
	n.req.register(c)
	f := c.Flags()
	f.StringVar(&n.combinations, "nova-combinations", "", "predict the image/flavor combinations of `FILE` (JSON) before and after nova 2026.1")
	f.StringArrayVar(&n.caps, "domcapabilities", nil, "compare libvirt's domain capabilities in `FILE` (virsh domcapabilities) with the descriptors (repeatable)")
}

// apply adds the nova combinations (the file's, and the one the request
// flags describe, named "command line") and the domain capabilities to
// the audit.
func (n *novaAuditFlags) apply(c *cobra.Command, opts *audit.Options) error {
	if n.combinations != "" {
		data, err := safefile.Read(n.combinations, maxShow)
		if err != nil {
			return err
		}
		if opts.Nova, err = nova.ReadCombinations(n.combinations, data); err != nil {
			return usageError(err.Error())
		}
	}
	if n.req.given(c) {
		p, err := n.req.properties()
		if err != nil {
			return err
		}
		opts.Nova = append(opts.Nova, nova.Combination{Name: "command line", Properties: p})
	}
	for _, file := range n.caps {
		data, err := safefile.Read(file, domcaps.MaxSize)
		if err != nil {
			return err
		}
		caps, err := domcaps.Parse(file, data)
		if err != nil {
			return usageError(err.Error())
		}
		opts.DomainCaps = append(opts.DomainCaps, caps)
	}
	if len(opts.Nova) > 0 && opts.Profile != nil && opts.Profile.Nova {
		return usageError("nova combinations are judged with a libvirt release: choose one with --libvirt, not --profile nova-legacy")
	}
	return nil
}

// novaDomain is match's domain when nova's flags describe it: the guest
// the nova release writes (after its own selection, before 2026.1), for
// the libvirt release that receives it. A request nova refuses is exit 1
// with nova's exception.
func (f *matchFlags) novaDomain(ctx context.Context, c *cobra.Command) (*libvirtxml.Domain, *matcher.Request, release.Choice, error) {
	var none release.Choice
	rel, err := nova.ReleaseFor(f.novaRelease)
	if err != nil {
		return nil, nil, none, usageError("--nova-release: " + err.Error())
	}
	props, err := f.nova.properties()
	if err != nil {
		return nil, nil, none, err
	}
	req, err := nova.Decide(props, rel, nova.Options{})
	if err != nil {
		return nil, nil, none, &exitError{code: exitFindings, err: fmt.Errorf("nova %s refuses the request: %v", rel.Name, err)}
	}
	choice, err := release.Choose(ctx, release.Request{
		Libvirt: f.rel.libvirt, Profile: f.rel.profile, QEMU: f.rel.qemu,
		OnHost: f.src.root == "" && f.src.distro == "", Host: hostProbe, Distro: f.src.distro, NotHost: f.src.name(), Arch: req.Arch,
	})
	if err != nil {
		return nil, nil, none, releaseError(err)
	}
	if choice.Profile.Nova {
		return nil, nil, none, usageError("--profile nova-legacy: with nova's flags, choose nova's release with --nova-release and libvirt's with --libvirt")
	}
	set, err := f.src.loadSet(choice.Profile.Rules)
	if err != nil {
		return nil, nil, none, err
	}
	files, closeFiles, err := f.src.hostFiles(choice)
	if err != nil {
		return nil, nil, none, err
	}
	defer closeFiles()
	pr, err := nova.Predict(set, props, rel, choice.Profile, nova.Options{Name: f.name, Match: matcher.MatchOptions{QEMU: choice.QEMU, Files: files}})
	if err != nil {
		return nil, nil, none, err
	}
	if pr.Domain == nil {
		return nil, nil, none, &exitError{code: exitFindings, err: fmt.Errorf("nova %s refuses the request: %s", rel.Name, pr.Err)}
	}
	lreq, err := matcher.FromDomain(pr.Domain)
	return pr.Domain, lreq, choice, err
}

// novaNote says which nova release wrote the domain, and how.
func novaNote(name string) string {
	rel, err := nova.ReleaseFor(name)
	if err != nil {
		return name
	}
	if rel.AutoSelect {
		return fmt.Sprintf("%s (--nova-release %s): <os firmware='efi'>, libvirt picks", rel.Name, name)
	}
	return fmt.Sprintf("%s (--nova-release %s): nova's own selection wrote the loader", rel.Name, name)
}
