package matcher

import "testing"

// TestReadDevicesUSBBeforeRoot: the order the controllers are declared in
// decides which one 12.8's device validation refuses first on microvm
// (live-microvm-usb-before-pci-root, live-microvm-pci-root-before-usb).
func TestReadDevicesUSBBeforeRoot(t *testing.T) {
	tests := []struct {
		name, devices string
		want          Devices
	}{
		{"usb first", `<controller type='usb' model='qemu-xhci'/><controller type='pci' model='pcie-root'/>`,
			Devices{PCI: true, PCIRoot: true, USBBeforeRoot: "qemu-xhci"}},
		{"root first", `<controller type='pci' model='pcie-root'/><controller type='usb' model='piix3-uhci'/>`,
			Devices{PCI: true, PCIRoot: true}},
		{"usb none", `<controller type='usb' model='none'/><controller type='pci' model='pci-root'/>`,
			Devices{NoUSB: true, PCIRoot: true}},
		{"no root", `<controller type='usb' model='qemu-xhci'/>`, Devices{PCI: true, USBBeforeRoot: "qemu-xhci"}},
	}
	for _, tt := range tests {
		_, req, err := ParseDomain([]byte(`<domain type='qemu'><name>d</name><os><type arch='x86_64' machine='microvm'>hvm</type></os><devices>` +
			tt.devices + `</devices></domain>`))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if req.Devices != tt.want {
			t.Errorf("%s: Devices = %+v, want %+v", tt.name, req.Devices, tt.want)
		}
	}
}
