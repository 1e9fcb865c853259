package result

import (
	"cmp"
	"context"
	"fmt"

	"github.com/fwaudit/fwaudit/audit"
	"github.com/fwaudit/fwaudit/internal/safefile"
	"github.com/fwaudit/fwaudit/matcher"
	"github.com/fwaudit/fwaudit/nova"
	"github.com/fwaudit/fwaudit/release"
	"github.com/fwaudit/fwaudit/source"
	"libvirt.org/go/libvirtxml"
)

// PredictOptions refine Predict and PredictNova.
type PredictOptions struct {
	// Existing predicts for an existing domain (loaded from its stored
	// definition) instead of a new define.
	Existing bool
	// All lists every other matching descriptor (Match.Also).
	All bool
	// Built says the domain is one fwaudit built for a question about the
	// descriptors (the request flags of fwaudit match, nova's request):
	// the host's KVM is taken to run its architecture. A domain file is
	// judged as the host would, and a --root or --dir is the host the
	// release was recorded on, whose KVM runs x86_64 and i686 only
	// (matcher.Profile.HostKVM).
	Built bool
}

// Predict is fwaudit match for dom: the firmware libvirt picks from the
// descriptors spec names, under the release spec chooses (source.Open with
// source.Predict, for dom's architecture), and what it writes back. A
// refused domain is a Match that is not OK, not an error. Like the
// command, it predicts on the bundled default set when spec is this host
// and the host has no descriptors; spec.FallBack() says so beforehand and
// returns the note the command prints on stderr.
func Predict(ctx context.Context, spec source.Spec, dom *libvirtxml.Domain, opts PredictOptions) (*Match, error) {
	req, err := matcher.FromDomain(dom)
	if err != nil {
		return nil, err
	}
	src, err := source.Open(ctx, spec, source.Predict, req.Arch)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	return match(src, dom, req, opts), nil
}

func match(src *source.Source, dom *libvirtxml.Domain, req *matcher.Request, opts PredictOptions) *Match {
	req.Existing = opts.Existing
	mo := src.MatchOptions()
	if opts.Built {
		mo.KVM = matcher.AnyKVM()
	}
	d := matcher.Match(src.Set, req, src.Choice.Profile, mo)
	return NewMatch(src.Choice, dom, d, opts.All)
}

// ReadDomain reads a domain definition (virsh dumpxml) for Predict. A file
// that is not a domain libvirt would take is a *release.UsageError; one
// that cannot be read is the *fs.PathError.
func ReadDomain(file string) (*libvirtxml.Domain, error) {
	data, err := safefile.Read(file, audit.MaxDomainSize) // never blocks on a FIFO; virsh's cap
	if err != nil {
		return nil, err
	}
	dom, _, err := matcher.ParseDomain(data)
	if err != nil {
		return nil, &release.UsageError{Msg: fmt.Sprintf("%s: %v", file, err)}
	}
	return dom, nil
}

// RefusedError is nova refusing a request: there is no domain to predict
// for (fwaudit match's exit 1).
type RefusedError struct {
	// Release is the nova release that refuses.
	Release string
	Err     error
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("nova %s refuses the request: %v", e.Release, e.Err)
}

func (e *RefusedError) Unwrap() error { return e.Err }

// NovaRequest is a guest as OpenStack nova builds it: fwaudit match's
// --image-property, --flavor-extra-spec, --image, --flavor and
// --nova-release.
type NovaRequest struct {
	Properties nova.Properties
	// Release is the nova release that writes the domain (nova.ReleaseFor:
	// "2025.2", "2026.1", "legacy", "auto"); "" is nova.AutoSelect's, as
	// for fwaudit match.
	Release string
	// Name names the domain (and its NVRAM file).
	Name string
}

// PredictNova is fwaudit match for the guest nova's release writes for
// the request (after nova's own selection, before 2026.1), under the
// libvirt release spec chooses; Match.Nova says which nova release and
// how. A request nova refuses is a *RefusedError; --profile nova-legacy
// is a *release.UsageError (nova's release is chosen by Release).
func PredictNova(ctx context.Context, spec source.Spec, nr NovaRequest, opts PredictOptions) (*Match, error) {
	nr.Release = cmp.Or(nr.Release, nova.AutoSelect.Name)
	rel, err := nova.ReleaseFor(nr.Release)
	if err != nil {
		return nil, &release.UsageError{Msg: "--nova-release: " + err.Error()}
	}
	nreq, err := nova.Decide(nr.Properties, rel, nova.Options{})
	if err != nil {
		return nil, &RefusedError{Release: rel.Name, Err: err}
	}
	src, err := source.Open(ctx, spec, source.Predict, nreq.Arch)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	if src.Choice.Profile.Nova {
		return nil, &release.UsageError{Msg: "--profile nova-legacy: with nova's flags, choose nova's release with --nova-release and libvirt's with --libvirt"}
	}
	mo := src.MatchOptions()
	mo.KVM = matcher.AnyKVM() // nova's guest stands for one its host runs
	pr, err := nova.Predict(src.Set, nr.Properties, rel, src.Choice.Profile, nova.Options{Name: nr.Name, Match: mo})
	if err != nil {
		return nil, err
	}
	if pr.Domain == nil {
		return nil, &RefusedError{Release: rel.Name, Err: fmt.Errorf("%s", pr.Err)}
	}
	req, err := matcher.FromDomain(pr.Domain)
	if err != nil {
		return nil, err
	}
	m := match(src, pr.Domain, req, opts)
	m.Nova = fmt.Sprintf("%s (--nova-release %s): nova's own selection wrote the loader", rel.Name, nr.Release)
	if rel.AutoSelect {
		m.Nova = fmt.Sprintf("%s (--nova-release %s): <os firmware='efi'>, libvirt picks", rel.Name, nr.Release)
	}
	return m, nil
}
