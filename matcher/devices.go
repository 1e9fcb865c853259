package matcher

import (
	"strings"

	"libvirt.org/go/libvirtxml"
)

// Devices is what libvirt's checks read of a domain's <devices>: whether a
// machine without a PCI bus (x86 microvm) can hold them. libvirt assigns
// addresses at the end of post-parse and fails with "No PCI buses
// available" when a device wants a PCI address and the machine has no PCI
// root, which on microvm is the case unless the domain declares one.
type Devices struct {
	// PCI: a device asks for a PCI address: its bus or model is a PCI
	// device (virtio disks and NICs, SATA and SCSI disks, video other than
	// 'none', a video libvirt adds for <graphics>, virtio consoles and
	// channels, sound, virtio RNG, input and vsock, i6300esb, hostdevs,
	// filesystems, controllers other than the PCI roots and
	// model='none'), given without an address of another type
	// (virtio-mmio, isa, ...).
	PCI bool
	// NoUSB: <controller type='usb' model='none'/>; NoBalloon:
	// <memballoon model='none'/>. Otherwise a release that adds its
	// default USB controller and memory balloon (both PCI devices) to a
	// microvm domain (Profile.Checks.MicrovmDefaults) adds them.
	NoUSB, NoBalloon bool
	// PCIRoot: the domain declares a pci-root or pcie-root controller.
	PCIRoot bool
	// USBBeforeRoot is the model of a USB controller that needs PCI (a
	// model other than none) declared before the first PCI root
	// controller, or "". Device validation (12.x) goes through the
	// controllers in that order and, on microvm, refuses whichever of
	// the two it meets first, each with a message of its own.
	USBBeforeRoot string
	// USBInput and USBHostdev: an <input bus='usb'> and a USB <hostdev>,
	// which the parser refuses beside NoUSB; USBOther: another USB
	// device (a disk or redirdev on the usb bus, a USB hub), which
	// validation refuses so (usb-* cases).
	USBInput, USBHostdev, USBOther bool
	// USBController: a <controller type='usb'> of a model other than
	// none.
	USBController bool
	// Videos are the <video> models in order, "" for one without a
	// model, whose default libvirt picks (as for the video it adds to a
	// domain with <graphics> and no <video>).
	Videos []string
}

// wantsPCI reports whether a device with address a takes a PCI slot: it
// has no address yet or a PCI one.
func wantsPCI(a *libvirtxml.DomainAddress) bool {
	return a == nil || a.PCI != nil || *a == (libvirtxml.DomainAddress{})
}

// readDevices reads what Devices records from a domain's <devices>.
func readDevices(dl *libvirtxml.DomainDeviceList) Devices {
	var d Devices
	if dl == nil {
		return d
	}
	pci := func(a *libvirtxml.DomainAddress) {
		if wantsPCI(a) {
			d.PCI = true
		}
	}
	for i := range dl.Disks {
		disk := &dl.Disks[i]
		bus := ""
		if disk.Target != nil {
			bus = disk.Target.Bus
			if bus == "" {
				switch dev := disk.Target.Dev; {
				case strings.HasPrefix(dev, "vd"):
					bus = "virtio"
				case strings.HasPrefix(dev, "sd"):
					bus = "scsi"
				}
			}
		}
		switch bus {
		case "virtio", "sata", "scsi", "usb":
			pci(disk.Address)
		}
		if bus == "usb" {
			d.USBOther = true
		}
	}
	for _, c := range dl.Controllers {
		switch {
		case c.Type == "pci" && (c.Model == "pci-root" || c.Model == "pcie-root"):
			d.PCIRoot = true
		case c.Type == "usb" && c.Model == "none":
			d.NoUSB = true
		case c.Type == "usb" && (c.Model == "" || d.PCIRoot || d.USBBeforeRoot != ""):
			d.USBController = true
			pci(c.Address)
		case c.Type == "usb" && c.Model != "" && !d.PCIRoot && d.USBBeforeRoot == "":
			d.USBBeforeRoot, d.USBController = c.Model, true
			pci(c.Address)
		case c.Type == "ide" || c.Type == "fdc" || c.Type == "xenbus" || c.Type == "isa":
		default:
			pci(c.Address)
		}
	}
	for i := range dl.Interfaces {
		pci(dl.Interfaces[i].Address)
	}
	for i := range dl.Videos {
		v := &dl.Videos[i]
		if v.Model.Type != "none" {
			pci(v.Address)
		}
		d.Videos = append(d.Videos, v.Model.Type)
	}
	if len(dl.Graphics) > 0 && len(dl.Videos) == 0 {
		d.PCI = true // libvirt adds a default video card
		d.Videos = []string{""}
	}
	for i := range dl.Consoles {
		if c := &dl.Consoles[i]; c.Target != nil && c.Target.Type == "virtio" {
			d.PCI = true // on a virtio-serial controller
		}
	}
	for i := range dl.Channels {
		if c := &dl.Channels[i]; c.Target != nil && c.Target.VirtIO != nil {
			d.PCI = true
		}
	}
	for i := range dl.Inputs {
		if in := &dl.Inputs[i]; in.Bus == "virtio" || in.Bus == "usb" {
			pci(in.Address)
		}
		if dl.Inputs[i].Bus == "usb" {
			d.USBInput = true
		}
	}
	for i := range dl.Sounds {
		if s := &dl.Sounds[i]; s.Model != "pcspk" {
			pci(s.Address)
		}
	}
	for i := range dl.RNGs {
		pci(dl.RNGs[i].Address)
	}
	for i := range dl.Watchdogs {
		if w := &dl.Watchdogs[i]; w.Model == "i6300esb" {
			pci(w.Address)
		}
	}
	if v := dl.VSock; v != nil {
		pci(v.Address)
	}
	for i := range dl.Hostdevs {
		pci(dl.Hostdevs[i].Address)
		if dl.Hostdevs[i].SubsysUSB != nil {
			d.USBHostdev = true
		}
	}
	for i := range dl.RedirDevs {
		if dl.RedirDevs[i].Bus == "usb" {
			d.USBOther = true
		}
	}
	for i := range dl.Hubs {
		if dl.Hubs[i].Type == "usb" {
			d.USBOther = true
		}
	}
	for i := range dl.Filesystems {
		pci(dl.Filesystems[i].Address)
	}
	for i := range dl.Shmems {
		pci(dl.Shmems[i].Address)
	}
	if b := dl.MemBalloon; b != nil {
		if b.Model == "none" {
			d.NoBalloon = true
		} else {
			pci(b.Address)
		}
	}
	return d
}
