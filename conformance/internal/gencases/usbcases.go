package main

// §3 domain validation: USB devices where the domain has no USB
// controller (model='none'), or where the emulator adds none.
func usbCases() []Case {
	u := func(name, about string, d Dom) Case {
		return Case{Name: "usb-" + name, About: about, Tags: tags("devices usb"), Files: stdSet(), Dom: d}
	}
	const tablet = "<input type='tablet' bus='usb'/>"
	const none = "<controller type='usb' model='none'/>"
	return []Case{
		u("tablet-usb-none", "§3: a USB tablet with <controller type='usb' model='none'/> on q35.", Dom{Devices: none + tablet}),
		u("tablet-q35", "§3: a USB tablet on q35 with the default USB controller.", Dom{Devices: tablet}),
		u("hostdev-usb-none", "§3: a USB host device with no USB controller.",
			Dom{Devices: none + "<hostdev mode='subsystem' type='usb'><source><vendor id='0x1234'/><product id='0x5678'/></source></hostdev>"}),
		u("disk-usb-none", "§3: a USB disk with no USB controller.",
			Dom{Devices: none + "<disk type='file' device='disk'><source file='/etc/passwd'/><target dev='sda' bus='usb'/><readonly/></disk>"}),
		u("tablet-usb-none-bios", "§3: a USB tablet with no USB controller and firmware='bios' (no descriptor for it).",
			Dom{FW: "bios", Devices: none + tablet}),
		u("tablet-usb-none-no-match", "§3: a USB tablet with no USB controller and a request no descriptor serves (SEV).",
			Dom{LS: sev("0x0001"), Devices: none + tablet}),
	}
}
