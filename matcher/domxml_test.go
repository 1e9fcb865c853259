package matcher

import (
	"strings"
	"testing"
)

// TestFirstOnly checks the cutting of repeated singular elements: only
// the later ones of the elements libvirt reads with a first-match query go,
// in place, and anything else is left byte for byte.
func TestFirstOnly(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"no repeat", `<domain><os><type>hvm</type><loader secure='no'/></os></domain>`, ``},
		{"second loader",
			`<domain><os><loader secure='no'/><nvram/><loader secure='yes'>x</loader></os></domain>`,
			`<domain><os><loader secure='no'/><nvram/></os></domain>`},
		{"third type, with a comment",
			`<domain><os><type>a</type><!-- c --><type>b</type><type>c</type></os></domain>`,
			`<domain><os><type>a</type><!-- c --></os></domain>`},
		{"pm",
			`<domain><pm><suspend-to-mem enabled='no'/><suspend-to-mem enabled='yes'/></pm></domain>`,
			`<domain><pm><suspend-to-mem enabled='no'/></pm></domain>`},
		{"smm repeats stay", `<domain><features><smm state='off'/><smm state='on'/></features></domain>`, ``},
		{"deeper loader elements stay", `<domain><devices><x><loader/><loader/></x></devices></domain>`, ``},
		{"not XML", `<domain><os><loader/><loader/>`, ``},
		{"empty attributes",
			`<domain><os><loader secure="" readonly='yes' type = ''/><x secure=''/></os><pm><suspend-to-mem enabled=''/></pm></domain>`,
			`<domain><os><loader secure='` + emptyValue + `' readonly='yes' type = '` + emptyValue + `'/><x secure=''/></os><pm><suspend-to-mem enabled='` + emptyValue + `'/></pm></domain>`},
		{"a tab and a newline in attribute values",
			"<domain><os><type arch='x86_64' machine='q35\t'>hvm</type><nvram template=\"/a\r\nb\">x\ty</nvram></os></domain>",
			"<domain><os><type arch='x86_64' machine='q35 '>hvm</type><nvram template=\"/a b\">x\ty</nvram></os></domain>"},
		{"character references stay", "<domain><os><type machine='q35&#9;'>hvm</type></os></domain>", ``},
		{"second launchSecurity",
			`<domain><launchSecurity type='sev'><policy>3</policy></launchSecurity><launchSecurity type='foo'/></domain>`,
			`<domain><launchSecurity type='sev'><policy>3</policy></launchSecurity></domain>`},
		{"known launchSecurity types stay", `<domain><launchSecurity type='tdx'/><devices><launchSecurity type='foo'/></devices></domain>`, ``},
		{"unknown launchSecurity type, with children",
			`<domain><launchSecurity type='a&lt;&amp;'><policy>x</policy></launchSecurity></domain>`,
			`<domain><launchSecurity type='sev'><dhCert>` + unknownLaunchSecurity + `=a&lt;&amp;</dhCert></launchSecurity></domain>`},
		{"launchSecurity without a type",
			`<domain><launchSecurity/></domain>`,
			`<domain><launchSecurity type='sev'><dhCert>` + unknownLaunchSecurity + `</dhCert></launchSecurity></domain>`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := tc.want
			if want == "" {
				want = tc.in
			}
			if got := string(LibvirtXML([]byte(tc.in))); got != want {
				t.Errorf("LibvirtXML(%s)\n got %s\nwant %s", tc.in, got, want)
			}
		})
	}
	// A definition read through ParseDomain takes the first loader.
	_, req, err := ParseDomain([]byte(strings.Join([]string{"<domain type='qemu'><name>d</name><os firmware='efi'>",
		"<type arch='x86_64' machine='q35'>hvm</type><loader secure='no'/><loader secure='yes'/></os></domain>"}, "")))
	if err != nil {
		t.Fatal(err)
	}
	if req.Loader.Secure != No {
		t.Errorf("loader secure %v, want the first loader's no", req.Loader.Secure)
	}
}

// TestLaunchSecurityInvalid checks what ParseDomain makes of <launchSecurity>
// types: the ones libvirtxml models are the request's, whatever a release
// makes of them; any other, an empty one and none at all are refused as
// libvirt's parser refuses them (xml-launchsec-* cases), after <pm>.
func TestLaunchSecurityInvalid(t *testing.T) {
	for _, tc := range []struct{ ls, wantType, wantErr string }{
		{`<launchSecurity type='sev'><policy>0x0007</policy></launchSecurity>`, "sev", ""},
		{`<launchSecurity type='tdx'/>`, "tdx", ""},
		{`<launchSecurity type='foo'><policy>x</policy></launchSecurity>`, "", "XML error: Invalid value for attribute 'type' in element 'launchSecurity': 'foo'."},
		{`<launchSecurity type='SEV'/>`, "", "XML error: Invalid value for attribute 'type' in element 'launchSecurity': 'SEV'."},
		{`<launchSecurity type=''/>`, "", "XML error: Invalid value for attribute 'type' in element 'launchSecurity': ''."},
		{`<launchSecurity/>`, "", "XML error: Missing required attribute 'type' in element 'launchSecurity'"},
		{`<launchSecurity type='foo'/><launchSecurity type='sev'/>`, "", "XML error: Invalid value for attribute 'type' in element 'launchSecurity': 'foo'."},
		{`<launchSecurity type='sev'/><launchSecurity type='foo'/>`, "sev", ""},
		{`<pm><suspend-to-mem enabled='on'/></pm><launchSecurity type='foo'/>`, "", "XML error: Invalid value for attribute 'enabled' in element 'suspend-to-mem': 'on'."},
		{`<launchSecurity type='foo'/><pm><suspend-to-mem enabled='on'/></pm>`, "", "XML error: Invalid value for attribute 'enabled' in element 'suspend-to-mem': 'on'."},
	} {
		t.Run(tc.ls, func(t *testing.T) {
			_, req, err := ParseDomain([]byte("<domain type='qemu'><name>d</name><os firmware='efi'><type arch='x86_64' machine='q35'>hvm</type></os>" + tc.ls + "</domain>"))
			if err != nil {
				t.Fatal(err)
			}
			if req.LaunchSecurity != tc.wantType {
				t.Errorf("LaunchSecurity %q, want %q", req.LaunchSecurity, tc.wantType)
			}
			gotErr := ""
			if len(req.Invalid) > 0 {
				gotErr = req.Invalid[0].Error()
			}
			if gotErr != tc.wantErr {
				t.Errorf("first Invalid %q, want %q", gotErr, tc.wantErr)
			}
		})
	}
}
