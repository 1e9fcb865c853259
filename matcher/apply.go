package matcher

import (
	"path"
	"strings"

	"github.com/fwaudit/fwaudit/descriptor"
	"libvirt.org/go/libvirtxml"
)

// nvramDir is where a system daemon keeps per-domain NVRAM files.
const nvramDir = "/var/lib/libvirt/qemu/nvram"

// Apply writes into dom what libvirt writes after the decision: the loader,
// the NVRAM template and file, SMM, the firmware features and, for libvirt
// 9.0, the live definition without <os firmware>. For a release that
// selects at define it is the definition the define stores, also when the
// first start fails afterwards (Decision.Defined); it does nothing when the
// define (or, for 9.0, the start) fails. dom should be the domain the
// Request came from.
func (d *Decision) Apply(dom *libvirtxml.Domain) {
	if d.Profile.Nova {
		d.applyNova(dom)
		return
	}
	// What libvirt does not parse for the guest's OS type, it does not
	// write back either (existing-dtype-ostype-xen).
	if os := dom.OS; os != nil {
		// format='none' is no format, which libvirt does not write
		// (xml-loader-nvram-format-none).
		if l := os.Loader; l != nil && l.Format == "none" {
			l.Format = ""
		}
		if n := os.NVRam; n != nil {
			if n.Format == "none" {
				n.Format = ""
			}
			if n.TemplateFormat == "none" {
				n.TemplateFormat = ""
			}
		}
		if !readsFirmware(d.Request.OSType) {
			os.Firmware, os.FirmwareInfo = "", nil
		}
		if !readsLoader(d.Request.OSType) {
			os.Loader, os.NVRam = nil, nil
		}
	}
	if !d.stored() || (!d.OK() && d.Selected && d.Chosen == nil && d.Request.Firmware != "") {
		// An existing domain whose selection failed is still loaded,
		// with the loader format its loading forced.
		if d.Stage == "start" && d.Request.Existing && !d.Profile.Selection.AtStart &&
			d.Request.Loader != nil && dom.OS != nil {
			// (A stored definition without <loader> gets one for the
			// forced format: existing-enrolled-keys-without-sb.)
			if dom.OS.Loader == nil {
				dom.OS.Loader = &libvirtxml.DomainLoader{}
			}
			if dom.OS.Loader.Format == "" {
				dom.OS.Loader.Format = d.Request.Loader.Format
			}
			if d.Profile.Writes.RawFormatImplicit {
				// 10.0 writes no format='raw', and no <loader> left
				// empty (upstream-firmware-auto-efi-format-loader-raw).
				d.writtenFormats(dom)
				if *dom.OS.Loader == (libvirtxml.DomainLoader{}) {
					dom.OS.Loader = nil
				}
			}
		}
		return
	}
	p := d.Profile
	r := &d.Request
	os := dom.OS
	if d.droppedFeatures {
		// A stored definition's feature requests without <os firmware>
		// are dropped when it is loaded (existing-features-without-firmware).
		os.FirmwareInfo = nil
	}
	// libvirt writes no <nvram> element with nothing in it (a domain's
	// empty <nvram/> beside a memory build: start-memory-build-empty-nvram).
	defer dropEmptyNVRAM(dom)
	if p.Parsing.NoTemplateFormat || p.Writes.RawFormatImplicit {
		defer d.writtenFormats(dom)
	}
	if os.Loader != nil && os.Loader.Type == "" && strings.TrimSpace(os.Loader.Path) != "" {
		os.Loader.Type = "rom" // libvirt's default loader type
	}
	if d.Selected && d.Request.Existing && os.Loader == nil && r.Loader != nil {
		os.Loader = &libvirtxml.DomainLoader{}
	}
	if p.Parsing.IgnoresFormats {
		if os.Loader != nil {
			os.Loader.Format = ""
		}
		if n := os.NVRam; n != nil {
			n.Format, n.TemplateFormat = "", ""
			if n.Template == "" && strings.TrimSpace(n.NVRam) == "" && n.Source == nil {
				os.NVRam = nil // nothing left of it
			}
		}
	}
	if p.Writes.LiveNetworkTLS {
		// Preparing an NBD NVRAM for the start marks it tls='no' (other
		// protocols stay as they are: xml-nvram-network-protocol-http,
		// -iscsi); an NVRAM a pflash loader does not use stays unprepared.
		defer func() {
			n, l := dom.OS.NVRam, dom.OS.Loader
			if n != nil && n.Source != nil && n.Source.Network != nil && n.Source.Network.Protocol == "nbd" && n.Source.Network.TLS == "" && l != nil && l.Type == "pflash" && l.Stateless != "yes" {
				n.Source.Network.TLS = "no"
			}
		}()
	}

	if r.FirmwareFeatures && r.SecureBoot == Yes && os.FirmwareInfo != nil {
		// A secure-boot request the release implied (enrolled keys) is
		// written back.
		found := false
		for _, f := range os.FirmwareInfo.Features {
			found = found || f.Name == "secure-boot"
		}
		if !found {
			os.FirmwareInfo.Features = append(os.FirmwareInfo.Features, libvirtxml.DomainOSFirmwareFeature{Name: "secure-boot", Enabled: "yes"})
		}
	}
	if r.Loader != nil && r.Loader.Format != "" && !p.Selection.AtStart {
		if os.Loader == nil {
			os.Loader = &libvirtxml.DomainLoader{}
		}
		os.Loader.Format = r.Loader.Format
	}
	if d.manualNVRAM {
		d.ensureNVRAM(dom)
		return
	}
	if d.Chosen == nil {
		if d.Selected && r.Firmware == "" {
			d.applyManualFallback(dom)
		}
		return
	}
	fw := d.Chosen.Descriptor
	m := &fw.Mapping

	switch m.Device {
	case descriptor.DeviceFlash:
		if os.Loader == nil {
			os.Loader = &libvirtxml.DomainLoader{}
		}
		l := os.Loader
		l.Type = "pflash"
		l.Readonly = "yes"
		if m.EffectiveMode() == descriptor.ModeCombined {
			l.Readonly = "no"
		}
		if m.EffectiveMode() == descriptor.ModeStateless {
			l.Stateless = "yes"
		}
		if p.Writes.Formats {
			l.Format = m.Executable.Format
		}
		l.Path = m.Executable.Filename
		if recordsTemplate(m, r, p) {
			if os.NVRam == nil {
				os.NVRam = &libvirtxml.DomainNVRam{}
			}
			os.NVRam.Template = m.NVRAMTemplate.Filename
			if p.Writes.Formats && !p.Parsing.NoTemplateFormat {
				os.NVRam.TemplateFormat = m.NVRAMTemplate.Format
			}
		}
	case descriptor.DeviceMemory:
		if os.Loader == nil {
			os.Loader = &libvirtxml.DomainLoader{}
		}
		os.Loader.Type = "rom"
		os.Loader.Path = m.Filename
		if p.Writes.ROMFormat {
			os.Loader.Format = "raw"
		}
	case descriptor.DeviceKernel:
		os.Kernel = m.Filename
	}

	if known(fw, p, descriptor.FeatureRequiresSMM) {
		if dom.Features == nil {
			dom.Features = &libvirtxml.DomainFeatureList{}
		}
		if dom.Features.SMM == nil {
			dom.Features.SMM = &libvirtxml.DomainFeatureSMM{}
		}
		dom.Features.SMM.State = "on"
		if os.Loader != nil {
			os.Loader.Secure = "yes"
		}
	}

	if p.Selection.AtStart {
		d.ensureNVRAM(dom)
		os.Firmware = ""
		return
	}
	if os.Firmware == "" {
		os.Firmware = osFirmwareOf(fw)
	}
	if os.Firmware != "" && p.Writes.FirmwareFeatures {
		feats := []libvirtxml.DomainOSFirmwareFeature{}
		if writesEnrolledKeys(m, r, p) {
			feats = append(feats, libvirtxml.DomainOSFirmwareFeature{Name: "enrolled-keys", Enabled: yesNo(known(fw, p, descriptor.FeatureEnrolledKeys))})
		}
		feats = append(feats, libvirtxml.DomainOSFirmwareFeature{Name: "secure-boot", Enabled: yesNo(known(fw, p, descriptor.FeatureSecureBoot))})
		os.FirmwareInfo = &libvirtxml.DomainOSFirmwareInfo{Features: feats}
	}
	d.ensureNVRAM(dom)
}

// applyManualFallback is libvirt's handling of a manual pflash loader that
// no descriptor matched: the legacy qemu.conf list, then raw by default.
func (d *Decision) applyManualFallback(dom *libvirtxml.Domain) {
	l := dom.OS.Loader
	if d.Legacy != "" {
		// The loader keeps the domain's path, which may name the list's
		// CODE file through a symlink.
		_, vars, _ := strings.Cut(d.Legacy, ":")
		l.Type, l.Readonly = "pflash", "yes"
		l.Format = "raw"
		if dom.OS.NVRam == nil {
			dom.OS.NVRam = &libvirtxml.DomainNVRam{}
		}
		if dom.OS.NVRam.Template == "" {
			dom.OS.NVRam.Template = vars
		}
		if d.Profile.Writes.Formats && !d.Profile.Parsing.NoTemplateFormat && dom.OS.NVRam.TemplateFormat == "" {
			dom.OS.NVRam.TemplateFormat = "raw"
		}
	}
	if d.Request.Existing && l.Stateless == "yes" && dom.OS.NVRam != nil {
		// Without an ABI update a stateless manual loader that has an
		// <nvram> (a template or a path, which a new define refuses)
		// keeps its formats as stored (existing-stateless-loader-template,
		// existing-stateless-loader-nvram; 11.3 and 12.8). Without one it
		// gets format='raw' as a new one does (existing-stateless-loader),
		// and so does a stateful one, with its NVRAM
		// (existing-secure-loader-smm-off).
		return
	}
	if l.Format == "" && !d.Profile.Parsing.IgnoresFormats {
		l.Format = "raw"
	}
	if d.Profile.Writes.ManualTemplateFormat && dom.OS.NVRam != nil && dom.OS.NVRam.Template != "" && dom.OS.NVRam.TemplateFormat == "" {
		dom.OS.NVRam.TemplateFormat = cmpOr(l.Format, "raw") // the template is taken to be in the loader's format
	}
	d.ensureNVRAM(dom)
}

// writtenFormats drops the format attributes the release does not write:
// templateFormat where it does not exist, format='raw' where raw is the
// unwritten default.
func (d *Decision) writtenFormats(dom *libvirtxml.Domain) {
	p := d.Profile
	if l := dom.OS.Loader; l != nil && p.Writes.RawFormatImplicit && l.Format == "raw" {
		l.Format = ""
	}
	if n := dom.OS.NVRam; n != nil {
		if p.Parsing.NoTemplateFormat {
			n.TemplateFormat = ""
		}
		if p.Writes.RawFormatImplicit && n.Format == "raw" {
			n.Format = ""
		}
	}
	dropEmptyNVRAM(dom)
}

// dropEmptyNVRAM removes an <nvram> element left with nothing to write.
func dropEmptyNVRAM(dom *libvirtxml.Domain) {
	if n := dom.OS.NVRam; n != nil && *n == (libvirtxml.DomainNVRam{}) {
		dom.OS.NVRam = nil
	}
}

// ensureNVRAM gives a read-only, stateful pflash loader its NVRAM file.
func (d *Decision) ensureNVRAM(dom *libvirtxml.Domain) {
	l := dom.OS.Loader
	if l == nil || l.Type != "pflash" || l.Readonly != "yes" || l.Stateless == "yes" {
		return
	}
	p := d.Profile
	n := dom.OS.NVRam
	if n == nil {
		n = &libvirtxml.DomainNVRam{}
		dom.OS.NVRam = n
	}
	// A source without its path is none: the default path is written as a
	// file source (xml-nvram-source-no-path-*).
	if s := n.Source; s != nil && (s.File != nil && s.File.File == "" || s.Block != nil && s.Block.Dev == "" ||
		p.Writes.NoneProtocolToFile && s.Network != nil && s.Network.Protocol == "none" ||
		p.Writes.VolumeToFile && s.Volume != nil) {
		n.Source = nil
		defer func() {
			n.Source = &libvirtxml.DomainDiskSource{File: &libvirtxml.DomainDiskSourceFile{File: n.NVRam}}
			n.NVRam = ""
		}()
	}
	if p.Writes.Formats && n.Format == "" && (n.NVRam != "" || n.Source != nil) {
		n.Format = l.Format
		if p.Writes.GivenNVRAMFormatFromTemplate && n.TemplateFormat != "" {
			n.Format = n.TemplateFormat
		}
	}
	if n.NVRam != "" || n.Source != nil {
		return
	}
	format := n.Format
	if p.Writes.NVRAMFormatFromLoader {
		format = l.Format
		n.Format = format
	}
	if p.Writes.NVRAMFormatFromTemplate && cmpOr(n.TemplateFormat, l.Format) != "" {
		// The template's format, else the loader's, whatever <nvram
		// format> said.
		format = cmpOr(n.TemplateFormat, l.Format)
		n.Format = format
	}
	if p.Writes.Formats && format == "" {
		format = cmpOr(n.TemplateFormat, l.Format)
		n.Format = format
	}
	ext := ""
	switch format {
	case "", "raw":
		ext = ".fd"
		if p.Writes.RawSuffixFromTemplate && !d.Request.Existing && strings.HasSuffix(n.Template, ".raw") {
			ext = ".raw"
		}
	case "qcow2":
		ext = ".qcow2"
	}
	n.NVRam = path.Join(nvramDir, dom.Name+"_VARS"+ext)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// dropsFeatures reports whether the daemon, loading r from its stored
// definition, drops its <os><firmware> feature requests: it does for a
// domain without <os firmware>, which a define refuses instead.
func dropsFeatures(r *Request) bool {
	return r.Existing && !r.ExistingValidated && r.Firmware == "" && r.FirmwareFeatures
}

// stored reports whether the definition libvirt keeps after the decision
// holds its result: the domain is accepted, or a release that selects at
// define stored it and only the first start fails.
func (d *Decision) stored() bool {
	return d.OK() || (d.Stage == "start" && !d.Profile.Selection.AtStart)
}

// storedNVRAM is the <nvram> element as the define (or the daemon's load)
// stored it, from Apply over the request's <os> alone: what the first
// start reads when it creates the NVRAM. It is nil when nothing is stored.
func (d *Decision) storedNVRAM() *libvirtxml.DomainNVRam {
	r := &d.Request
	dom := &libvirtxml.Domain{Name: r.Name, OS: &libvirtxml.DomainOS{Firmware: r.Firmware}}
	if l := r.Loader; l != nil {
		dom.OS.Loader = &libvirtxml.DomainLoader{Path: l.Path, Type: l.Type, Readonly: tristateAttr(l.Readonly),
			Secure: tristateAttr(l.Secure), Stateless: tristateAttr(l.Stateless), Format: l.Format}
	}
	if n := r.NVRAM; n != nil {
		x := &libvirtxml.DomainNVRam{Template: n.Template, TemplateFormat: n.TemplateFormat, Format: n.Format}
		switch {
		case n.Network:
			x.Source = &libvirtxml.DomainDiskSource{Network: &libvirtxml.DomainDiskSourceNetwork{}}
		case n.Block:
			x.Source = &libvirtxml.DomainDiskSource{Block: &libvirtxml.DomainDiskSourceBlock{Dev: n.Path}}
		case n.Source:
			x.Source = &libvirtxml.DomainDiskSource{File: &libvirtxml.DomainDiskSourceFile{File: n.Path}}
		default:
			x.NVRam = n.Path
		}
		dom.OS.NVRam = x
	}
	d.Apply(dom)
	return dom.OS.NVRam
}

func tristateAttr(t Tristate) string {
	switch t {
	case Yes:
		return "yes"
	case No:
		return "no"
	}
	return ""
}
