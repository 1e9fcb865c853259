package main

// §3 domain XML: the state attributes of <features> other than <smm>,
// which libvirt's parser reads as on/off wherever they are.
func featureStateCases() []Case {
	f := func(name, about string, d Dom) Case {
		return Case{Name: "fstate-" + name, About: about, Tags: tags("domain-xml features"), Files: stdSet(), Dom: d}
	}
	return []Case{
		f("pmu-yes", "§3: <pmu state='yes'>: on/off only.", Dom{FeatXML: "<pmu state='yes'/>"}),
		f("pmu-empty", "§3: <pmu state=''>.", Dom{FeatXML: "<pmu state=''/>"}),
		f("vmport-uppercase", "§3: <vmport state='ON'>.", Dom{FeatXML: "<vmport state='ON'/>"}),
		f("hyperv-relaxed-yes", "§3: <hyperv><relaxed state='yes'/>: a Hyper-V enlightenment's state is on/off too.",
			Dom{FeatXML: "<hyperv mode='custom'><relaxed state='yes'/></hyperv>"}),
		f("hyperv-second-bad", "§3: <hyperv>: the second enlightenment's state is bad.",
			Dom{FeatXML: "<hyperv mode='custom'><relaxed state='on'/><vapic state='yes'/></hyperv>"}),
		f("kvm-hidden-yes", "§3: <kvm><hidden state='yes'/>.", Dom{FeatXML: "<kvm><hidden state='yes'/></kvm>"}),
		f("smm-then-pmu", "§3: <smm state='yes'/> before <pmu state='yes'/>: which is reported.", Dom{SMM: "yes", FeatXML: "<pmu state='yes'/>"}),
		f("pmu-then-smm", "§3: <pmu state='yes'/> before <smm state='yes'/> in the document.",
			Dom{FeatXML: "<pmu state='yes'/><smm state='yes'/>"}),
		f("pmu-before-pm", "§3: a bad <pmu> state and a bad <pm>: <features> come first?",
			Dom{FeatXML: "<pmu state='yes'/>", PM: "<suspend-to-mem enabled='on'/>"}),
		f("pmu-before-loader", "§3: a bad <pmu> state and a bad <loader secure>: which first.",
			Dom{FeatXML: "<pmu state='yes'/>", Loader: "<loader secure='YES'/>"}),
		f("smm-before-loader", "§3: a bad <smm> state and a bad <loader secure>: which first.",
			Dom{SMM: "yes", Loader: "<loader secure='YES'/>"}),
		f("pmu-before-firmware", "§3: a bad <pmu> state and <os firmware='EFI'>: which first.",
			Dom{FeatXML: "<pmu state='yes'/>", FW: "EFI"}),
		f("pmu-before-nvram", "§3: a bad <pmu> state and <nvram format='RAW'>: which first.",
			Dom{FeatXML: "<pmu state='yes'/>", NVRAM: "<nvram format='RAW'/>"}),
		f("pmu-before-arch", "§3: a bad <pmu> state and an unknown architecture: which first.",
			Dom{FeatXML: "<pmu state='yes'/>", Arch: "foo"}),
		f("pmu-before-firmware-feature", "§3: a bad <pmu> state and a firmware feature named foo: which first.",
			Dom{FeatXML: "<pmu state='yes'/>", Feat: feat("foo=yes")}),
		f("ostype-before-pmu", "§3: an unknown OS type and a bad <pmu> state: which first.",
			Dom{FeatXML: "<pmu state='yes'/>", OSType: "foo"}),
		f("pmu-before-launch-security", "§3: a bad <pmu> state and <launchSecurity type='foo'>: which first.",
			Dom{FeatXML: "<pmu state='yes'/>", LS: "<launchSecurity type='foo'/>"}),
		f("loader-before-pm", "§3: a bad <loader secure> and a bad <pm>: which first.",
			Dom{Loader: "<loader secure='YES'/>", PM: "<suspend-to-mem enabled='on'/>"}),
		f("pm-before-launch-security", "§3: a bad <pm> and <launchSecurity type='foo'>: which first.",
			Dom{PM: "<suspend-to-mem enabled='on'/>", LS: "<launchSecurity type='foo'/>"}),
		f("pmu-off-plain", "§3: <pmu state='off'/> is read and selection goes on.", Dom{FeatXML: "<pmu state='off'/>"}),
	}
}
