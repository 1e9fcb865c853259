package matcher

import (
	"embed"
	"fmt"
	"io/fs"
	"strings"
	"sync"
)

// machineFiles are the machine types of the QEMU builds the modelled
// releases were recorded with, as their daemons' capability caches list
// them (written by matcher/internal/machinesnap): libvirt refuses a machine
// type its emulator does not list, resolves an alias to the first type
// listing it, and takes the first type for a domain that names none.
//
//go:embed machines/*.txt
var machineFiles embed.FS

// A machineType is one machine type of a QEMU build's emulator.
type machineType struct {
	name, alias string
	noACPI      bool // the cache says acpi='no' (releases from 10.0 refuse <acpi/> there)
}

// A machineList is an emulator's machine types, in the cache's order.
type machineList struct {
	types []machineType
	index map[string]bool // the names
	// aliases maps an alias to the first type listing it, noACPI holds
	// the types without ACPI: Match asks both for every request.
	aliases map[string]string
	noACPIs map[string]bool
}

// qemuMachines are the machine lists by QEMU build key ("7.2",
// "8.2+ubuntu", ...; see machinesFor) and libvirt architecture, parsed on
// first use (a millisecond and half a megabyte that commands which predict
// nothing do not pay).
var qemuMachines = sync.OnceValue(func() map[string]map[string]*machineList {
	all := map[string]map[string]*machineList{}
	files, err := fs.Glob(machineFiles, "machines/*.txt")
	if err != nil {
		panic(err)
	}
	for _, f := range files {
		data, err := machineFiles.ReadFile(f)
		if err != nil {
			panic(err)
		}
		key, lists, err := parseMachines(string(data))
		if err != nil {
			panic(fmt.Sprintf("%s: %v", f, err))
		}
		all[key] = lists
	}
	return all
})

// parseMachines reads one machines/*.txt file: comment lines, one of them
// "# qemu KEY", then "ARCH NAME [alias=ALIAS] [acpi=no]" lines.
func parseMachines(text string) (string, map[string]*machineList, error) {
	key := ""
	lists := map[string]*machineList{}
	for i, line := range strings.Split(text, "\n") {
		if k, ok := strings.CutPrefix(line, "# qemu "); ok {
			key = k
			continue
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 2 {
			return "", nil, fmt.Errorf("line %d: %q", i+1, line)
		}
		t := machineType{name: f[1]}
		for _, opt := range f[2:] {
			switch {
			case strings.HasPrefix(opt, "alias="):
				t.alias = opt[len("alias="):]
			case opt == "acpi=no":
				t.noACPI = true
			default:
				return "", nil, fmt.Errorf("line %d: unknown %q", i+1, opt)
			}
		}
		l := lists[f[0]]
		if l == nil {
			l = &machineList{index: map[string]bool{}, aliases: map[string]string{}, noACPIs: map[string]bool{}}
			lists[f[0]] = l
		}
		l.types = append(l.types, t)
		l.index[t.name] = true
		if _, ok := l.aliases[t.alias]; t.alias != "" && !ok {
			l.aliases[t.alias] = t.name
		}
		if t.noACPI {
			l.noACPIs[t.name] = true
		}
	}
	if key == "" {
		return "", nil, fmt.Errorf("no \"# qemu KEY\" line")
	}
	return key, lists, nil
}

// machineKeys caches the list key of a QEMU version with a patch level.
var machineKeys memo[string]

// machinesFor is the machine list of arch's emulator in QEMU build qemu,
// or nil when no list is known. A version with a patch level ("10.0.13")
// uses its major.minor's list: distributions other than Ubuntu ("+ubuntu")
// ship QEMU's own machine types.
func machinesFor(arch, qemu string) *machineList {
	if qemu == "" {
		return nil
	}
	lists, ok := qemuMachines()[qemu]
	if !ok {
		// A host's version ("7.2.22", "8.2.2+ubuntu"): its key is built
		// once (memo), so that Match allocates nothing for it.
		lists = qemuMachines()[machineKeys.get(qemu, func(q string) string {
			v, ubuntu := strings.CutSuffix(q, ubuntuSuffix)
			key := majorMinor(v)
			if ubuntu {
				key += ubuntuSuffix
			}
			return key
		})]
	}
	return lists[arch]
}

// alias is the machine type alias resolves to: the first one listing it.
func (l *machineList) alias(name string) (string, bool) {
	t, ok := l.aliases[name]
	return t, ok
}

// noACPI reports whether the list says machine has no ACPI.
func (l *machineList) noACPI(machine string) bool { return l.noACPIs[machine] }

// DefaultMachine is the machine type libvirt gives a domain of arch that
// names none, with QEMU build qemu: the first its emulator's capability
// cache lists (QEMU's default where it has one; for aarch64, 9.0's cache
// starts with integratorcp and later ones with virt). It is "" when no list
// of that build is known.
func DefaultMachine(arch, qemu string) string {
	if l := machinesFor(arch, qemu); l != nil && len(l.types) > 0 {
		return l.types[0].name
	}
	return ""
}
