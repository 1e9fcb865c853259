package report

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// descriptorStatuses are the statuses of descriptor.Status, each given a
// fwaudit_descriptors sample even when no entry has it, so that alerts
// see a 0 rather than a missing series.
var descriptorStatuses = []string{"active", "invalid", "mask", "masked", "overridden", "ignored", "error"}

// promSample is one sample: label names and values in order, and a value.
type promSample struct {
	labels []string // name, value, name, value, ...
	value  int
}

// promFamily is one metric family, all gauges.
type promFamily struct {
	name, help string
	samples    []promSample
}

// writePrometheus writes the Prometheus text exposition format (0.0.4), for
// node_exporter's textfile collector. Every family is a gauge; samples are
// sorted by their label values. See README.md for the metrics.
func writePrometheus(w io.Writer, r *Report, _ Options) error {
	var fams []promFamily

	fams = append(fams, promFamily{
		name: "fwaudit_report_info",
		help: "The audit that wrote this file: tool version, libvirt profile, QEMU version, descriptor source, report schema; always 1.",
		samples: []promSample{{labels: []string{
			"version", r.Tool.Version,
			"profile", r.Profile,
			"profile_source", r.ProfileSource,
			"qemu", r.QEMU,
			"source", r.Source,
			"schema_version", strconv.Itoa(r.SchemaVersion),
		}, value: 1}},
	})

	type key struct{ rule, sev string }
	live, suppressed := map[key]int{}, map[key]int{}
	for _, rl := range r.Rules {
		live[key{rl.ID, string(rl.Severity)}] += 0
	}
	for _, f := range r.Findings.allBrief() {
		k := key{f.Rule, string(f.Severity)}
		if f.Suppressed {
			suppressed[k]++
		} else {
			live[k]++
		}
	}
	toSamples := func(m map[key]int) []promSample {
		var out []promSample
		for k, n := range m {
			out = append(out, promSample{labels: []string{"rule", k.rule, "severity", k.sev}, value: n})
		}
		return out
	}
	fams = append(fams,
		promFamily{
			name:    "fwaudit_findings",
			help:    "Unsuppressed findings by rule and severity; every rule that ran has a sample at its default severity.",
			samples: toSamples(live),
		},
		promFamily{
			name:    "fwaudit_findings_suppressed",
			help:    "Findings silenced by an override, by rule and severity.",
			samples: toSamples(suppressed),
		},
	)

	var cells []promSample
	gaps, degraded := 0, 0
	for _, c := range r.Coverage {
		cells = append(cells, promSample{labels: []string{"arch", c.Arch, "machine", c.Machine, "feature_set", c.FeatureSet, "status", c.Status}, value: 1})
		switch c.Status {
		case "gap":
			gaps++
		case "degraded":
			degraded++
		}
	}
	fams = append(fams,
		promFamily{
			name:    "fwaudit_coverage",
			help:    "One sample per coverage cell (architecture, machine family, feature set) with its status: ok, gap or degraded; always 1.",
			samples: cells,
		},
		promFamily{
			name:    "fwaudit_coverage_gap",
			help:    "Coverage cells for which libvirt finds no firmware.",
			samples: []promSample{{value: gaps}},
		},
		promFamily{
			name:    "fwaudit_coverage_degraded",
			help:    "Coverage cells whose chosen firmware lacks something the guest needs.",
			samples: []promSample{{value: degraded}},
		},
	)

	statuses := map[string]int{}
	for _, s := range descriptorStatuses {
		statuses[s] = 0
	}
	for _, d := range r.Descriptors {
		statuses[d.Status]++
	}
	var descs []promSample
	for s, n := range statuses {
		descs = append(descs, promSample{labels: []string{"status", s}, value: n})
	}
	fams = append(fams, promFamily{
		name:    "fwaudit_descriptors",
		help:    "Entries of the firmware descriptor directories by status.",
		samples: descs,
	})

	changes := 0
	var perDomain []promSample
	for _, d := range r.Domains {
		v := 0
		if d.Changes {
			v = 1
			changes++
		}
		perDomain = append(perDomain, promSample{labels: []string{"domain", d.Name, "file", d.File}, value: v})
	}
	fams = append(fams,
		promFamily{
			name:    "fwaudit_domains",
			help:    "Domains whose firmware the audit predicted.",
			samples: []promSample{{value: len(r.Domains)}},
		},
		promFamily{
			name:    "fwaudit_domain_firmware_changes",
			help:    "Domains whose firmware changes when libvirt builds their XML afresh.",
			samples: []promSample{{value: changes}},
		},
		promFamily{
			name:    "fwaudit_domain_firmware_change",
			help:    "1 when the domain's firmware changes when libvirt builds its XML afresh, else 0.",
			samples: perDomain,
		},
	)

	var b strings.Builder
	for _, f := range fams {
		if len(f.samples) == 0 {
			continue
		}
		slices.SortFunc(f.samples, func(a, b promSample) int {
			return cmp.Or(slices.Compare(a.labels, b.labels), cmp.Compare(a.value, b.value))
		})
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s gauge\n", f.name, escapeHelp(f.help), f.name)
		for _, s := range f.samples {
			b.WriteString(f.name)
			if len(s.labels) > 0 {
				b.WriteString("{")
				for i := 0; i < len(s.labels); i += 2 {
					if i > 0 {
						b.WriteString(",")
					}
					fmt.Fprintf(&b, "%s=\"%s\"", s.labels[i], escapeLabel(s.labels[i+1]))
				}
				b.WriteString("}")
			}
			fmt.Fprintf(&b, " %d\n", s.value)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// escapeLabel escapes a label value as the text format requires
// (backslash, double quote, line feed) after replacing invalid UTF-8.
func escapeLabel(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
}

// escapeHelp escapes a HELP text (backslash and line feed).
func escapeHelp(s string) string {
	return strings.NewReplacer(`\`, `\\`, "\n", `\n`).Replace(s)
}
