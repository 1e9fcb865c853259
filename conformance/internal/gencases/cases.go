package main

import "strings"

// synthetic is the table of synthetic scenarios. To add a case, append a Case to one of the
// groups below (or start a new group and list it here), run gencases, then record.
//
// Conventions: descriptors point under /opt/oracle-fw/... (the files need not exist; libvirt
// does not check during selection), every case has its own name (the domain is fwc-NAME), and
// the About line names the spec section (§) of ../../shared/spec/libvirt-firmware-selection.md.
func synthetic() []Case {
	var all []Case
	for _, group := range [][]Case{
		discoveryCases(),
		invalidCases(),
		jsonSyntaxCases(),
		xmlCases(),
		domainTypeCases(),
		startCases(),
		nameCases(),
		featureStateCases(),
		usbCases(),
		descriptorCases(),
		kernelMemoryCases(),
		interfaceCases(),
		pinCases(),
		archCases(),
		machineCases(),
		machSpellCases(),
		osXMLCases(),
		lsContentCases(),
		pmCases(),
		featureCases(),
		smmSecureCases(),
		loaderCases(),
		statelessCases(),
		formatCases(),
		launchSecurityCases(),
		manualCases(),
		nvramCases(),
	} {
		all = append(all, group...)
	}
	return all
}

func tags(s string) []string { return strings.Split(s, " ") }

// §1 descriptor discovery.
func discoveryCases() []Case {
	plain := usr("50-plain.json", plainD())
	return []Case{
		{Name: "disc-etc-overrides-usr-same-name", About: "§1.3: an /etc file replaces the /usr/share file of the same name (here a plain build replaces SB+enrolled).",
			Tags:  tags("discovery precedence"),
			Files: []F{usr("30-fw.json", sbEnrolled()), etc("30-fw.json", plainD().desc("etc override: plain")), usr("60-sb.json", sbOnly())}},
		{Name: "disc-etc-override-does-not-fall-back", About: "§1.3: an /etc file that does not match hides the same-named /usr/share file that would; the next name wins.",
			Tags:  tags("discovery precedence"),
			Files: []F{usr("30-fw.json", sbEnrolled()), etc("30-fw.json", aa64Plain()), usr("50-plain.json", plainD())}},
		{Name: "disc-rank-by-name-not-directory", About: "§1.4: the directory does not rank: /usr/share/40-... beats /etc/60-....",
			Tags:  tags("discovery precedence sort-order"),
			Files: []F{usr("40-usr-sb.json", sbOnly()), etc("60-etc-plain.json", plainD())}},
		{Name: "disc-etc-lower-name-wins", About: "§1.4: /etc/20-... sorts before /usr/share/30-... and wins.",
			Tags:  tags("discovery precedence sort-order"),
			Files: []F{etc("20-etc-plain.json", plainD()), usr("30-sb-enrolled.json", sbEnrolled())}},
		{Name: "disc-only-etc", About: "§1.1: descriptors only in /etc (empty /usr/share) are used.",
			Tags:  tags("discovery precedence"),
			Files: []F{etc("40-sb.json", sbOnly()), etc("50-plain.json", plainD())}},
		{Name: "disc-sort-10-before-9", About: "§1.4, §0.3: byte-wise sort: 10-sb.json sorts before 9-plain.json.",
			Tags:  tags("discovery sort-order spec0-3"),
			Files: []F{usr("9-plain.json", plainD()), usr("10-sb.json", sbOnly())}},
		{Name: "disc-sort-uppercase-first", About: "§1.4, §0.3: byte-wise sort: B-sb.json (0x42) sorts before a-plain.json (0x61).",
			Tags:  tags("discovery sort-order spec0-3"),
			Files: []F{usr("a-plain.json", plainD()), usr("B-sb.json", sbOnly())}},
		{Name: "disc-sort-uppercase-same-word", About: "§1.4: 50-OVMF.json sorts before 50-ovmf.json.",
			Tags:  tags("discovery sort-order"),
			Files: []F{usr("50-ovmf.json", plainD()), usr("50-OVMF.json", sbOnly())}},
		{Name: "disc-sort-dash-before-digit", About: "§1.4: '-' (0x2d) sorts before '0': 50-plain.json beats 500-sb.json.",
			Tags:  tags("discovery sort-order"),
			Files: []F{usr("500-sb.json", sbOnly()), usr("50-plain.json", plainD())}},
		{Name: "disc-sort-digit-before-letter", About: "§1.4: 99-plain.json sorts before edk2.json (no numeric prefix).",
			Tags:  tags("discovery sort-order"),
			Files: []F{usr("edk2.json", sbOnly()), usr("99-plain.json", plainD())}},
		{Name: "disc-sort-dash-before-underscore", About: "§1.4: 50-sb.json sorts before 50_plain.json ('-' < '_').",
			Tags:  tags("discovery sort-order"),
			Files: []F{usr("50_plain.json", plainD()), usr("50-sb.json", sbOnly())}},
		{Name: "disc-same-content-two-names", About: "§1.4: two names with identical content: the first name wins.",
			Tags:  tags("discovery sort-order"),
			Files: []F{usr("30-b.json", plainD()), usr("20-a.json", plainD())}},
		{Name: "disc-mask-etc-empty", About: "§1.5: an empty /etc file masks the same-named /usr/share descriptor.",
			Tags:  tags("discovery masking"),
			Files: []F{usr("30-sb-enrolled.json", sbEnrolled()), plain, mask("30-sb-enrolled.json")}},
		{Name: "disc-mask-needs-same-name", About: "§1.5: an empty /etc file with another name masks nothing (and is dropped itself).",
			Tags:  tags("discovery masking"),
			Files: []F{usr("30-sb-enrolled.json", sbEnrolled()), plain, mask("30-sb-enrolled.json.disabled")}},
		{Name: "disc-empty-file-usr-only", About: "§1.5: an empty file in /usr/share (nothing to mask) is dropped.",
			Tags:  tags("discovery masking"),
			Files: []F{usr("10-empty.json", nil), plain}},
		{Name: "disc-mask-everything", About: "§1.5, §0.13: every descriptor masked: no firmware, the no-match error.",
			Tags:  tags("discovery masking no-match spec0-13"),
			Files: []F{usr("30-sb-enrolled.json", sbEnrolled()), plain, mask("30-sb-enrolled.json"), mask("50-plain.json")}},
		{Name: "disc-mask-hides-invalid", About: "§1.5, §1.7: an invalid /usr/share descriptor masked by an empty /etc file is never parsed (9.0 too).",
			Tags:  tags("discovery masking invalid-descriptor"),
			Files: []F{usr("00-broken.json", "{ this is not json\n"), mask("00-broken.json"), plain}},
		{Name: "disc-dotfile-etc-ignored", About: "§1.2, §0.3: a dot-file in /etc is not a descriptor.",
			Tags:  tags("discovery dot-files spec0-3"),
			Files: []F{etc(".10-sb.json", sbOnly()), plain}},
		{Name: "disc-dotfile-usr-ignored", About: "§1.2: a dot-file in /usr/share is not a descriptor.",
			Tags:  tags("discovery dot-files"),
			Files: []F{usr(".20-sb-enrolled.json", sbEnrolled()), plain}},
		{Name: "disc-dotfile-does-not-mask", About: "§1.2, §1.5: an empty dot-file in /etc does not mask the /usr/share file without the dot.",
			Tags:  tags("discovery dot-files masking"),
			Files: []F{usr("30-sb-enrolled.json", sbEnrolled()), plain, mask(".30-sb-enrolled.json")}},
		{Name: "disc-dotfile-invalid-ignored", About: "§1.2, §1.7: an invalid dot-file is never parsed, so even 9.0 selects.",
			Tags:  tags("discovery dot-files invalid-descriptor"),
			Files: []F{usr(".00-broken.json", "{ broken\n"), plain}},
		{Name: "disc-nonjson-readme-wins", About: "§1.2, §0.3: no .json filter: a valid descriptor named 01-README wins.",
			Tags:  tags("discovery non-json-names spec0-3"),
			Files: []F{usr("01-README", sbOnly().desc("descriptor in a file called README")), plain}},
		{Name: "disc-nonjson-bak-wins", About: "§1.2, §0.3: no .json filter: 05-first.json.bak is parsed and wins.",
			Tags:  tags("discovery non-json-names spec0-3"),
			Files: []F{usr("05-first.json.bak", plainD().paths(x86+"CODE.bak.fd", x86+"VARS.bak.fd")), usr("30-sb-enrolled.json", sbEnrolled())}},
		{Name: "disc-nonjson-conf-in-etc-wins", About: "§1.2, §0.3: no .json filter: /etc/10-ovmf.conf is parsed and wins.",
			Tags:  tags("discovery non-json-names spec0-3"),
			Files: []F{etc("10-ovmf.conf", plainD().paths(x86+"CODE.conf.fd", x86+"VARS.conf.fd")), usr("30-sb-enrolled.json", sbEnrolled())}},
		{Name: "disc-nonjson-text-is-invalid", About: "§1.2, §1.7, §0.1: a plain-text 00-README.txt is parsed as a descriptor and is invalid: 9.0 fails the lookup, later versions skip it.",
			Tags:  tags("discovery non-json-names invalid-descriptor version-diff spec0-1"),
			Files: []F{usr("00-README.txt", "Firmware descriptors live in this directory.\n"), plain}},
		{Name: "disc-symlink-etc-other-name", About: "§1.8, §0.3: an /etc symlink with another name lists the /usr/share file a second time, under the symlink's name, which sorts first.",
			Tags:  tags("discovery symlinks spec0-3"),
			Files: []F{usr("90-sb.json", sbOnly()), plain, link("etc", "20-link.json", toUsr("90-sb.json"))}},
		{Name: "disc-symlink-etc-same-name-override", About: "§1.3: an /etc symlink named like a /usr/share file overrides it with the symlink target's content.",
			Tags:  tags("discovery symlinks precedence"),
			Files: []F{usr("30-sb-enrolled.json", sbEnrolled()), usr("70-plain.json", plainD()), link("etc", "30-sb-enrolled.json", toUsr("70-plain.json"))}},
		{Name: "disc-symlink-to-masked-file", About: "§1.5: masking hides a name, not a file: an /etc symlink to a masked /usr/share file still works.",
			Tags:  tags("discovery symlinks masking"),
			Files: []F{usr("30-sb-enrolled.json", sbEnrolled()), mask("30-sb-enrolled.json"), link("etc", "60-link.json", toUsr("30-sb-enrolled.json")), usr("70-plain.json", plainD())}},
		{Name: "disc-symlink-dangling-etc", About: "§1.2, §0.2: a dangling symlink in /etc is a hard error for the whole lookup.",
			Tags:  tags("discovery symlinks dangling-symlink spec0-2"),
			Files: []F{plain, link("etc", "15-gone.json", toUsr("missing.json"))}},
		{Name: "disc-symlink-dangling-sorted-last", About: "§1.2, §0.2: a dangling symlink that sorts after the winner still fails the lookup.",
			Tags:  tags("discovery symlinks dangling-symlink spec0-2"),
			Files: []F{plain, link("etc", "99-gone.json", toUsr("missing.json"))}},
		{Name: "disc-symlink-dangling-usr-masked", About: "§1.2, §1.3: a dangling /usr/share symlink overridden by an empty /etc file of the same name: every version still stats it and fails the lookup.",
			Tags:  tags("discovery symlinks dangling-symlink masking"),
			Files: []F{plain, link("usr", "15-gone.json", "missing.json"), mask("15-gone.json")}},
		{Name: "disc-symlink-dangling-dotfile", About: "§1.2: a dangling symlink whose name starts with a dot is ignored.",
			Tags:  tags("discovery symlinks dangling-symlink dot-files"),
			Files: []F{plain, link("etc", ".15-gone.json", toUsr("missing.json"))}},
		{Name: "disc-symlink-to-directory", About: "§1.2: a symlink to a directory is not a regular file and is skipped.",
			Tags:  tags("discovery symlinks"),
			Files: []F{plain, link("etc", "10-dir.json", "../../../usr")}},
		{Name: "disc-symlink-to-directory-same-name", About: "§1.3: an /etc symlink to a directory named like a /usr/share descriptor does not mask it: libvirt skips the non-regular entry before /etc overrides /usr/share.",
			Tags:  tags("discovery symlinks masking"),
			Files: []F{plain, link("etc", "50-plain.json", "../../../usr")}},
		{Name: "disc-symlink-to-own-directory-same-name", About: "§1.3: the same with a symlink to /etc/qemu/firmware itself.",
			Tags:  tags("discovery symlinks masking"),
			Files: []F{plain, link("etc", "50-plain.json", ".")}},
		{Name: "disc-symlink-to-empty-file", About: "§1.5: a symlink to an empty file has size 0 and is dropped like a mask.",
			Tags:  tags("discovery symlinks masking"),
			Files: []F{plain, usr("00-empty", nil), link("etc", "10-link.json", toUsr("00-empty"))}},
		{Name: "disc-symlink-within-usr", About: "§1.2: a relative symlink inside /usr/share lists the target under the link's name.",
			Tags:  tags("discovery symlinks"),
			Files: []F{plain, usr("80-sb.json", sbOnly()), link("usr", "25-alias.json", "80-sb.json")}},
		{Name: "disc-etc-invalid-overrides-valid", About: "§1.3, §1.7, §0.1: an invalid /etc file replaces a valid same-named /usr/share file: 9.0 fails, later versions skip it.",
			Tags:  tags("discovery precedence invalid-descriptor version-diff spec0-1"),
			Files: []F{usr("30-sb-enrolled.json", sbEnrolled()), etc("30-sb-enrolled.json", "{\"interface-types\": [\"uefi\"],\n"), plain}},
		{Name: "disc-size-limit", About: "§1.6: a descriptor larger than 1 MiB (valid JSON padded with spaces) cannot be read.",
			Tags:  tags("discovery size-limit invalid-descriptor"),
			Files: []F{usr("10-huge.json", hugeDescriptor()), plain}},
	}
}

// hugeDescriptor is a valid SB descriptor padded past libvirt's 1 MiB read limit.
func hugeDescriptor() []byte {
	b := render(sbOnly().desc("padded past 1 MiB").obj())
	pad := strings.Repeat(" ", 1100*1024)
	return append([]byte("{"+pad), b[1:]...)
}

// badBase would win (sorts first, matches q35 and i440fx) if a version accepted its file.
func badBase() D {
	return flashD("would win if accepted", x86+"CODE.bad.fd", x86+"VARS.bad.fd", "x86_64", pcAndQ35, "acpi-s3")
}

// §2 invalid descriptors, §0.1: 9.0 fails the whole lookup, later versions skip the file.
func invalidCases() []Case {
	plain := usr("50-plain.json", plainD())
	b := badBase().obj()
	editMapping := func(f func(obj) obj) obj { return b.edit("mapping", f) }
	inv := func(name, about string, extraTags string, data any) Case {
		t := "invalid-descriptor version-diff spec0-1"
		if extraTags != "" {
			t += " " + extraTags
		}
		return Case{Name: "inv-" + name, About: about, Tags: tags(t), Files: []F{usr("10-bad.json", data), plain}}
	}
	return []Case{
		inv("bad-json-truncated", "§2, §0.1: truncated JSON.", "", "{\n    \"description\": \"truncated\",\n    \"interface-types\": [\"uefi\"],\n"),
		inv("bad-json-trailing-comma", "§2, §0.1: JSON with a trailing comma.", "",
			strings.Replace(string(render(b)), "\"tags\": []", "\"tags\": [],", 1)),
		inv("not-an-object", "§2: the top-level JSON value is an array.", "", "[\"uefi\"]\n"),
		inv("empty-object", "§2: an empty JSON object.", "", "{}\n"),
		inv("missing-features", "§2, §0.1: no features member.", "", b.del("features")),
		inv("features-not-array", "§2: features is a string.", "", b.set("features", "secure-boot")),
		{Name: "inv-feature-not-string", About: "§2: a features element is a number: every version accepts the descriptor (the element is dropped).",
			Tags:  tags("descriptor-format unknown-features"),
			Files: []F{usr("10-bad.json", b.set("features", []any{"acpi-s3", 42})), plain}},
		inv("unknown-arch-amd64", "§2, §0.1: unknown architecture amd64.", "arch", badBase().arch("amd64")),
		inv("unknown-arch-uppercase", "§2: architecture names are case-sensitive (X86_64).", "arch", badBase().arch("X86_64")),
		inv("unknown-device", "§2, §0.1: unknown mapping device 'disk'.", "", editMapping(func(m obj) obj { return m.set("device", "disk") })),
		inv("missing-device", "§2: mapping without device.", "", editMapping(func(m obj) obj { return m.del("device") })),
		inv("missing-mapping", "§2: no mapping member.", "", b.del("mapping")),
		inv("unknown-flash-mode", "§2, §0.1: unknown flash mode 'hybrid'.", "flash-mode", badBase().mode("hybrid")),
		inv("flash-mode-not-string", "§2: flash mode is a number.", "flash-mode", editMapping(func(m obj) obj { return m.set("mode", 2) })),
		inv("split-without-template", "§2: split flash (mode absent) without nvram-template.", "flash-mode", badBase().tmpl("")),
		inv("split-explicit-without-template", "§2: mode 'split' without nvram-template.", "flash-mode", badBase().mode("split").tmpl("")),
		inv("missing-executable", "§2: flash mapping without executable.", "", editMapping(func(m obj) obj { return m.del("executable") })),
		inv("executable-without-format", "§2: executable without format.", "format",
			editMapping(func(m obj) obj { return m.set("executable", obj{{"filename", x86 + "CODE.bad.fd"}}) })),
		inv("template-without-format", "§2: nvram-template without format.", "format",
			editMapping(func(m obj) obj { return m.set("nvram-template", obj{{"filename", x86 + "VARS.bad.fd"}}) })),
		inv("missing-interface-types", "§2: no interface-types member.", "interface", b.del("interface-types")),
		inv("unknown-interface", "§2: unknown interface type 'efi'.", "interface", badBase().ifaces("efi")),
		inv("missing-targets", "§2: no targets member.", "", b.del("targets")),
		inv("target-missing-machines", "§2: a target without machines.", "", b.set("targets", []obj{{{"architecture", "x86_64"}}})),
		inv("target-missing-architecture", "§2: a target without architecture.", "", b.set("targets", []obj{{{"machines", q35Only}}})),
		inv("machines-not-array", "§2: machines is a string.", "",
			b.set("targets", []obj{{{"architecture", "x86_64"}, {"machines", "pc-q35-*"}}})),
		{Name: "inv-loongarch64-unknown-to-9", About: "§0.20: a valid loongarch64 descriptor is an unknown architecture for 9.0 (whole lookup fails); later versions just do not match it.",
			Tags:  tags("invalid-descriptor arch version-diff spec0-20"),
			Files: []F{usr("10-loongarch64.json", flashD("loongarch64", "/opt/oracle-fw/loongarch64/QEMU_EFI.fd", "/opt/oracle-fw/loongarch64/QEMU_VARS.fd", "loongarch64", []string{"virt*"})), plain}},
		{Name: "inv-riscv64-known", About: "§2: a riscv64 descriptor is valid in every version (control for the loongarch64 case).",
			Tags:  tags("descriptor-format arch"),
			Files: []F{usr("10-riscv64.json", flashD("riscv64", "/opt/oracle-fw/riscv64/CODE.fd", "/opt/oracle-fw/riscv64/VARS.fd", "riscv64", []string{"virt*"})), plain}},
		{Name: "inv-memory-missing-filename", About: "§2: memory mapping without filename (aarch64, never matched here): old parsers accept it with a NULL filename.",
			Tags:  tags("invalid-descriptor memory version-diff"),
			Files: []F{usr("10-bad.json", memoryD("no filename", "", "aarch64", virtAny).obj().edit("mapping", func(m obj) obj { return m.del("filename") })), plain}},
		{Name: "inv-invalid-sorted-last", About: "§1.7, §0.1: an invalid file that sorts after the winner still fails 9.0's lookup.",
			Tags:  tags("invalid-descriptor version-diff spec0-1"),
			Files: []F{plain, usr("99-bad.json", "{ not json\n")}},
	}
}

// §2 valid but unusual descriptors.
func descriptorCases() []Case {
	plain := usr("50-plain.json", plainD())
	return []Case{
		{Name: "desc-unknown-feature-ignored", About: "§2: an unknown feature string is dropped; the descriptor stays valid and wins.",
			Tags:  tags("descriptor-format unknown-features"),
			Files: []F{usr("10-x.json", sbOnly().addFeats("fancy-new-feature")), plain}},
		{Name: "desc-snp-tdx-features-plain-request", About: "§2, §6: amd-sev-snp and intel-tdx are unknown to 9.0 (ignored); the descriptor is chosen for a plain request in all versions.",
			Tags:  tags("descriptor-format unknown-features sev-snp tdx"),
			Files: []F{usr("10-x.json", plainD().paths(x86+"CODE.cc.fd", x86+"VARS.cc.fd").addFeats("amd-sev-snp", "intel-tdx")), plain}},
		{Name: "desc-empty-interface-list", About: "§2: an empty interface-types array is accepted and matches nothing.",
			Tags:  tags("descriptor-format interface"),
			Files: []F{usr("10-x.json", badBase().ifaces()), plain}},
		{Name: "desc-empty-machines", About: "§2: an empty machines array is accepted and matches nothing.",
			Tags:  tags("descriptor-format machine"),
			Files: []F{usr("10-x.json", badBase().machines()), plain}},
		{Name: "desc-empty-targets", About: "§2: an empty targets array is accepted and matches nothing.",
			Tags:  tags("descriptor-format"),
			Files: []F{usr("10-x.json", badBase().targets()), plain}},
		{Name: "desc-interface-openfirmware-uboot", About: "§2: openfirmware/uboot interfaces are valid but never match an efi request.",
			Tags:  tags("descriptor-format interface"),
			Files: []F{usr("10-x.json", badBase().ifaces("openfirmware", "uboot")), plain}},
		{Name: "desc-minimal-no-description-no-tags", About: "§2: description and tags are optional for libvirt.",
			Tags:  tags("descriptor-format"),
			Files: []F{usr("10-x.json", sbOnly().obj().del("description").del("tags")), plain}},
		{Name: "desc-unknown-top-level-member", About: "§2: unknown top-level members are ignored.",
			Tags:  tags("descriptor-format"),
			Files: []F{usr("10-x.json", sbOnly().obj().set("x-vendor", obj{{"build", "2026"}})), plain}},
		{Name: "desc-duplicate-features", About: "§2: repeated feature strings are harmless.",
			Tags:  tags("descriptor-format"),
			Files: []F{usr("10-x.json", sbOnly().addFeats("secure-boot", "requires-smm")), plain}},
		{Name: "desc-second-target-matches", About: "§3.2 step 3: any target may match (aarch64 first, x86_64 second).",
			Tags:  tags("descriptor-format arch"),
			Files: []F{usr("10-x.json", sbOnly().targets(T{"aarch64", virtAny}, T{"x86_64", q35Only})), plain}},
		{Name: "desc-interface-bios-and-uefi", About: "§3.2 step 1: a descriptor listing bios then uefi matches an efi request.",
			Tags:  tags("descriptor-format interface"),
			Files: []F{usr("10-x.json", sbOnly().ifaces("bios", "uefi")), plain}},
		{Name: "desc-requires-smm-without-secure-boot", About: "§0.12: requires-smm without secure-boot only warns; it is selected with smm on and secure loader.",
			Tags:  tags("descriptor-format smm spec0-12"),
			Files: []F{usr("10-x.json", plainD().paths(x86+"CODE.smm.fd", x86+"VARS.smm.fd").feats("acpi-s3", "requires-smm")), plain}},
		{Name: "desc-secure-boot-without-requires-smm", About: "§0.12: secure-boot without requires-smm only warns; no SMM is enabled.",
			Tags:  tags("descriptor-format smm spec0-12"),
			Files: []F{usr("10-x.json", plainD().paths(x86+"CODE.sbnosmm.fd", x86+"VARS.sbnosmm.fd").feats("acpi-s3", "secure-boot")), plain}},
		{Name: "desc-enrolled-keys-without-secure-boot", About: "§2 sanity warning, §0.7/§0.8: a descriptor with enrolled-keys but no secure-boot wins a plain request; 11.3+ write both features back and fail their own validation.",
			Tags:  tags("descriptor-format firmware-features validation spec0-7"),
			Files: []F{usr("10-x.json", plainD().paths(x86+"CODE.ek.fd", x86+"VARS.ek.fd").feats("acpi-s3", "enrolled-keys")), plain}},
		{Name: "desc-combined-first", About: "§3.2 step 8, §0.12, §0.15: a combined flash descriptor sorted first: 9.0/11.3 never select it, 12.8 does.",
			Tags:  tags("flash-mode combined version-diff spec0-12 spec0-15"),
			Files: []F{usr("10-combined.json", combinedD()), plain}},
		{Name: "desc-stateless-first", About: "§3.2 step 8, §0.15: a stateless flash descriptor sorted first, no stateless request: 12.8 selects it.",
			Tags:  tags("flash-mode stateless version-diff spec0-15"),
			Files: []F{usr("10-stateless.json", statelessD()), plain}},
		{Name: "desc-stateless-with-template", About: "§2: nvram-template is not parsed for stateless mode; with <loader stateless='yes'> the descriptor wins without a template.",
			Tags:  tags("flash-mode stateless"),
			Files: []F{usr("10-stateless.json", statelessD().tmpl(x86+"VARS.ignored.fd")), plain},
			Dom:   Dom{Loader: "<loader stateless='yes'/>"}},
		{Name: "desc-exe-format-vmdk-first", About: "§3.2 step 8.4, §0.6: executable format vmdk: 11.3+ skip it, 9.0 picks it and fails.",
			Tags:  tags("format version-diff spec0-6"),
			Files: []F{usr("10-vmdk.json", badBase().fmts("vmdk", "raw")), plain}},
		{Name: "desc-template-format-vmdk-first", About: "§3.2 step 8.6, §0.6: nvram-template format vmdk: 11.3+ skip it, 9.0 picks it and fails.",
			Tags:  tags("format version-diff spec0-6"),
			Files: []F{usr("10-vmdk.json", badBase().fmts("raw", "vmdk")), plain}},
		{Name: "desc-exe-format-uppercase-raw", About: "§3.2 step 8.4: the format check is case-sensitive ('RAW' is not raw).",
			Tags:  tags("format"),
			Files: []F{usr("10-RAW.json", badBase().fmts("RAW", "RAW")), plain}},
	}
}

// §2/§3.2 kernel and memory mappings, §0.9, §0.16, §0.17.
func kernelMemoryCases() []Case {
	plain := usr("50-plain.json", plainD())
	mem := usr("40-memory.json", memD())
	return []Case{
		{Name: "kernel-first", About: "§0.9, §0.16: a kernel descriptor sorted first: 9.0/11.3 select it (<kernel>), 12.8 rejects the device and picks the flash build.",
			Tags:  tags("kernel version-diff spec0-9 spec0-16"),
			Files: []F{usr("10-kernel.json", kernelD()), plain}},
		{Name: "kernel-path-pinned", About: "§3.2 step 2: a domain <kernel> equal to the kernel descriptor's filename.",
			Tags:  tags("kernel spec0-9 spec0-16"),
			Files: []F{usr("10-kernel.json", kernelD()), plain},
			Dom:   Dom{Kernel: x86 + "vmlinuz-fw"}},
		{Name: "kernel-path-mismatch", About: "§3.2 step 2: a domain <kernel> with another path rejects the kernel descriptor on 11.3; 9.0 takes it and overwrites <kernel>.",
			Tags:  tags("kernel spec0-9"),
			Files: []F{usr("10-kernel.json", kernelD()), plain},
			Dom:   Dom{Kernel: "/boot/vmlinuz-other"}},
		{Name: "kernel-requires-smm-with-loader", About: "§0.9: kernel descriptor with requires-smm and a domain <loader secure='yes'/>: no crash, loader kept.",
			Tags:  tags("kernel smm loader-secure spec0-9"),
			Files: []F{usr("10-kernel.json", kernelD().addFeats("requires-smm")), plain},
			Dom:   Dom{Loader: "<loader secure='yes'/>"}},
		{Name: "crash-kernel-requires-smm-no-loader", About: "§0.9: THE crash case: kernel descriptor with requires-smm, no <loader>: 9.0 and 11.3 libvirtd crash (NULL loader); 12.8 skips kernel descriptors.",
			Tags:  tags("kernel smm crash version-diff spec0-9 spec0-16"),
			Files: []F{usr("10-kernel.json", kernelD().addFeats("requires-smm")), plain}},
		{Name: "kernel-on-i440fx-not-matching", About: "§3.2 step 3: the kernel descriptor targets q35 only; an i440fx domain gets the flash build.",
			Tags:  tags("kernel machine i440fx"),
			Files: []F{usr("10-kernel.json", kernelD()), plain},
			Dom:   Dom{Machine: "pc"}},
		{Name: "memory-first", About: "§3.2 step 9, §4: a memory descriptor sorted first wins: <loader type='rom'>, no NVRAM.",
			Tags:  tags("memory"),
			Files: []F{usr("10-memory.json", memD()), plain}},
		{Name: "memory-loader-type-rom", About: "§3.2 step 9: <loader type='rom'/> with efi skips flash builds and takes the memory one.",
			Tags:  tags("memory loader-type 9.0-define-reject spec0-5"),
			Files: []F{usr("30-sb-enrolled.json", sbEnrolled()), mem, plain},
			Dom:   Dom{Loader: "<loader type='rom'/>"}},
		{Name: "memory-loader-type-rom-none", About: "§3.2 step 8.1: <loader type='rom'/> with only flash builds: no match.",
			Tags:  tags("memory loader-type no-match 9.0-define-reject"),
			Files: []F{usr("30-sb-enrolled.json", sbEnrolled()), plain},
			Dom:   Dom{Loader: "<loader type='rom'/>"}},
		{Name: "memory-loader-type-pflash", About: "§3.2 step 9, §6: <loader type='pflash'/> with a memory descriptor first: skipped in M, matched (and rewritten to rom) in N.",
			Tags:  tags("memory loader-type version-diff 9.0-define-reject spec0-5"),
			Files: []F{usr("10-memory.json", memD()), plain},
			Dom:   Dom{Loader: "<loader type='pflash'/>"}},
		{Name: "memory-loader-readonly-no", About: "§3.2 step 9: <loader readonly='no'/> rejects the memory descriptor.",
			Tags:  tags("memory loader-readonly 9.0-define-reject spec0-5"),
			Files: []F{usr("10-memory.json", memD()), plain},
			Dom:   Dom{Loader: "<loader readonly='no'/>"}},
		{Name: "memory-loader-readonly-yes", About: "§3.2 step 9: <loader readonly='yes'/> and a memory descriptor first.",
			Tags:  tags("memory loader-readonly 9.0-define-reject spec0-5"),
			Files: []F{usr("10-memory.json", memD()), plain},
			Dom:   Dom{Loader: "<loader readonly='yes'/>"}},
		{Name: "memory-requires-smm", About: "§4: a memory descriptor with requires-smm and no <loader>: loader created as rom, secure/smm written.",
			Tags:  tags("memory smm"),
			Files: []F{usr("10-memory.json", memD().addFeats("requires-smm")), plain}},
		{Name: "memory-secure-boot-features", About: "§4: a memory descriptor with secure-boot and enrolled-keys (like Debian's inteltdx ROM) for a plain request.",
			Tags:  tags("memory firmware-features"),
			Files: []F{usr("10-memory.json", memD().addFeats("secure-boot", "enrolled-keys")), plain}},
		{Name: "memory-loader-path", About: "§3.2 step 2: efi with <loader>PATH</loader> equal to the memory descriptor's filename.",
			Tags:  tags("memory loader-path 9.0-define-reject spec0-5"),
			Files: []F{usr("30-sb-enrolled.json", sbEnrolled()), mem, plain},
			Dom:   Dom{Loader: "<loader>" + x86 + "OVMF.rom.fd</loader>"}},
		{Name: "memory-i440fx", About: "§3.2 step 3: the memory descriptor targets q35 only; i440fx gets the flash build.",
			Tags:  tags("memory machine i440fx"),
			Files: []F{usr("10-memory.json", memD()), plain},
			Dom:   Dom{Machine: "pc"}},
	}
}

// §3.2 step 1: interfaces, os firmware='bios'.
func interfaceCases() []Case {
	seabios := usr("20-seabios.json", seabiosD())
	return []Case{
		{Name: "iface-bios-memory", About: "§3.2 step 1: os firmware='bios' picks the bios (SeaBIOS memory) descriptor: <loader type='rom'>.",
			Tags:  tags("interface bios memory"),
			Files: with(stdSet(), seabios),
			Dom:   Dom{FW: "bios"}},
		{Name: "iface-bios-none", About: "§3.2 step 1, §0.13: os firmware='bios' with only uefi descriptors: no-match error for 'bios'.",
			Tags:  tags("interface bios no-match spec0-13"),
			Files: stdSet(),
			Dom:   Dom{FW: "bios"}},
		{Name: "iface-bios-i440fx", About: "§3.2 step 1: os firmware='bios' on the pc alias.",
			Tags:  tags("interface bios i440fx"),
			Files: with(stdSet(), seabios),
			Dom:   Dom{FW: "bios", Machine: "pc"}},
		{Name: "iface-bios-flash-descriptor", About: "§3.2 step 1: os firmware='bios' and a bios-interface split flash descriptor: 11.3+ select it and refuse the NVRAM for bios.",
			Tags:  tags("interface bios"),
			Files: with(stdSet(), usr("20-bios-flash.json", plainD().ifaces("bios").paths("/opt/oracle-fw/bios/CODE.fd", "/opt/oracle-fw/bios/VARS.fd"))),
			Dom:   Dom{FW: "bios"}},
		{Name: "iface-efi-skips-bios", About: "§3.2 step 1: an efi request skips a bios descriptor that sorts first.",
			Tags:  tags("interface bios"),
			Files: with(stdSet(), usr("10-seabios.json", seabiosD()))},
		{Name: "iface-efi-bios-uefi-memory", About: "§3.2 step 1: a memory descriptor listing bios and uefi matches an efi request.",
			Tags:  tags("interface memory"),
			Files: with(stdSet(), usr("10-both.json", memD().ifaces("bios", "uefi")))},
	}
}

// §3.3: loader path and nvram template pinning (9.0 rejects these at define, §0.5).
func pinCases() []Case {
	mem := usr("45-memory.json", memD())
	return []Case{
		{Name: "pin-loader-path-plain", About: "§3.3: efi + <loader>CODE.fd</loader> skips the SB builds and selects the plain one.",
			Tags:  tags("loader-path 9.0-define-reject spec0-5"),
			Files: stdSet(),
			Dom:   Dom{Loader: "<loader>" + x86 + "CODE.fd</loader>"}},
		{Name: "pin-loader-path-secboot", About: "§3.3: efi + <loader>CODE.secboot.fd</loader>: the first descriptor with that executable (SB+enrolled) wins.",
			Tags:  tags("loader-path 9.0-define-reject spec0-5"),
			Files: stdSet(),
			Dom:   Dom{Loader: "<loader>" + x86 + "CODE.secboot.fd</loader>"}},
		{Name: "pin-loader-path-nonstandard", About: "§3.3: efi + a loader path no descriptor has: no-match error.",
			Tags:  tags("loader-path no-match 9.0-define-reject"),
			Files: stdSet(),
			Dom:   Dom{Loader: "<loader>/opt/custom/OVMF_CODE.fd</loader>"}},
		{Name: "pin-loader-path-not-canonicalised", About: "§3.2 step 2: paths compare as strings (x86/../x86/CODE.fd does not equal x86/CODE.fd).",
			Tags:  tags("loader-path no-match 9.0-define-reject"),
			Files: stdSet(),
			Dom:   Dom{Loader: "<loader>/opt/oracle-fw/x86/../x86/CODE.fd</loader>"}},
		{Name: "pin-nvram-template", About: "§3.3: efi + <nvram template='VARS.fd'/> skips SB+enrolled (VARS.ms.fd) and selects SB (CODE.secboot.fd + VARS.fd).",
			Tags:  tags("nvram-template 9.0-define-reject spec0-5"),
			Files: stdSet(),
			Dom:   Dom{NVRAM: "<nvram template='" + x86 + "VARS.fd'/>"}},
		{Name: "pin-nvram-template-nonstandard", About: "§3.3: a template no descriptor has: no-match error.",
			Tags:  tags("nvram-template no-match 9.0-define-reject"),
			Files: stdSet(),
			Dom:   Dom{NVRAM: "<nvram template='/opt/custom/VARS.fd'/>"}},
		{Name: "pin-loader-and-template", About: "§3.3: loader CODE.secboot.fd + template VARS.fd select the SB-without-keys build.",
			Tags:  tags("loader-path nvram-template 9.0-define-reject"),
			Files: stdSet(),
			Dom:   Dom{Loader: "<loader>" + x86 + "CODE.secboot.fd</loader>", NVRAM: "<nvram template='" + x86 + "VARS.fd'/>"}},
		{Name: "pin-loader-and-template-mismatch", About: "§3.3: loader CODE.fd + template VARS.ms.fd exist, but in no single descriptor: no match.",
			Tags:  tags("loader-path nvram-template no-match 9.0-define-reject"),
			Files: stdSet(),
			Dom:   Dom{Loader: "<loader>" + x86 + "CODE.fd</loader>", NVRAM: "<nvram template='" + x86 + "VARS.ms.fd'/>"}},
		{Name: "pin-template-skips-stateless", About: "§3.2 step 2: a template pin requires split mode; a stateless descriptor first is skipped.",
			Tags:  tags("nvram-template stateless 9.0-define-reject"),
			Files: with(stdSet(), usr("10-stateless.json", statelessD())),
			Dom:   Dom{NVRAM: "<nvram template='" + x86 + "VARS.fd'/>"}},
		{Name: "pin-template-memory-first", About: "§3.2 step 2, §0.17: a template pin and a memory descriptor first: 11.3 takes the ROM (template dropped), 12.8 skips ROMs.",
			Tags:  tags("nvram-template memory version-diff 9.0-define-reject spec0-17"),
			Files: with(stdSet(), usr("10-memory.json", memD())),
			Dom:   Dom{NVRAM: "<nvram template='" + x86 + "VARS.fd'/>"}},
		{Name: "pin-loader-path-with-sb-no", About: "§3.3: loader CODE.secboot.fd pinned and secure-boot=no requested: contradictory, no match.",
			Tags:  tags("loader-path firmware-features no-match 9.0-define-reject"),
			Files: stdSet(),
			Dom:   Dom{Loader: "<loader>" + x86 + "CODE.secboot.fd</loader>", Feat: feat("secure-boot=no")}},
		{Name: "pin-loader-path-memory-with-type-rom", About: "§3.3: efi + <loader type='rom'>OVMF.rom.fd</loader> selects the memory build.",
			Tags:  tags("loader-path memory loader-type 9.0-define-reject"),
			Files: with(stdSet(), mem),
			Dom:   Dom{Loader: "<loader type='rom'>" + x86 + "OVMF.rom.fd</loader>"}},
	}
}

// §3.2 step 3: architecture.
func archCases() []Case {
	i386set := []F{usr("50-i386-secure.json", i386SB()), usr("60-i386.json", i386Plain())}
	return []Case{
		{Name: "arch-i686-x86_64-only", About: "§3.2 step 3: an i686 domain does not match x86_64 descriptors.",
			Tags:  tags("arch i686 no-match"),
			Files: stdSet(),
			Dom:   Dom{Arch: "i686"}},
		{Name: "arch-i686-i386-plain", About: "§3.2 step 3: an i686 q35 domain matches an i386 descriptor (QEMU i386 = libvirt i686).",
			Tags:  tags("arch i686"),
			Files: with(stdSet(), usr("60-i386.json", i386Plain())),
			Dom:   Dom{Arch: "i686"}},
		{Name: "arch-i686-i386-secure-first", About: "§0.21: i686 q35: the i386 requires-smm SB build sorts first; 11.3/12.8 pick it and fail 'x86_64 only' although a plain i386 build follows.",
			Tags:  tags("arch i686 smm validation version-diff spec0-21 spec0-8"),
			Files: with(stdSet(), i386set...),
			Dom:   Dom{Arch: "i686"}},
		{Name: "arch-i686-i386-secure-sb-no", About: "§0.21: i686 q35 with secure-boot=no skips the i386 SB build and gets the plain i386 one.",
			Tags:  tags("arch i686 firmware-features"),
			Files: with(stdSet(), i386set...),
			Dom:   Dom{Arch: "i686", Feat: feat("secure-boot=no")}},
		{Name: "arch-i686-pc", About: "§3.2 step 3: i686 on the pc alias: the i386 SB build is q35-only, the plain one matches i440fx.",
			Tags:  tags("arch i686 i440fx"),
			Files: with(stdSet(), i386set...),
			Dom:   Dom{Arch: "i686", Machine: "pc"}},
		{Name: "arch-x86_64-i386-only", About: "§3.2 step 3: an x86_64 domain does not match i386 descriptors.",
			Tags:  tags("arch no-match"),
			Files: i386set},
		{Name: "arch-descriptor-named-i686", About: "§2: the descriptor architecture 'i686' (libvirt's name, not QEMU's) is accepted through libvirt's own arch table.",
			Tags:  tags("arch i686 descriptor-format"),
			Files: with(stdSet(), usr("60-i686.json", i386Plain().arch("i686"))),
			Dom:   Dom{Arch: "i686"}},
		{Name: "arch-descriptor-named-armv7l", About: "§2: the descriptor architecture 'armv7l' (libvirt name for QEMU arm) parses; it does not match x86_64.",
			Tags:  tags("arch descriptor-format"),
			Files: with(stdSet(), usr("10-armv7l.json", aa64Plain().arch("armv7l")))},
		{Name: "arch-aarch64-virt", About: "§3.2 step 3: aarch64 virt skips x86 descriptors and picks the aarch64 one.",
			Tags:  tags("arch aarch64"),
			Files: stdSet(),
			Dom:   Dom{Arch: "aarch64"}},
		{Name: "arch-aarch64-sb-first", About: "§3.2: aarch64 with an SB+enrolled build (no SMM) sorted first: it wins a plain request.",
			Tags:  tags("arch aarch64 firmware-features"),
			Files: with(stdSet(), usr("55-aarch64-secure.json", aa64SB())),
			Dom:   Dom{Arch: "aarch64"}},
		{Name: "arch-aarch64-sb-no", About: "§3.2 step 6: aarch64 with secure-boot=no skips the SB build.",
			Tags:  tags("arch aarch64 firmware-features"),
			Files: with(stdSet(), usr("55-aarch64-secure.json", aa64SB())),
			Dom:   Dom{Arch: "aarch64", Feat: feat("secure-boot=no")}},
		{Name: "arch-aarch64-requires-smm", About: "§0.8: an aarch64 descriptor with requires-smm: 11.3+ force secure='yes' and fail validation ('q35 machine types only').",
			Tags:  tags("arch aarch64 smm validation version-diff spec0-8"),
			Files: with(stdSet(), usr("55-aarch64-smm.json", aa64SB().feats("requires-smm", "secure-boot"))),
			Dom:   Dom{Arch: "aarch64"}},
		{Name: "arch-aarch64-qcow2-first", About: "§3.0, §0.6: aarch64 with a qcow2 build sorted before a raw one (Fedora layout).",
			Tags:  tags("arch aarch64 format qcow2 version-diff spec0-6"),
			Files: []F{usr("50-aarch64-qcow2.json", aa64Plain().paths(aa+"CODE.qcow2", aa+"VARS.qcow2").fmts("qcow2", "qcow2")), usr("51-aarch64-raw.json", aa64Plain())},
			Dom:   Dom{Arch: "aarch64"}},
	}
}

// §3.2 step 3: machine globs and alias canonicalisation (§0.11).
func machineCases() []Case {
	first := func(machines ...string) []F {
		return []F{usr("10-glob.json", sbOnly().machines(machines...).desc("SB build for "+strings.Join(machines, " "))), usr("50-plain.json", plainD())}
	}
	aaFirst := func(machines ...string) []F {
		return []F{usr("10-glob.json", aa64SB().machines(machines...)), usr("60-aarch64.json", aa64Plain())}
	}
	return []Case{
		{Name: "mach-alias-q35-glob-7", About: "§0.11: 'q35' becomes pc-q35-7.2 on QEMU 7.2 only: pattern pc-q35-7.* matches for 9.0 alone.",
			Tags: tags("machine machine-glob alias version-diff spec0-11"), Files: first("pc-q35-7.*")},
		{Name: "mach-alias-q35-glob-10", About: "§0.11: 'q35' becomes pc-q35-10.0 on QEMU 10.0: pattern pc-q35-10.* matches for 11.3 alone.",
			Tags: tags("machine machine-glob alias version-diff spec0-11"), Files: first("pc-q35-10.*")},
		{Name: "mach-alias-q35-glob-11", About: "§0.11: 'q35' becomes pc-q35-11.1 on QEMU 11.1: pattern pc-q35-11.* matches for 12.8 alone.",
			Tags: tags("machine machine-glob alias version-diff spec0-11"), Files: first("pc-q35-11.*")},
		{Name: "mach-alias-literal-q35-pattern", About: "§3.2 step 3: the pattern 'q35' never matches, because the alias is canonicalised before matching.",
			Tags: tags("machine machine-glob alias"), Files: first("q35")},
		{Name: "mach-explicit-pc-q35-7.2", About: "§0.11: an explicit pc-q35-7.2 machine and the exact pattern pc-q35-7.2 (QEMU 10.0 and 11.1 still have it).",
			Tags: tags("machine machine-glob"), Files: first("pc-q35-7.2"), Dom: Dom{Machine: "pc-q35-7.2"}},
		{Name: "mach-explicit-pc-q35-10.0", About: "§0.11: explicit pc-q35-10.0: unknown to QEMU 7.2 (9.0 rejects the domain).",
			Tags: tags("machine version-diff"), Files: first("pc-q35-10.0"), Dom: Dom{Machine: "pc-q35-10.0"}},
		{Name: "mach-explicit-pc-q35-11.1", About: "§0.11: explicit pc-q35-11.1: only QEMU 11.1 (12.8) knows it.",
			Tags: tags("machine version-diff"), Files: first("pc-q35-11.1"), Dom: Dom{Machine: "pc-q35-11.1"}},
		{Name: "mach-glob-question-one-digit", About: "§3.2 step 3: '?' is exactly one character: pc-q35-?.? matches 7.2 but not 10.0 or 11.1.",
			Tags: tags("machine machine-glob alias version-diff"), Files: first("pc-q35-?.?")},
		{Name: "mach-glob-question-two-digits", About: "§3.2 step 3: pc-q35-??.? matches 10.0 and 11.1 but not 7.2.",
			Tags: tags("machine machine-glob alias version-diff"), Files: first("pc-q35-??.?")},
		{Name: "mach-glob-bracket-literal", About: "§3.2 step 3: GLib patterns have no [] classes: pc-q35-[0-9]* matches nothing.",
			Tags: tags("machine machine-glob"), Files: first("pc-q35-[0-9]*")},
		{Name: "mach-glob-bracket-literal-explicit", About: "§3.2 step 3: '[' is literal even when the machine name is given explicitly.",
			Tags: tags("machine machine-glob"), Files: first("pc-q35-[7]*"), Dom: Dom{Machine: "pc-q35-7.2"}},
		{Name: "mach-glob-backslash-literal", About: "§3.2 step 3: no escaping: pc-q35-\\* matches nothing.",
			Tags: tags("machine machine-glob"), Files: first(`pc-q35-\*`)},
		{Name: "mach-glob-star-only", About: "§3.2 step 3, §0.8: '*' matches every machine of the arch, here the pc alias; the SB build chosen there then fails 11.3+ validation.",
			Tags: tags("machine machine-glob i440fx"), Files: first("*"), Dom: Dom{Machine: "pc"}},
		{Name: "mach-glob-case-sensitive", About: "§3.2 step 3: matching is case-sensitive: PC-Q35-* does not match.",
			Tags: tags("machine machine-glob"), Files: first("PC-Q35-*")},
		{Name: "mach-glob-no-version", About: "§3.2 step 3: whole-string match: pc-q35 does not match pc-q35-X.Y.",
			Tags: tags("machine machine-glob"), Files: first("pc-q35")},
		{Name: "mach-glob-star-no-dash", About: "§3.2 step 3: pc-q35* (no dash) matches like pc-q35-*.",
			Tags: tags("machine machine-glob"), Files: first("pc-q35*")},
		{Name: "mach-glob-several-patterns", About: "§3.2 step 3: any pattern may match (pc-i440fx-*, then pc-q35-1*: 11.3/12.8 only).",
			Tags: tags("machine machine-glob alias version-diff"), Files: first("pc-i440fx-*", "pc-q35-1*")},
		{Name: "mach-alias-pc-std", About: "§3.2 step 3: the pc alias (i440fx): q35-only SB builds are skipped, the plain one wins.",
			Tags: tags("machine alias i440fx"), Files: stdSet(), Dom: Dom{Machine: "pc"}},
		{Name: "mach-explicit-pc-i440fx-7.2", About: "§3.2 step 3, §0.8: explicit pc-i440fx-7.2 and an SB (requires-smm) build with the exact pattern: 9.0 takes it, 11.3+ then fail 'q35 only'.",
			Tags: tags("machine machine-glob i440fx"), Files: first("pc-i440fx-7.2"), Dom: Dom{Machine: "pc-i440fx-7.2"}},
		{Name: "mach-alias-pc-glob-7", About: "§0.11: 'pc' becomes pc-i440fx-7.2 on QEMU 7.2 only: pc-i440fx-7.* matches for 9.0 alone.",
			Tags:  tags("machine machine-glob alias i440fx version-diff spec0-11"),
			Files: []F{usr("10-glob.json", plainD().paths(x86+"CODE.i440fx7.fd", x86+"VARS.i440fx7.fd").machines("pc-i440fx-7.*")), usr("50-plain.json", plainD())},
			Dom:   Dom{Machine: "pc"}},
		{Name: "mach-i440fx-requires-smm", About: "§0.8: an SB requires-smm build that also lists i440fx: chosen for pc; 11.3+ then fail ('q35 only').",
			Tags:  tags("machine i440fx smm validation version-diff spec0-8"),
			Files: []F{usr("10-sb-any.json", sbOnly().machines("pc-i440fx-*", "pc-q35-*")), usr("50-plain.json", plainD())},
			Dom:   Dom{Machine: "pc"}},
		{Name: "mach-virt-alias-glob-7", About: "§0.11: aarch64 'virt' becomes virt-7.2 on QEMU 7.2 only.",
			Tags: tags("machine machine-glob alias aarch64 version-diff spec0-11"), Files: aaFirst("virt-7.*"), Dom: Dom{Arch: "aarch64"}},
		{Name: "mach-virt-literal-pattern", About: "§3.2 step 3: the pattern 'virt' never matches the canonicalised alias.",
			Tags: tags("machine machine-glob alias aarch64"), Files: aaFirst("virt"), Dom: Dom{Arch: "aarch64"}},
		{Name: "mach-virt-star-no-dash", About: "§3.2 step 3: the pattern virt* (Debian riscv64/loongarch64 style) matches the versioned virt machine.",
			Tags: tags("machine machine-glob alias aarch64"), Files: aaFirst("virt*"), Dom: Dom{Arch: "aarch64"}},
	}
}

// §3.2 step 5: S3/S4.
func pmCases() []Case {
	noS3 := usr("30-sb-enrolled.json", sbEnrolled().feats("enrolled-keys", "requires-smm", "secure-boot"))
	s4 := usr("60-s4.json", plainD().paths(x86+"CODE.s4.fd", x86+"VARS.s4.fd").feats("acpi-s3", "acpi-s4"))
	set := []F{noS3, usr("50-plain.json", plainD()), s4}
	return []Case{
		{Name: "pm-s3-yes", About: "§3.2 step 5: suspend-to-mem enabled requires acpi-s3: the first build (no acpi-s3) is skipped.",
			Tags: tags("pm"), Files: set, Dom: Dom{PM: "<suspend-to-mem enabled='yes'/>"}},
		{Name: "pm-s3-no", About: "§3.2 step 5: suspend-to-mem disabled imposes nothing.",
			Tags: tags("pm"), Files: set, Dom: Dom{PM: "<suspend-to-mem enabled='no'/>"}},
		{Name: "pm-two-mem-yes-first", About: "§3: two <suspend-to-mem>, enabled='yes' then 'no': libvirt reads the first (string(./pm/suspend-to-mem/@enabled)).",
			Tags: tags("pm domain-xml"), Files: set, Dom: Dom{PM: "<suspend-to-mem enabled='yes'/><suspend-to-mem enabled='no'/>"}},
		{Name: "pm-two-mem-no-first", About: "§3: two <suspend-to-mem>, enabled='no' then 'yes'.",
			Tags: tags("pm domain-xml"), Files: set, Dom: Dom{PM: "<suspend-to-mem enabled='no'/><suspend-to-mem enabled='yes'/>"}},
		{Name: "pm-s4-yes", About: "§3.2 step 5: suspend-to-disk enabled requires acpi-s4.",
			Tags: tags("pm"), Files: set, Dom: Dom{PM: "<suspend-to-disk enabled='yes'/>"}},
		{Name: "pm-s3-s4-yes", About: "§3.2 step 5: both S3 and S4 requested.",
			Tags: tags("pm"), Files: set, Dom: Dom{PM: "<suspend-to-mem enabled='yes'/><suspend-to-disk enabled='yes'/>"}},
		{Name: "pm-s4-yes-none", About: "§3.2 step 5: suspend-to-disk requested, no build has acpi-s4: no match.",
			Tags: tags("pm no-match"), Files: stdSet(), Dom: Dom{PM: "<suspend-to-disk enabled='yes'/>"}},
	}
}

// §3.2 step 6: <os><firmware><feature> combinations over 30 SB+keys, 40 SB, 50 plain.
func featureCases() []Case {
	f := func(name, about string, t string, fs ...string) Case {
		return Case{Name: "feat-" + name, About: about, Tags: tags("firmware-features " + t), Files: stdSet(), Dom: Dom{Feat: fs}}
	}
	ekOnly := usr("20-ek-only.json", plainD().paths(x86+"CODE.ek.fd", x86+"VARS.ek.fd").machines(q35Only...).feats("acpi-s3", "enrolled-keys"))
	return []Case{
		f("sb-yes-ek-yes", "§3.2 step 6: secure-boot=yes, enrolled-keys=yes: SB+keys build.", "", "secure-boot=yes", "enrolled-keys=yes"),
		f("sb-yes-ek-no", "§3.2 step 6: secure-boot=yes, enrolled-keys=no: SB build without keys.", "", "secure-boot=yes", "enrolled-keys=no"),
		f("sb-yes-ek-unset", "§3.2 step 6: secure-boot=yes alone: first SB build.", "", "secure-boot=yes"),
		f("sb-no", "§3.2 step 6: secure-boot=no alone: plain build.", "", "secure-boot=no"),
		f("sb-no-ek-no", "§3.2 step 6: secure-boot=no, enrolled-keys=no: plain build.", "", "secure-boot=no", "enrolled-keys=no"),
		f("ek-yes", "§3.2 step 6, §0.7: enrolled-keys=yes alone.", "spec0-7", "enrolled-keys=yes"),
		f("ek-no", "§3.2 step 6: enrolled-keys=no alone: SB build without keys (first without enrolled-keys).", "", "enrolled-keys=no"),
		f("sb-no-ek-yes", "§3.1: secure-boot=no with enrolled-keys=yes is refused by validation.", "validation", "secure-boot=no", "enrolled-keys=yes"),
		{Name: "feat-ek-yes-ek-only-build-first", About: "§0.7: enrolled-keys=yes alone with an enrolled-keys-without-secure-boot build first: 9.0 also requires SB, 11.3 picks it and fails validation.",
			Tags: tags("firmware-features validation version-diff spec0-7"), Files: with(stdSet(), ekOnly), Dom: Dom{Feat: feat("enrolled-keys=yes")}},
		{Name: "feat-sb-yes-no-sb-build", About: "§3.2 step 6, §0.13: secure-boot=yes with no SB build: no match.",
			Tags: tags("firmware-features no-match spec0-13"), Files: []F{usr("50-plain.json", plainD())}, Dom: Dom{Feat: feat("secure-boot=yes")}},
		{Name: "feat-sb-no-only-sb-builds", About: "§3.2 step 6: secure-boot=no with only SB builds: no match.",
			Tags: tags("firmware-features no-match"), Files: []F{usr("30-sb-enrolled.json", sbEnrolled()), usr("40-sb.json", sbOnly())}, Dom: Dom{Feat: feat("secure-boot=no")}},
		{Name: "feat-sb-yes-i440fx", About: "§3.2 steps 3+6: secure-boot=yes on i440fx: SB builds are q35-only, so no match.",
			Tags: tags("firmware-features i440fx no-match"), Files: stdSet(), Dom: Dom{Machine: "pc", Feat: feat("secure-boot=yes")}},
		{Name: "feat-sb-no-smm-on", About: "§3.2 steps 6+7: secure-boot=no with <smm state='on'/>: plain build, SMM stays on.",
			Tags: tags("firmware-features smm"), Files: stdSet(), Dom: Dom{Feat: feat("secure-boot=no"), SMM: "on"}},
	}
}

// §3.2 step 7: SMM and loader secure.
func smmSecureCases() []Case {
	plain20 := usr("20-plain.json", plainD())
	smmOnly := usr("25-smm-nosb.json", plainD().paths(x86+"CODE.smm.fd", x86+"VARS.smm.fd").machines(q35Only...).feats("acpi-s3", "requires-smm"))
	return []Case{
		{Name: "smm-off", About: "§3.2 step 7, §6: <smm state='off'/>: 11.3+ skip requires-smm builds; 9.0 picks SB+keys and fails.",
			Tags: tags("smm version-diff"), Files: stdSet(), Dom: Dom{SMM: "off"}},
		{Name: "smm-off-only-smm-builds", About: "§3.2 step 7: <smm state='off'/> and only requires-smm builds: no match (9.0: its own SMM error).",
			Tags: tags("smm no-match version-diff"), Files: []F{usr("30-sb-enrolled.json", sbEnrolled()), usr("40-sb.json", sbOnly())}, Dom: Dom{SMM: "off"}},
		{Name: "smm-off-sb-no", About: "§3.2 steps 6+7: <smm state='off'/> with secure-boot=no: the plain build in every version.",
			Tags: tags("smm firmware-features"), Files: stdSet(), Dom: Dom{SMM: "off", Feat: feat("secure-boot=no")}},
		{Name: "smm-on-plain-only", About: "§3.2 step 7: <smm state='on'/> with only a plain build: selected, SMM left on.",
			Tags: tags("smm"), Files: []F{usr("50-plain.json", plainD())}, Dom: Dom{SMM: "on"}},
		{Name: "loader-secure-yes", About: "§3.2 step 7: <loader secure='yes'/> skips a non-SMM build that sorts first.",
			Tags: tags("loader-secure smm"), Files: with(stdSet(), plain20), Dom: Dom{Loader: "<loader secure='yes'/>"}},
		{Name: "loader-secure-yes-no-smm-build", About: "§3.2 step 7: <loader secure='yes'/> with only a non-SMM build: no match.",
			Tags: tags("loader-secure no-match"), Files: []F{usr("50-plain.json", plainD())}, Dom: Dom{Loader: "<loader secure='yes'/>"}},
		{Name: "loader-secure-yes-sb-no", About: "§3.2 steps 6+7: <loader secure='yes'/> with secure-boot=no selects an SMM build without secure-boot.",
			Tags: tags("loader-secure firmware-features smm"), Files: with(stdSet(), smmOnly), Dom: Dom{Loader: "<loader secure='yes'/>", Feat: feat("secure-boot=no")}},
		{Name: "loader-secure-no", About: "§3.2 step 7, §0.5: <loader secure='no'/>: 11.3+ skip requires-smm builds; 9.0 refuses the attribute under efi.",
			Tags: tags("loader-secure version-diff 9.0-define-reject spec0-5"), Files: stdSet(), Dom: Dom{Loader: "<loader secure='no'/>"}},
		{Name: "loader-secure-yes-smm-off", About: "§3.1: <loader secure='yes'/> with <smm state='off'/> is contradictory.",
			Tags: tags("loader-secure smm validation"), Files: stdSet(), Dom: Dom{Loader: "<loader secure='yes'/>", SMM: "off"}},
	}
}

// §3.2 step 8: loader readonly/type.
func loaderCases() []Case {
	comb := usr("10-combined.json", combinedD())
	return []Case{
		{Name: "loader-readonly-no-combined", About: "§3.2 step 8.3, §0.22: <loader readonly='no'/> with a combined build: 11.3 has no selectable build, 12.8 may take the combined one.",
			Tags: tags("loader-readonly combined version-diff 9.0-define-reject spec0-5 spec0-22"), Files: with(stdSet(), comb), Dom: Dom{Loader: "<loader readonly='no'/>"}},
		{Name: "loader-readonly-no-split-only", About: "§3.2 step 8.3: <loader readonly='no'/> with only split builds: no match.",
			Tags: tags("loader-readonly no-match 9.0-define-reject"), Files: stdSet(), Dom: Dom{Loader: "<loader readonly='no'/>"}},
		{Name: "loader-readonly-yes", About: "§3.2, §0.5: <loader readonly='yes'/> is no constraint for split builds; 9.0 refuses it under efi.",
			Tags: tags("loader-readonly 9.0-define-reject spec0-5"), Files: stdSet(), Dom: Dom{Loader: "<loader readonly='yes'/>"}},
		{Name: "loader-type-pflash", About: "§3.2 step 8.1, §0.5: <loader type='pflash'/> selects the first flash build; 9.0 refuses it under efi.",
			Tags: tags("loader-type 9.0-define-reject spec0-5"), Files: stdSet(), Dom: Dom{Loader: "<loader type='pflash'/>"}},
		{Name: "loader-type-pflash-readonly-yes-secure-yes", About: "§3.2: a fully spelled pflash loader (type, readonly, secure) without a path.",
			Tags: tags("loader-type loader-readonly loader-secure 9.0-define-reject"), Files: stdSet(), Dom: Dom{Loader: "<loader type='pflash' readonly='yes' secure='yes'/>"}},
		{Name: "loader-secure-yes-stateless-yes", About: "§3.2: secure='yes' passes in 9.0 too; combined with stateless='yes' it needs a stateless SMM build (none): no match.",
			Tags: tags("loader-secure stateless no-match"), Files: with(stdSet(), usr("10-stateless.json", statelessD())), Dom: Dom{Loader: "<loader secure='yes' stateless='yes'/>"}},
	}
}

// §3.2 step 8.2: stateless and combined flash.
func statelessCases() []Case {
	st := usr("45-stateless.json", statelessD())
	return []Case{
		{Name: "stateless-yes", About: "§3.2 step 8.2: <loader stateless='yes'/> picks the stateless flash build: no NVRAM.",
			Tags: tags("stateless flash-mode"), Files: with(stdSet(), st), Dom: Dom{Loader: "<loader stateless='yes'/>"}},
		{Name: "stateless-yes-memory-first", About: "§3.2 steps 8.2/9: <loader stateless='yes'/> with a memory build sorted before the stateless flash.",
			Tags: tags("stateless memory"), Files: with(stdSet(), st, usr("42-memory.json", memD())), Dom: Dom{Loader: "<loader stateless='yes'/>"}},
		{Name: "stateless-yes-none", About: "§3.2 step 8.2: <loader stateless='yes'/> with only split builds: no match.",
			Tags: tags("stateless no-match"), Files: stdSet(), Dom: Dom{Loader: "<loader stateless='yes'/>"}},
		{Name: "stateless-yes-combined-only", About: "§3.2 step 8.2: <loader stateless='yes'/> does not take a combined build.",
			Tags: tags("stateless combined no-match"), Files: []F{usr("10-combined.json", combinedD()), usr("50-plain.json", plainD())}, Dom: Dom{Loader: "<loader stateless='yes'/>"}},
		{Name: "stateless-yes-sb-yes", About: "§3.2 steps 6+8.2: stateless with secure-boot=yes picks a stateless SB build.",
			Tags:  tags("stateless firmware-features"),
			Files: with(stdSet(), st, usr("46-stateless-sb.json", statelessD().exe(x86+"OVMF.stateless.secboot.fd").feats("secure-boot", "enrolled-keys"))),
			Dom:   Dom{Loader: "<loader stateless='yes'/>", Feat: feat("secure-boot=yes")}},
		{Name: "stateless-yes-nvram-path", About: "§3.1: a stateless loader with an NVRAM path is refused by validation.",
			Tags: tags("stateless validation nvram-output"), Files: with(stdSet(), st),
			Dom: Dom{Loader: "<loader stateless='yes'/>", NVRAM: "<nvram>/var/lib/libvirt/qemu/nvram/stateless_VARS.fd</nvram>"}},
		{Name: "stateless-no-combined-first", About: "§0.22: <loader stateless='no'/> with a combined build first: 12.8 picks it (writable pflash, no NVRAM), 11.3 the split one.",
			Tags: tags("stateless combined version-diff spec0-22"), Files: with(stdSet(), usr("10-combined.json", combinedD())), Dom: Dom{Loader: "<loader stateless='no'/>"}},
		{Name: "stateless-no-stateless-first", About: "§0.22: <loader stateless='no'/> blocks a stateless build on 12.8 too.",
			Tags: tags("stateless version-diff spec0-22"), Files: with(stdSet(), usr("10-stateless.json", statelessD())), Dom: Dom{Loader: "<loader stateless='no'/>"}},
		{Name: "stateless-yes-i440fx", About: "§3.2: stateless on the pc alias.",
			Tags: tags("stateless i440fx"), Files: with(stdSet(), st), Dom: Dom{Machine: "pc", Loader: "<loader stateless='yes'/>"}},
		{Name: "combined-and-stateless-first-plain", About: "§0.15: combined (10-) and stateless (20-) builds before the split ones, no request: what 12.8 picks first.",
			Tags:  tags("combined stateless flash-mode version-diff spec0-15"),
			Files: with(stdSet(), usr("10-combined.json", combinedD()), usr("20-stateless.json", statelessD()))},
	}
}

// §3.1 step 2, §3.2 step 8.4-8.7, §0.6: formats.
func formatCases() []Case {
	qc := usr("20-qcow2.json", qcow2D())
	raw := usr("50-plain.json", plainD())
	return []Case{
		{Name: "fmt-qcow2-first", About: "§0.6, §4.3: a qcow2 build sorts first: 9.0 picks it and fails; 11.3+ select it with a .qcow2 NVRAM.",
			Tags: tags("format qcow2 nvram-output version-diff spec0-6 spec0-20"), Files: []F{qc, raw}},
		{Name: "fmt-loader-format-raw", About: "§3.2 step 8.5: <loader format='raw'/> skips the qcow2 build (9.0 ignores the attribute).",
			Tags: tags("format qcow2 version-diff"), Files: []F{qc, raw}, Dom: Dom{Loader: "<loader format='raw'/>"}},
		{Name: "fmt-loader-format-qcow2", About: "§3.2 step 8.5: <loader format='qcow2'/> skips the raw build that sorts first.",
			Tags: tags("format qcow2 version-diff"), Files: []F{usr("10-plain.json", plainD()), usr("20-qcow2.json", qcow2D())}, Dom: Dom{Loader: "<loader format='qcow2'/>"}},
		{Name: "fmt-nvram-format-qcow2", About: "§3.2 step 8.7, §6: <nvram format='qcow2'/> with a raw build first: 11.3 and 12.8 both skip the raw template (mismatching nvram template format); 9.0 ignores the attribute.",
			Tags: tags("format qcow2 version-diff"), Files: []F{usr("10-plain.json", plainD()), usr("20-qcow2.json", qcow2D())}, Dom: Dom{NVRAM: "<nvram format='qcow2'/>"}},
		{Name: "fmt-nvram-format-raw-qcow2-first", About: "§3.2 step 8.7: <nvram format='raw'/> with a qcow2 build first.",
			Tags: tags("format qcow2 version-diff"), Files: []F{qc, raw}, Dom: Dom{NVRAM: "<nvram format='raw'/>"}},
		{Name: "fmt-exe-raw-template-qcow2", About: "§3.2 step 8.6, §0.6: raw executable with a qcow2 template: 9.0 'unsupported nvram template format'.",
			Tags:  tags("format qcow2 version-diff spec0-6"),
			Files: []F{usr("20-mixed.json", plainD().paths(x86+"CODE.mixed.fd", x86+"VARS.mixed.qcow2").fmts("raw", "qcow2")), raw}},
		{Name: "fmt-exe-qcow2-template-raw", About: "§3.2 steps 8.4-8.6, §4.3: qcow2 executable with a raw template: the NVRAM follows the template (raw, _VARS.fd) on 11.3+; 9.0 fails on qcow2.",
			Tags:  tags("format qcow2 nvram-output version-diff spec0-6"),
			Files: []F{usr("20-mixed.json", plainD().paths(x86+"CODE.mixed.qcow2", x86+"VARS.mixed.fd").fmts("qcow2", "raw")), raw}},
		{Name: "fmt-loader-format-vmdk", About: "§3.1 step 2: <loader format='vmdk'/> is an unsupported loader format (9.0 ignores it).",
			Tags: tags("format validation version-diff"), Files: stdSet(), Dom: Dom{Loader: "<loader format='vmdk'/>"}},
		{Name: "fmt-nvram-format-vmdk", About: "§3.1 step 2: <nvram format='vmdk'/> is an unsupported nvram format.",
			Tags: tags("format validation version-diff"), Files: stdSet(), Dom: Dom{NVRAM: "<nvram format='vmdk'/>"}},
		{Name: "fmt-loader-qcow2-nvram-raw", About: "§7.2 firmware-auto-efi-format-mismatch: loader format qcow2 with nvram format raw: 11.3+ define it and write nvram format qcow2.",
			Tags: tags("format qcow2 validation version-diff"), Files: []F{qc, raw}, Dom: Dom{Loader: "<loader format='qcow2'/>", NVRAM: "<nvram format='raw'/>"}},
		{Name: "fmt-qcow2-only-sb-yes", About: "§0.20: qcow2 SB+keys and raw SB+keys builds (Fedora 39 layout) with secure-boot=yes.",
			Tags:  tags("format qcow2 firmware-features version-diff spec0-20"),
			Files: []F{usr("30-sb-qcow2.json", sbEnrolled().paths(x86+"CODE_4M.secboot.qcow2", x86+"VARS_4M.secboot.qcow2").fmts("qcow2", "qcow2")), usr("31-sb-raw.json", sbEnrolled())},
			Dom:   Dom{Feat: feat("secure-boot=yes")}},
	}
}

// §3.2 step 10: launch security.
func launchSecurityCases() []Case {
	set := lsSet()
	return launchSecurityCasesOver(set)
}

// lsSet is the launch-security set: SB, SB with SEV, plain, SEV-ES flash,
// an SEV/SEV-ES/SNP ROM and a TDX ROM.
func lsSet() []F {
	return []F{
		usr("30-sb-enrolled.json", sbEnrolled()),
		usr("40-sb-sev.json", sbOnly().addFeats("amd-sev")),
		usr("50-plain.json", plainD().machines(q35Only...).feats("acpi-s3", "verbose-dynamic")),
		usr("55-sev-es.json", flashD("x86_64 SEV-ES", x86+"CODE.sev.fd", x86+"VARS.sev.fd", "x86_64", q35Only, "amd-sev", "amd-sev-es", "verbose-dynamic")),
		usr("60-snp-memory.json", memoryD("x86_64 SEV/SEV-ES/SNP ROM", x86+"OVMF.amdsev.fd", "x86_64", q35Only, "amd-sev", "amd-sev-es", "amd-sev-snp", "verbose-dynamic")),
		usr("65-tdx-memory.json", memoryD("x86_64 TDX ROM", x86+"OVMF.inteltdx.fd", "x86_64", q35Only, "intel-tdx", "verbose-dynamic")),
	}
}

func launchSecurityCasesOver(set []F) []Case {
	return []Case{
		{Name: "sev-policy-1", About: "§3.2 step 10: SEV policy 0x1 requires amd-sev: the SB build with amd-sev (requires-smm) wins.",
			Tags: tags("sev"), Files: set, Dom: Dom{LS: sev("0x0001")}},
		{Name: "sev-policy-3", About: "§3.2 step 10: policy 0x3 has no SEV-ES bit: same as 0x1.",
			Tags: tags("sev"), Files: set, Dom: Dom{LS: sev("0x0003")}},
		{Name: "sev-policy-5", About: "§3.2 step 10: policy 0x5 has the SEV-ES bit (0x4): amd-sev-es required.",
			Tags: tags("sev sev-es"), Files: set, Dom: Dom{LS: sev("0x0005")}},
		{Name: "sev-policy-7", About: "§3.2 step 10: policy 0x7 (SEV-ES).",
			Tags: tags("sev sev-es"), Files: set, Dom: Dom{LS: sev("0x0007")}},
		{Name: "sev-policy-1-sb-no", About: "§3.2 steps 6+10: SEV with secure-boot=no skips the SB build.",
			Tags: tags("sev firmware-features"), Files: set, Dom: Dom{LS: sev("0x0001"), Feat: feat("secure-boot=no")}},
		{Name: "sev-no-amd-sev-build", About: "§3.2 step 10: SEV with no amd-sev build: no match.",
			Tags: tags("sev no-match"), Files: []F{usr("30-sb-enrolled.json", sbEnrolled()), usr("40-sb.json", sbOnly())}, Dom: Dom{LS: sev("0x0001")}},
		{Name: "sev-es-memory-only", About: "§3.2 step 10: SEV-ES where only a memory build has amd-sev-es: <loader type='rom'>.",
			Tags: tags("sev sev-es memory"), Files: []F{set[0], set[1], set[2], set[4]}, Dom: Dom{LS: sev("0x0007")}},
		{Name: "sev-es-stateless-flash", About: "§3.2 steps 8.2+10, §0.15: SEV-ES where only a stateless flash build has amd-sev-es: 12.8 selects it, older versions do not.",
			Tags:  tags("sev sev-es stateless version-diff spec0-15"),
			Files: []F{set[0], set[1], usr("60-amdsev-stateless.json", statelessD().exe(x86+"OVMF.amdsev.fd").feats("amd-sev", "amd-sev-es", "amd-sev-snp"))},
			Dom:   Dom{LS: sev("0x0007")}},
		{Name: "sev-snp", About: "§0.18: SEV-SNP: 9.0 does not know the type; 11.3/12.8 match amd-sev-snp (the ROM).",
			Tags: tags("sev-snp memory version-diff spec0-18"), Files: set, Dom: Dom{LS: sevSNP}},
		{Name: "sev-snp-no-snp-build", About: "§0.18: SEV-SNP with no amd-sev-snp build: no match.",
			Tags: tags("sev-snp no-match version-diff spec0-18"), Files: set[:4], Dom: Dom{LS: sevSNP}},
		{Name: "sev-snp-stateless-flash", About: "§0.18, §0.15: SEV-SNP where the SNP build is stateless flash (Fedora layout): 11.3 no match, 12.8 selects it.",
			Tags:  tags("sev-snp stateless version-diff spec0-15 spec0-18"),
			Files: []F{set[0], set[3], usr("60-amdsev-stateless.json", statelessD().exe(x86+"OVMF.amdsev.fd").machines(q35Only...).feats("amd-sev", "amd-sev-es", "amd-sev-snp"))},
			Dom:   Dom{LS: sevSNP}},
		{Name: "tdx-memory", About: "§0.18: TDX: unknown to 9.0 and 11.3; 12.8 matches intel-tdx (the ROM).",
			Tags: tags("tdx memory version-diff spec0-18"), Files: set, Dom: Dom{LS: tdx}},
		{Name: "tdx-flash-first", About: "§0.18, §0.23: a split flash TDX build sorts first: 12.8 picks it and fails validation (pflash) without trying the ROM.",
			Tags:  tags("tdx validation version-diff spec0-18 spec0-23"),
			Files: with(set, usr("58-tdx-flash.json", flashD("x86_64 TDX flash", x86+"CODE.tdx.fd", x86+"VARS.tdx.fd", "x86_64", q35Only, "intel-tdx"))),
			Dom:   Dom{LS: tdx}},
		{Name: "tdx-smm-on", About: "§0.23: TDX with <smm state='on'/>: 12.8 rejects after selection.",
			Tags: tags("tdx smm validation version-diff spec0-23"), Files: set, Dom: Dom{LS: tdx, SMM: "on"}},
		{Name: "tdx-no-tdx-build", About: "§0.18: TDX with no intel-tdx build: no match on 12.8.",
			Tags: tags("tdx no-match version-diff spec0-18"), Files: set[:5], Dom: Dom{LS: tdx}},
	}
}

// §3.3/§3.4: manual mode (no os firmware).
func manualCases() []Case {
	mem := usr("45-memory.json", memD())
	return []Case{
		{Name: "manual-pflash-match", About: "§3.3, §0.14: no os firmware, <loader type='pflash' readonly='yes'>CODE.fd</loader> matching a descriptor: template, formats, features filled.",
			Tags: tags("manual loader-path spec0-14"), Files: stdSet(), Dom: Dom{FW: "none", Loader: pflashLoader(x86 + "CODE.fd")}},
		{Name: "manual-pflash-secboot-match", About: "§3.3, §4: manual pflash CODE.secboot.fd: the SB+keys descriptor fills secure='yes', SMM and features.",
			Tags: tags("manual loader-path smm spec0-14"), Files: stdSet(), Dom: Dom{FW: "none", Loader: pflashLoader(x86 + "CODE.secboot.fd")}},
		{Name: "manual-pflash-no-match", About: "§3.3: manual pflash path with no descriptor and not in the legacy list: custom firmware, NVRAM path generated.",
			Tags: tags("manual loader-path"), Files: stdSet(), Dom: Dom{FW: "none", Loader: pflashLoader("/opt/custom/OVMF_CODE.fd")}},
		{Name: "manual-pflash-legacy-debian-path", About: "§3.4, §0.14: manual pflash /usr/share/OVMF/OVMF_CODE.fd, no descriptor: the built-in legacy list supplies the template.",
			Tags: tags("manual legacy-paths spec0-14"), Files: stdSet(), Dom: Dom{FW: "none", Loader: pflashLoader("/usr/share/OVMF/OVMF_CODE.fd")}},
		{Name: "manual-pflash-legacy-secboot-path", About: "§3.4: manual pflash /usr/share/OVMF/OVMF_CODE.secboot.fd (legacy list entry).",
			Tags: tags("manual legacy-paths spec0-14"), Files: stdSet(), Dom: Dom{FW: "none", Loader: pflashLoader("/usr/share/OVMF/OVMF_CODE.secboot.fd")}},
		{Name: "manual-pflash-with-template", About: "§3.3: manual pflash CODE.secboot.fd with <nvram template='VARS.fd'>: the SB-without-keys descriptor matches.",
			Tags: tags("manual loader-path nvram-template"), Files: stdSet(),
			Dom: Dom{FW: "none", Loader: pflashLoader(x86 + "CODE.secboot.fd"), NVRAM: "<nvram template='" + x86 + "VARS.fd'/>"}},
		{Name: "manual-pflash-nvram-path", About: "§3.3, §4.3: manual pflash CODE.fd with an explicit NVRAM path.",
			Tags: tags("manual nvram-output"), Files: stdSet(),
			Dom: Dom{FW: "none", Loader: pflashLoader(x86 + "CODE.fd"), NVRAM: "<nvram>/var/lib/libvirt/qemu/nvram/manual-custom_VARS.fd</nvram>"}},
		{Name: "manual-features-without-firmware", About: "§0.10: <os><firmware><feature> without os firmware: refused in every version.",
			Tags: tags("manual firmware-features validation spec0-10"), Files: stdSet(),
			Dom: Dom{FW: "none", Loader: pflashLoader(x86 + "CODE.fd"), Feat: feat("secure-boot=no")}},
		{Name: "manual-pflash-bios-first-interface", About: "§4: manual pflash matching a descriptor whose interface-types list bios before uefi: 11.3+ write os firmware='bios' (first listed) and then refuse the NVRAM.",
			Tags: tags("manual interface"), Files: with(stdSet(), usr("20-bios-uefi.json", plainD().ifaces("bios", "uefi").paths(x86+"CODE.both.fd", x86+"VARS.both.fd"))),
			Dom: Dom{FW: "none", Loader: pflashLoader(x86 + "CODE.both.fd")}},
		{Name: "manual-rom", About: "§3.1 step 4: manual <loader type='rom'> whose path a memory descriptor has: no selection on 9.0/11.3; 12.8 matches it and writes os firmware='efi'.",
			Tags: tags("manual memory loader-type"), Files: with(stdSet(), mem),
			Dom: Dom{FW: "none", Loader: "<loader type='rom'>" + x86 + "OVMF.rom.fd</loader>"}},
		{Name: "manual-rom-bios-memory", About: "§3.1 step 4: manual <loader type='rom'> whose path a bios-only memory descriptor has: 12.8 accepts either interface and writes os firmware='bios'.",
			Tags: tags("manual memory loader-type bios"), Files: with(stdSet(), usr("44-memory-bios.json", memD().ifaces("bios")), mem),
			Dom: Dom{FW: "none", Loader: "<loader type='rom'>" + x86 + "OVMF.rom.fd</loader>"}},
		{Name: "manual-pflash-memory-path", About: "§3.2 step 9: manual pflash whose path is a memory descriptor's filename (M: type must be rom).",
			Tags: tags("manual memory loader-type"), Files: with(stdSet(), mem),
			Dom: Dom{FW: "none", Loader: pflashLoader(x86 + "OVMF.rom.fd")}},
		{Name: "manual-pflash-readonly-no", About: "§7.2 firmware-manual-efi-rw: manual writable pflash on a combined image: custom firmware on 9.0/11.3; 12.8 matches the combined descriptor.",
			Tags: tags("manual loader-readonly combined"), Files: with(stdSet(), usr("10-combined.json", combinedD())),
			Dom: Dom{FW: "none", Loader: "<loader type='pflash' readonly='no'>" + x86 + "OVMF.combined.fd</loader>"}},
		{Name: "manual-pflash-stateless", About: "§3.3: manual stateless pflash matching a stateless descriptor.",
			Tags: tags("manual stateless"), Files: with(stdSet(), usr("45-stateless.json", statelessD())),
			Dom: Dom{FW: "none", Loader: "<loader type='pflash' readonly='yes' stateless='yes'>" + x86 + "OVMF.stateless.fd</loader>"}},
		{Name: "manual-loader-no-type", About: "§3.2 step 1, §3.1 step 4: manual <loader readonly='yes'>PATH</loader> without type: the loader type defaults to rom, so no selection.",
			Tags: tags("manual loader-type"), Files: stdSet(),
			Dom: Dom{FW: "none", Loader: "<loader readonly='yes'>" + x86 + "CODE.fd</loader>"}},
		{Name: "manual-no-loader", About: "§3.1 step 4: no os firmware and no loader: no selection (default BIOS).",
			Tags: tags("manual"), Files: stdSet(), Dom: Dom{FW: "none"}},
		{Name: "manual-pflash-qcow2-descriptor", About: "§3.3: manual pflash whose path is a qcow2 descriptor's executable.",
			Tags: tags("manual format qcow2"), Files: with(stdSet(), usr("20-qcow2.json", qcow2D())),
			Dom: Dom{FW: "none", Loader: pflashLoader(x86 + "CODE_4M.qcow2")}},
	}
}

// §4: what is written (NVRAM).
func nvramCases() []Case {
	return []Case{
		{Name: "nvram-network-nbd", About: "§4: network NVRAM (nbd): 11.3+ record no template and leave enrolled-keys unspecified; 9.0 records the template.",
			Tags: tags("nvram-output network-nvram"), Files: stdSet(),
			Dom: Dom{NVRAM: "<nvram type='network'><source protocol='nbd' name='x'><host name='h' port='1'/></source></nvram>"}},
		{Name: "nvram-network-nbd-sb-no", About: "§4: network NVRAM with secure-boot=no (plain build).",
			Tags: tags("nvram-output network-nvram firmware-features"), Files: stdSet(),
			Dom: Dom{Feat: feat("secure-boot=no"), NVRAM: "<nvram type='network'><source protocol='nbd' name='x'><host name='h' port='1'/></source></nvram>"}},
		{Name: "nvram-path-given", About: "§4.3: an explicit NVRAM path is kept; the template is still recorded.",
			Tags: tags("nvram-output"), Files: stdSet(),
			Dom: Dom{NVRAM: "<nvram>/var/lib/libvirt/qemu/nvram/custom_VARS.fd</nvram>"}},
		{Name: "nvram-file-source", About: "§4.3: <nvram type='file'><source file=.../></nvram> (the default path, so that the oracle's pre-created NVRAM file serves 9.0's start).",
			Tags: tags("nvram-output"), Files: stdSet(),
			Dom: Dom{NVRAM: "<nvram type='file'><source file='/var/lib/libvirt/qemu/nvram/fwc-nvram-file-source_VARS.fd'/></nvram>"}},
		{Name: "nvram-template-dot-raw", About: "§4.3: a template ending in .raw gives an NVRAM named _VARS.raw on a new define (11.3+); 9.0 uses .fd.",
			Tags:  tags("nvram-output version-diff"),
			Files: []F{usr("20-raw-names.json", plainD().paths(x86+"CODE.raw", x86+"VARS.raw")), usr("50-plain.json", plainD())}},
		{Name: "nvram-template-dot-raw-code-fd", About: "§4.3: only the template's .raw suffix names the NVRAM _VARS.raw (the executable's suffix does not count).",
			Tags:  tags("nvram-output version-diff"),
			Files: []F{usr("20-raw-vars.json", plainD().paths(x86+"CODE.fd", x86+"VARS.raw"))}},
		{Name: "nvram-code-dot-raw-vars-fd", About: "§4.3: an executable ending in .raw with a .fd template keeps _VARS.fd.",
			Tags:  tags("nvram-output version-diff"),
			Files: []F{usr("20-raw-code.json", plainD().paths(x86+"CODE.raw", x86+"VARS.fd"))}},
		{Name: "validate-efi-no-acpi", About: "domain validation: x86 UEFI without <acpi/> is refused (9.0 at define before selection; later releases after choosing).",
			Tags: tags("validation"), Files: stdSet(), Dom: Dom{NoACPI: true}},
		{Name: "validate-bios-nvram-path", About: "domain validation: firmware='bios' with an <nvram> file is refused at define, before selection (12.8 rewords it).",
			Tags: tags("validation bios version-diff"), Files: with(stdSet(), usr("60-seabios.json", seabiosD())),
			Dom: Dom{FW: "bios", NVRAM: "<nvram>/var/lib/libvirt/qemu/nvram/b_VARS.fd</nvram>"}},
		{Name: "validate-bios-stateless-no", About: "firmware='bios' with <loader stateless='no'/>: 9.0/11.3 refuse it at define; 12.8 skips the memory descriptor ('Discarding stateless loader') and finds nothing.",
			Tags: tags("validation bios stateless version-diff"), Files: with(stdSet(), usr("60-seabios.json", seabiosD())),
			Dom: Dom{FW: "bios", Loader: "<loader stateless='no'/>"}},
		{Name: "validate-rom-qcow2-auto", About: "efi with <loader type='rom' format='qcow2'/>: 12.8 refuses a non-raw rom format at define; 11.3 picks a memory build and keeps qcow2; 9.0 refuses loader type.",
			Tags: tags("validation memory format version-diff"), Files: with(stdSet(), usr("45-memory.json", memD())),
			Dom: Dom{Loader: "<loader type='rom' format='qcow2'/>"}},
		{Name: "validate-bios-no-acpi", About: "domain validation: BIOS without <acpi/> is fine.",
			Tags: tags("validation bios"), Files: with(stdSet(), usr("60-seabios.json", seabiosD())), Dom: Dom{FW: "bios", NoACPI: true}},
		{Name: "nvram-qcow2-suffix", About: "§4.3: a qcow2 build gives an NVRAM named _VARS.qcow2 with format qcow2 (9.0 fails on qcow2).",
			Tags: tags("nvram-output qcow2 format version-diff spec0-6"), Files: []F{usr("20-qcow2.json", qcow2D())}},
		{Name: "nvram-path-with-qcow2-build", About: "§4.3: an explicit .fd NVRAM path with a qcow2 build: the NVRAM format is inherited from the loader.",
			Tags: tags("nvram-output qcow2 format version-diff"), Files: []F{usr("20-qcow2.json", qcow2D()), usr("50-plain.json", plainD())},
			Dom: Dom{NVRAM: "<nvram>/var/lib/libvirt/qemu/nvram/q_VARS.fd</nvram>"}},
		{Name: "nvram-stateless-none", About: "§4: a stateless selection writes no NVRAM at all.",
			Tags: tags("nvram-output stateless"), Files: with(stdSet(), usr("45-stateless.json", statelessD())),
			Dom: Dom{Loader: "<loader stateless='yes'/>"}},
		{Name: "nvram-i440fx-plain", About: "§4: i440fx plain build: no SMM, secure not written.",
			Tags: tags("nvram-output i440fx"), Files: stdSet(), Dom: Dom{Machine: "pc"}},
		{Name: "nvram-aarch64", About: "§4: aarch64 NVRAM path and template.",
			Tags: tags("nvram-output aarch64"), Files: stdSet(), Dom: Dom{Arch: "aarch64"}},
		{Name: "nvram-plain-efi-std", About: "§4, §0.4: the plain efi request on the standard set: SB+keys build, secure='yes' (9.0 too), SMM on, features written (11.3+).",
			Tags: tags("nvram-output smm spec0-4"), Files: stdSet()},
	}
}
