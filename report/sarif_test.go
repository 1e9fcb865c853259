package report

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/fwaudit/fwaudit/internal/sariftest"
	"github.com/google/go-cmp/cmp"
)

func TestGoldenSARIFValidates(t *testing.T) {
	for name, data := range goldenFiles(t, ".sarif") {
		if err := sariftest.Validate(data); err != nil {
			t.Errorf("%s.sarif does not conform to SARIF 2.1.0: %v", name, err)
		}
	}
}

// TestSARIFSchemaRejects makes sure the schema check can fail: each edit
// breaks a valid log the way a careless renderer could.
func TestSARIFSchemaRejects(t *testing.T) {
	valid := goldenFiles(t, ".sarif")["problems"]
	result0 := func(m map[string]any) map[string]any {
		return m["runs"].([]any)[0].(map[string]any)["results"].([]any)[0].(map[string]any)
	}
	tests := []struct {
		name string
		edit func(m map[string]any)
	}{
		{"wrong version", func(m map[string]any) { m["version"] = "2.0.0" }},
		{"level info", func(m map[string]any) { result0(m)["level"] = "info" }},
		{"message without text", func(m map[string]any) { result0(m)["message"] = map[string]any{} }},
		{"startLine zero", func(m map[string]any) {
			result0(m)["locations"] = []any{map[string]any{"physicalLocation": map[string]any{
				"artifactLocation": map[string]any{"uri": "a.json"}, "region": map[string]any{"startLine": 0}}}}
		}},
		{"uri not a URI reference", func(m map[string]any) {
			result0(m)["locations"] = []any{map[string]any{"physicalLocation": map[string]any{
				"artifactLocation": map[string]any{"uri": "a b%zz"}}}}
		}},
		{"suppression without kind", func(m map[string]any) { result0(m)["suppressions"] = []any{map[string]any{"state": "accepted"}} }},
		{"unknown result member", func(m map[string]any) { result0(m)["severity"] = "error" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m map[string]any
			if err := json.Unmarshal(valid, &m); err != nil {
				t.Fatal(err)
			}
			tt.edit(m)
			data, _ := json.Marshal(m)
			if err := sariftest.Validate(data); err == nil {
				t.Errorf("broken SARIF log validates")
			}
		})
	}
}

// TestSARIFMapping checks what each finding becomes, against the fixture.
func TestSARIFMapping(t *testing.T) {
	type result struct {
		RuleID    string `json:"ruleId"`
		RuleIndex int    `json:"ruleIndex"`
		Level     string `json:"level"`
		Message   struct {
			Text string `json:"text"`
		} `json:"message"`
		Locations []struct {
			PhysicalLocation *struct {
				ArtifactLocation struct {
					URI       string `json:"uri"`
					URIBaseID string `json:"uriBaseId"`
				} `json:"artifactLocation"`
				Region *struct {
					StartLine   int `json:"startLine"`
					StartColumn int `json:"startColumn"`
				} `json:"region"`
			} `json:"physicalLocation"`
			LogicalLocations []struct {
				Name string `json:"name"`
			} `json:"logicalLocations"`
		} `json:"locations"`
		PartialFingerprints map[string]string `json:"partialFingerprints"`
		Suppressions        []struct {
			Kind string `json:"kind"`
		} `json:"suppressions"`
	}
	type sarifDoc struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name           string `json:"name"`
					Version        string `json:"version"`
					InformationURI string `json:"informationUri"`
					Rules          []struct {
						ID                   string `json:"id"`
						Name                 string `json:"name"`
						DefaultConfiguration struct {
							Level string `json:"level"`
						} `json:"defaultConfiguration"`
						Help struct {
							Text string `json:"text"`
						} `json:"help"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []result `json:"results"`
		} `json:"runs"`
	}
	levels := map[Severity]string{Error: "error", Warning: "warning", Info: "note"}
	for _, fx := range fixtures {
		t.Run(fx.name, func(t *testing.T) {
			r := fx.make().finalized()
			var log sarifDoc
			if err := json.Unmarshal(render(t, r, SARIF, Options{}), &log); err != nil {
				t.Fatal(err)
			}
			if log.Version != "2.1.0" || len(log.Runs) != 1 {
				t.Fatalf("version %q with %d runs, want 2.1.0 with 1", log.Version, len(log.Runs))
			}
			run := log.Runs[0]
			d := run.Tool.Driver
			if d.Name != "fwaudit" || d.Version != r.Tool.Version || d.InformationURI != InformationURI {
				t.Errorf("driver = %q %q %q", d.Name, d.Version, d.InformationURI)
			}
			for i, rl := range r.Rules {
				got := d.Rules[i]
				if got.ID != rl.ID || got.DefaultConfiguration.Level != levels[rl.Severity] || got.Help.Text != rl.Help {
					t.Errorf("rule %d = %+v, want %s", i, got, rl.ID)
				}
				if strings.ContainsAny(got.Name, "- ") {
					t.Errorf("rule name %q is not an identifier", got.Name)
				}
			}
			if len(run.Results) != r.Findings.Len() {
				t.Fatalf("%d results for %d findings", len(run.Results), r.Findings.Len())
			}
			for i, f := range r.Findings.All() {
				res := run.Results[i]
				if res.RuleID != f.Rule || d.Rules[res.RuleIndex].ID != f.Rule {
					t.Errorf("result %d: ruleId %q, ruleIndex %d (%s), want %s", i, res.RuleID, res.RuleIndex, d.Rules[res.RuleIndex].ID, f.Rule)
				}
				if res.Level != levels[f.Severity] {
					t.Errorf("result %d: level %q for severity %s", i, res.Level, f.Severity)
				}
				if want := strings.ToValidUTF8(f.Message, "\uFFFD"); res.Message.Text != want {
					t.Errorf("result %d: message %q, want %q", i, res.Message.Text, want)
				}
				if diff := cmp.Diff(map[string]string{FingerprintKey: f.Fingerprint}, res.PartialFingerprints); diff != "" {
					t.Errorf("result %d: partialFingerprints:\n%s", i, diff)
				}
				if got := len(res.Suppressions) == 1 && res.Suppressions[0].Kind == "external"; got != f.Suppressed {
					t.Errorf("result %d: suppressions %+v for Suppressed=%v", i, res.Suppressions, f.Suppressed)
				}
				if len(res.Locations) != 1 {
					t.Fatalf("result %d: %d locations, want 1", i, len(res.Locations))
				}
				loc := res.Locations[0]
				if f.File == "" {
					if loc.PhysicalLocation != nil {
						t.Errorf("result %d: physical location without a file", i)
					}
					if len(loc.LogicalLocations) != 1 || loc.LogicalLocations[0].Name != firstNonEmpty(f.Subject, f.Descriptor) {
						t.Errorf("result %d: logical locations %+v, want %q", i, loc.LogicalLocations, f.Subject)
					}
					continue
				}
				pl := loc.PhysicalLocation
				u, err := url.Parse(pl.ArtifactLocation.URI)
				if err != nil {
					t.Fatalf("result %d: uri %q: %v", i, pl.ArtifactLocation.URI, err)
				}
				if u.IsAbs() || strings.HasPrefix(u.Path, "/") {
					t.Errorf("result %d: uri %q is not relative", i, pl.ArtifactLocation.URI)
				}
				wantPath, wantBase := strings.TrimPrefix(f.File, "./"), ""
				if strings.HasPrefix(f.File, "/") {
					wantPath, wantBase = f.File[1:], RootURIBaseID
				}
				if u.Path != wantPath || pl.ArtifactLocation.URIBaseID != wantBase {
					t.Errorf("result %d: uri %q base %q, want path %q base %q", i, pl.ArtifactLocation.URI, pl.ArtifactLocation.URIBaseID, wantPath, wantBase)
				}
				switch {
				case f.Line == 0 && pl.Region != nil:
					t.Errorf("result %d: region without a line", i)
				case f.Line > 0 && (pl.Region == nil || pl.Region.StartLine != f.Line || pl.Region.StartColumn != f.Column):
					t.Errorf("result %d: region %+v, want line %d column %d", i, pl.Region, f.Line, f.Column)
				}
			}
		})
	}
}

func TestArtifactOf(t *testing.T) {
	tests := []struct {
		path, uri, base string
	}{
		{"/usr/share/qemu/firmware/a.json", "usr/share/qemu/firmware/a.json", RootURIBaseID},
		{"//etc//qemu/../qemu/firmware/b.json", "etc/qemu/firmware/b.json", RootURIBaseID},
		{"/", ".", RootURIBaseID},
		{"rel/c d.json", "rel/c%20d.json", ""},
		{"./x#y?.json", "x%23y%3F.json", ""},
		{"a:b.json", "./a:b.json", ""},
		{"100%.json", "100%25.json", ""},
	}
	for _, tt := range tests {
		got := artifactOf(tt.path)
		if got.URI != tt.uri || got.URIBaseID != tt.base {
			t.Errorf("artifactOf(%q) = %+v, want {%s %s}", tt.path, got, tt.uri, tt.base)
		}
	}
}

func TestPascalCase(t *testing.T) {
	for in, want := range map[string]string{
		"coverage-gap":            "CoverageGap",
		"lint-missing-executable": "LintMissingExecutable",
		"x":                       "X",
		"":                        "",
		"über-rule":               "ÜberRule",
	} {
		if got := pascalCase(in); got != want {
			t.Errorf("pascalCase(%q) = %q, want %q", in, got, want)
		}
	}
}
