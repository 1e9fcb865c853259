package result_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/fwaudit/fwaudit/matcher"
	"github.com/fwaudit/fwaudit/nova"
	"github.com/fwaudit/fwaudit/report"
	"github.com/fwaudit/fwaudit/result"
	"github.com/fwaudit/fwaudit/source"
)

// What "fwaudit match --distro debian-13 --arch x86_64 --machine q35
// --secure-boot yes" prints, from a Go program: the libvirt release and
// QEMU version predicted for and why, then the answer. The code between
// the readme markers is the README's (TestReadmeMatchSnippet).
func ExamplePredict() {
	ctx := context.Background()
	spec := source.Spec{Distro: "debian-13"}
	// readme:begin
	g := matcher.Guest{Name: "guest", Arch: "x86_64", Machine: "q35", Firmware: "efi", SecureBoot: matcher.Yes}
	m, err := result.Predict(ctx, spec, g.Domain(), result.PredictOptions{})
	if err != nil {
		panic(err) // a *release.UsageError is the caller's to fix (fwaudit's exit 2)
	}
	fmt.Printf("libvirt: %s, %s: %s\n", m.Profile, m.ProfileSource, m.ProfileNote)
	fmt.Printf("QEMU: %s, %s: %s\n", m.QEMU, m.QEMUSource, m.QEMUNote)
	err = m.WriteText(os.Stdout, result.MatchTextOptions{}) // or m.WriteJSON, m.WriteXML; !m.OK() is exit 1
	// readme:end
	if err != nil {
		panic(err)
	}
	// Output:
	// libvirt: libvirt-11.3, distro: debian-13 ships libvirt-daemon 11.3.0-3+deb13u3
	// QEMU: 10.0, distro: debian-13 ships qemu-system-x86 1:10.0.13+ds-0+deb13u1
	// profile     libvirt-11.3  (distro: debian-13 ships libvirt-daemon 11.3.0-3+deb13u3)
	// qemu        10.0  (distro: debian-13 ships qemu-system-x86 1:10.0.13+ds-0+deb13u1)
	// machine     pc-q35-10.0  (q35)
	// descriptor  40-edk2-x86_64-secure-enrolled.json  /usr/share/qemu/firmware/40-edk2-x86_64-secure-enrolled.json
	// firmware    efi
	// loader      /usr/share/OVMF/OVMF_CODE_4M.ms.fd  type=pflash readonly=yes secure=yes format=raw
	// nvram       /var/lib/libvirt/qemu/nvram/guest_VARS.fd  format=raw template=/usr/share/OVMF/OVMF_VARS_4M.ms.fd templateFormat=raw
	// smm         on
	// features    enrolled-keys=yes secure-boot=yes
}

// recordedHost stands for a host running libvirt 11.3.0 and QEMU 10.0.2,
// so that the example does not depend on the machine it runs on;
// hostinfo.Prober{} (a nil Spec.Host) asks the real one.
type recordedHost struct{}

func (recordedHost) LibvirtVersion(context.Context) (string, error)      { return "11.3.0", nil }
func (recordedHost) QEMUVersion(context.Context, string) (string, error) { return "10.0.2", nil }

// Descriptors on this host (here a --dir) are judged with the libvirt
// and QEMU this host runs, and the answer says so.
func ExamplePredict_host() {
	spec := source.Spec{Dirs: []string{"../testdata/descriptors/debian-13/usr/share/qemu/firmware"}, Host: recordedHost{}}
	g := matcher.Guest{Name: "guest", Arch: "x86_64", Machine: "q35", Firmware: "efi"}
	m, err := result.Predict(context.Background(), spec, g.Domain(), result.PredictOptions{})
	if err != nil {
		panic(err)
	}
	fmt.Printf("libvirt: %s, %s: %s\n", m.Profile, m.ProfileSource, m.ProfileNote)
	fmt.Printf("QEMU: %s, %s: %s\n", m.QEMU, m.QEMUSource, m.QEMUNote)
	fmt.Println(m.Machine, *m.Descriptor, m.OK())
	// Output:
	// libvirt: libvirt-11.3, detected: this host runs libvirt 11.3.0
	// QEMU: 10.0.2, detected: this host's qemu-system-x86_64 --version
	// pc-q35-10.0 40-edk2-x86_64-secure-enrolled.json true
}

// fwaudit match --distro ubuntu-24.04 --image-property hw_firmware_type=uefi
// --image-property hw_machine_type=q35 --image-property os_secure_boot=required
// --nova-release 2025.2 --name instance-1
func ExamplePredictNova() {
	var p nova.Properties
	nova.Set(&p.Image, "hw_firmware_type=uefi")
	nova.Set(&p.Image, "hw_machine_type=q35")
	nova.Set(&p.Image, "os_secure_boot=required")
	m, err := result.PredictNova(context.Background(), source.Spec{Distro: "ubuntu-24.04"},
		result.NovaRequest{Properties: p, Release: "2025.2", Name: "instance-1"}, result.PredictOptions{})
	if err != nil {
		panic(err)
	}
	fmt.Println(m.Nova)
	fmt.Println(m.Profile, *m.Descriptor, m.OK())
	// Output:
	// 2025.2 (--nova-release 2025.2): nova's own selection wrote the loader
	// libvirt-10.0 40-edk2-x86_64-secure-enrolled.json true
}

func ExampleReadDomain() {
	dir, err := os.MkdirTemp("", "fwaudit-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "guest.xml")
	os.WriteFile(file, []byte(`<domain type='kvm'><name>vm</name><os firmware='efi'><type arch='x86_64' machine='q35'>hvm</type></os><features><acpi/></features></domain>`), 0o644)
	dom, err := result.ReadDomain(file)
	if err != nil {
		panic(err)
	}
	m, err := result.Predict(context.Background(), source.Spec{Distro: "debian-12"}, dom, result.PredictOptions{All: true})
	if err != nil {
		panic(err)
	}
	fmt.Println(m.Machine, *m.Descriptor, len(*m.Also) > 0)
	// Output: pc-q35-7.2 40-edk2-x86_64-secure-enrolled.json true
}

// fwaudit audit --distro ubuntu-24.04 --require amd-sev-es
func ExampleAudit() {
	r, err := result.Audit(context.Background(), source.Spec{Distro: "ubuntu-24.04"},
		result.AuditOptions{Require: []string{"amd-sev-es"}})
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Profile, r.Fails(report.Error))
	// Output: libvirt-10.0 true
}

// fwaudit lint DIR --libvirt 10.0: Debian 13's loongarch64 descriptor is
// one libvirt 10.0 rejects, and then fails every selection.
func ExampleLint() {
	r, err := result.Lint(context.Background(), []string{"../testdata/descriptors/debian-13/usr/share/qemu/firmware"},
		result.LintOptions{Libvirt: "10.0"})
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Profile, r.Fails(report.Error))
	// Output: libvirt-10.0 true
}

func ExampleListOf() {
	l, err := result.ListOf(source.Spec{Distro: "fedora-39"})
	if err != nil {
		panic(err)
	}
	fmt.Println(l.Distro, len(l.Entries), l.Failed())
	// Output: fedora-39 17 false
}

func ExampleValidate() {
	v, unread, err := result.Validate([]string{"../testdata/descriptors/debian-13/usr/share/qemu/firmware/60-edk2-x86_64.json", "nosuch.json"}, "10.0", "")
	if err != nil {
		panic(err)
	}
	fmt.Println(v.Rules, len(v.Files), v.Failed(), len(unread)) // libvirt 10.0 parses as 9.0 does
	// Output: libvirt-9.0 1 false 1
}

func ExampleExplain() {
	e, err := result.Explain("shadowed")
	if err != nil {
		panic(err)
	}
	fmt.Println(e.Rule.ID, e.Rule.Severity)
	_, err = result.Explain("shadow")
	fmt.Println(err)
	// Output:
	// shadowed warning
	// unknown rule "shadow"; did you mean shadowed? (fwaudit explain lists the rules)
}

func ExampleNewRules() {
	r := result.NewRules()
	fmt.Println(len(r.Rules) > 20, r.Rules[0].ID)
	// Output: true certificates-expired
}

func ExampleNovaInput_Properties() {
	p, err := result.NovaInput{ImageProps: []string{"hw_firmware_type=uefi"}, FlavorSpecs: []string{"hw:mem_encryption=true"}}.Properties()
	fmt.Println(p.Image, p.Flavor, err)
	_, err = result.NovaInput{ImageProps: []string{"hw_firmware_type"}}.Properties()
	fmt.Println(err)
	// Output:
	// map[hw_firmware_type:uefi] map[hw:mem_encryption:true] <nil>
	// --image-property "hw_firmware_type": want KEY=VALUE
}
