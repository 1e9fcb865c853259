package nova

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/matcher"
	"libvirt.org/go/libvirtxml"
)

// Release is what one nova release does with firmware, as data.
type Release struct {
	// Name is the release ("2025.2"), Since the first release the entry
	// stands for ("2024.2": the behaviour did not change in between).
	Name, Since string
	// AutoSelect: the guest gets <os firmware='efi'> and libvirt picks the
	// files (2026.1 and later). Otherwise nova picks them itself
	// (matcher.NovaLegacy) and writes a pflash <loader> with the path.
	AutoSelect bool
	// Models are the hw_mem_encryption_model values the release accepts;
	// the first is the default.
	Models []string
	// Note says where the behaviour comes from.
	Note string
}

// The releases modelled.
var (
	// Legacy is nova up to 2025.2: its own selection (host.py get_loader),
	// then a pflash <loader> with the chosen path, secure='yes' for a
	// Secure Boot guest, <nvram template>, SMM when the descriptor
	// requires it; stateless firmware since 2024.2.
	Legacy = &Release{Name: "2025.2", Since: "2024.2", Models: []string{"amd-sev", "amd-sev-es"},
		Note: "nova's own selection: nova/virt/libvirt/driver.py, config.py, host.py get_loader before commit 5841095740"}
	// AutoSelect is nova 2026.1 and later: <os firmware='efi'>,
	// <loader secure='yes|no'> from the Secure Boot decision,
	// stateless='yes' for hw_firmware_stateless, and libvirt picks.
	AutoSelect = &Release{Name: "2026.1", Since: "2026.1", AutoSelect: true, Models: []string{"amd-sev", "amd-sev-es", "intel-tdx"},
		Note: "libvirt's auto-selection: nova commit 5841095740 (blueprint libvirt-firmware-auto-selection)"}
)

// Releases are the modelled releases, oldest first.
var Releases = []*Release{Legacy, AutoSelect}

// ReleaseFor returns the modelled behaviour of a nova release: a release
// name ("2025.1", "2026.1"), "legacy" or "auto". Releases before 2024.2 are
// refused: their stateless and memory-encryption handling is not modelled.
func ReleaseFor(name string) (*Release, error) {
	switch name {
	case "legacy":
		return Legacy, nil
	case "auto", "latest":
		return AutoSelect, nil
	}
	var y, n int
	if _, err := fmt.Sscanf(name, "%d.%d", &y, &n); err != nil || fmt.Sprintf("%d.%d", y, n) != name || n < 1 || n > 2 {
		return nil, fmt.Errorf("nova release %q: want YEAR.1 or YEAR.2 (e.g. 2025.2), legacy or auto", name)
	}
	switch {
	case y > 2026 || (y == 2026 && n >= 1):
		return AutoSelect, nil
	case y > 2024 || (y == 2024 && n == 2):
		return Legacy, nil
	}
	return nil, fmt.Errorf("nova release %s is not modelled (the oldest is %s)", name, Legacy.Since)
}

// Options refine Predict.
type Options struct {
	// Arch is the guest architecture when the image has no
	// hw_architecture; "" means x86_64.
	Arch string
	// Machine is the compute node's [libvirt] hw_machine_type for the
	// architecture, used when the image has no hw_machine_type; "" means
	// nova's built-in default (pc on x86, virt on Arm).
	Machine string
	// Name names the guest (and so its NVRAM file); "" means "instance".
	Name string
	// Match is passed to the libvirt prediction.
	Match matcher.MatchOptions
}

// Request is what nova asks for, decided from the properties.
type Request struct {
	Arch, Machine string
	// UEFI: hw_firmware_type=uefi (or an Arm guest without the property).
	UEFI bool
	// SecureBoot is "required", "optional", "disabled" or "".
	SecureBoot string
	// Stateless is hw_firmware_stateless.
	Stateless bool
	// Encryption is the memory encryption model ("amd-sev", "amd-sev-es",
	// "intel-tdx"), or "".
	Encryption string
}

// Error is nova refusing the request, in the words of its exception.
type Error struct{ Msg string }

func (e *Error) Error() string { return e.Msg }

func refuse(format string, args ...any) error { return &Error{fmt.Sprintf(format, args...)} }

// boolean is oslo's strutils.bool_from_string (not strict), which nova
// applies to boolean properties and extra specs.
func boolean(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "t", "true", "on", "y", "yes":
		return true
	}
	return false
}

var q35 = regexp.MustCompile(`^(pc-)?q35(-.*)?$`)

// Decide reads what nova asks for from p, for release rel. Invalid values
// and combinations nova refuses are an *Error.
func Decide(p Properties, rel *Release, opts Options) (*Request, error) {
	img, fl := p.Image, p.Flavor
	r := &Request{Arch: cmp.Or(img["hw_architecture"], img["architecture"], opts.Arch, "x86_64")}
	r.Machine = cmp.Or(img["hw_machine_type"], opts.Machine, defaultMachine(r.Arch))

	switch fw := img["hw_firmware_type"]; fw {
	case "uefi":
		r.UEFI = true
	case "bios":
	case "":
		r.UEFI = r.Arch == "aarch64" // driver.py: UEFI is the default on AArch64
	default:
		return nil, refuse("hw_firmware_type=%s: want bios or uefi", fw)
	}

	// hardware.get_secure_boot_constraint: the flavor's and the image's
	// policies must agree.
	fsb, isb := fl["os:secure_boot"], img["os_secure_boot"]
	for _, v := range []string{fsb, isb} {
		if v != "" && !slices.Contains([]string{"required", "disabled", "optional"}, v) {
			return nil, refuse("secure boot policy %q: want required, optional or disabled", v)
		}
	}
	if fsb != "" && isb != "" && fsb != isb {
		return nil, refuse("FlavorImageConflict: flavor os:secure_boot=%s conflicts with image os_secure_boot=%s", fsb, isb)
	}
	r.SecureBoot = cmp.Or(fsb, isb)
	r.Stateless = boolean(img["hw_firmware_stateless"])

	// hardware.get_mem_encryption_constraint.
	if boolean(fl["hw:mem_encryption"]) || boolean(img["hw_mem_encryption"]) {
		fm, im := fl["hw:mem_encryption_model"], img["hw_mem_encryption_model"]
		if fm != "" && im != "" && fm != im {
			return nil, refuse("FlavorImageConflict: flavor hw:mem_encryption_model=%s conflicts with image hw_mem_encryption_model=%s", fm, im)
		}
		model := cmp.Or(fm, im, rel.Models[0])
		if !slices.Contains(rel.Models, model) {
			return nil, refuse("memory encryption model %q is not known to nova %s (it knows %s)", model, rel.Name, strings.Join(rel.Models, ", "))
		}
		if !r.UEFI {
			return nil, refuse("FlavorImageConflict: memory encryption requires hw_firmware_type=uefi on the image")
		}
		if r.Arch == "x86_64" && !q35.MatchString(r.Machine) {
			return nil, refuse("InvalidMachineType: memory encryption requires a q35 machine type, not %s", r.Machine)
		}
		r.Encryption = model
	}
	if r.Stateless && !r.UEFI {
		return nil, refuse("hw_firmware_stateless requires hw_firmware_type=uefi")
	}
	if r.Encryption == "intel-tdx" && !r.Stateless {
		return nil, refuse("intel-tdx requires hw_firmware_stateless=true")
	}
	return r, nil
}

// defaultMachine is nova's libvirt_utils.get_default_machine_type.
func defaultMachine(arch string) string {
	switch arch {
	case "x86_64", "i686":
		return "pc"
	case "aarch64", "armv7l":
		return "virt"
	case "ppc64le", "ppc64":
		return "pseries"
	case "s390x":
		return "s390-ccw-virtio"
	}
	return ""
}

// Prediction is what happens to an instance with some properties on one
// nova release and one libvirt release.
type Prediction struct {
	Release *Release
	// Libvirt is the libvirt release that receives the guest.
	Libvirt *matcher.Profile
	Request *Request
	// Nova is nova's own selection (Legacy only, UEFI guests only).
	Nova *matcher.Decision
	// Domain is the definition nova hands to libvirt (for Legacy, after
	// its own selection), before libvirt's; nil when nova refused.
	Domain *libvirtxml.Domain
	// Decision is libvirt's, on Domain; nil when nova refused.
	Decision *matcher.Decision
	// Answer is what libvirt writes (or its error).
	Answer *matcher.Answer
	// Err is the refusal: nova's exception, or libvirt's error.
	Err string
	// Stage is "nova", "define" or "start" for a refusal.
	Stage string
}

// Firmware summarises the firmware the instance boots: "bios", the loader
// path and template, or the refusal.
func (pr *Prediction) Firmware() string {
	if pr.Err != "" {
		return "refused (" + pr.Stage + "): " + pr.Err
	}
	a := pr.Answer
	if a == nil || a.Loader == nil || a.Loader.Path == nil {
		if pr.Request != nil && pr.Request.UEFI {
			return "uefi (QEMU's default)"
		}
		return "bios"
	}
	s := *a.Loader.Path
	if a.NVRAM != nil && a.NVRAM.Template != nil {
		s += " + " + *a.NVRAM.Template
	}
	if a.Loader.Stateless != nil && *a.Loader.Stateless == "yes" {
		s += " (stateless)"
	}
	return s
}

// Predict builds the guest rel writes for p and asks the matcher what it
// boots with on set under libvirt release lv. An invalid request is an
// *Error in the Prediction's Err (stage "nova"), not an error: nova refuses
// the boot. The error return is for a nil set or profile.
func Predict(set *descriptor.Set, p Properties, rel *Release, lv *matcher.Profile, opts Options) (*Prediction, error) {
	if set == nil || rel == nil || lv == nil || lv.Nova {
		return nil, fmt.Errorf("nova: Predict needs a descriptor set, a nova release and a libvirt profile")
	}
	pr := &Prediction{Release: rel, Libvirt: lv}
	req, err := Decide(p, rel, opts)
	if err != nil {
		pr.Err, pr.Stage = err.Error(), "nova"
		return pr, nil
	}
	pr.Request = req
	g := matcher.Guest{Name: cmp.Or(opts.Name, "instance"), Arch: req.Arch, Machine: req.Machine}
	switch req.Encryption {
	case "amd-sev":
		g.LaunchSecurity = "sev"
	case "amd-sev-es":
		g.LaunchSecurity = "sev-es"
	case "intel-tdx":
		g.LaunchSecurity = "tdx"
	}
	var dom *libvirtxml.Domain
	if req.UEFI {
		secure, err := secureBoot(set, req, rel, lv, opts)
		if err != nil {
			pr.Err, pr.Stage = err.Error(), "nova"
			return pr, nil
		}
		g.Stateless = req.Stateless
		if rel.AutoSelect {
			g.Firmware = "efi"
			g.LoaderSecure = matcher.No
			if secure {
				g.LoaderSecure = matcher.Yes
			}
			dom = g.Domain()
		} else {
			// nova asks its own selection with a pflash loader and the
			// Secure Boot decision, then writes what it chose.
			g.LoaderType = "pflash"
			if secure {
				g.LoaderSecure = matcher.Yes
			}
			dom = g.Domain()
			nreq, err := matcher.FromDomain(dom)
			if err != nil {
				return nil, err
			}
			nd := matcher.Match(set, nreq, matcher.NovaLegacy, opts.Match)
			pr.Nova = nd
			if !nd.OK() {
				pr.Err, pr.Stage = nd.Err, "nova"
				return pr, nil
			}
			nd.Apply(dom)
		}
	} else {
		dom = g.Domain()
	}
	pr.Domain = dom
	lreq, err := matcher.FromDomain(dom)
	if err != nil {
		return nil, err
	}
	d := matcher.Match(set, lreq, lv, opts.Match)
	pr.Decision = d
	out := copyDomain(dom)
	pr.Answer = d.Answer(out)
	if !d.OK() {
		pr.Err, pr.Stage = d.Err, d.Stage
	}
	return pr, nil
}

// secureBoot is nova's Secure Boot decision: required fails without host
// support, optional follows it, anything else is off.
func secureBoot(set *descriptor.Set, req *Request, rel *Release, lv *matcher.Profile, opts Options) (bool, error) {
	switch req.SecureBoot {
	case "required":
		if !supportsSecureBoot(set, req, rel, lv, opts) {
			return false, refuse(secureBootNotSupported)
		}
		return true, nil
	case "optional":
		return supportsSecureBoot(set, req, rel, lv, opts), nil
	}
	return false, nil
}

const secureBootNotSupported = "SecureBootNotSupported: Secure Boot is not supported by host"

// supportsSecureBoot is the host's Secure Boot support as nova sees it.
// Before 2026.1 (host.py supports_secure_boot): some descriptor targeting
// the architecture has the secure-boot feature. From 2026.1 the model asks
// libvirt for a Secure Boot guest of the architecture and machine: an
// approximation of nova reading libvirt's domain capabilities, which list
// Secure Boot when a descriptor offers it.
func supportsSecureBoot(set *descriptor.Set, req *Request, rel *Release, lv *matcher.Profile, opts Options) bool {
	if !rel.AutoSelect {
		for _, e := range set.Effective() {
			d := e.Descriptor
			if d == nil || !slices.Contains(d.Features, descriptor.Feature("secure-boot")) {
				continue
			}
			for _, t := range d.Targets {
				if t.Architecture == req.Arch {
					return true
				}
			}
		}
		return false
	}
	g := matcher.Guest{Name: "probe", Arch: req.Arch, Machine: req.Machine, Firmware: "efi", LoaderSecure: matcher.Yes}
	r, err := matcher.FromDomain(g.Domain())
	if err != nil {
		return false
	}
	mo := opts.Match
	mo.NoTrace = true
	return matcher.Match(set, r, lv, mo).OK()
}

// copyDomain copies the parts of a domain the matcher writes.
func copyDomain(d *libvirtxml.Domain) *libvirtxml.Domain {
	x, err := d.Marshal()
	if err != nil {
		return d
	}
	out := &libvirtxml.Domain{}
	if out.Unmarshal(x) != nil {
		return d
	}
	return out
}
