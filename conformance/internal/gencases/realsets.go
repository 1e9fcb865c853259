package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// realRequest is a typical domain request asked of every real descriptor set it is listed for.
type realRequest struct {
	about string
	tags  []string
	dom   Dom
}

var realRequests = map[string]realRequest{
	"plain-efi-q35": {"plain efi on q35, no feature requests", []string{"plain"}, Dom{}},
	"sb-ek-yes":     {"secure-boot=yes and enrolled-keys=yes", []string{"firmware-features"}, Dom{Feat: feat("secure-boot=yes", "enrolled-keys=yes")}},
	"sb-no":         {"secure-boot=no", []string{"firmware-features"}, Dom{Feat: feat("secure-boot=no")}},
	"smm-off":       {"<smm state='off'/>", []string{"smm"}, Dom{SMM: "off"}},
	"stateless":     {"<loader stateless='yes'/>", []string{"stateless"}, Dom{Loader: "<loader stateless='yes'/>"}},
	"sev":           {"SEV, policy 0x1", []string{"sev"}, Dom{LS: sev("0x0001")}},
	"sev-es":        {"SEV-ES, policy 0x7", []string{"sev", "sev-es"}, Dom{LS: sev("0x0007")}},
	"sev-es-stateless": {"SEV-ES, policy 0x7, with <loader stateless='yes'/>", []string{"sev", "sev-es", "stateless"},
		Dom{LS: sev("0x0007"), Loader: "<loader stateless='yes'/>"}},
	"sev-snp":      {"SEV-SNP launch security", []string{"sev-snp"}, Dom{LS: sevSNP}},
	"tdx":          {"Intel TDX launch security", []string{"tdx"}, Dom{LS: tdx}},
	"aarch64-virt": {"aarch64 efi on the virt alias", []string{"arch", "aarch64"}, Dom{Arch: "aarch64"}},
	"i440fx-pc":    {"efi on the i440fx alias pc", []string{"machine", "i440fx"}, Dom{Machine: "pc"}},
}

// realSets lists, per corpus set, the requests asked of it.
var realSets = []struct {
	set      string
	tags     []string // extra tags for every case of the set
	requests []string
	dir      string // where the set is, relative to the module root, if not in the corpus
}{
	{"debian-12", nil, []string{"plain-efi-q35", "sb-ek-yes", "sb-no", "smm-off", "sev", "aarch64-virt", "i440fx-pc"}, ""},
	{"debian-13", []string{"spec0-20"}, []string{"plain-efi-q35", "sb-no", "stateless", "sev-es", "aarch64-virt", "i440fx-pc"}, ""},
	{"debian-unstable", []string{"spec0-19", "spec0-20"}, []string{"plain-efi-q35", "sb-ek-yes", "sb-no", "smm-off", "stateless", "sev-es", "sev-snp", "tdx", "aarch64-virt"}, ""},
	{"ubuntu-24.04", nil, []string{"plain-efi-q35", "sb-ek-yes", "sb-no", "sev-es", "aarch64-virt"}, ""},
	{"ubuntu-24.04-updates", nil, []string{"plain-efi-q35", "sb-ek-yes", "sb-no", "stateless", "sev", "sev-es", "sev-es-stateless", "sev-snp", "aarch64-virt", "i440fx-pc"},
		"testdata/descriptors/ubuntu-24.04-updates/usr/share/qemu/firmware"},
	{"fedora-39", []string{"spec0-20"}, []string{"plain-efi-q35", "sb-ek-yes", "sb-no", "smm-off", "stateless", "sev-es", "sev-snp", "tdx", "aarch64-virt", "i440fx-pc"}, ""},
	{"azurelinux-4.0-dev", []string{"spec0-20"}, []string{"plain-efi-q35", "sb-no", "stateless", "sev-snp", "tdx", "aarch64-virt"}, ""},
	{"qemu-upstream", []string{"spec0-20"}, []string{"plain-efi-q35", "sb-ek-yes", "sev-es", "aarch64-virt", "i440fx-pc"}, ""},
}

// realSetCases copies each listed corpus set into root/usr/share/qemu/firmware and pairs it
// with the typical requests.
func realSetCases(corpus string) ([]Case, error) {
	var out []Case
	for _, rs := range realSets {
		dir := filepath.Join(corpus, rs.set)
		if rs.dir != "" {
			dir = rs.dir
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			return nil, fmt.Errorf("real set %s: %v (use -corpus)", rs.set, err)
		}
		var files []F
		var names []string
		for _, e := range entries {
			if !e.Type().IsRegular() {
				continue
			}
			names = append(names, e.Name())
		}
		sort.Strings(names)
		for _, n := range names {
			data, err := os.ReadFile(filepath.Join(dir, n))
			if err != nil {
				return nil, err
			}
			files = append(files, usr(n, data))
		}
		if len(files) == 0 {
			return nil, fmt.Errorf("real set %s: no files", rs.set)
		}
		source := "corpus"
		if rs.dir != "" {
			source = rs.dir
		}
		for _, rn := range rs.requests {
			rq, ok := realRequests[rn]
			if !ok {
				return nil, fmt.Errorf("real set %s: unknown request %s", rs.set, rn)
			}
			tags := append(append([]string{"real-set", rs.set}, rq.tags...), rs.tags...)
			out = append(out, Case{
				Name:  "real-" + rs.set + "-" + rn,
				About: fmt.Sprintf("Real %s descriptor set (%s, copied verbatim to /usr/share/qemu/firmware): %s.", rs.set, source, rq.about),
				Tags:  tags,
				Files: files,
				Dom:   rq.dom,
			})
		}
	}
	return out, nil
}
