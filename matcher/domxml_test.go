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
