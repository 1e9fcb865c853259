package matcher_test

import (
	"testing"

	"github.com/fwaudit/fwaudit/matcher"
)

// libvirt refuses the first <features> state that is neither on nor off,
// in document order, nested ones included (the fstate-* cases).
func TestFeatureStates(t *testing.T) {
	for _, tt := range []struct {
		features, want string
	}{
		{"<smm state='on'/><pmu state='off'/>", ""},
		{"<pmu state='yes'/>", "XML error: Invalid value for attribute 'state' in element 'pmu': 'yes'."},
		{"<pmu state=''/>", "XML error: Invalid value for attribute 'state' in element 'pmu': ''."},
		{"<smm state='yes'/><pmu state='YES'/>", "XML error: Invalid value for attribute 'state' in element 'smm': 'yes'."},
		{"<pmu state='YES'/><smm state='yes'/>", "XML error: Invalid value for attribute 'state' in element 'pmu': 'YES'."},
		{"<hyperv mode='custom'><relaxed state='on'/><spinlocks state='1' retries='8191'/></hyperv>",
			"XML error: Invalid value for attribute 'state' in element 'spinlocks': '1'."},
		{"<kvm><hidden state='true'/></kvm><vmport state='x'/>", "XML error: Invalid value for attribute 'state' in element 'hidden': 'true'."},
		// libvirtxml keeps the last of repeated elements; libvirt meets the
		// first (live-7600-53).
		{"<pmu state='YES'/><pmu state='off'/>", "XML error: Invalid value for attribute 'state' in element 'pmu': 'YES'."},
		{"<hyperv mode='custom'><relaxed state='no'/><relaxed state='on'/></hyperv><pmu state='on'/>",
			"XML error: Invalid value for attribute 'state' in element 'relaxed': 'no'."},
	} {
		dom := "<domain type='qemu'><name>x</name><os firmware='efi'><type arch='x86_64' machine='q35'>hvm</type></os><features><acpi/>" +
			tt.features + "</features></domain>"
		_, r, err := matcher.ParseDomain([]byte(dom))
		if err != nil {
			t.Fatalf("%s: %v", tt.features, err)
		}
		got := ""
		if len(r.Invalid) > 0 {
			got = r.Invalid[0].Error()
		}
		if got != tt.want {
			t.Errorf("%s: first refusal %q, want %q", tt.features, got, tt.want)
		}
	}
}
