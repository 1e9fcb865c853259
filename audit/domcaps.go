package audit

import (
	"github.com/fwaudit/fwaudit/domcaps"
	"github.com/fwaudit/fwaudit/report"
)

// domcapsRules maps each kind of disagreement to its rule.
var domcapsRules = map[domcaps.Kind]string{
	domcaps.FeatureUnserved:   RuleDomcapsFeatureUnserved,
	domcaps.LoaderUndescribed: RuleDomcapsLoaderUndescribed,
	domcaps.FirmwareMismatch:  RuleDomcapsFirmwareMismatch,
}

// domainCaps compares libvirt's domain capabilities with the set.
func (a *auditor) domainCaps() {
	if a.p.Nova {
		return
	}
	for _, c := range a.opts.DomainCaps {
		// The capabilities name their host's QEMU through their machine
		// (pc-q35-10.0 is QEMU 10.0's): domcaps.Compare takes it from
		// there, not from the audit's QEMU.
		mo := a.matchOptions()
		mo.QEMU = "" // domcaps.Compare takes it from the capabilities' machine
		for _, d := range domcaps.Compare(a.set, c, a.p, domcaps.Options{Match: mo}) {
			a.add(report.Finding{Rule: domcapsRules[d.Kind], File: c.File, Subject: d.Subject, Message: d.Message})
		}
	}
}
