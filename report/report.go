// Package report holds the value an audit produces and renders it. The JSON
// form is canonical and versioned by SchemaVersion; the text, SARIF, JUnit
// and Prometheus renderers are all fed from the same Report value.
package report

// SchemaVersion versions the JSON report. It changes only when a field is
// removed or its meaning changes; new fields may appear within a version.
const SchemaVersion = 1

// Severity ranks a finding.
type Severity string

// Severities, from the most to the least severe.
const (
	Error   Severity = "error"
	Warning Severity = "warning"
	Info    Severity = "info"
)

// Rank orders severities: error 3, warning 2, info 1, anything else 0.
func (s Severity) Rank() int {
	switch s {
	case Error:
		return 3
	case Warning:
		return 2
	case Info:
		return 1
	}
	return 0
}

// Report is the result of one audit.
type Report struct {
	SchemaVersion int `json:"schema_version"`
	// Tool names the program and its version.
	Tool Tool `json:"tool"`
	// Profile is the libvirt profile the audit predicted with
	// ("libvirt-12.8"), ProfileSource how it was chosen: "flag",
	// "detected" or "default".
	Profile       string `json:"profile"`
	ProfileSource string `json:"profile_source"`
	// ProfileNote says why, for people ("ubuntu-24.04 ships libvirt 10.0.0").
	ProfileNote string `json:"profile_note,omitempty"`
	// QEMU is the QEMU version used to canonicalise machine aliases, or "".
	// A report merged over releases that used different versions names
	// each, comma-separated, in Profile's order ("7.2,8.2+ubuntu,10.0,11.1").
	QEMU string `json:"qemu,omitempty"`
	// Source describes the descriptor set: a --root, a bundled distro
	// ("distro:ubuntu-24.04"), "host" or the --dir list.
	Source string `json:"source"`
	// Dirs are the directories scanned, lowest precedence first.
	Dirs []string `json:"dirs"`
	// Descriptors are the entries of the set in libvirt's order.
	Descriptors []Descriptor `json:"descriptors"`
	// Rules are the rules that ran, sorted by ID.
	Rules []Rule `json:"rules"`
	// Findings are sorted by libvirt's descriptor order, then rule ID,
	// then subject.
	Findings Findings `json:"findings"`
	// Coverage is the predicted firmware per arch, machine family and
	// feature set.
	Coverage []Coverage `json:"coverage"`
	// Domains is the impact on the domains given to the audit.
	Domains []DomainImpact `json:"domains,omitempty"`
	// Summary counts the findings.
	Summary Summary `json:"summary"`
}

// Tool names the program that wrote the report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Descriptor is one entry of the set.
type Descriptor struct {
	Name   string `json:"name"`
	Path   string `json:"path"`
	Status string `json:"status"` // descriptor.Status values: active, invalid, mask, masked, overridden, ignored, error
}

// Rule describes one audit rule.
type Rule struct {
	// ID is stable kebab-case ("coverage-gap", "lint-missing-executable").
	ID       string   `json:"id"`
	Severity Severity `json:"severity"` // the default severity
	Summary  string   `json:"summary"`  // one line
	Help     string   `json:"help"`     // the long explanation, plain text
}

// Finding is one rule firing on one subject.
type Finding struct {
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
	// Descriptor is the base name of the descriptor concerned, if any;
	// File is the path of the file concerned (as libvirt sees it, inside
	// the root), Line and Column a position in it (1-based, 0 unknown),
	// Pointer a JSON pointer into it.
	Descriptor string `json:"descriptor,omitempty"`
	File       string `json:"file,omitempty"`
	Line       int    `json:"line,omitempty"`
	Column     int    `json:"column,omitempty"`
	Pointer    string `json:"pointer,omitempty"`
	// Subject names what the finding is about when it is not (only) a
	// file: a coverage cell "x86_64/q35/amd-sev-es" or a domain name.
	Subject string `json:"subject,omitempty"`
	// Fingerprint is stable across runs for the same rule and subject
	// (it never includes line numbers), for SARIF partialFingerprints.
	Fingerprint string `json:"fingerprint"`
	// Suppressed is set when an override matched the finding; suppressed
	// findings are kept in the report but do not count towards --fail-on.
	Suppressed bool `json:"suppressed,omitempty"`
}

// Coverage is the prediction for one cell of the coverage matrix.
type Coverage struct {
	Arch    string `json:"arch"`
	Machine string `json:"machine"` // the family as requested: "q35", "pc", "microvm", "virt"
	// FeatureSet names the request ("uefi", "secure-boot",
	// "secure-boot+enrolled-keys", "amd-sev-es", "bios", ...).
	FeatureSet string `json:"feature_set"`
	// Status is "ok", "gap" (no firmware; libvirt would fail) or
	// "degraded" (a firmware is chosen but lacks something the guest needs).
	Status string `json:"status"`
	// Descriptor, Executable and NVRAMTemplate describe the chosen firmware.
	Descriptor    string `json:"descriptor,omitempty"`
	Executable    string `json:"executable,omitempty"`
	NVRAMTemplate string `json:"nvram_template,omitempty"`
	// Lacks lists what the chosen firmware does not provide (degraded).
	Lacks []string `json:"lacks,omitempty"`
	// Error is libvirt's error text for a gap.
	Error string `json:"error,omitempty"`
	// DaemonCrashed: libvirt's daemon crashes on this guest instead of
	// answering (a gap; Error is what the client sees).
	DaemonCrashed bool `json:"daemon_crashed,omitempty"`
	// Required is set when --require named this feature set.
	Required bool `json:"required,omitempty"`
}

// Choice is a firmware choice for a domain.
type Choice struct {
	Descriptor    string `json:"descriptor,omitempty"`
	Loader        string `json:"loader,omitempty"`
	NVRAMTemplate string `json:"nvram_template,omitempty"`
	// Error is set when no firmware can be chosen.
	Error string `json:"error,omitempty"`
}

// DomainImpact says what happens to one domain's firmware.
type DomainImpact struct {
	Name string `json:"name"`
	File string `json:"file"`
	// Current is the firmware the domain's XML names now.
	Current Choice `json:"current"`
	// Regenerated is what libvirt selects when the XML is built afresh
	// (rebuild, resize, cold migration, evacuate, unshelve under nova 2026.1).
	Regenerated Choice `json:"regenerated"`
	// NovaLegacy is what nova's own selection before 2026.1 picked.
	NovaLegacy *Choice `json:"nova_legacy,omitempty"`
	// HardRebootKeeps reports whether a hard reboot keeps the current
	// files (nova keeps them unless a file is gone or the secure-boot
	// request changed); HardRebootReason says why not.
	HardRebootKeeps  bool   `json:"hard_reboot_keeps"`
	HardRebootReason string `json:"hard_reboot_reason,omitempty"`
	// Changes is set when Regenerated differs from Current.
	Changes bool `json:"changes"`
}

// Summary counts unsuppressed findings by severity.
type Summary struct {
	Errors     int `json:"errors"`
	Warnings   int `json:"warnings"`
	Infos      int `json:"infos"`
	Suppressed int `json:"suppressed"`
}

// Format names an output format.
type Format string

// The formats Write renders.
const (
	JSON       Format = "json"
	Text       Format = "text"
	SARIF      Format = "sarif"
	JUnit      Format = "junit"
	Prometheus Format = "prometheus"
)

// Options tune rendering.
type Options struct {
	// Color enables ANSI color in text output (the caller decides: a TTY
	// and no NO_COLOR).
	Color bool
	// Quiet limits text output to failures and warnings.
	Quiet bool
}
