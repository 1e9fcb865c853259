package matcher

import (
	"reflect"
	"testing"
)

// TestReadDevicesUSBBeforeRoot: the order the controllers are declared in
// decides which one 12.8's device validation refuses first on microvm
// (live-microvm-usb-before-pci-root, live-microvm-pci-root-before-usb).
func TestReadDevicesUSBBeforeRoot(t *testing.T) {
	tests := []struct {
		name, devices string
		want          Devices
	}{
		{"usb first", `<controller type='usb' model='qemu-xhci'/><controller type='pci' model='pcie-root'/>`,
			Devices{PCI: true, PCIRoot: true, USBBeforeRoot: "qemu-xhci", USBController: true}},
		{"root first", `<controller type='pci' model='pcie-root'/><controller type='usb' model='piix3-uhci'/>`,
			Devices{PCI: true, PCIRoot: true, USBController: true}},
		{"usb none", `<controller type='usb' model='none'/><controller type='pci' model='pci-root'/>`,
			Devices{NoUSB: true, PCIRoot: true}},
		{"no root", `<controller type='usb' model='qemu-xhci'/>`, Devices{PCI: true, USBBeforeRoot: "qemu-xhci", USBController: true}},
		{"usb devices", `<controller type='usb' model='none'/><input type='tablet' bus='usb'/><input type='keyboard' bus='ps2'/>` +
			`<hostdev mode='subsystem' type='usb'><source><vendor id='0x1'/><product id='0x2'/></source></hostdev>` +
			`<redirdev bus='usb' type='spicevmc'/>`,
			Devices{PCI: true, NoUSB: true, USBInput: true, USBHostdev: true, USBOther: true}},
		{"usb disk", `<disk type='file' device='disk'><source file='/x'/><target dev='sda' bus='usb'/><address type='usb' bus='0' port='1'/></disk>`,
			Devices{USBOther: true}},
		// live-10100-149: the video models in order, "" for the default
		// one, also the one libvirt adds for <graphics>.
		{"videos", `<video><model type='bochs'/></video><video/>`, Devices{PCI: true, Videos: []string{"bochs", ""}}},
		{"graphics", `<graphics type='vnc'/>`, Devices{PCI: true, Videos: []string{""}}},
	}
	for _, tt := range tests {
		_, req, err := ParseDomain([]byte(`<domain type='qemu'><name>d</name><os><type arch='x86_64' machine='microvm'>hvm</type></os><devices>` +
			tt.devices + `</devices></domain>`))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if !reflect.DeepEqual(req.Devices, tt.want) {
			t.Errorf("%s: Devices = %+v, want %+v", tt.name, req.Devices, tt.want)
		}
	}
}
