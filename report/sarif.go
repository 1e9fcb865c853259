package report

import (
	"io"
	"net/url"
	"path"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/fwaudit/fwaudit/internal/jsonstream"
)

// SARIF constants.
const (
	// SARIFSchemaURI is the $schema of the SARIF logs Write produces: the
	// SARIF 2.1.0 schema as published by SchemaStore (the URI GitHub code
	// scanning and most SARIF producers use).
	SARIFSchemaURI = "https://json.schemastore.org/sarif-2.1.0.json"
	// InformationURI is the tool's home, given as
	// tool.driver.informationUri.
	InformationURI = "https://github.com/fwaudit/fwaudit"
	// FingerprintKey is the key of Finding.Fingerprint in a SARIF
	// result's partialFingerprints. Its version suffix changes if the way
	// fingerprints are computed ever does.
	FingerprintKey = "fwaudit/v1"
	// RootURIBaseID is the uriBaseId of artifact locations made from
	// absolute paths: the URI is the path without its leading slash,
	// relative to the file system root the audit ran on (the --root, or /).
	RootURIBaseID = "ROOT"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool       sarifTool      `json:"tool"`
	Results    []sarifResult  `json:"results"`
	Properties map[string]any `json:"properties,omitempty"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifRule struct {
	ID                   string       `json:"id"`
	Name                 string       `json:"name"`
	ShortDescription     sarifText    `json:"shortDescription"`
	FullDescription      sarifText    `json:"fullDescription"`
	Help                 sarifText    `json:"help"`
	DefaultConfiguration sarifDefault `json:"defaultConfiguration"`
}

type sarifDefault struct {
	Level string `json:"level"`
}

type sarifResult struct {
	RuleID              string             `json:"ruleId"`
	RuleIndex           int                `json:"ruleIndex"`
	Level               string             `json:"level"`
	Message             sarifText          `json:"message"`
	Locations           []sarifLocation    `json:"locations,omitempty"`
	PartialFingerprints map[string]string  `json:"partialFingerprints"`
	Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
	Properties          map[string]string  `json:"properties,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation *sarifPhysical `json:"physicalLocation,omitempty"`
	LogicalLocations []sarifLogical `json:"logicalLocations,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

type sarifLogical struct {
	Name               string `json:"name"`
	FullyQualifiedName string `json:"fullyQualifiedName,omitempty"`
	Kind               string `json:"kind"`
}

type sarifSuppression struct {
	Kind  string `json:"kind"`
	State string `json:"state"`
}

// sarifLevel maps a severity to a SARIF level.
func sarifLevel(s Severity) string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	case Info:
		return "note"
	}
	return "none"
}

// writeSARIF writes a SARIF 2.1.0 log with one run. See README.md for the
// mapping.
func writeSARIF(w io.Writer, r *Report, _ Options) error {
	rules := make([]sarifRule, 0, len(r.Rules))
	index := map[string]int{}
	for _, rl := range r.Rules {
		if _, dup := index[rl.ID]; dup {
			continue
		}
		index[rl.ID] = len(rules)
		rules = append(rules, sarifRuleOf(rl))
	}
	// A finding of a rule the report does not describe still gets a rule,
	// so every result has a ruleIndex.
	var unknown []string
	for _, f := range r.Findings.allBrief() {
		if _, ok := index[f.Rule]; !ok && !slices.Contains(unknown, f.Rule) {
			unknown = append(unknown, f.Rule)
		}
	}
	slices.Sort(unknown)
	for _, id := range unknown {
		index[id] = len(rules)
		rules = append(rules, sarifRuleOf(Rule{ID: id, Severity: Warning}))
	}

	props := map[string]any{"schema_version": r.SchemaVersion}
	for k, v := range map[string]string{"profile": r.Profile, "profile_source": r.ProfileSource, "qemu": r.QEMU, "source": r.Source} {
		if v != "" {
			props[k] = v
		}
	}
	log := sarifLog{
		Schema:  SARIFSchemaURI,
		Version: "2.1.0",
		Runs: []sarifRun{{
			Tool: sarifTool{Driver: sarifDriver{
				Name:           firstNonEmpty(r.Tool.Name, "fwaudit"),
				Version:        r.Tool.Version,
				InformationURI: InformationURI,
				Rules:          rules,
			}},
			Results:    []sarifResult{},
			Properties: props,
		}},
	}
	// The results, which grow with the set, are encoded one at a time.
	return jsonstream.Write(w, &log, jsonstream.Array{Path: []string{"runs", "0", "results"}, Len: r.Findings.Len(),
		Elem: func(i int) any { res := sarifResultOf(r.Findings.At(i), index); return &res }})
}

// sarifResultOf makes the result of a finding; index gives each rule's
// ruleIndex.
func sarifResultOf(f Finding, index map[string]int) sarifResult {
	res := sarifResult{
		RuleID:              f.Rule,
		RuleIndex:           index[f.Rule],
		Level:               sarifLevel(f.Severity),
		Message:             sarifText{firstNonEmpty(f.Message, f.Rule)},
		PartialFingerprints: map[string]string{FingerprintKey: f.Fingerprint},
	}
	if loc, ok := sarifLocationOf(f); ok {
		res.Locations = []sarifLocation{loc}
	}
	if f.Suppressed {
		res.Suppressions = []sarifSuppression{{Kind: "external", State: "accepted"}}
	}
	props := map[string]string{}
	for k, v := range map[string]string{"descriptor": f.Descriptor, "pointer": f.Pointer, "subject": f.Subject} {
		if v != "" {
			props[k] = v
		}
	}
	if len(props) > 0 {
		res.Properties = props
	}
	return res
}

func sarifRuleOf(rl Rule) sarifRule {
	short := firstNonEmpty(rl.Summary, rl.ID)
	return sarifRule{
		ID:                   rl.ID,
		Name:                 pascalCase(rl.ID),
		ShortDescription:     sarifText{short},
		FullDescription:      sarifText{firstNonEmpty(rl.Help, short)},
		Help:                 sarifText{firstNonEmpty(rl.Help, short)},
		DefaultConfiguration: sarifDefault{sarifLevel(rl.Severity)},
	}
}

// sarifLocationOf places a finding: in its file when it has one (with the
// line and column when known), and by its subject, or else its
// descriptor, as a logical location.
func sarifLocationOf(f Finding) (sarifLocation, bool) {
	var loc sarifLocation
	if f.File != "" {
		loc.PhysicalLocation = &sarifPhysical{ArtifactLocation: artifactOf(f.File)}
		if f.Line > 0 {
			reg := &sarifRegion{StartLine: f.Line}
			if f.Column > 0 {
				reg.StartColumn = f.Column
			}
			loc.PhysicalLocation.Region = reg
		}
	}
	switch {
	case f.Subject != "":
		loc.LogicalLocations = []sarifLogical{{Name: f.Subject, FullyQualifiedName: f.Subject, Kind: "resource"}}
	case f.File == "" && f.Descriptor != "":
		loc.LogicalLocations = []sarifLogical{{Name: f.Descriptor, Kind: "resource"}}
	}
	return loc, loc.PhysicalLocation != nil || loc.LogicalLocations != nil
}

// artifactOf turns a path into a relative URI reference: an absolute path
// loses its leading slash and is given relative to RootURIBaseID; a
// relative path stays relative (to the working directory). Characters
// that URIs do not allow are percent-encoded.
func artifactOf(p string) sarifArtifact {
	var a sarifArtifact
	clean := path.Clean(p)
	if strings.HasPrefix(clean, "/") {
		clean = strings.TrimLeft(clean, "/")
		a.URIBaseID = RootURIBaseID
		if clean == "" {
			clean = "."
		}
	}
	a.URI = (&url.URL{Path: clean}).String()
	return a
}

// pascalCase turns a kebab-case rule ID into the SARIF rule name style:
// "coverage-gap" becomes "CoverageGap".
func pascalCase(id string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(id, func(r rune) bool { return r == '-' || r == '_' || r == '/' || r == ' ' }) {
		r, n := utf8.DecodeRuneInString(part)
		b.WriteRune(unicode.ToUpper(r))
		b.WriteString(part[n:])
	}
	return b.String()
}
