package diff

import (
	"encoding/xml"
	"fmt"

	"github.com/fwaudit/fwaudit/matcher"
	"libvirt.org/go/libvirtxml"
)

// firmwareDomain is the part of a domain definition firmware selection
// reads, in libvirtxml's types: unmarshalling only these elements (not
// the disks, interfaces and other devices) is what makes following 10,000
// domains fast. matcher.FromDomain takes the Request from it, as from a
// whole domain.
type firmwareDomain struct {
	XMLName        xml.Name                         `xml:"domain"`
	Type           string                           `xml:"type,attr"`
	Name           string                           `xml:"name,omitempty"`
	OS             *libvirtxml.DomainOS             `xml:"os"`
	Features       *libvirtxml.DomainFeatureList    `xml:"features"`
	PM             *libvirtxml.DomainPM             `xml:"pm"`
	LaunchSecurity *libvirtxml.DomainLaunchSecurity `xml:"launchSecurity"`
	Devices        *struct {
		Emulator string `xml:"emulator,omitempty"`
	} `xml:"devices"`
}

// parseDomain reads what firmware selection needs from domain XML.
func parseDomain(data []byte) (name string, req *matcher.Request, err error) {
	var fd firmwareDomain
	if err := xml.Unmarshal(matcher.LibvirtXML(data), &fd); err != nil {
		return "", nil, fmt.Errorf("parsing domain XML: %w", err)
	}
	dom := &libvirtxml.Domain{Type: fd.Type, Name: fd.Name, OS: fd.OS, Features: fd.Features, PM: fd.PM, LaunchSecurity: fd.LaunchSecurity}
	if fd.Devices != nil {
		dom.Devices = &libvirtxml.DomainDeviceList{Emulator: fd.Devices.Emulator}
	}
	req, err = matcher.FromDomain(dom)
	return fd.Name, req, err
}
