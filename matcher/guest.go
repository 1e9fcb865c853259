package matcher

import "libvirt.org/go/libvirtxml"

// Guest describes a domain the way a management tool asks for one, without
// writing its XML: the request flags of "fwaudit match" as a value. Domain
// writes the definition libvirt would be given, with the conventions of
// virt-install and nova (ACPI where libvirt's UEFI guests need it, nova's
// SEV policies). ParseDomain's Request for that definition is what Match
// takes.
type Guest struct {
	// Name names the domain, and so its NVRAM file.
	Name string
	// Arch is libvirt's architecture name (x86_64, i686, aarch64, ...);
	// Machine the machine type or alias (q35, pc, virt, pc-q35-9.2, ...).
	Arch, Machine string
	// Firmware is <os firmware>: "efi", "bios" or "" (manual selection).
	Firmware string
	// SecureBoot and EnrolledKeys are <os><firmware><feature> requests.
	SecureBoot, EnrolledKeys Tristate
	// SMM is <features><smm state>: Yes for on, No for off.
	SMM Tristate
	// The <loader> element's attributes and path; with none set the
	// domain has no <loader>.
	LoaderSecure             Tristate
	Stateless                bool
	LoaderType, LoaderFormat string
	LoaderPath               string
	// NVRAMFormat and NVRAMTemplate make an <nvram> element.
	NVRAMFormat, NVRAMTemplate string
	// LaunchSecurity is "sev" (nova's policy 0x33: no debug, no key
	// sharing, domain, SEV), "sev-es" (0x37, the same with the SEV-ES bit,
	// the only one firmware selection reads), "sev-snp" or "tdx".
	LaunchSecurity string
	// S3 and S4 enable <pm> suspend to memory and to disk.
	S3, S4 bool
	// NoACPI leaves <acpi/> out where Domain would write it (x86_64,
	// i686, aarch64; libvirt refuses x86 UEFI without it).
	NoACPI bool
}

// nova's SEV policies (nova/virt/libvirt/driver.py).
const (
	novaSEVPolicy   = 0x0033
	novaSEVESPolicy = novaSEVPolicy | 0x4
)

// acpiArchs get <acpi/>, as virt-install and nova write it.
var acpiArchs = map[string]bool{"x86_64": true, "i686": true, "aarch64": true}

// Domain writes the guest's definition.
func (g *Guest) Domain() *libvirtxml.Domain {
	os := &libvirtxml.DomainOS{
		Type:     &libvirtxml.DomainOSType{Type: "hvm", Arch: g.Arch, Machine: g.Machine},
		Firmware: g.Firmware,
	}
	dom := &libvirtxml.Domain{Type: "kvm", Name: g.Name, OS: os}
	if g.SecureBoot != Unset || g.EnrolledKeys != Unset {
		// libvirt writes the features in this order.
		fi := &libvirtxml.DomainOSFirmwareInfo{}
		if g.EnrolledKeys != Unset {
			fi.Features = append(fi.Features, libvirtxml.DomainOSFirmwareFeature{Name: "enrolled-keys", Enabled: g.EnrolledKeys.String()})
		}
		if g.SecureBoot != Unset {
			fi.Features = append(fi.Features, libvirtxml.DomainOSFirmwareFeature{Name: "secure-boot", Enabled: g.SecureBoot.String()})
		}
		os.FirmwareInfo = fi
	}
	if g.LoaderSecure != Unset || g.Stateless || g.LoaderType != "" || g.LoaderFormat != "" || g.LoaderPath != "" {
		l := &libvirtxml.DomainLoader{Path: g.LoaderPath, Secure: g.LoaderSecure.String(), Type: g.LoaderType, Format: g.LoaderFormat}
		if g.Stateless {
			l.Stateless = "yes"
		}
		os.Loader = l
	}
	if g.NVRAMFormat != "" || g.NVRAMTemplate != "" {
		os.NVRam = &libvirtxml.DomainNVRam{Format: g.NVRAMFormat, Template: g.NVRAMTemplate}
	}
	if acpiArchs[g.Arch] && !g.NoACPI {
		dom.Features = &libvirtxml.DomainFeatureList{ACPI: &libvirtxml.DomainFeature{}}
	}
	if g.SMM != Unset {
		if dom.Features == nil {
			dom.Features = &libvirtxml.DomainFeatureList{}
		}
		state := "on"
		if g.SMM == No {
			state = "off"
		}
		dom.Features.SMM = &libvirtxml.DomainFeatureSMM{State: state}
	}
	if g.S3 || g.S4 {
		dom.PM = &libvirtxml.DomainPM{}
		if g.S3 {
			dom.PM.SuspendToMem = &libvirtxml.DomainPMPolicy{Enabled: "yes"}
		}
		if g.S4 {
			dom.PM.SuspendToDisk = &libvirtxml.DomainPMPolicy{Enabled: "yes"}
		}
	}
	switch g.LaunchSecurity {
	case "sev", "sev-es":
		policy := uint(novaSEVPolicy)
		if g.LaunchSecurity == "sev-es" {
			policy = novaSEVESPolicy
		}
		dom.LaunchSecurity = &libvirtxml.DomainLaunchSecurity{SEV: &libvirtxml.DomainLaunchSecuritySEV{Policy: &policy}}
	case "sev-snp":
		dom.LaunchSecurity = &libvirtxml.DomainLaunchSecurity{SEVSNP: &libvirtxml.DomainLaunchSecuritySEVSNP{}}
	case "tdx":
		dom.LaunchSecurity = &libvirtxml.DomainLaunchSecurity{TDX: &libvirtxml.DomainLaunchSecurityTDX{}}
	}
	return dom
}
