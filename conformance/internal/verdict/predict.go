package verdict

import (
	"os"

	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/hostfs"
	"github.com/fwaudit/fwaudit/matcher"
	"libvirt.org/go/libvirtxml"
)

// Predict is fwaudit's answer for a case extracted to root (its descriptor
// directories) and domain (its domain.xml), for profile p, the way the
// CLI's "match --root" predicts it: a release that resolves firmware paths
// resolves them in the root's files over the profile's HostFiles.
func Predict(root string, domain []byte, p *matcher.Profile, existing bool) (*matcher.Answer, error) {
	d, dom, err := decide(root, domain, p, existing)
	if err != nil {
		return nil, err
	}
	return d.Answer(dom), nil
}

// PredictUpgrade is fwaudit's answer for a firmware-upgrade case: domain is
// defined as a new domain over the descriptors of defineRoot, and the
// definition that stores is then loaded, as an existing domain, over those
// of root. A define that fails is the answer. The stored definition is the
// domain with the define's selection applied (Decision.Apply) for a release
// that selects at define, and the domain as given for one that selects at
// start (9.0 stores no selection). This is what "match --existing" is asked
// with the stored definition (virsh dumpxml --inactive) after the upgrade.
func PredictUpgrade(defineRoot, root string, domain []byte, p *matcher.Profile) (*matcher.Answer, error) {
	d, dom, err := decide(defineRoot, domain, p, false)
	if err != nil {
		return nil, err
	}
	if !d.Defined() {
		return d.Answer(dom), nil
	}
	stored := domain
	if !p.Selection.AtStart {
		d.Apply(dom)
		s, err := dom.Marshal()
		if err != nil {
			return nil, err
		}
		stored = []byte(s)
	}
	return Predict(root, stored, p, true)
}

// decide runs the matcher for Predict and returns the decision and the
// parsed domain it applies to.
func decide(root string, domain []byte, p *matcher.Profile, existing bool) (*matcher.Decision, *libvirtxml.Domain, error) {
	set, err := descriptor.Load(descriptor.Options{Root: root, Rules: p.Rules})
	if err != nil {
		return nil, nil, err
	}
	dom, req, err := matcher.ParseDomain(domain)
	if err != nil {
		return nil, nil, err
	}
	req.Existing = existing
	var opts matcher.MatchOptions
	if p.ReadsHostFiles() {
		r, err := os.OpenRoot(root)
		if err != nil {
			return nil, nil, err
		}
		defer r.Close()
		opts.Files = hostfs.Overlay(r.FS(), p.HostFiles)
	}
	return matcher.Match(set, req, p, opts), dom, nil
}
