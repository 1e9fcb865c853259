package main

// §3 what libvirt's parser reads inside <launchSecurity>: kernelHashes
// (yes/no), <cbitpos> and <reducedPhysBits> (base 10), the policy (base 16,
// required for SEV and SEV-SNP, optional for TDX), each the text of the
// first element as strtoul(3) reads it, and the order it meets them in,
// which 11.3 changed; 12.8's TDX policy bits; s390-pv on x86.
func lsContentCases() []Case {
	x := func(name, about string, ls string, more ...func(*Dom)) Case {
		d := Dom{LS: ls}
		for _, m := range more {
			m(&d)
		}
		return Case{Name: "xml-launchsec-" + name, About: about, Tags: tags("domain-xml launch-security"), Files: lsSet(), Dom: d}
	}
	sevP := func(policy string) string {
		return "<launchSecurity type='sev'><policy>" + policy + "</policy></launchSecurity>"
	}
	tdxP := func(policy string) string {
		return "<launchSecurity type='tdx'><policy>" + policy + "</policy></launchSecurity>"
	}
	smmOn := func(d *Dom) { d.SMM = "on" }
	snpW := func(w string) string {
		return "<launchSecurity type='sev-snp'><policy>0x30000</policy><guestVisibleWorkarounds>" + w + "</guestVisibleWorkarounds></launchSecurity>"
	}
	return []Case{
		x("policy-hex-no-prefix", "§3: policy '7' is hex 7 (SEV-ES).", sevP("7")),
		x("policy-letters-no-prefix", "§3: policy 'abc' is 0xabc, whose SEV-ES bit is set.", sevP("abc")),
		x("policy-uppercase-prefix", "§3: policy '0X0007': strtoul takes 0X.", sevP("0X0007")),
		x("policy-leading-space", "§3: policy ' 0x0007': strtoul skips leading white space.", sevP(" 0x0007")),
		x("policy-leading-tab-newline", "§3: policy '<TAB><LF>7'.", sevP("\t\n7")),
		x("policy-plus", "§3: policy '+7'.", sevP("+7")),
		x("policy-trailing-space", "§3: policy '0x0007 ': nothing may follow the digits.", sevP("0x0007 ")),
		x("policy-prefix-only", "§3: policy '0x'.", sevP("0x")),
		x("policy-negative", "§3: policy '-1'.", sevP("-1")),
		x("policy-33-bits", "§3: SEV policy 0x1ffffffff does not fit 32 bits.", sevP("0x1ffffffff")),
		x("policy-32-bits", "§3: SEV policy 0xffffffff fits.", sevP("0xffffffff")),
		x("policy-empty", "§3: <policy></policy> is no policy, which SEV requires.", sevP("")),
		x("policy-missing", "§3: SEV without a policy.", "<launchSecurity type='sev'><cbitpos>47</cbitpos></launchSecurity>"),
		x("policy-two", "§3: two <policy> elements: libvirt reads the first (SEV-ES), libvirtxml the last.",
			"<launchSecurity type='sev'><policy>0x0007</policy><policy>0x0001</policy></launchSecurity>"),
		x("policy-nested", "§3: policy '0x<b>7</b>': the text of the element, child elements' included.", sevP("0x<b>7</b>")),
		x("kernelhashes-invalid", "§3: kernelHashes='maybe'.", "<launchSecurity type='sev' kernelHashes='maybe'><policy>0x0007</policy></launchSecurity>"),
		x("kernelhashes-empty", "§3: kernelHashes=''.", "<launchSecurity type='sev' kernelHashes=''><policy>0x0007</policy></launchSecurity>"),
		x("kernelhashes-yes", "§3: kernelHashes='yes' is accepted.", "<launchSecurity type='sev' kernelHashes='yes'><policy>0x0007</policy></launchSecurity>"),
		x("kernelhashes-before-policy", "§3: a bad kernelHashes and no policy: kernelHashes first.", "<launchSecurity type='sev' kernelHashes='maybe'><cbitpos>47</cbitpos></launchSecurity>"),
		x("cbitpos-invalid", "§3: <cbitpos>abc</cbitpos>.", "<launchSecurity type='sev'><cbitpos>abc</cbitpos><policy>0x0007</policy></launchSecurity>"),
		x("cbitpos-hex", "§3: <cbitpos>0x2f</cbitpos>: base 10.", "<launchSecurity type='sev'><cbitpos>0x2f</cbitpos><policy>0x0007</policy></launchSecurity>"),
		x("cbitpos-trailing-space", "§3: <cbitpos>47 </cbitpos>.", "<launchSecurity type='sev'><cbitpos>47 </cbitpos><policy>0x0007</policy></launchSecurity>"),
		x("cbitpos-leading-space", "§3: <cbitpos> 47</cbitpos> is 47.", "<launchSecurity type='sev'><cbitpos> 47</cbitpos><policy>0x0007</policy></launchSecurity>"),
		x("cbitpos-empty", "§3: an empty <cbitpos> is none.", "<launchSecurity type='sev'><cbitpos></cbitpos><policy>0x0007</policy></launchSecurity>"),
		x("cbitpos-two", "§3: two <cbitpos>: the first (47) is read, the second (abc) never.",
			"<launchSecurity type='sev'><cbitpos>47</cbitpos><cbitpos>abc</cbitpos><policy>0x0007</policy></launchSecurity>"),
		x("cbitpos-before-reducedphysbits", "§3: both bad: <cbitpos> first.",
			"<launchSecurity type='sev'><reducedPhysBits>abc</reducedPhysBits><cbitpos>abc</cbitpos><policy>7</policy></launchSecurity>"),
		x("policy-and-cbitpos-order", "§3: a bad <cbitpos> and no policy: 9.0 and 10.0 report the policy, 11.3 and 12.8 the cbitpos.",
			"<launchSecurity type='sev'><cbitpos>abc</cbitpos></launchSecurity>"),
		x("policy-and-reducedphysbits-order", "§3: a bad <reducedPhysBits> and no policy: as for <cbitpos>.",
			"<launchSecurity type='sev'><reducedPhysBits>abc</reducedPhysBits></launchSecurity>"),
		x("snp-policy-missing", "§3: SEV-SNP requires a policy (9.0 and 10.0 do not know the type).", "<launchSecurity type='sev-snp'><cbitpos>51</cbitpos></launchSecurity>"),
		x("snp-policy-invalid", "§3: SEV-SNP policy 'zz'.", "<launchSecurity type='sev-snp'><policy>zz</policy></launchSecurity>"),
		x("snp-policy-65-bits", "§3: SEV-SNP policy 0x1ffffffffffffffff.", "<launchSecurity type='sev-snp'><policy>0x1ffffffffffffffff</policy></launchSecurity>"),
		x("snp-kernelhashes-invalid", "§3: SEV-SNP with kernelHashes='maybe'.", "<launchSecurity type='sev-snp' kernelHashes='maybe'><policy>0x30000</policy></launchSecurity>"),
		x("snp-cbitpos-invalid", "§3: SEV-SNP with <cbitpos>abc</cbitpos> and no policy: the cbitpos first.", "<launchSecurity type='sev-snp'><cbitpos>abc</cbitpos></launchSecurity>"),
		x("snp-authorkey-invalid", "§3: SEV-SNP authorKey='maybe' (yes/no).", "<launchSecurity type='sev-snp' authorKey='maybe'><policy>0x30000</policy></launchSecurity>"),
		x("snp-vcek-invalid", "§3: SEV-SNP vcek='maybe'.", "<launchSecurity type='sev-snp' vcek='maybe'><policy>0x30000</policy></launchSecurity>"),
		x("snp-authorkey-empty", "§3: SEV-SNP authorKey=''.", "<launchSecurity type='sev-snp' authorKey=''><policy>0x30000</policy></launchSecurity>"),
		x("snp-authorkey-vcek-valid", "§3: SEV-SNP authorKey='yes' vcek='no' are accepted.", "<launchSecurity type='sev-snp' authorKey='yes' vcek='no'><policy>0x30000</policy></launchSecurity>"),
		x("snp-authorkey-before-vcek", "§3: both bad: authorKey first.", "<launchSecurity type='sev-snp' vcek='v' authorKey='a'><policy>0x30000</policy></launchSecurity>"),
		x("snp-kernelhashes-before-authorkey", "§3: both bad: kernelHashes first.", "<launchSecurity type='sev-snp' authorKey='a' kernelHashes='k'><policy>0x30000</policy></launchSecurity>"),
		x("snp-authorkey-before-policy", "§3: a bad authorKey and no policy: authorKey first.", "<launchSecurity type='sev-snp' authorKey='a'/>"),
		x("snp-cbitpos-before-vcek", "§3: a bad vcek and a bad cbitpos: cbitpos first.", "<launchSecurity type='sev-snp' vcek='v'><cbitpos>abc</cbitpos></launchSecurity>"),
		x("sev-ignores-authorkey", "§3: plain SEV does not read authorKey.", "<launchSecurity type='sev' authorKey='a'><policy>7</policy></launchSecurity>"),
		x("snp-workarounds-16-bytes", "§3: guestVisibleWorkarounds of 16 bytes (base64) is accepted.", snpW("AAAAAAAAAAAAAAAAAAAAAA==")),
		x("snp-workarounds-spaces", "§3: white space around it is skipped by the base64 decoder.", snpW(" AAAAAAAAAAAAAAAAAAAAAA== ")),
		x("snp-workarounds-3-bytes", "§3: 'AAAA' is 3 bytes: refused after selecting (11.3 and later).", snpW("AAAA")),
		x("snp-workarounds-18-bytes", "§3: 24 base64 letters are 18 bytes.", snpW("AAAAAAAAAAAAAAAAAAAAAAAA")),
		x("snp-workarounds-no-padding", "§3: 22 letters without padding: the incomplete group is dropped, 15 bytes.", snpW("AAAAAAAAAAAAAAAAAAAAAA")),
		x("snp-workarounds-not-base64", "§3: 'zz' decodes to nothing.", snpW("zz")),
		x("snp-workarounds-empty", "§3: an empty element is none.", snpW("")),
		x("tdx-policy-missing", "§3: TDX without a policy (12.8 only knows TDX).", "<launchSecurity type='tdx'/>"),
		x("tdx-policy-empty", "§3: TDX with an empty policy: none.", tdxP("")),
		x("tdx-policy-invalid", "§3: TDX policy 'zz': 12.8's own message.", tdxP("zz")),
		x("tdx-policy-trailing-space", "§3: TDX policy '0x10000000 '.", tdxP("0x10000000 ")),
		x("tdx-policy-allowed-bits", "§3: TDX policy 0x10000001: bits 0 and 28 only.", tdxP("0x10000001")),
		x("tdx-policy-other-bit", "§3: TDX policy 0x2: refused after selecting.", tdxP("0x2")),
		x("tdx-policy-33-bits", "§3: TDX policy 0x110000000: read as 64 bits, refused for its bit 32.", tdxP("0x110000000")),
		x("tdx-policy-bits-smm", "§3: TDX policy 0x2 with SMM on: the policy is refused first.", tdxP("0x2"), smmOn),
		x("s390-pv", "§3: s390-pv on x86: no x86 QEMU runs it (9.0 at define, the others after selecting).", "<launchSecurity type='s390-pv'/>"),
	}
}
