package main

// §0.11 machine types as libvirt reads them: spelt exactly (case, spaces
// and a missing version are not resolved), checked against the machine
// types the emulator's capability cache lists (which differ between the
// oracles' QEMU builds), the first listed taken when the domain names none,
// and, for an x86 machine other than the PC ones, the PCI bus libvirt
// looks for when it places the default devices.
func machSpellCases() []Case {
	m := func(name, about string, files []F, d Dom) Case {
		return Case{Name: "mach-" + name, About: about, Tags: tags("machine"), Files: files, Dom: d}
	}
	// any: the plain and aarch64 builds for every machine type, so that
	// selection succeeds and what follows it shows.
	any := []F{
		usr("30-sb-enrolled.json", sbEnrolled()),
		usr("50-plain.json", plainD().machines("*")),
		usr("55-i386.json", i386Plain().machines("*")),
		usr("60-aarch64.json", aa64Plain().machines("*")),
	}
	noDefaults := "<controller type='usb' model='none'/>\n    <memballoon model='none'/>"
	return []Case{
		m("spell-leading-space", "§0.11: machine ' q35' is no alias and no PC machine: 9.0 refuses it at define (no PCI bus for the default devices), the others find no firmware.", stdSet(), Dom{Machine: " q35"}),
		m("spell-trailing-space", "§0.11: machine 'q35 '.", stdSet(), Dom{Machine: "q35 "}),
		m("spell-uppercase", "§0.11: machine 'Q35': aliases are case-sensitive.", stdSet(), Dom{Machine: "Q35"}),
		m("spell-pc-q35-no-version", "§0.11: 'pc-q35' (no dash): not a q35 machine to libvirt.", stdSet(), Dom{Machine: "pc-q35"}),
		m("spell-pc-q35-dash", "§0.11: 'pc-q35-' is a q35 machine to libvirt but not one QEMU has: the machine check refuses it (after selecting, from 10.0).", stdSet(), Dom{Machine: "pc-q35-"}),
		m("spell-versioned-trailing-space", "§0.11: 'pc-q35-7.2 ' is not pc-q35-7.2.", stdSet(), Dom{Machine: "pc-q35-7.2 "}),
		m("spell-patch-level", "§0.11: 'pc-q35-7.2.0' is not pc-q35-7.2.", stdSet(), Dom{Machine: "pc-q35-7.2.0"}),
		m("spell-major-only", "§0.11: 'pc-q35-7'.", stdSet(), Dom{Machine: "pc-q35-7"}),
		m("attr-tab", "§0.11: a tab in the machine attribute is a space to libvirt (XML attribute normalisation): 'q35 ', no PC machine.", any, Dom{Machine: "q35\t"}),
		m("list-pc-q35-99.0", "§0.11: a version no QEMU has.", stdSet(), Dom{Machine: "pc-q35-99.0"}),
		m("list-pc-q35-2.0", "§0.11: older than every oracle QEMU's q35 types.", stdSet(), Dom{Machine: "pc-q35-2.0"}),
		m("list-pc-q35-5.2", "§0.11: the oldest q35 type QEMU 11.1 keeps.", stdSet(), Dom{Machine: "pc-q35-5.2"}),
		m("list-pc-q35-9.2", "§0.11: newer than QEMU 7.2 and 8.2.", stdSet(), Dom{Machine: "pc-q35-9.2"}),
		m("list-pc-i440fx-2.0", "§0.11: QEMU 7.2 and Ubuntu's 8.2 have it, 10.0 and 11.1 no longer.", stdSet(), Dom{Machine: "pc-i440fx-2.0"}),
		m("list-pc-i440fx-1.4", "§0.11: only QEMU 7.2 has it.", stdSet(), Dom{Machine: "pc-i440fx-1.4"}),
		m("list-pc-q35-noble", "§0.11: Ubuntu's own machine type, only in its QEMU (10.0's oracle).", stdSet(), Dom{Machine: "pc-q35-noble"}),
		m("list-ubuntu-q35", "§0.11: Ubuntu's alias ubuntu-q35 (pc-q35-noble-v2); no PC machine elsewhere.", stdSet(), Dom{Machine: "ubuntu-q35"}),
		m("list-rhel-prefix", "§0.11: rhel7.0.0 is a PC machine to libvirt (its i440fx test) that no oracle QEMU has.", any, Dom{Machine: "rhel7.0.0"}),
		m("default-none", "§0.11: no machine attribute: the emulator's default, pc-i440fx-X.Y (the ubuntu alias on 10.0's).", stdSet(), Dom{NoMachine: true}),
		m("default-empty", "§0.11: machine='' is no machine.", stdSet(), Dom{EmptyMachine: true}),
		m("default-aarch64", "§0.11: aarch64 without a machine: 9.0's cache lists integratorcp first (no firmware), the others virt.", stdSet(), Dom{Arch: "aarch64", NoMachine: true}),
		m("default-i686", "§0.11: i686 without a machine: pc-i440fx-X.Y.", with(stdSet(), usr("55-i386.json", i386Plain())), Dom{Arch: "i686", NoMachine: true}),
		m("pci-leading-space", "§0.11: ' q35' over a build for every machine: selected, then no PCI bus for the default devices (12.8: a machine it takes to support PCI gets no PCI controller).", any, Dom{Machine: " q35"}),
		m("pci-root-declared", "§0.11: 'Q35' with a pcie-root controller: the devices find a bus, and the machine check refuses it (12.8 still wants a controller).", any,
			Dom{Machine: "Q35", Devices: "<controller type='pci' model='pcie-root'/>"}),
		m("pci-no-default-devices", "§0.11: machine 'none' without a USB controller or balloon: no PCI device, so the machine check speaks (12.8: the PCI controller).", any,
			Dom{Machine: "none", Devices: noDefaults}),
		m("pci-x-remote", "§0.11: x-remote, a machine QEMU lists, has no PCI bus for libvirt.", any, Dom{Machine: "x-remote"}),
		m("pci-isapc", "§0.11: isapc: no PCI bus for the default devices before 12.x; 12.8 adds none.", any, Dom{Machine: "isapc"}),
		m("pci-isapc-no-default-devices", "§0.11: isapc without default devices: accepted by all.", any, Dom{Machine: "isapc", Devices: noDefaults}),
		m("pci-isapc-virtio-disk", "§0.11: isapc with a virtio disk: no PCI bus, 12.8 too.", any,
			Dom{Machine: "isapc", Devices: "<disk type='file' device='disk'><source file='/var/lib/libvirt/images/x.img'/><target dev='vda' bus='virtio'/></disk>"}),
		m("acpi-sbsa-ref", "§0.11: aarch64 sbsa-ref has no ACPI (its cache entry says acpi='no' from 10.0): <acpi/> refused after selecting; 9.0 does not check.", any,
			Dom{Arch: "aarch64", Machine: "sbsa-ref"}),
	}
}
