package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// ---------------------------------------------------------------------------------------------
// Ordered JSON objects, so that generated descriptors read like the distro files and so that
// invalid variants can be made by deleting or replacing single members.

type kv struct {
	K string
	V any
}

// obj is a JSON object that keeps its member order.
type obj []kv

func (o obj) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(m.K)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(m.V)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// set replaces member k (keeping its place) or appends it.
func (o obj) set(k string, v any) obj {
	out := append(obj(nil), o...)
	for i := range out {
		if out[i].K == k {
			out[i].V = v
			return out
		}
	}
	return append(out, kv{k, v})
}

// del removes member k.
func (o obj) del(k string) obj {
	var out obj
	for _, m := range o {
		if m.K != k {
			out = append(out, m)
		}
	}
	return out
}

func (o obj) get(k string) any {
	for _, m := range o {
		if m.K == k {
			return m.V
		}
	}
	return nil
}

// edit applies f to the nested object at member k.
func (o obj) edit(k string, f func(obj) obj) obj {
	inner, _ := o.get(k).(obj)
	return o.set(k, f(inner))
}

// render gives indented JSON (4 spaces) with a final newline, like the distro descriptors.
func render(v any) []byte {
	raw, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	var b bytes.Buffer
	if err := json.Indent(&b, raw, "", "    "); err != nil {
		panic(err)
	}
	b.WriteByte('\n')
	return b.Bytes()
}

// ---------------------------------------------------------------------------------------------
// Descriptors.

// T is one descriptor target.
type T struct {
	Arch     string
	Machines []string
}

// D is a (valid) firmware descriptor; D.obj() gives its JSON form for further edits.
type D struct {
	Desc     string
	Ifaces   []string
	Device   string // flash, memory, kernel
	Mode     string // flash mode; "" = member absent (libvirt: split)
	Exe      string
	ExeFmt   string
	Tmpl     string // nvram-template filename; "" = member absent
	TmplFmt  string
	File     string // memory/kernel filename
	Targets  []T
	Features []string
}

func (d D) obj() obj {
	var m obj
	m = m.set("device", d.Device)
	switch d.Device {
	case "flash":
		if d.Mode != "" {
			m = m.set("mode", d.Mode)
		}
		m = m.set("executable", obj{{"filename", d.Exe}, {"format", d.ExeFmt}})
		if d.Tmpl != "" {
			m = m.set("nvram-template", obj{{"filename", d.Tmpl}, {"format", d.TmplFmt}})
		}
	default:
		m = m.set("filename", d.File)
	}
	targets := []obj{}
	for _, t := range d.Targets {
		machines := append([]string{}, t.Machines...)
		targets = append(targets, obj{{"architecture", t.Arch}, {"machines", machines}})
	}
	ifaces := append([]string{}, d.Ifaces...)
	features := append([]string{}, d.Features...)
	return obj{
		{"description", d.Desc},
		{"interface-types", ifaces},
		{"mapping", m},
		{"targets", targets},
		{"features", features},
		{"tags", []string{}},
	}
}

// Builder methods return modified copies.

func (d D) desc(s string) D         { d.Desc = s; return d }
func (d D) feats(f ...string) D     { d.Features = f; return d }
func (d D) ifaces(i ...string) D    { d.Ifaces = i; return d }
func (d D) mode(m string) D         { d.Mode = m; return d }
func (d D) exe(p string) D          { d.Exe = p; return d }
func (d D) tmpl(p string) D         { d.Tmpl = p; return d }
func (d D) file(p string) D         { d.File = p; return d }
func (d D) fmts(exe, tmpl string) D { d.ExeFmt, d.TmplFmt = exe, tmpl; return d }
func (d D) targets(t ...T) D        { d.Targets = t; return d }
func (d D) arch(a string) D         { return d.targets(T{a, d.Targets[0].Machines}) }
func (d D) machines(m ...string) D  { return d.targets(T{d.Targets[0].Arch, m}) }
func (d D) addFeats(f ...string) D {
	d.Features = append(append([]string{}, d.Features...), f...)
	return d
}
func (d D) paths(exe, tmpl string) D { d.Exe, d.Tmpl = exe, tmpl; return d }

const (
	x86  = "/opt/oracle-fw/x86/"
	i386 = "/opt/oracle-fw/i386/"
	aa   = "/opt/oracle-fw/aarch64/"
)

var (
	q35Only  = []string{"pc-q35-*"}
	pcAndQ35 = []string{"pc-i440fx-*", "pc-q35-*"}
	virtAny  = []string{"virt-*"}
)

func flashD(desc, exe, tmpl, arch string, machines []string, feats ...string) D {
	return D{Desc: desc, Ifaces: []string{"uefi"}, Device: "flash", Exe: exe, ExeFmt: "raw", Tmpl: tmpl, TmplFmt: "raw",
		Targets: []T{{arch, machines}}, Features: feats}
}

func memoryD(desc, file, arch string, machines []string, feats ...string) D {
	return D{Desc: desc, Ifaces: []string{"uefi"}, Device: "memory", File: file, Targets: []T{{arch, machines}}, Features: feats}
}

// The standard synthetic x86_64 descriptors (paths identify them in the answers).
func sbEnrolled() D {
	return flashD("x86_64 secure boot, keys enrolled", x86+"CODE.secboot.fd", x86+"VARS.ms.fd", "x86_64", q35Only,
		"acpi-s3", "enrolled-keys", "requires-smm", "secure-boot", "verbose-dynamic")
}

func sbOnly() D {
	return flashD("x86_64 secure boot, no keys", x86+"CODE.secboot.fd", x86+"VARS.fd", "x86_64", q35Only,
		"acpi-s3", "requires-smm", "secure-boot", "verbose-dynamic")
}

func plainD() D {
	return flashD("x86_64 plain", x86+"CODE.fd", x86+"VARS.fd", "x86_64", pcAndQ35, "acpi-s3", "amd-sev", "verbose-dynamic")
}

func statelessD() D {
	return flashD("x86_64 stateless flash", x86+"OVMF.stateless.fd", "", "x86_64", pcAndQ35, "acpi-s3", "verbose-dynamic").mode("stateless")
}

func combinedD() D {
	return flashD("x86_64 combined flash", x86+"OVMF.combined.fd", "", "x86_64", pcAndQ35, "acpi-s3", "verbose-dynamic").mode("combined")
}

func memD() D {
	return memoryD("x86_64 memory (rom) image", x86+"OVMF.rom.fd", "x86_64", q35Only, "verbose-dynamic")
}

func kernelD() D {
	return D{Desc: "x86_64 kernel-mapped firmware", Ifaces: []string{"uefi"}, Device: "kernel", File: x86 + "vmlinuz-fw",
		Targets: []T{{"x86_64", q35Only}}, Features: []string{"verbose-dynamic"}}
}

func seabiosD() D {
	return memoryD("SeaBIOS", "/opt/oracle-fw/seabios/bios-256k.bin", "x86_64", pcAndQ35).ifaces("bios")
}

func qcow2D() D {
	return flashD("x86_64 plain 4M qcow2", x86+"CODE_4M.qcow2", x86+"VARS_4M.qcow2", "x86_64", pcAndQ35,
		"acpi-s3", "amd-sev", "verbose-dynamic").fmts("qcow2", "qcow2")
}

func i386SB() D {
	return flashD("i386 secure boot", i386+"CODE32.secboot.fd", i386+"VARS32.fd", "i386", q35Only,
		"acpi-s3", "requires-smm", "secure-boot", "verbose-dynamic")
}

func i386Plain() D {
	return flashD("i386 plain", i386+"CODE32.fd", i386+"VARS32.fd", "i386", pcAndQ35, "acpi-s3", "verbose-dynamic")
}

func aa64Plain() D {
	return flashD("aarch64 plain", aa+"CODE.fd", aa+"VARS.fd", "aarch64", virtAny, "verbose-static")
}

func aa64SB() D {
	return flashD("aarch64 secure boot, keys enrolled", aa+"CODE.secboot.fd", aa+"VARS.ms.fd", "aarch64", virtAny,
		"enrolled-keys", "secure-boot", "verbose-static")
}

// ---------------------------------------------------------------------------------------------
// Files of a case root.

// F is one entry of the case root: a file (Data, possibly empty = mask) or a symlink (Link).
type F struct {
	Dir  string // "usr" or "etc"
	Name string
	Data []byte
	Link string // relative symlink target; "" = regular file
}

func (f F) section() string {
	switch f.Dir {
	case "usr":
		return "root/usr/share/qemu/firmware/" + f.Name
	case "etc":
		return "root/etc/qemu/firmware/" + f.Name
	}
	panic("bad dir " + f.Dir)
}

func content(c any) []byte {
	switch c := c.(type) {
	case D:
		return render(c.obj())
	case obj:
		return render(c)
	case string:
		return []byte(c)
	case []byte:
		return c
	case nil:
		return nil
	}
	panic(fmt.Sprintf("bad content %T", c))
}

func usr(name string, c any) F { return F{Dir: "usr", Name: name, Data: content(c)} }
func etc(name string, c any) F { return F{Dir: "etc", Name: name, Data: content(c)} }

// mask is an empty file in /etc (hides the same-named /usr/share file).
func mask(name string) F { return F{Dir: "etc", Name: name} }

// link is a symlink in dir pointing to target (relative to the directory holding it).
func link(dir, name, target string) F { return F{Dir: dir, Name: name, Link: target} }

// toUsr is the relative path from /etc/qemu/firmware to a /usr/share/qemu/firmware file.
func toUsr(name string) string { return "../../../usr/share/qemu/firmware/" + name }

// stdSet is the usual synthetic set: 30 SB+enrolled, 40 SB, 50 plain (i440fx+q35), 60 aarch64.
func stdSet() []F {
	return []F{
		usr("30-sb-enrolled.json", sbEnrolled()),
		usr("40-sb.json", sbOnly()),
		usr("50-plain.json", plainD()),
		usr("60-aarch64.json", aa64Plain()),
	}
}

// with appends files to a set.
func with(set []F, more ...F) []F { return append(append([]F{}, set...), more...) }

// ---------------------------------------------------------------------------------------------
// Domains.

// Dom describes the domain XML of a case. Zero values give the default: x86_64, q35,
// <os firmware='efi'>, <features><acpi/></features>.
type Dom struct {
	Arch    string // default x86_64; "(none)" leaves the attribute out, "(empty)" writes arch=''
	Machine string // default q35 (aarch64: virt)
	FW      string // os firmware attribute: "" = efi, "none" = no attribute, or "bios"
	Feat    []string
	Loader  string // full <loader> element
	NVRAM   string // full <nvram> element
	Kernel  string // <kernel> path
	SMM     string // on|off
	PM      string // inner XML of <pm>
	LS      string // full <launchSecurity> element
	NoACPI  bool
	OSType  string // the text of <os><type>: default hvm, "(empty)" for none
	Type    string // <domain type>: default qemu, "-" for none
	// NoMachine leaves the machine attribute out; EmptyMachine writes
	// machine=''.
	NoMachine, EmptyMachine bool
	Devices                 string // more <devices> children, after <emulator>
	FeatXML                 string // more <features> children, after <smm>
}

// feat gives "name=yes|no" firmware feature requests, e.g. feat("secure-boot=yes").
func feat(f ...string) []string { return f }

func (d Dom) xml(name string) string {
	arch := d.Arch
	if arch == "" {
		arch = "x86_64"
	}
	machine := d.Machine
	if machine == "" {
		machine = "q35"
		if arch == "aarch64" {
			machine = "virt"
		}
	}
	emulator := "/usr/bin/qemu-system-x86_64"
	if arch == "aarch64" {
		emulator = "/usr/bin/qemu-system-aarch64"
	}
	var b strings.Builder
	typ := d.Type
	if typ == "" {
		typ = "qemu"
	}
	if typ == "(empty)" {
		typ = ""
	}
	if typ == "-" {
		b.WriteString("<domain>\n")
	} else {
		fmt.Fprintf(&b, "<domain type='%s'>\n", typ)
	}
	fmt.Fprintf(&b, "  <name>%s</name>\n", name)
	b.WriteString("  <memory unit='MiB'>256</memory>\n  <vcpu>1</vcpu>\n")
	switch d.FW {
	case "":
		b.WriteString("  <os firmware='efi'>\n")
	case "none":
		b.WriteString("  <os>\n")
	default:
		fmt.Fprintf(&b, "  <os firmware='%s'>\n", d.FW)
	}
	ostype := d.OSType
	switch ostype {
	case "":
		ostype = "hvm"
	case "(empty)":
		ostype = ""
	}
	typeOpen := fmt.Sprintf("<type arch='%s'", arch)
	switch arch {
	case "(none)":
		typeOpen = "<type"
	case "(empty)":
		typeOpen = "<type arch=''"
	}
	switch {
	case d.NoMachine:
		fmt.Fprintf(&b, "    %s>%s</type>\n", typeOpen, ostype)
	case d.EmptyMachine:
		fmt.Fprintf(&b, "    %s machine=''>%s</type>\n", typeOpen, ostype)
	default:
		fmt.Fprintf(&b, "    %s machine='%s'>%s</type>\n", typeOpen, machine, ostype)
	}
	if len(d.Feat) > 0 {
		b.WriteString("    <firmware>\n")
		for _, f := range d.Feat {
			n, v, ok := strings.Cut(f, "=")
			if !ok {
				panic("bad feature " + f)
			}
			fmt.Fprintf(&b, "      <feature enabled='%s' name='%s'/>\n", v, n)
		}
		b.WriteString("    </firmware>\n")
	}
	if d.Loader != "" {
		fmt.Fprintf(&b, "    %s\n", d.Loader)
	}
	if d.NVRAM != "" {
		fmt.Fprintf(&b, "    %s\n", d.NVRAM)
	}
	if d.Kernel != "" {
		fmt.Fprintf(&b, "    <kernel>%s</kernel>\n", d.Kernel)
	}
	b.WriteString("  </os>\n")
	var feats []string
	if !d.NoACPI {
		feats = append(feats, "<acpi/>")
	}
	if d.SMM != "" {
		feats = append(feats, fmt.Sprintf("<smm state='%s'/>", d.SMM))
	}
	if d.FeatXML != "" {
		feats = append(feats, d.FeatXML)
	}
	if len(feats) > 0 {
		fmt.Fprintf(&b, "  <features>%s</features>\n", strings.Join(feats, ""))
	}
	if arch == "aarch64" {
		b.WriteString("  <cpu mode='custom' match='exact'><model>cortex-a57</model></cpu>\n")
	}
	if d.PM != "" {
		fmt.Fprintf(&b, "  <pm>%s</pm>\n", d.PM)
	}
	b.WriteString("  <devices>\n")
	fmt.Fprintf(&b, "    <emulator>%s</emulator>\n", emulator)
	if d.Devices != "" {
		fmt.Fprintf(&b, "    %s\n", d.Devices)
	}
	b.WriteString("  </devices>\n")
	if d.LS != "" {
		fmt.Fprintf(&b, "  %s\n", d.LS)
	}
	b.WriteString("</domain>\n")
	return b.String()
}

// Launch-security elements.
func sev(policy string) string {
	return "<launchSecurity type='sev'><cbitpos>47</cbitpos><reducedPhysBits>1</reducedPhysBits><policy>" + policy + "</policy></launchSecurity>"
}

const (
	sevSNP = "<launchSecurity type='sev-snp'><cbitpos>51</cbitpos><reducedPhysBits>1</reducedPhysBits><policy>0x00030000</policy></launchSecurity>"
	tdx    = "<launchSecurity type='tdx'><policy>0x10000000</policy></launchSecurity>"
)

func pflashLoader(path string) string {
	return "<loader type='pflash' readonly='yes'>" + path + "</loader>"
}
