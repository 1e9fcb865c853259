package matcher

import (
	"strings"
	"testing"
)

// TestNVRAMType checks what ParseDomain makes of <nvram type>: the type
// libvirt refuses, or a storage type without a source, is the request's
// Invalid entry with libvirt's message; a sourced one is read as before.
func TestNVRAMType(t *testing.T) {
	for _, tt := range []struct {
		nvram, err, path string
	}{
		{"<nvram type='FILE'><source file='/x'/></nvram>", "XML error: Invalid value for attribute 'type' in element 'nvram': 'FILE'.", ""},
		{"<nvram type='' format='raw'/>", "XML error: Invalid value for attribute 'type' in element 'nvram': ''.", ""},
		{"<nvram type='file'>/var/x_VARS.fd</nvram>", errUnknownCause, ""},
		{"<nvram type='none'/>", errUnknownCause, ""},
		{"<nvram type='file'><source file='/var/x_VARS.fd'/></nvram>", "", "/var/x_VARS.fd"},
		{"<nvram>/var/x_VARS.fd</nvram>", "", "/var/x_VARS.fd"},
		{"<nvram type='file'><source/></nvram>", "", ""},
		{"<nvram type='block'><source dev=''/></nvram>", "", ""},
		{"<nvram type='foo' format='RAW'/>", "XML error: Invalid value for attribute 'format' in element 'nvram': 'RAW'.", ""},
	} {
		t.Run(tt.nvram, func(t *testing.T) {
			_, req, err := ParseDomain([]byte("<domain type='qemu'><name>d</name><os firmware='efi'><type arch='x86_64' machine='q35'>hvm</type>" + tt.nvram + "</os></domain>"))
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if len(req.Invalid) > 0 {
				got = req.Invalid[0].Error()
			}
			if got != tt.err {
				t.Errorf("first Invalid %q, want %q", got, tt.err)
			}
			if req.NVRAM.Path != tt.path {
				t.Errorf("NVRAM path %q, want %q", req.NVRAM.Path, tt.path)
			}
			if empty := strings.Contains(tt.nvram, "<source/>") || strings.Contains(tt.nvram, "dev=''"); req.NVRAM.EmptySource != empty || (empty && req.NVRAM.Source) {
				t.Errorf("EmptySource %v, Source %v; want EmptySource %v and no source", req.NVRAM.EmptySource, req.NVRAM.Source, empty)
			}
		})
	}
}
