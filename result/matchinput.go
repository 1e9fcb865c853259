package result

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/internal/suggest"
	"github.com/fwaudit/fwaudit/matcher"
	"github.com/fwaudit/fwaudit/release"
	"github.com/fwaudit/fwaudit/source"
	"libvirt.org/go/libvirtxml"
)

// MatchInput is fwaudit match's input as one value: the descriptors and
// the release (Spec), and the domain, described in exactly one of three
// ways: a domain file (--domain), nova's request (--image-property,
// --flavor-extra-spec, --image, --flavor), or the guest the request flags
// describe (--arch, --machine, ...).
type MatchInput struct {
	Spec source.Spec
	// DomainFile is a domain definition to read (virsh dumpxml): --domain.
	DomainFile string
	// Guest is the domain the request flags describe; GuestFlags names the
	// request flags given ("--arch", "--name", ...). A domain file or
	// nova's request describes the whole domain, so they exclude them
	// (nova's request takes --name, which names the domain).
	Guest      matcher.Guest
	GuestFlags []string
	// Nova is nova's request, used when given (NovaInput.Given);
	// NovaRelease is the nova release that writes the domain
	// (NovaRequest.Release).
	Nova        NovaInput
	NovaRelease string
	Options     PredictOptions
}

// Check is a *release.UsageError when the domain is described in more
// than one way, or in none, or the guest lacks what a domain needs: an
// architecture libvirt knows (see CheckArch), a machine type, a name.
func (in MatchInput) Check() error {
	given := in.GuestFlags
	if in.Nova.Given() {
		if in.DomainFile != "" {
			given = append(slices.Clip(given), "--domain")
		}
		if len(given) > 0 && !slices.Equal(given, []string{"--name"}) {
			return usagef("nova's flags describe the whole domain; they cannot be combined with %s", strings.Join(given, ", "))
		}
		return nil
	}
	switch g := in.Guest; {
	case in.DomainFile != "" && len(given) > 0:
		return usagef("--domain describes the whole domain; it cannot be combined with %s", strings.Join(given, ", "))
	case in.DomainFile != "":
		return nil
	case g.Arch == "":
		return usagef("give a domain: --domain FILE, or --arch and --machine")
	case g.Machine == "":
		return usagef("--arch needs --machine (e.g. q35, pc, virt)")
	case CheckArch(g.Arch) != nil:
		return CheckArch(g.Arch)
	case g.Name == "":
		return usagef("--name must not be empty")
	}
	return nil
}

// Predict is fwaudit match for in: it checks in (Check), then predicts
// with PredictNova, or with Predict for the domain file (ReadDomain) or
// the guest. When in.Spec is this host without descriptors it predicts on
// the bundled default set, and note says so (source.Spec.FallBack), as the
// command says on standard error.
func (in MatchInput) Predict(ctx context.Context) (m *Match, note string, err error) {
	if err := in.Check(); err != nil {
		return nil, "", err
	}
	if in.Nova.Given() {
		spec, note := in.Spec.FallBack()
		props, err := in.Nova.Properties()
		if err != nil {
			return nil, note, err
		}
		m, err := PredictNova(ctx, spec, NovaRequest{Properties: props, Release: in.NovaRelease, Name: in.Guest.Name}, in.Options)
		return m, note, err
	}
	var dom *libvirtxml.Domain
	if in.DomainFile != "" {
		if dom, err = ReadDomain(in.DomainFile); err != nil {
			return nil, "", err
		}
	} else {
		dom = in.Guest.Domain()
		in.Options.Built = true
	}
	spec, note := in.Spec.FallBack()
	m, err = Predict(ctx, spec, dom, in.Options)
	return m, note, err
}

// ArchAliases are common names for libvirt's architectures, which libvirt
// does not take (amd64 for x86_64, ...).
var ArchAliases = map[string]string{"amd64": "x86_64", "i386": "i686", "x86": "i686", "arm64": "aarch64", "arm": "armv7l"}

// CheckArch is a *release.UsageError for an architecture libvirt does not
// know (descriptor.RulesLatest): it gives libvirt's name for an alias
// (ArchAliases), else the closest name.
func CheckArch(arch string) error {
	known := descriptor.RulesLatest.Architectures
	if slices.Contains(known, arch) {
		return nil
	}
	hint := suggest.Hint(arch, known)
	if alias, ok := ArchAliases[arch]; ok {
		hint = fmt.Sprintf(" (libvirt calls it %s)", alias)
	}
	return usagef("--arch %q: not an architecture libvirt knows%s", arch, hint)
}

// usagef is a *release.UsageError.
func usagef(format string, args ...any) error {
	return &release.UsageError{Msg: fmt.Sprintf(format, args...)}
}
