package matcher

import "testing"

// TestParseCUint checks the strtoul(3) reading libvirt gives launch
// security numbers (xml-launchsec-* cases).
func TestParseCUint(t *testing.T) {
	for _, tt := range []struct {
		s    string
		base int
		max  uint64
		want uint64
		ok   bool
	}{
		{"7", 16, 1<<32 - 1, 7, true},
		{"abc", 16, 1<<32 - 1, 0xabc, true},
		{"0X0007", 16, 1<<32 - 1, 7, true},
		{" \t\n0x7", 16, 1<<32 - 1, 7, true},
		{"+7", 16, 1<<32 - 1, 7, true},
		{"0xffffffff", 16, 1<<32 - 1, 0xffffffff, true},
		{"0x1ffffffff", 16, 1<<32 - 1, 0, false},
		{"0x1ffffffffffffffff", 16, 1<<64 - 1, 0, false},
		{"0xffffffffffffffff", 16, 1<<64 - 1, 1<<64 - 1, true},
		{"0x0007 ", 16, 1<<32 - 1, 0, false},
		{"0x", 16, 1<<32 - 1, 0, false},
		{"-1", 16, 1<<32 - 1, 0, false},
		{"", 16, 1<<32 - 1, 0, false},
		{"zz", 16, 1<<64 - 1, 0, false},
		{" 47", 10, 1<<32 - 1, 47, true},
		{"0x2f", 10, 1<<32 - 1, 0, false},
		{"47 ", 10, 1<<32 - 1, 0, false},
	} {
		got, ok := parseCUint(tt.s, tt.base, tt.max)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseCUint(%q, %d) = %d, %v; want %d, %v", tt.s, tt.base, got, ok, tt.want, tt.ok)
		}
	}
}

// TestLaunchSecurityContent checks what ParseDomain reads inside a
// <launchSecurity> of a known type, and the refusal a release that reads
// the policy first (9.0, 10.0) or last (11.3, 12.8) reports.
func TestLaunchSecurityContent(t *testing.T) {
	const policyErr = "XML error: failed to get launch security policy"
	const cbitErr = "XML error: Invalid format for launch security cbitpos"
	for _, tt := range []struct {
		ls                string
		typ               string
		sev, tdx          uint64
		errFirst, errLast string
	}{
		{"<launchSecurity type='sev'><policy>0X0007</policy></launchSecurity>", "sev", 7, 0, "", ""},
		{"<launchSecurity type='sev'><policy> abc</policy></launchSecurity>", "sev", 0xabc, 0, "", ""},
		{"<launchSecurity type='sev'><policy>0x0007</policy><policy>0x0001</policy></launchSecurity>", "sev", 7, 0, "", ""},
		{"<launchSecurity type='sev'><policy>0x<b>7</b></policy><cbitpos> 47</cbitpos></launchSecurity>", "sev", 7, 0, "", ""},
		{"<launchSecurity type='sev'><policy>0x0007 </policy></launchSecurity>", "sev", 0, 0, policyErr, policyErr},
		{"<launchSecurity type='sev'><cbitpos>abc</cbitpos></launchSecurity>", "sev", 0, 0, policyErr, cbitErr},
		{"<launchSecurity type='sev' kernelHashes='maybe'/>", "sev", 0, 0,
			"XML error: Invalid value for attribute 'kernelHashes' in element 'launchSecurity': 'maybe'.",
			"XML error: Invalid value for attribute 'kernelHashes' in element 'launchSecurity': 'maybe'."},
		{"<launchSecurity type='sev-snp'><cbitpos>51</cbitpos></launchSecurity>", "sev-snp", 0, 0, policyErr, policyErr},
		{"<launchSecurity type='tdx'/>", "tdx", 0, 0, "", ""},
		{"<launchSecurity type='tdx'><policy></policy></launchSecurity>", "tdx", 0, 0, "", ""},
		{"<launchSecurity type='tdx'><policy>0x110000000</policy></launchSecurity>", "tdx", 0, 0x110000000, "", ""},
		{"<launchSecurity type='tdx'><policy>zz</policy></launchSecurity>", "tdx", 0, 0,
			policyErr + " for launch security type TDX", policyErr + " for launch security type TDX"},
		{"<launchSecurity type='s390-pv'/>", "s390-pv", 0, 0, "", ""},
		{"<launchSecurity type='sev-snp' vcek='v' authorKey='a'><policy>1</policy></launchSecurity>", "sev-snp", 0, 0,
			"XML error: Invalid value for attribute 'authorKey' in element 'launchSecurity': 'a'.",
			"XML error: Invalid value for attribute 'authorKey' in element 'launchSecurity': 'a'."},
		{"<launchSecurity type='sev-snp' vcek='v'><cbitpos>abc</cbitpos><policy>1</policy></launchSecurity>", "sev-snp", 0, 0, cbitErr, cbitErr},
		{"<launchSecurity type='sev' authorKey='a'><policy>7</policy></launchSecurity>", "sev", 7, 0, "", ""},
	} {
		t.Run(tt.ls, func(t *testing.T) {
			_, req, err := ParseDomain([]byte("<domain type='qemu'><name>d</name><os firmware='efi'><type arch='x86_64' machine='q35'>hvm</type></os>" + tt.ls + "</domain>"))
			if err != nil {
				t.Fatal(err)
			}
			if req.LaunchSecurity != tt.typ || req.SEVPolicy != tt.sev || req.TDXPolicy != tt.tdx {
				t.Errorf("type %q, SEV policy %#x, TDX policy %#x; want %q, %#x, %#x", req.LaunchSecurity, req.SEVPolicy, req.TDXPolicy, tt.typ, tt.sev, tt.tdx)
			}
			if got := req.launchParse.err(req.LaunchSecurity, true); got != tt.errFirst {
				t.Errorf("policy first: %q, want %q", got, tt.errFirst)
			}
			if got := req.launchParse.err(req.LaunchSecurity, false); got != tt.errLast {
				t.Errorf("policy last: %q, want %q", got, tt.errLast)
			}
		})
	}
}

// TestGlibBase64Len checks the decoded length libvirt checks SEV-SNP's
// guestVisibleWorkarounds with (xml-launchsec-snp-workarounds-* cases).
func TestGlibBase64Len(t *testing.T) {
	for _, tt := range []struct {
		s    string
		want int
	}{
		{"AAAAAAAAAAAAAAAAAAAAAA==", 16},
		{" AAAAAAAAAAAAAAAAAAAAAA== ", 16},
		{"AAAAAAAAAAAAAAAAAAAAAAAA", 18},
		{"AAAAAAAAAAAAAAAAAAAAAA", 15},
		{"AAAA", 3},
		{"zzzz", 3},
		{"zz", 0},
	} {
		if got := glibBase64Len(tt.s); got != tt.want {
			t.Errorf("glibBase64Len(%q) = %d, want %d", tt.s, got, tt.want)
		}
	}
}
