package matcher

import (
	"strings"

	"libvirt.org/go/libvirtxml"
)

// Answer is a decision in the shape of the project's libvirt oracle answers
// (../shared/oracle), so that a prediction and a recorded answer can be
// compared field by field: strings as libvirt writes them, nil where libvirt
// writes nothing.
type Answer struct {
	OK               bool              `json:"ok"`
	Error            *string           `json:"error"`
	Descriptor       *string           `json:"descriptor"`
	DescriptorPath   *string           `json:"descriptor_path,omitempty"`
	OSFirmware       *string           `json:"os_firmware"`
	FirmwareFeatures map[string]string `json:"firmware_features"`
	Loader           *AnswerLoader     `json:"loader"`
	NVRAM            *AnswerNVRAM      `json:"nvram"`
	SMM              *string           `json:"smm"`
	Kernel           *string           `json:"kernel"`
	// Stage is where libvirt failed ("define", "start", or "load" for a
	// stored definition the daemon does not load), on failure.
	Stage *string `json:"stage,omitempty"`
	// DaemonCrashed: libvirtd died instead of answering (Decision.Crash).
	DaemonCrashed bool `json:"daemon_crashed,omitempty"`
	// Start is the outcome of the first start of a domain the define
	// accepted, for a release that selects at define, when the start
	// fails (the fields above are then the define's answer); nil when it
	// succeeds or when the answer above is already the start's.
	Start *AnswerStart `json:"start,omitempty"`
}

// AnswerStart is the outcome of a start after a successful define.
type AnswerStart struct {
	OK            bool    `json:"ok"`
	Error         *string `json:"error"`
	DaemonCrashed bool    `json:"daemon_crashed,omitempty"`
}

// AnswerLoader is <loader> as written.
type AnswerLoader struct {
	Path      *string `json:"path"`
	Type      *string `json:"type"`
	Readonly  *string `json:"readonly"`
	Secure    *string `json:"secure"`
	Stateless *string `json:"stateless"`
	Format    *string `json:"format"`
}

// AnswerNVRAM is <nvram> as written.
type AnswerNVRAM struct {
	Template       *string `json:"template"`
	TemplateFormat *string `json:"templateFormat"`
	Format         *string `json:"format"`
	Type           *string `json:"type"`
	// Path is the element's text (a local file named directly).
	Path *string `json:"path"`
	// Source holds the attributes of a <source> child (type='file',
	// 'block' or 'network'), as the oracle reports them.
	Source map[string]string `json:"source,omitempty"`
}

func opt(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// Answer applies the decision to dom and reads back the fields the oracle
// reports in its default mode for the release: the define's answer for a
// release that selects at define (with Start set when the first start
// then fails), the start's for one that selects at start. On failure only
// ok, error, stage, daemon_crashed and (if libvirt chose one before
// failing) descriptor are set.
func (d *Decision) Answer(dom *libvirtxml.Domain) *Answer {
	a := &Answer{OK: d.stored()}
	if d.Chosen != nil {
		a.Descriptor = opt(d.Chosen.Name)
		a.DescriptorPath = opt(d.Chosen.Path)
	}
	if !a.OK {
		a.Error, a.Stage, a.DaemonCrashed = opt(d.Err), opt(d.Stage), d.Crash
		return a
	}
	if !d.OK() {
		a.Start = &AnswerStart{Error: opt(d.Err), DaemonCrashed: d.Crash}
	}
	d.Apply(dom)
	os := dom.OS
	a.OSFirmware = opt(os.Firmware)
	a.Kernel = opt(strings.TrimSpace(os.Kernel))
	if fi := os.FirmwareInfo; fi != nil && len(fi.Features) > 0 {
		a.FirmwareFeatures = map[string]string{}
		for _, f := range fi.Features {
			a.FirmwareFeatures[f.Name] = f.Enabled
		}
	}
	if l := os.Loader; l != nil {
		a.Loader = &AnswerLoader{opt(strings.TrimSpace(l.Path)), opt(l.Type), opt(l.Readonly), opt(l.Secure), opt(l.Stateless), opt(l.Format)}
	}
	if n := os.NVRam; n != nil {
		an := &AnswerNVRAM{Template: opt(n.Template), TemplateFormat: opt(n.TemplateFormat), Format: opt(n.Format), Path: opt(strings.TrimSpace(n.NVRam))}
		if s := n.Source; s != nil {
			an.Source = map[string]string{}
			put := func(k, v string) {
				if v != "" {
					an.Source[k] = v
				}
			}
			switch {
			case s.Network != nil:
				an.Type = opt("network")
				put("protocol", s.Network.Protocol)
				put("name", s.Network.Name)
				put("query", s.Network.Query)
				put("tls", s.Network.TLS)
				put("tlsHostname", s.Network.TLSHostname)
			case s.File != nil:
				an.Type = opt("file")
				put("file", s.File.File)
			case s.Block != nil:
				an.Type = opt("block")
				put("dev", s.Block.Dev)
			}
		}
		a.NVRAM = an
	}
	if dom.Features != nil && dom.Features.SMM != nil {
		a.SMM = opt(dom.Features.SMM.State)
	}
	return a
}
