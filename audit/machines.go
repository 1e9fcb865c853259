package audit

import "fmt"

// The machine-glob heuristic (rule machine-glob-unmatched).
//
// libvirt matches a descriptor's machine patterns against the canonical
// machine type of the guest, after resolving aliases with the installed
// QEMU (q35 -> pc-q35-10.0). fwaudit cannot ask every QEMU, so it keeps, per
// architecture, the machine type names a guest can end up with:
//
//   - versioned families, generated for QEMU 1.0 to 12.12: the patterns
//     real descriptor sets use (pc-q35-*, pc-i440fx-*, virt-*) and the
//     families QEMU documents for the other architectures (pseries-X.Y,
//     s390-ccw-virtio-X.Y);
//   - unversioned names from QEMU's documentation (microvm, isapc, virt on
//     riscv64 and loongarch64, sbsa-ref, spike, ...).
//
// A pattern that matches none of them is flagged. Aliases are deliberately
// absent from the lists (libvirt never matches against "q35" or an aarch64
// "virt"), and architectures without a list are not judged.
var (
	versionedMachines = map[string][]string{
		"x86_64":  {"pc-q35-", "pc-i440fx-", "xenfv-"},
		"i686":    {"pc-q35-", "pc-i440fx-", "xenfv-"},
		"aarch64": {"virt-"},
		"armv7l":  {"virt-"},
		"ppc64":   {"pseries-"},
		"ppc64le": {"pseries-"},
		"s390x":   {"s390-ccw-virtio-"},
	}
	plainMachines = map[string][]string{
		"x86_64":      {"microvm", "isapc", "xenpv", "x-remote", "nitro-enclave"},
		"i686":        {"isapc", "xenpv", "x-remote"},
		"aarch64":     {"sbsa-ref", "xlnx-zcu102", "xlnx-versal-virt", "raspi3b", "raspi4b", "imx8mp-evk"},
		"armv7l":      {"vexpress-a9", "vexpress-a15", "raspi2b", "sabrelite", "xilinx-zynq-a9"},
		"riscv64":     {"virt", "spike", "sifive_u", "sifive_e", "microchip-icicle-kit", "shakti_c"},
		"loongarch64": {"virt"},
		"ppc64":       {"powernv", "powernv8", "powernv9", "powernv10", "mac99", "g3beige"},
		"ppc64le":     {"powernv", "powernv8", "powernv9", "powernv10"},
		"s390x":       {},
	}
	machineLists = map[string][]string{}
)

func init() {
	for arch, plain := range plainMachines {
		names := append([]string(nil), plain...)
		for _, prefix := range versionedMachines[arch] {
			for major := 1; major <= 12; major++ {
				for minor := 0; minor <= 12; minor++ {
					names = append(names, fmt.Sprintf("%s%d.%d", prefix, major, minor))
				}
			}
		}
		machineLists[arch] = names
	}
}

// machineNames returns the known machine type names of arch, or false when
// fwaudit has no list for it.
func machineNames(arch string) ([]string, bool) {
	n, ok := machineLists[arch]
	return n, ok
}
