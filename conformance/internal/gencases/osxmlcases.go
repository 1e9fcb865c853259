package main

// §3 the <os> values libvirt reads that the other families never vary:
// architecture spellings and a missing architecture, loader and NVRAM
// template paths that are relative, empty or hold a newline or tab, the
// firmware attribute with a space, an empty <firmware> block, and <smm>
// written without a state or with a TSEG size.
func osXMLCases() []Case {
	x := func(name, about string, d Dom) Case {
		return Case{Name: "xml-" + name, About: about, Tags: tags("domain-xml"), Files: stdSet(), Dom: d}
	}
	s := func(name, about string, d Dom) Case {
		return Case{Name: "smm-" + name, About: about, Tags: tags("smm"), Files: stdSet(), Dom: d}
	}
	return []Case{
		x("arch-uppercase", "§3: arch 'X86_64': architectures are case-sensitive (Unknown architecture).", Dom{Arch: "X86_64"}),
		x("arch-amd64", "§3: arch 'amd64' is no libvirt architecture.", Dom{Arch: "amd64"}),
		x("arch-i386", "§3: arch 'i386' is no libvirt architecture (i686 is).", Dom{Arch: "i386"}),
		x("arch-leading-space", "§3: arch ' x86_64' is not trimmed.", Dom{Arch: " x86_64"}),
		x("arch-empty", "§3: arch='' is no architecture: the host's (x86_64).", Dom{Arch: "(empty)"}),
		x("arch-absent", "§3: <type> without arch: the host's (x86_64).", Dom{Arch: "(none)"}),
		x("arch-absent-virt", "§3: no arch and machine virt: the host's x86_64, on which virt is no alias and no PC machine (no PCI bus).",
			Dom{Arch: "(none)", Machine: "virt"}),
		x("firmware-leading-space", "§3: <os firmware=' efi'>: not trimmed.", Dom{FW: " efi"}),
		x("firmware-block-empty", "§3: an empty <firmware/> block asks for nothing.", Dom{Loader: "<firmware/>"}),
		x("loader-path-relative", "§3: a relative loader path names no descriptor's file (9.0 refuses any loader path under <os firmware>).",
			Dom{Loader: "<loader>CODE.fd</loader>"}),
		x("loader-path-relative-manual", "§3: a manual pflash loader with a relative path: no descriptor, no legacy entry; custom firmware.",
			Dom{FW: "none", Loader: "<loader readonly='yes' type='pflash'>CODE.fd</loader>"}),
		x("loader-path-newline", "§3: a loader path followed by a newline is not trimmed.", Dom{Loader: "<loader>" + x86 + "CODE.fd\n</loader>"}),
		x("loader-no-path-efi", "§3: <loader readonly='yes' type='pflash'></loader> under <os firmware='efi'>: no path pinned (9.0 refuses readonly).",
			Dom{Loader: "<loader readonly='yes' type='pflash'></loader>"}),
		x("nvram-template-empty", "§3: <nvram template=''> pins an empty template: nothing matches (9.0 refuses any template).", Dom{NVRAM: "<nvram template=''/>"}),
		x("nvram-template-relative", "§3: a relative NVRAM template pins a file no descriptor names.", Dom{NVRAM: "<nvram template='VARS.fd'/>"}),
		x("nvram-template-tab", "§3: a tab at the end of the template attribute is a space: it names no descriptor's template.",
			Dom{NVRAM: "<nvram template='" + x86 + "VARS.fd\t'/>"}),
		x("nvram-template-format-uppercase", "§3: <nvram templateFormat='RAW'>: invalid from 11.3 (9.0 and 10.0 do not read it).", Dom{NVRAM: "<nvram templateFormat='RAW'/>"}),
		x("nvram-template-format-unsupported", "§3: templateFormat='vmdk': a storage format, not one for NVRAM.", Dom{NVRAM: "<nvram templateFormat='vmdk'/>"}),
		x("empty-nvram-template-format", "§3: templateFormat=''.", Dom{NVRAM: "<nvram templateFormat=''/>"}),
		x("nvram-template-format-none", "§3: templateFormat='none' is no format (fwaudit filtered on 'none').", Dom{NVRAM: "<nvram templateFormat='none'/>"}),
		x("nvram-template-format-qcow2", "§3: templateFormat='qcow2' over raw builds: 12.8 filters on it.", Dom{NVRAM: "<nvram templateFormat='qcow2'/>"}),
		x("nvram-template-format-before-format", "§3: a bad templateFormat and an unsupported format: templateFormat is read first.",
			Dom{NVRAM: "<nvram format='vmdk' templateFormat='RAW'/>"}),
		x("nvram-template-format-unsupported-before-format", "§3: an unsupported templateFormat and an invalid format: templateFormat first.",
			Dom{NVRAM: "<nvram templateFormat='vmdk' format='RAW'/>"}),
		x("nvram-template-format-before-loader", "§3: an unsupported templateFormat and a bad loader attribute: <nvram> first.",
			Dom{Loader: "<loader secure='YES'/>", NVRAM: "<nvram templateFormat='vmdk'/>"}),
		x("loader-nvram-format-none", "§3: format='none' on <loader> and <nvram>: no format, and none written back (fwaudit wrote 'none').",
			Dom{Loader: "<loader format='none'/>", NVRAM: "<nvram format='none'/>"}),
		x("feature-repeated-last-wins", "§3: secure-boot no, then yes: libvirt reads every feature, the last wins.",
			Dom{Loader: "<firmware><feature enabled='no' name='secure-boot'/><feature enabled='yes' name='secure-boot'/></firmware>"}),
		x("two-firmware-blocks", "§3: two <firmware> blocks (secure-boot no, then yes).",
			Dom{Loader: "<firmware><feature enabled='no' name='secure-boot'/></firmware><firmware><feature enabled='yes' name='secure-boot'/></firmware>"}),
		x("two-pm", "§3: two <pm> elements: libvirt reads the first, whose values are good (the second's are not).",
			Dom{PM: "<suspend-to-mem enabled='no'/></pm>\n  <pm><suspend-to-mem enabled='on'/>"}),
		x("nvram-type-uppercase", "§3: <nvram type='FILE'> with a file source: an invalid value (libvirtxml refused the domain).",
			Dom{NVRAM: "<nvram type='FILE'><source file='/var/lib/libvirt/qemu/nvram/x_VARS.fd'/></nvram>"}),
		x("nvram-type-unknown", "§3: <nvram type='foo'>.", Dom{NVRAM: "<nvram type='foo'/>"}),
		x("empty-nvram-type", "§3: <nvram type=''>.", Dom{NVRAM: "<nvram type=''/>"}),
		x("nvram-type-file-no-source", "§3: type='file' without a <source>: an error libvirt does not report (\"the cause is unknown\").", Dom{NVRAM: "<nvram type='file'/>"}),
		x("nvram-type-file-text-path", "§3: type='file' with the path as text, not as a <source>: the same.",
			Dom{NVRAM: "<nvram type='file'>/var/lib/libvirt/qemu/nvram/t_VARS.fd</nvram>"}),
		x("nvram-type-network-no-source", "§3: type='network' without a <source>.", Dom{NVRAM: "<nvram type='network'/>"}),
		x("nvram-type-none", "§3: type='none' is a storage type, with no source.", Dom{NVRAM: "<nvram type='none'/>"}),
		x("nvram-type-nvme", "§3: type='nvme' without a source.", Dom{NVRAM: "<nvram type='nvme'/>"}),
		x("nvram-type-dir", "§3: type='dir' with a source: unsupported for an NVRAM (9.0 at define, the others after selecting).",
			Dom{NVRAM: "<nvram type='dir'><source dir='/tmp'/></nvram>"}),
		x("nvram-type-after-format", "§3: an unknown type and an invalid format: the format first (9.0 does not read formats).",
			Dom{NVRAM: "<nvram type='foo' format='RAW'/>"}),
		x("nvram-type-after-template-format", "§3: an unknown type and an invalid templateFormat: templateFormat first (11.3 and later).",
			Dom{NVRAM: "<nvram type='foo' templateFormat='RAW'/>"}),
		x("nvram-type-before-loader", "§3: an unknown type and a bad loader attribute: the NVRAM first.",
			Dom{Loader: "<loader secure='YES'/>", NVRAM: "<nvram type='foo'/>"}),
		x("nvram-type-after-feature", "§3: an unknown type and a bad firmware feature: the feature first.",
			Dom{Feat: feat("secure-boot=YES"), NVRAM: "<nvram type='foo'/>"}),
		x("nvram-no-source-before-loader", "§3: type='file' without a source and a bad loader attribute: the NVRAM first.",
			Dom{Loader: "<loader secure='YES'/>", NVRAM: "<nvram type='file'/>"}),
		x("nvram-source-no-path-file", "§3: <source/> without its file: 10.0-12.8 write the default file source; 9.0's start fails (unknown cause).",
			Dom{NVRAM: "<nvram type='file'><source/></nvram>"}),
		x("nvram-source-no-path-file-empty", "§3: <source file=''/>: the same.", Dom{NVRAM: "<nvram type='file'><source file=''/></nvram>"}),
		x("nvram-source-no-path-block", "§3: a block source with dev='': a file source at the default path.",
			Dom{NVRAM: "<nvram type='block'><source dev=''/></nvram>"}),
		s("no-state", "§3.2: <smm/> without a state is on.", Dom{FeatXML: "<smm/>"}),
		s("tseg-on", "§3.2: <smm state='on'> with a TSEG size.", Dom{FeatXML: "<smm state='on'><tseg unit='MiB'>48</tseg></smm>"}),
		s("tseg-off", "§3.2: <smm state='off'> with a TSEG size: off (9.0 picks the SMM build and refuses at start).", Dom{FeatXML: "<smm state='off'><tseg unit='MiB'>48</tseg></smm>"}),
	}
}
