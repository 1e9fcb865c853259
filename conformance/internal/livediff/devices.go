package main

import (
	"fmt"
	"strings"
)

// What libvirt reads of a domain besides <os>: its devices and controllers
// (the ones it adds by default, the model='none' forms, their buses),
// memory, CPU and features. The generator varies them so that a check whose
// verdict depends on them (a microvm domain refused because a device needs
// a PCI bus) meets both verdicts.
//
// Every device here defines on all four oracles and, for 9.0, gets through
// a hook-aborted start without host resources the oracles lack: no
// network-type NICs (no libvirt network is defined), no spice, qxl or
// spicevmc (not built into every oracle's QEMU), no swtpm-backed TPM, no
// vsock except on a microvm without a declared PCI root (every start opens
// /dev/vhost-vsock, which the oracle hosts lack; such a microvm is refused
// at define by every release, while a PCI root lets 9.0, 10.0 and 11.3
// define it and go on to a start), no host-passthrough CPU or hugepages
// (TCG and the oracle hosts refuse them at start). Those refusals are the
// host's, not firmware selection's.

// shape is a real management tool's domain layout.
type shape struct {
	name    string
	devices string // inside <devices>, after <emulator>
	extra   string // elements after </os>, before <features>
	feats   string // inside <features>, after <acpi/>
}

// x86Shapes are domains as virt-install/virt-manager, nova, KubeVirt and
// Incus-style tools write them for x86 q35/i440fx (as `virsh dumpxml` gives
// them back: explicit controllers, ports and models).
var x86Shapes = []shape{
	{name: "virt-install-q35", devices: `    <controller type='usb' index='0' model='qemu-xhci' ports='15'/>
    <controller type='pci' index='0' model='pcie-root'/>
    <controller type='pci' index='1' model='pcie-root-port'/>
    <controller type='pci' index='2' model='pcie-root-port'/>
    <controller type='pci' index='3' model='pcie-root-port'/>
    <controller type='sata' index='0'/>
    <controller type='virtio-serial' index='0'/>
    <disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='/etc/passwd'/><target dev='vda' bus='virtio'/><readonly/></disk>
    <disk type='file' device='cdrom'><driver name='qemu' type='raw'/><target dev='sda' bus='sata'/><readonly/></disk>
    <interface type='user'><mac address='52:54:00:6b:3c:58'/><model type='virtio'/></interface>
    <serial type='pty'><target type='isa-serial' port='0'><model name='isa-serial'/></target></serial>
    <console type='pty'><target type='serial' port='0'/></console>
    <channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>
    <input type='tablet' bus='usb'/>
    <input type='mouse' bus='ps2'/>
    <input type='keyboard' bus='ps2'/>
    <graphics type='vnc' port='-1' autoport='yes'/>
    <video><model type='virtio' heads='1' primary='yes'/></video>
    <memballoon model='virtio'/>
    <rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>
`, extra: "  <cpu mode='host-model' check='partial'/>\n  <clock offset='utc'><timer name='rtc' tickpolicy='catchup'/><timer name='pit' tickpolicy='delay'/><timer name='hpet' present='no'/></clock>\n",
		feats: "<apic/><vmport state='off'/>"},
	{name: "nova", devices: `    <disk type='file' device='disk'><driver name='qemu' type='raw' cache='none'/><source file='/etc/passwd'/><target dev='vda' bus='virtio'/><readonly/></disk>
    <interface type='user'><mac address='fa:16:3e:11:22:33'/><model type='virtio'/></interface>
    <serial type='pty'/>
    <input type='tablet' bus='usb'/>
    <graphics type='vnc' autoport='yes' listen='127.0.0.1'/>
    <video><model type='virtio'/></video>
    <memballoon model='virtio'><stats period='10'/></memballoon>
    <rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>
`, extra: "  <cpu mode='host-model' match='exact'><topology sockets='1' cores='1' threads='1'/></cpu>\n  <clock offset='utc'><timer name='pit' tickpolicy='delay'/><timer name='rtc' tickpolicy='catchup'/><timer name='hpet' present='no'/></clock>\n",
		feats: "<apic/>"},
	{name: "kubevirt", devices: `    <controller type='usb' index='0' model='none'/>
    <controller type='scsi' index='0' model='virtio-non-transitional'/>
    <controller type='virtio-serial' index='0' model='virtio-non-transitional'/>
    <disk type='file' device='disk'><driver name='qemu' type='raw' cache='none' error_policy='stop' discard='unmap'/><source file='/etc/passwd'/><target dev='vda' bus='virtio'/><readonly/></disk>
    <interface type='user'><mac address='02:42:ac:11:00:02'/><model type='virtio-non-transitional'/></interface>
    <serial type='pty'><target port='0'/></serial>
    <console type='pty'><target type='serial' port='0'/></console>
    <channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>
    <graphics type='vnc'><listen type='socket' socket='/var/run/kubevirt-private/vnc'/></graphics>
    <video><model type='bochs' heads='1'/></video>
    <memballoon model='virtio-non-transitional'><stats period='10'/></memballoon>
`, extra: "  <sysinfo type='smbios'><system><entry name='manufacturer'>KubeVirt</entry><entry name='product'>None</entry><entry name='family'>KubeVirt</entry></system></sysinfo>\n  <cpu mode='custom' match='exact' check='none'><model fallback='forbid'>qemu64</model></cpu>\n",
		feats: ""},
	{name: "incus-like", devices: `    <controller type='usb' index='0' model='qemu-xhci'/>
    <controller type='scsi' index='0' model='virtio-scsi'/>
    <disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='/etc/passwd'/><target dev='sda' bus='scsi'/><readonly/></disk>
    <interface type='user'><model type='virtio'/></interface>
    <console type='pty'><target type='virtio' port='0'/></console>
    <video><model type='virtio'/></video>
    <memballoon model='none'/>
`, extra: "  <memoryBacking><source type='memfd'/><access mode='shared'/></memoryBacking>\n", feats: ""},
	{name: "microvm", devices: `    <controller type='usb' model='none'/>
    <memballoon model='none'/>
    <disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='/etc/passwd'/><target dev='vda' bus='virtio'/><readonly/><address type='virtio-mmio'/></disk>
    <interface type='user'><model type='virtio'/><address type='virtio-mmio'/></interface>
    <serial type='pty'/>
    <console type='pty'><target type='serial'/></console>
`, extra: "", feats: ""},
}

// x86Devices are single devices drawn at random (i440fx-only ones are
// marked so), with whether they take a PCI slot.
var x86Devices = []struct {
	xml string
	pci bool
	pc  bool // only on i440fx (IDE)
	q35 bool // not on i440fx
}{
	{xml: "<controller type='usb' model='none'/>"},
	{xml: "<memballoon model='none'/>"},
	{xml: "<memballoon model='virtio'><address type='virtio-mmio'/></memballoon>"},
	{xml: "<controller type='usb' model='qemu-xhci'/>", pci: true},
	{xml: "<controller type='usb' model='piix3-uhci'/>", pci: true},
	{xml: "<controller type='pci' model='pcie-root'/>", q35: true},
	{xml: "<controller type='pci' model='pci-root'/>", pc: true},
	{xml: "<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='/etc/passwd'/><target dev='vda' bus='virtio'/><readonly/></disk>", pci: true},
	{xml: "<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='/etc/passwd'/><target dev='vdb' bus='virtio'/><readonly/><address type='virtio-mmio'/></disk>"},
	{xml: "<disk type='file' device='cdrom'><driver name='qemu' type='raw'/><target dev='sdc' bus='sata'/><readonly/></disk>", pci: true},
	{xml: "<disk type='file' device='cdrom'><driver name='qemu' type='raw'/><target dev='hdc' bus='ide'/><readonly/></disk>", pc: true},
	{xml: "<interface type='user'><model type='virtio'/></interface>", pci: true},
	{xml: "<interface type='user'><model type='e1000e'/></interface>", pci: true},
	{xml: "<interface type='user'><model type='virtio'/><address type='virtio-mmio'/></interface>"},
	{xml: "<video><model type='vga'/></video>", pci: true},
	{xml: "<video><model type='none'/></video>"},
	{xml: "<graphics type='vnc' autoport='yes'/>", pci: true},
	{xml: "<serial type='pty'/>"},
	{xml: "<console type='pty'><target type='serial'/></console>"},
	{xml: "<console type='pty'><target type='virtio'/></console>", pci: true},
	{xml: "<channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>", pci: true},
	{xml: "<sound model='ich9'/>", pci: true},
	{xml: "<rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>", pci: true},
	{xml: "<input type='keyboard' bus='virtio'/>", pci: true},
	{xml: "<watchdog model='i6300esb'/>", pci: true},
	{xml: "<panic model='isa'/>"},
	{xml: "<controller type='virtio-serial'/>", pci: true},
}

// devices writes the <devices> children after <emulator>, the elements
// between </os> and <features>, and extra <features> children, for a
// domain of arch and machine.
func (g *gen) devices(arch, machine string) (devs, extra, feats string) {
	x86 := arch == "x86_64" || arch == "i686"
	microvm := machine == "microvm"
	q35 := strings.Contains(machine, "q35")
	switch x := g.r.Float64(); {
	case x < 0.35:
		// nothing: the defaults alone (the recorded cases' shape)
	case x < 0.65 && x86:
		var s shape
		switch {
		case microvm:
			s = x86Shapes[len(x86Shapes)-1]
			if g.chance(0.3) {
				s = x86Shapes[g.r.IntN(len(x86Shapes))]
			}
		default:
			s = x86Shapes[g.r.IntN(len(x86Shapes)-1)]
		}
		devs, extra, feats = s.devices, s.extra, s.feats
		if !q35 {
			// i440fx has no PCIe ports.
			devs = strings.ReplaceAll(devs, "model='pcie-root'/>", "model='pci-root'/>")
			var keep []string
			for _, l := range strings.SplitAfter(devs, "\n") {
				if !strings.Contains(l, "pcie-root-port") {
					keep = append(keep, l)
				}
			}
			devs = strings.Join(keep, "")
		}
	case x86:
		var b strings.Builder
		usbNone := false
		for _, d := range x86Devices {
			if (d.pc && q35) || (d.q35 && !q35 && !microvm) || (d.pc && microvm) {
				continue
			}
			p := 0.12
			if microvm && !d.pci {
				p = 0.5 // aim at both verdicts
			}
			if g.chance(p) {
				if strings.Contains(d.xml, "type='usb' model") {
					if usbNone || strings.Contains(b.String(), "<controller type='usb'") {
						continue
					}
					usbNone = strings.Contains(d.xml, "'none'")
				}
				if strings.HasPrefix(d.xml, "<memballoon") && strings.Contains(b.String(), "<memballoon") {
					continue
				}
				if strings.HasPrefix(d.xml, "<video") && strings.Contains(b.String(), "<video") {
					continue // a 'none' video must be the only one
				}
				fmt.Fprintf(&b, "    %s\n", d.xml)
			}
		}
		if microvm && g.chance(0.15) && !strings.Contains(b.String(), "<controller type='pci'") {
			// Only where the define fails on every release (see above): the
			// draw is made either way, so the other cases stay as they were.
			b.WriteString("    <vsock model='virtio'><cid auto='yes'/></vsock>\n")
		}
		devs = b.String()
	default:
		// aarch64 and others: PCIe devices on virt.
		var b strings.Builder
		for _, d := range []string{
			"<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='/etc/passwd'/><target dev='vda' bus='virtio'/><readonly/></disk>",
			"<interface type='user'><model type='virtio'/></interface>",
			"<serial type='pty'/>",
			"<rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>",
			"<memballoon model='none'/>",
		} {
			if g.chance(0.4) {
				fmt.Fprintf(&b, "    %s\n", d)
			}
		}
		devs = b.String()
	}
	if x86 && feats == "" && g.chance(0.3) {
		feats = g.pick([]string{"<apic/>", "<apic/><pae/>", "<apic/><vmport state='off'/>",
			"<apic/><hyperv mode='custom'><relaxed state='on'/><vapic state='on'/><spinlocks state='on' retries='8191'/></hyperv>",
			"<pmu state='off'/>", "<ioapic driver='qemu'/>"})
	}
	if x86 && extra == "" && g.chance(0.2) {
		extra = g.pick([]string{"  <cpu mode='host-model' check='partial'/>\n",
			"  <cpu mode='custom' match='exact' check='none'><model fallback='forbid'>qemu64</model></cpu>\n",
			"  <memoryBacking><source type='memfd'/><access mode='shared'/></memoryBacking>\n"})
	}
	return devs, extra, feats
}
