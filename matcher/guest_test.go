package matcher_test

import (
	"testing"

	"github.com/fwaudit/fwaudit/matcher"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestGuestDomain checks that a Guest's definition says what the Guest
// does, read back as libvirt's selection reads it.
func TestGuestDomain(t *testing.T) {
	tests := []struct {
		name string
		g    matcher.Guest
		want matcher.Request
	}{
		{"plain", matcher.Guest{Name: "a", Arch: "x86_64", Machine: "q35", Firmware: "efi"},
			matcher.Request{Name: "a", VirtType: "kvm", OSType: "hvm", Arch: "x86_64", Machine: "q35", Firmware: "efi"}},
		{"features and smm", matcher.Guest{Name: "b", Arch: "x86_64", Machine: "q35", Firmware: "efi",
			SecureBoot: matcher.Yes, EnrolledKeys: matcher.No, SMM: matcher.No},
			matcher.Request{Name: "b", VirtType: "kvm", OSType: "hvm", Arch: "x86_64", Machine: "q35", Firmware: "efi",
				FirmwareFeatures: true, SecureBoot: matcher.Yes, EnrolledKeys: matcher.No, SMM: matcher.No}},
		{"loader and nvram", matcher.Guest{Name: "c", Arch: "aarch64", Machine: "virt", LoaderType: "pflash",
			LoaderPath: "/x/CODE.fd", LoaderSecure: matcher.No, Stateless: true, LoaderFormat: "qcow2",
			NVRAMFormat: "qcow2", NVRAMTemplate: "/x/VARS.qcow2"},
			matcher.Request{Name: "c", VirtType: "kvm", OSType: "hvm", Arch: "aarch64", Machine: "virt",
				Loader: &matcher.Loader{Path: "/x/CODE.fd", Type: "pflash", Secure: matcher.No, Stateless: matcher.Yes, Format: "qcow2"},
				NVRAM:  &matcher.NVRAM{Template: "/x/VARS.qcow2", Format: "qcow2"}}},
		{"sev, pm, no acpi", matcher.Guest{Name: "d", Arch: "x86_64", Machine: "q35", Firmware: "efi", LaunchSecurity: "sev",
			S3: true, S4: true, NoACPI: true},
			matcher.Request{Name: "d", VirtType: "kvm", OSType: "hvm", Arch: "x86_64", Machine: "q35", Firmware: "efi", LaunchSecurity: "sev", SEVPolicy: 0x33,
				S3: matcher.Yes, S4: matcher.Yes, NoACPI: true}},
		{"tdx", matcher.Guest{Name: "e", Arch: "x86_64", Machine: "q35", Firmware: "efi", LaunchSecurity: "tdx"},
			matcher.Request{Name: "e", VirtType: "kvm", OSType: "hvm", Arch: "x86_64", Machine: "q35", Firmware: "efi", LaunchSecurity: "tdx"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := matcher.FromDomain(tt.g.Domain())
			if err != nil {
				t.Fatal(err)
			}
			// Only the fields the Guest sets are compared.
			if diff := cmp.Diff(&tt.want, got, cmpopts.IgnoreFields(matcher.Request{}, "Emulator"), cmpopts.IgnoreUnexported(matcher.Request{})); diff != "" {
				t.Errorf("request (-want +got):\n%s", diff)
			}
		})
	}
}
