package main

import "strings"

// §3 domain XML: the attribute values libvirt's domain parser refuses (an
// enumeration value misspelt, yes/no where on/off is wanted, a required
// attribute left out), the order it meets them in, and which of repeated
// elements it reads. Every release refuses alike; 9.0 does not read
// formats.
func xmlCases() []Case {
	x := func(name, about string, d Dom) Case {
		return Case{Name: "xml-" + name, About: about, Tags: tags("domain-xml"), Files: stdSet(), Dom: d}
	}
	return []Case{
		x("firmware-uppercase", "§3: <os firmware='EFI'>: values are case-sensitive.", Dom{FW: "EFI"}),
		x("feature-enabled-uppercase", "§3: a firmware feature enabled='YES'.", Dom{Feat: feat("secure-boot=YES")}),
		x("feature-enabled-on", "§3: a firmware feature enabled='on': yes/no only.", Dom{Feat: feat("secure-boot=on")}),
		x("feature-name-unknown", "§3: a firmware feature named foo.", Dom{Feat: feat("foo=yes")}),
		x("feature-name-case", "§3: a firmware feature named Secure-Boot.", Dom{Feat: feat("Secure-Boot=yes")}),
		x("feature-enabled-missing", "§3: a firmware feature without enabled.", Dom{Loader: "<firmware><feature name='secure-boot'/></firmware>"}),
		x("feature-before-firmware", "§3: a bad feature name and a bad firmware value: the features are parsed first.", Dom{FW: "EFI", Feat: feat("foo=yes")}),
		x("loader-secure-uppercase", "§3: <loader secure='YES'>.", Dom{Loader: "<loader secure='YES'/>"}),
		x("loader-readonly-on", "§3: <loader readonly='on'>: yes/no only.", Dom{Loader: "<loader readonly='on'/>"}),
		x("loader-type-uppercase", "§3: <loader type='PFLASH'>.", Dom{Loader: "<loader type='PFLASH'/>"}),
		x("loader-type-none", "§3: <loader type='none'>: not a loader type.", Dom{Loader: "<loader type='none'/>"}),
		x("loader-stateless-on", "§3: <loader stateless='on'>.", Dom{Loader: "<loader stateless='on'/>"}),
		x("loader-format-uppercase", "§3: <loader format='RAW'>: not a storage format (9.0 does not read it).", Dom{Loader: "<loader format='RAW'/>"}),
		x("loader-format-none", "§3: <loader format='none'> is no format.", Dom{Loader: "<loader format='none'/>"}),
		x("loader-attribute-order", "§3: every <loader> attribute bad: readonly is parsed first.",
			Dom{Loader: "<loader readonly='on' type='PFLASH' secure='on' stateless='on' format='RAW'/>"}),
		x("loader-type-before-secure", "§3: type is parsed before secure and stateless.", Dom{Loader: "<loader stateless='on' secure='on' type='PFLASH'/>"}),
		x("loader-secure-before-stateless", "§3: secure is parsed before stateless, and both before format.", Dom{Loader: "<loader stateless='on' secure='on' format='RAW'/>"}),
		x("nvram-format-uppercase", "§3: <nvram format='RAW'>.", Dom{NVRAM: "<nvram format='RAW'/>"}),
		x("nvram-before-loader", "§3: a bad <nvram> format and a bad <loader> attribute: <nvram> is parsed first (9.0 does not read its format).",
			Dom{Loader: "<loader secure='YES'/>", NVRAM: "<nvram format='RAW'/>"}),
		x("nvram-unsupported-before-loader-unsupported", "§3: vmdk for both: the NVRAM's is reported.",
			Dom{Loader: "<loader format='vmdk'/>", NVRAM: "<nvram format='vmdk'/>"}),
		x("smm-yes", "§3: <smm state='yes'>: on/off only.", Dom{SMM: "yes"}),
		x("smm-before-pm", "§3: a bad <smm> and a bad <pm>: <smm> first.", Dom{SMM: "yes", PM: "<suspend-to-mem enabled='on'/>"}),
		x("pm-enabled-on", "§3: <suspend-to-mem enabled='on'>: yes/no only.", Dom{PM: "<suspend-to-mem enabled='on'/>"}),
		x("pm-mem-before-disk", "§3: suspend-to-mem is parsed before suspend-to-disk.", Dom{PM: "<suspend-to-disk enabled='on'/><suspend-to-mem enabled='on'/>"}),
		x("two-loaders", "§3: two <loader> elements: libvirt reads the first (secure='no').", Dom{Loader: "<loader secure='no'/><loader secure='yes'/>"}),
		x("two-nvram", "§3: two <nvram> elements: libvirt reads the first (qcow2).", Dom{NVRAM: "<nvram format='qcow2'/><nvram format='raw'/>"}),
		x("two-types", "§3: a second <type> naming aarch64: libvirt reads the first.", Dom{Loader: "<type arch='aarch64' machine='virt'>hvm</type>"}),
		// Dom writes one <smm state='SMM'/>: this value closes it and opens
		// a second.
		x("two-smm", "§3: <smm state='off'/> then <smm state='on'/>: libvirt reads each in turn, the last wins.",
			Dom{SMM: "off'/><smm state='on"}),
		x("empty-loader-secure", "§3: secure='' is an invalid value, not an absent attribute.", Dom{Loader: "<loader secure=''/>"}),
		x("empty-loader-type", "§3: type=''.", Dom{Loader: "<loader type=''/>"}),
		x("empty-loader-format", "§3: format='' (9.0 does not read formats).", Dom{Loader: "<loader format=''/>"}),
		x("empty-nvram-format", "§3: <nvram format=''>.", Dom{NVRAM: "<nvram format=''/>"}),
		x("empty-feature-enabled", "§3: a firmware feature with enabled=''.", Dom{Feat: feat("secure-boot=")}),
		x("empty-pm-enabled", "§3: <suspend-to-mem enabled=''>.", Dom{PM: "<suspend-to-mem enabled=''/>"}),
		x("launchsec-unknown", "§3: <launchSecurity type='foo'>: an invalid value in every release (libvirtxml does not read it).", Dom{LS: "<launchSecurity type='foo'/>"}),
		x("launchsec-uppercase", "§3: <launchSecurity type='SEV'>: values are case-sensitive.", Dom{LS: strings.Replace(sev("0x0003"), "'sev'", "'SEV'", 1)}),
		x("launchsec-leading-space", "§3: <launchSecurity type=' sev'>: not trimmed.", Dom{LS: strings.Replace(sev("0x0003"), "'sev'", "' sev'", 1)}),
		x("launchsec-none", "§3: <launchSecurity type='none'>: not a type.", Dom{LS: "<launchSecurity type='none'/>"}),
		x("launchsec-unknown-children", "§3: an unknown type with children libvirt never reads.", Dom{LS: "<launchSecurity type='foo'><policy>zzz</policy><bar/></launchSecurity>"}),
		x("empty-launchsec-type", "§3: <launchSecurity type=''>.", Dom{LS: "<launchSecurity type=''/>"}),
		x("launchsec-type-missing", "§3: <launchSecurity> without a type.", Dom{LS: "<launchSecurity/>"}),
		x("launchsec-after-pm", "§3: a bad <pm> and an unknown launch security type: <pm> first.", Dom{PM: "<suspend-to-mem enabled='on'/>", LS: "<launchSecurity type='foo'/>"}),
		x("launchsec-after-smm", "§3: a bad <smm> and an unknown launch security type: <smm> first.", Dom{SMM: "yes", LS: "<launchSecurity type='foo'/>"}),
		x("launchsec-after-loader", "§3: a bad <loader> attribute and an unknown launch security type: the loader first.", Dom{Loader: "<loader secure='YES'/>", LS: "<launchSecurity type='foo'/>"}),
		x("two-launchsec-unknown-first", "§3: an unknown launch security type, then SEV: libvirt reads the first.", Dom{LS: "<launchSecurity type='foo'/>\n  " + sev("0x0003")}),
		x("two-launchsec-sev-first", "§3: SEV, then an unknown type: libvirt reads the first (the SEV build is chosen).", Dom{LS: sev("0x0003") + "\n  <launchSecurity type='foo'/>"}),
		x("loader-path-untrimmed", "§3: a loader path with spaces around it is not trimmed: it names no descriptor's file.",
			Dom{Loader: "<loader readonly='yes' type='pflash'>  " + x86 + "CODE.fd  </loader>"}),
	}
}
