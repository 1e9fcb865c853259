package audit

import (
	"fmt"

	"github.com/fwaudit/fwaudit/nova"
	"github.com/fwaudit/fwaudit/report"
)

// nova predicts every combination of opts.Nova before and after nova's
// move to libvirt's auto-selection, on the audited set and libvirt release.
func (a *auditor) nova() error {
	if a.p.Nova {
		if len(a.opts.Nova) > 0 {
			return fmt.Errorf("audit: nova combinations are judged with a libvirt profile, not %s", a.p.Name)
		}
		return nil
	}
	opts := nova.Options{Match: a.matchOptions()}
	for _, c := range a.opts.Nova {
		if err := a.ctx.Err(); err != nil {
			return err
		}
		u, err := nova.CompareUpgrade(a.set, c, a.p, opts)
		if err != nil {
			return err
		}
		f := report.Finding{Subject: "nova:" + c.Name}
		switch {
		case u.Before.Err != "":
			f.Rule = RuleNovaRefused
			f.Message = fmt.Sprintf("nova %s refuses %s already: %s", nova.Legacy.Name, c.Name, u.Before.Err)
		case u.Fails():
			f.Rule = RuleNovaUpgradeFails
			f.Message = fmt.Sprintf("%s boots %s with nova %s; with nova %s and libvirt %s it is refused: %s",
				c.Name, u.Before.Firmware(), nova.Legacy.Name, nova.AutoSelect.Name, a.p.Version, u.After.Err)
		case u.Changes():
			f.Rule = RuleNovaFirmwareChanges
			f.Message = fmt.Sprintf("%s boots %s with nova %s and %s with nova %s (libvirt %s)",
				c.Name, u.Before.Firmware(), nova.Legacy.Name, u.After.Firmware(), nova.AutoSelect.Name, a.p.Version)
		default:
			continue
		}
		a.add(f)
	}
	return nil
}
