package main

// §4.3: what the first start of a defined domain does (recorded in start
// mode too, answer/libvirtV-start.json).
func startCases() []Case {
	memory := usr("50-memory.json", memoryD("memory build", x86+"OVMF.fd", "x86_64", q35Only))
	cs := []Case{
		{Name: "start-memory-build-empty-nvram", About: "§4.3: an empty <nvram/> and no <loader> over one memory (ROM) build: " +
			"10.0 and 11.3 keep the element, and their first start looks for a template for it.",
			Tags: tags("start memory nvram"), Files: []F{memory}, Dom: Dom{NVRAM: "<nvram/>"}},
	}
	rw := "<loader readonly='no' type='pflash'>" + x86 + "OVMF.rw.fd</loader>"
	nbd := func(attrs string) string {
		return "<nvram type='network'" + attrs + "><source protocol='nbd' name='vars'><host name='example.org' port='6000'/></source></nvram>"
	}
	cs = append(cs,
		Case{Name: "start-rw-network-nvram", About: "§4.3: a manual read/write pflash loader with a network NVRAM and no format (live-fit-11900-75): " +
			"the define writes the NVRAM no format, and the first start cannot give QEMU one.",
			Tags: tags("start manual nvram"), Files: []F{memory}, Dom: Dom{FW: "none", Loader: rw, NVRAM: nbd("")}},
		Case{Name: "start-rw-network-nvram-format-raw", About: "§4.3: as start-rw-network-nvram with format='raw' on the NVRAM.",
			Tags: tags("start manual nvram"), Files: []F{memory}, Dom: Dom{FW: "none", Loader: rw, NVRAM: nbd(" format='raw'")}},
	)
	return append(cs, startTemplateFormatCases()...)
}

// startTemplateFormatCases: the first start creating an NVRAM refuses a
// template whose stored templateFormat is set and differs from the NVRAM's
// stored format (11.3, 12.8; after looking for a template, before opening
// it), and the format 11.3 and 12.8 store for an NVRAM the domain names
// (live-fit-10800-0). The template is a file every oracle host has.
func startTemplateFormatCases() []Case {
	const vars = "/usr/share/OVMF/OVMF_VARS_4M.fd"
	const missing = x86 + "VARS.fd"
	memory := usr("50-memory.json", memoryD("memory build", x86+"OVMF.fd", "x86_64", q35Only))
	rawBuild := usr("50-flash.json", flashD("flash build, raw template", x86+"CODE_4M.fd", vars, "x86_64", q35Only))
	qcow2Tmpl := usr("50-flash.json", flashD("flash build, qcow2 template", x86+"CODE_4M.fd", vars, "x86_64", q35Only).fmts("raw", "qcow2"))
	qcow2TmplMissing := usr("50-flash.json", flashD("flash build, qcow2 template not on the host", x86+"CODE_4M.fd", x86+"VARS_4M.qcow2", "x86_64", q35Only).fmts("raw", "qcow2"))
	qcow2Exe := usr("50-flash.json", flashD("flash build, qcow2 executable, raw template", x86+"CODE_4M.qcow2", vars, "x86_64", q35Only).fmts("qcow2", "raw"))
	rw := "<loader readonly='no' type='pflash'>/opt/oracle-fw/x86/OVMF.rw.fd</loader>"
	ro := "<loader readonly='yes' type='pflash'>/opt/none/CODE.fd</loader>"
	const pre = "start-template-format-"
	nvPath := func(name string) string { return "/var/lib/libvirt/qemu/nvram/fwc-" + pre + name + "_VARS.fd" }
	src := func(name, attrs string) string {
		return "<nvram type='file'" + attrs + "><source file='/var/lib/libvirt/qemu/nvram/fwc-" + pre + name + "_file.fd'/></nvram>"
	}
	tm := " template='" + vars + "'"
	c := func(name, about, tg string, f F, d Dom) Case {
		return Case{Name: pre + name, About: "§4.3: " + about, Tags: tags("start nvram-template format " + tg), Files: []F{f}, Dom: d}
	}
	return []Case{
		c("memory-qcow2", "a memory build with <nvram template templateFormat='qcow2'/> and no path (live-fit-10800-0): 10.0's and 11.3's start "+
			"create the path-less NVRAM; 11.3 refuses the template's format (the NVRAM has none), 10.0 fails renaming to (null).",
			"memory", memory, Dom{NVRAM: "<nvram" + tm + " templateFormat='qcow2'/>"}),
		c("memory-raw", "as start-template-format-memory-qcow2 with templateFormat='raw': an unset NVRAM format differs from raw too (11.3).",
			"memory", memory, Dom{NVRAM: "<nvram" + tm + " templateFormat='raw'/>"}),
		c("memory-qcow2-path", "as start-template-format-memory-qcow2 with an NVRAM path (the oracle pre-creates it): no NVRAM to create, the start succeeds.",
			"memory", memory, Dom{NVRAM: "<nvram" + tm + " templateFormat='qcow2'>" + nvPath("memory-qcow2-path") + "</nvram>"}),
		c("memory-missing-qcow2", "as start-template-format-memory-qcow2 with a template not on the host: 11.3 refuses the format before opening it; 10.0 fails opening it.",
			"memory", memory, Dom{NVRAM: "<nvram template='" + missing + "' templateFormat='qcow2'/>"}),
		c("memory-no-template", "a memory build with <nvram templateFormat='qcow2'/>: without a template 10.0 and 11.3 fail finding one first (unable to find any master var store).",
			"memory", memory, Dom{NVRAM: "<nvram templateFormat='qcow2'/>"}),
		c("memory-format-only", "a memory build with <nvram template format='qcow2'/>: an unset templateFormat is not compared; 10.0 and 11.3 fail renaming to (null).",
			"memory", memory, Dom{NVRAM: "<nvram" + tm + " format='qcow2'/>"}),
		c("memory-format-equal", "a memory build with <nvram template format='qcow2' templateFormat='qcow2'/>: equal formats pass; 10.0 and 11.3 fail renaming to (null).",
			"memory", memory, Dom{NVRAM: "<nvram" + tm + " format='qcow2' templateFormat='qcow2'/>"}),
		c("rw-raw", "a manual read/write pflash loader with <nvram template templateFormat='raw'/> and no path: 11.3's start refuses the format, 10.0 fails renaming to (null); 12.8 refuses the define.",
			"manual", rawBuild, Dom{FW: "none", Loader: rw, NVRAM: "<nvram" + tm + " templateFormat='raw'/>"}),
		c("rw-missing-raw", "as start-template-format-rw-raw with a template not on the host: 11.3 refuses the format before opening it; 10.0 fails opening it.",
			"manual", rawBuild, Dom{FW: "none", Loader: rw, NVRAM: "<nvram template='" + missing + "' templateFormat='raw'/>"}),
		c("source-qcow2-build", "a file <source> NVRAM over a build with a raw executable and a qcow2 template: 11.3 stores the loader's format raw for the NVRAM, "+
			"and its start refuses the template; 12.8 stores qcow2 and starts; 10.0's start finds no build, 9.0 refuses the qcow2 template.",
			"nvram-source", qcow2Tmpl, Dom{NVRAM: src("source-qcow2-build", "")}),
		c("source-qcow2-build-missing", "as start-template-format-source-qcow2-build with the template not on the host: 11.3 refuses the format before opening it; 12.8 fails opening it.",
			"nvram-source", qcow2TmplMissing, Dom{NVRAM: src("source-qcow2-build-missing", "")}),
		c("source-format-qcow2", "a file <source> NVRAM with format='qcow2' and the pinned raw template of the one build: 12.8 chooses it and its start refuses the template; 10.0 and 11.3 find no build.",
			"nvram-source", rawBuild, Dom{NVRAM: src("source-format-qcow2", tm+" format='qcow2'")}),
		c("source-format-raw", "a file <source> NVRAM with format='raw' and the pinned qcow2 template of the one build: 11.3 and 12.8 choose it and their start refuses the template.",
			"nvram-source", qcow2Tmpl, Dom{NVRAM: src("source-format-raw", tm+" format='raw'")}),
		c("source-memory-raw", "a memory build with a file <source> NVRAM, its template and templateFormat='raw': 11.3's start refuses the format (the NVRAM has none); 10.0 starts.",
			"memory nvram-source", memory, Dom{NVRAM: src("source-memory-raw", tm+" templateFormat='raw'")}),
		c("manual-source-qcow2", "a manual read-only pflash loader with a file <source> NVRAM and templateFormat='qcow2': 11.3 stores the loader's format raw for the NVRAM "+
			"and its start refuses the template; 12.8 stores the template's qcow2 and starts.",
			"manual nvram-source", rawBuild, Dom{FW: "none", Loader: ro, NVRAM: src("manual-source-qcow2", tm+" templateFormat='qcow2'")}),
		c("manual-block-qcow2", "as start-template-format-manual-source-qcow2 with a block <source> that is not on the host: 11.3's and 12.8's start refuse the missing device first.",
			"manual nvram-source", rawBuild, Dom{FW: "none", Loader: ro, NVRAM: "<nvram type='block'" + tm + " templateFormat='qcow2'><source dev='/dev/fwc-" + pre + "manual-block-qcow2'/></nvram>"}),
		c("manual-source-raw", "as start-template-format-manual-source-qcow2 with templateFormat='raw': the formats agree and every release starts.",
			"manual nvram-source", rawBuild, Dom{FW: "none", Loader: ro, NVRAM: src("manual-source-raw", tm+" templateFormat='raw'")}),
		c("path-format-raw", "an NVRAM path (the oracle pre-creates the file) with format='raw' and the pinned qcow2 template of the one build: 11.3 starts over the existing NVRAM, "+
			"12.8 refuses the template's format at every start (live-fit-11900-19).",
			"nvram-path", qcow2Tmpl, Dom{NVRAM: "<nvram" + tm + " format='raw'>" + nvPath("path-format-raw") + "</nvram>"}),
		c("path-qcow2-build", "an NVRAM path and no format over a build with a raw executable and a qcow2 template: 11.3 stores the loader's raw for the NVRAM, 12.8 the template's qcow2.",
			"nvram-path", qcow2Tmpl, Dom{NVRAM: "<nvram>" + nvPath("path-qcow2-build") + "</nvram>"}),
		c("path-qcow2-loader", "an NVRAM path and no format over a build with a qcow2 executable and a raw template: 10.0 and 11.3 store the loader's qcow2 for the NVRAM, 12.8 the template's raw.",
			"nvram-path", qcow2Exe, Dom{NVRAM: "<nvram>" + nvPath("path-qcow2-loader") + "</nvram>"}),
	}
}
