package main

// §4.3: what the first start of a defined domain does (recorded in start
// mode too, answer/libvirtV-start.json).
func startCases() []Case {
	memory := usr("50-memory.json", memoryD("memory build", x86+"OVMF.fd", "x86_64", q35Only))
	return []Case{
		{Name: "start-memory-build-empty-nvram", About: "§4.3: an empty <nvram/> and no <loader> over one memory (ROM) build: " +
			"10.0 and 11.3 keep the element, and their first start looks for a template for it.",
			Tags: tags("start memory nvram"), Files: []F{memory}, Dom: Dom{NVRAM: "<nvram/>"}},
	}
}
