package verdict

import (
	"os"

	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/hostfs"
	"github.com/fwaudit/fwaudit/matcher"
)

// Predict is fwaudit's answer for a case extracted to root (its descriptor
// directories) and domain (its domain.xml), for profile p, the way the
// CLI's "match --root" predicts it: a release that resolves firmware paths
// resolves them in the root's files over the profile's HostFiles.
func Predict(root string, domain []byte, p *matcher.Profile, existing bool) (*matcher.Answer, error) {
	set, err := descriptor.Load(descriptor.Options{Root: root, Rules: p.Rules})
	if err != nil {
		return nil, err
	}
	dom, req, err := matcher.ParseDomain(domain)
	if err != nil {
		return nil, err
	}
	req.Existing = existing
	var opts matcher.MatchOptions
	if p.ReadsHostFiles() {
		r, err := os.OpenRoot(root)
		if err != nil {
			return nil, err
		}
		defer r.Close()
		opts.Files = hostfs.Overlay(r.FS(), p.HostFiles)
	}
	return matcher.Match(set, req, p, opts).Answer(dom), nil
}
