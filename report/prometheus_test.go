package report

import (
	"bytes"
	"sort"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// parseProm parses the exposition with Prometheus' own parser, using the
// legacy (strictest) name validation, as node_exporter's textfile
// collector does.
func parseProm(t *testing.T, data []byte) map[string]*dto.MetricFamily {
	t.Helper()
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("expfmt: %v\n%s", err, data)
	}
	return fams
}

// sampleKey renders a sample's labels as name=value pairs in sorted order.
func sampleKey(m *dto.Metric) string {
	var parts []string
	for _, l := range m.GetLabel() {
		parts = append(parts, l.GetName()+"="+l.GetValue())
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

// samples maps the labels of each sample of a gauge family to its value.
func samples(t *testing.T, fams map[string]*dto.MetricFamily, name string) map[string]float64 {
	t.Helper()
	f, ok := fams[name]
	if !ok {
		return nil
	}
	if f.GetType() != dto.MetricType_GAUGE {
		t.Errorf("%s is a %v, want a gauge", name, f.GetType())
	}
	if f.GetHelp() == "" {
		t.Errorf("%s has no HELP", name)
	}
	out := map[string]float64{}
	for _, m := range f.GetMetric() {
		k := sampleKey(m)
		if _, dup := out[k]; dup {
			t.Errorf("%s{%s} appears twice", name, k)
		}
		out[k] = m.GetGauge().GetValue()
	}
	return out
}

func TestPrometheus(t *testing.T) {
	for _, fx := range fixtures {
		t.Run(fx.name, func(t *testing.T) {
			r := fx.make().finalized()
			fams := parseProm(t, render(t, r, Prometheus, Options{}))

			info := samples(t, fams, "fwaudit_report_info")
			wantInfo := "profile=" + r.Profile + ",profile_source=" + r.ProfileSource + ",qemu=" + r.QEMU +
				",schema_version=1,source=" + r.Source + ",version=" + r.Tool.Version
			if len(info) != 1 || info[wantInfo] != 1 {
				t.Errorf("fwaudit_report_info = %v, want {%s} 1", info, wantInfo)
			}

			// Findings: counted from the report, with label values exactly
			// as in the report (escaping round-trips).
			wantFindings := map[string]float64{}
			wantSuppressed := map[string]float64{}
			for _, rl := range r.Rules {
				wantFindings["rule="+rl.ID+",severity="+string(rl.Severity)] += 0
			}
			for _, f := range r.Findings.All() {
				k := "rule=" + f.Rule + ",severity=" + string(f.Severity)
				if f.Suppressed {
					wantSuppressed[k]++
				} else {
					wantFindings[k]++
				}
			}
			equalSamples(t, "fwaudit_findings", samples(t, fams, "fwaudit_findings"), wantFindings)
			equalSamples(t, "fwaudit_findings_suppressed", samples(t, fams, "fwaudit_findings_suppressed"), wantSuppressed)

			wantCells := map[string]float64{}
			gaps, degraded := 0.0, 0.0
			for _, c := range r.Coverage {
				k := "arch=" + c.Arch + ",feature_set=" + c.FeatureSet + ",machine=" + c.Machine + ",status=" + c.Status
				wantCells[k] = 1
				switch c.Status {
				case "gap":
					gaps++
				case "degraded":
					degraded++
				}
			}
			equalSamples(t, "fwaudit_coverage", samples(t, fams, "fwaudit_coverage"), wantCells)
			equalSamples(t, "fwaudit_coverage_gap", samples(t, fams, "fwaudit_coverage_gap"), map[string]float64{"": gaps})
			equalSamples(t, "fwaudit_coverage_degraded", samples(t, fams, "fwaudit_coverage_degraded"), map[string]float64{"": degraded})

			wantDescs := map[string]float64{}
			for _, s := range []string{"active", "invalid", "mask", "masked", "overridden", "ignored", "error"} {
				wantDescs["status="+s] = 0
			}
			for _, d := range r.Descriptors {
				wantDescs["status="+d.Status]++
			}
			equalSamples(t, "fwaudit_descriptors", samples(t, fams, "fwaudit_descriptors"), wantDescs)

			changes := 0.0
			perDomain := map[string]float64{}
			for _, d := range r.Domains {
				v := 0.0
				if d.Changes {
					v, changes = 1, changes+1
				}
				perDomain["domain="+d.Name+",file="+d.File] = v
			}
			equalSamples(t, "fwaudit_domains", samples(t, fams, "fwaudit_domains"), map[string]float64{"": float64(len(r.Domains))})
			equalSamples(t, "fwaudit_domain_firmware_changes", samples(t, fams, "fwaudit_domain_firmware_changes"), map[string]float64{"": changes})
			equalSamples(t, "fwaudit_domain_firmware_change", samples(t, fams, "fwaudit_domain_firmware_change"), perDomain)

			known := map[string]bool{}
			for _, n := range []string{"fwaudit_report_info", "fwaudit_findings", "fwaudit_findings_suppressed", "fwaudit_coverage",
				"fwaudit_coverage_gap", "fwaudit_coverage_degraded", "fwaudit_descriptors", "fwaudit_domains",
				"fwaudit_domain_firmware_changes", "fwaudit_domain_firmware_change"} {
				known[n] = true
			}
			for n := range fams {
				if !known[n] {
					t.Errorf("unexpected family %s", n)
				}
			}
		})
	}
}

// equalSamples compares samples; an empty want means the family may be
// absent.
func equalSamples(t *testing.T, name string, got, want map[string]float64) {
	t.Helper()
	if len(want) == 0 && len(got) == 0 {
		return
	}
	if len(got) != len(want) {
		t.Errorf("%s: %d samples %v, want %d %v", name, len(got), got, len(want), want)
		return
	}
	for k, v := range want {
		if g, ok := got[k]; !ok || g != v {
			t.Errorf("%s{%s} = %v (present %v), want %v", name, k, g, ok, v)
		}
	}
}

func TestPrometheusEscaping(t *testing.T) {
	r := &Report{
		Tool:     Tool{Version: "a\\b\"c\nd\xffe"},
		Coverage: []Coverage{{Arch: "x", Machine: "m", FeatureSet: "f", Status: "ok"}},
	}
	data := render(t, r, Prometheus, Options{})
	if !bytes.Contains(data, []byte(`version="a\\b\"c\nd`+"\uFFFD"+`e"`)) {
		t.Errorf("label value not escaped:\n%s", data)
	}
	fams := parseProm(t, data)
	for _, l := range fams["fwaudit_report_info"].GetMetric()[0].GetLabel() {
		if l.GetName() == "version" && l.GetValue() != "a\\b\"c\nd\uFFFDe" {
			t.Errorf("version label parses as %q", l.GetValue())
		}
	}
}
