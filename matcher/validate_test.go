package matcher

import "testing"

// TestCheckNames keeps every check named and implemented: a check the
// switch in vstate.run lacks would panic at run time, and the profiles list
// only real checks.
func TestCheckNames(t *testing.T) {
	seen := map[string]bool{}
	for c := check(1); c < numChecks; c++ {
		name := checkNames[c]
		if name == "" || seen[name] {
			t.Errorf("check %d: name %q missing or repeated", c, name)
		}
		seen[name] = true
		func() {
			defer func() {
				if recover() != nil {
					t.Errorf("check %s is not implemented", c)
				}
			}()
			var v vstate
			v.run(c, Latest)
		}()
	}
	for _, p := range Profiles {
		for _, list := range [][]check{p.Checks.Define, p.Checks.Post} {
			for _, c := range list {
				if c == 0 || c >= numChecks {
					t.Errorf("%s lists %s", p.Name, c)
				}
			}
		}
	}
}

// TestChecks runs single checks on the states that trip them; the wording
// is the recorded libvirt answers' (conformance/testdata/cases, named).
func TestChecks(t *testing.T) {
	tests := []struct {
		name string
		c    check
		p    *Profile
		v    vstate
		want string
	}{
		{"live-secure-loader-no-smm", checkSecureBoot, Libvirt113,
			vstate{arch: "x86_64", machine: "pc-q35-10.0", hasLoader: true, loader: Loader{Type: "pflash", Secure: Yes}},
			"unsupported configuration: Secure boot requires SMM feature enabled"},
		{"secure boot with <os firmware>: selection turns SMM on", checkSecureBoot, Libvirt90,
			vstate{arch: "x86_64", machine: "pc-q35-7.2", firmware: "efi", hasLoader: true, loader: Loader{Secure: Yes}}, ""},
		{"live-aarch64-secure-stateless-loader", checkSecureBoot, Libvirt128,
			vstate{arch: "aarch64", machine: "virt-11.1", hasLoader: true, loader: Loader{Type: "pflash", Secure: Yes, Stateless: Yes}, smm: Yes},
			"unsupported configuration: Secure boot is supported with q35 machine types only"},
		{"live-aarch64-no-firmware-acpi", checkACPI, Libvirt113, vstate{arch: "aarch64", machine: "virt-10.0"},
			"unsupported configuration: ACPI requires UEFI on this architecture"},
		{"validate-efi-no-acpi", checkACPI, Libvirt90, vstate{arch: "x86_64", firmware: "efi", noACPI: true}, errUEFIACPI},
		{"live-aarch64-manual-s4-on: a pflash loader counts as UEFI", checkACPI, Libvirt113,
			vstate{arch: "aarch64", hasLoader: true, loader: Loader{Type: "pflash", Path: "/x"}}, ""},
		{"live-aarch64-s4-off (9.0)", checkPM, Libvirt90, vstate{arch: "aarch64", machine: "virt-7.2", s4: No},
			"unsupported configuration: setting ACPI S4 not supported"},
		{"live-aarch64-s4-off (11.3)", checkPM, Libvirt113, vstate{arch: "aarch64", machine: "virt-10.0", s4: No},
			"unsupported configuration: setting ACPI S3/S4 not supported"},
		{"pm-s3-yes: q35 has S3/S4", checkPM, Libvirt113, vstate{arch: "x86_64", machine: "pc-q35-10.0", s3: Yes}, ""},
		{"live-loader-stateless-no-path", checkNoLoaderPath, Libvirt128,
			vstate{arch: "x86_64", hasLoader: true, loader: Loader{Stateless: Yes}},
			"no loader path specified and firmware auto selection disabled"},
		{"live-stateless-loader-template (11.3)", checkStatelessNVRAM, Libvirt113,
			vstate{hasLoader: true, loader: Loader{Stateless: Yes}, template: "/t"},
			"NVRAM template is not permitted when loader is stateless"},
		{"live-stateless-loader-template (12.8)", checkStatelessNVRAM, Libvirt128,
			vstate{hasLoader: true, loader: Loader{Stateless: Yes}, template: "/t"},
			"Variable storage (NVRAM/varstore) is not permitted when loader is stateless"},
		{"live-rom-loader-rw", checkROMRW, Libvirt128, vstate{hasLoader: true, loader: Loader{Type: "rom", Readonly: No}},
			"ROM loader type cannot be used as read/write"},
		{"live-untyped-loader-rw: an untyped loader without <os firmware> is a ROM", checkROMRW, Libvirt128,
			vstate{hasLoader: true, loader: Loader{Path: "/x", Readonly: No}}, "ROM loader type cannot be used as read/write"},
		{"live-untyped-loader-qcow2", checkROMFormat, Libvirt128, vstate{hasLoader: true, loader: Loader{Path: "/x", Format: "qcow2"}},
			"Invalid format 'qcow2' for ROM loader type"},
		{"live-untyped-loader-qcow2-efi: with <os firmware> it is no ROM", checkROMFormat, Libvirt128,
			vstate{firmware: "efi", hasLoader: true, loader: Loader{Path: "/x", Format: "qcow2"}}, ""},
		{"live-microvm-vmport", checkVMPort, Libvirt90, vstate{arch: "x86_64", machine: "microvm", vmport: true},
			"unsupported configuration: vmport is not available with this QEMU binary"},
		{"vmport on q35", checkVMPort, Libvirt128, vstate{arch: "x86_64", machine: "pc-q35-11.1", vmport: true}, ""},
		{"vmport on i440fx", checkVMPort, Libvirt113, vstate{arch: "x86_64", machine: "pc-i440fx-10.0", vmport: true}, ""},
		{"live-microvm-usb-before-pci-root", checkMicrovmPCIRoot, Libvirt128,
			vstate{machine: "microvm", devices: Devices{PCIRoot: true, USBBeforeRoot: "qemu-xhci"}},
			"unsupported configuration: USB controller model 'qemu-xhci' requires PCI but machine type 'microvm' does not support PCI"},
		{"live-microvm-pci-root-before-usb", checkMicrovmPCIRoot, Libvirt128, vstate{machine: "microvm", devices: Devices{PCIRoot: true}},
			"unsupported configuration: Machine type 'microvm' does not support PCI"},
		{"live-aarch64-secure-no-template: the template before secure='no'", checkAutoselectLoader, Libvirt90,
			vstate{firmware: "efi", hasLoader: true, loader: Loader{Secure: No}, template: "/t"},
			"nvram attribute 'template' cannot be specified when firmware autoselection is enabled"},
		{"validate-bios-stateless-no", checkStatelessNo, Libvirt113,
			vstate{firmware: "bios", hasLoader: true, loader: Loader{Stateless: No}}, "Only EFI firmware permits NVRAM"},
		{"mach-explicit-pc-q35-11.1", checkMachine, Libvirt113,
			vstate{arch: "x86_64", machine: "pc-q35-11.1", host: host{badMachine: true}},
			"unsupported configuration: Emulator '/usr/bin/qemu-system-x86_64' does not support machine type 'pc-q35-11.1'"},
		{"mach-acpi-sbsa-ref", checkMachineACPI, Libvirt113,
			vstate{arch: "aarch64", machine: "sbsa-ref", host: host{machineNoACPI: true}},
			"unsupported configuration: machine type 'sbsa-ref' does not support ACPI"},
		{"a machine without ACPI, and no <acpi/>", checkMachineACPI, Libvirt113,
			vstate{arch: "aarch64", machine: "sbsa-ref", noACPI: true, host: host{machineNoACPI: true}}, ""},
		{"mach-pci-leading-space (12.8)", checkPCIMachine, Libvirt128, vstate{arch: "x86_64", machine: " q35"},
			"internal error: Machine type ' q35' supports PCI but no PCI controller added"},
		{"mach-pci-root-declared (12.8)", checkPCIMachine, Libvirt128, vstate{arch: "x86_64", machine: "Q35", devices: Devices{PCIRoot: true}},
			"internal error: Machine type 'Q35' supports PCI but no PCI controller added"},
		{"mach-pci-isapc (12.8)", checkPCIMachine, Libvirt128, vstate{arch: "x86_64", machine: "isapc"}, ""},
		{"mach-list-rhel-prefix: a PC machine", checkPCIMachine, Libvirt128, vstate{arch: "x86_64", machine: "rhel7.0.0"}, ""},
		{"aarch64 machines are not judged", checkPCIMachine, Libvirt128, vstate{arch: "aarch64", machine: "VIRT"}, ""},
		{"mach-pci-leading-space (11.3): the default devices want PCI", checkMicrovmPCI, Libvirt113, vstate{arch: "x86_64", machine: " q35"},
			"XML error: No PCI buses available"},
		{"mach-pci-root-declared (11.3)", checkMicrovmPCI, Libvirt113, vstate{arch: "x86_64", machine: "Q35", devices: Devices{PCIRoot: true}}, ""},
		{"mach-pci-no-default-devices (11.3)", checkMicrovmPCI, Libvirt113, vstate{arch: "x86_64", machine: "none", devices: Devices{NoUSB: true, NoBalloon: true}}, ""},
		{"mach-pci-isapc (12.8): no default devices", checkMicrovmPCI, Libvirt128, vstate{arch: "x86_64", machine: "isapc"}, ""},
		{"mach-pci-isapc-virtio-disk (12.8)", checkMicrovmPCI, Libvirt128, vstate{arch: "x86_64", machine: "isapc", devices: Devices{PCI: true}},
			"XML error: No PCI buses available"},
		{"live-10100-149: a video model the microvm binary lacks, before the bridge", checkMicrovmBinaryDevices, Libvirt90,
			vstate{arch: "x86_64", machine: "pc-q35-7.2", virtType: "kvm", devices: Devices{PCI: true, Videos: []string{"virtio", "bochs"}},
				host: host{tcgLess: true, videoModels: microvmBinaryVideos}},
			"unsupported configuration: domain configuration does not support video model 'bochs'"},
		{"emulator-microvm-binary-kvm-q35: videos it has", checkMicrovmBinaryDevices, Libvirt100,
			vstate{arch: "x86_64", machine: "pc-q35-noble", virtType: "kvm", devices: Devices{PCI: true, Videos: []string{"ramfb"}},
				host: host{tcgLess: true, videoModels: microvmBinaryVideos}},
			"unsupported configuration: The 'i82801b11-bridge' device is not supported by this QEMU binary"},
		{"emulator-microvm-binary-kvm-q35-graphics: no default video", checkDefaultVideo, Libvirt90,
			vstate{arch: "x86_64", machine: "pc-q35-7.2", virtType: "kvm", devices: Devices{PCI: true, Videos: []string{""}}, host: host{tcgLess: true, videoModels: microvmBinaryVideos}},
			"internal error: missing video model and cannot determine default"},
		{"emulator-microvm-binary-q35-graphics: a qemu domain is refused its virt type instead", checkDefaultVideo, Libvirt90,
			vstate{arch: "x86_64", machine: "pc-q35-7.2", virtType: "qemu", devices: Devices{PCI: true, Videos: []string{""}}, host: host{tcgLess: true, noTCG: true, videoModels: microvmBinaryVideos}},
			""},
		{"emulator-microvm-binary-kvm-microvm-graphics: the microvm machine gets a default video", checkDefaultVideo, Libvirt100,
			vstate{arch: "x86_64", machine: "microvm", virtType: "kvm", devices: Devices{PCI: true, Videos: []string{""}}, host: host{tcgLess: true, videoModels: microvmBinaryVideos}},
			""},
		{"a default video on a full binary", checkDefaultVideo, Libvirt90, vstate{arch: "x86_64", machine: "pc-q35-7.2", devices: Devices{PCI: true, Videos: []string{""}}}, ""},
	}
	for _, tt := range tests {
		if got := tt.v.run(tt.c, tt.p); got != tt.want {
			t.Errorf("%s: %s on %s = %q, want %q", tt.name, tt.c, tt.p.Name, got, tt.want)
		}
	}
}
