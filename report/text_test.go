package report

import (
	"regexp"
	"strings"
	"testing"
	"unicode"
)

// verdictLine matches a check line: CHECK, padding, " : ", a word, and an
// optional reason in parentheses.
var verdictLine = regexp.MustCompile(`^(.*?)( +)?: (PASS|WARN|FAIL|INFO|SKIP)( \(.*\))?$`)

func TestTextLayout(t *testing.T) {
	for _, fx := range fixtures {
		for _, opts := range []Options{{}, {Quiet: true}} {
			out := string(render(t, fx.make(), Text, opts))
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			colon := -1
			for i, l := range lines {
				if strings.ContainsFunc(l, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }) {
					t.Errorf("%s: line %d holds a control or format character: %q", fx.name, i+1, l)
				}
				m := verdictLine.FindStringSubmatch(l)
				if m == nil {
					continue
				}
				if opts.Quiet && m[3] != "WARN" && m[3] != "FAIL" && !strings.HasPrefix(l, "Summary ") {
					t.Errorf("%s quiet: shows a %s line: %q", fx.name, m[3], l)
				}
				// The colons line up on screen.
				at := displayWidth(l[:len(m[1])+len(m[2])])
				if colon >= 0 && at != colon {
					t.Errorf("%s: line %d has its colon at column %d, others at %d:\n%s", fx.name, i+1, at, colon, out)
				}
				colon = at
			}
			// The header, then the verdict, in quiet output too.
			if len(lines) < 2 || !strings.HasPrefix(lines[0], "fwaudit") || !strings.HasPrefix(lines[1], "Summary ") {
				t.Errorf("%s (quiet %v): the header and the summary do not come first:\n%s", fx.name, opts.Quiet, out)
			}
		}
	}
}

// TestTextVerdicts checks the verdict of each kind of check in the
// problems report.
func TestTextVerdicts(t *testing.T) {
	out := string(render(t, problemsReport(), Text, Options{}))
	want := map[string]string{
		"55-broken.json lint-libvirt-rejects":                                        "FAIL (unknown firmware device 'cdrom')",
		"60-edk2-x86_64.json lint-nvram-template-format":                             "WARN (nvram-template is qcow2 but executable is raw)",
		"40-edk2-x86_64-secure-enrolled.json lint-enrolled-keys-without-secure-boot": "INFO (enrolled-keys is listed without secure-boot)",
		"/etc/qemu/firmware/50-edk2-x86_64-secure.json lint-missing-executable":      "SKIP (suppressed: executable /usr/share/OVMF/OVMF_CODE_4M.secboot.fd does not exist)",
		"/usr/share/qemu/firmware/50-edk2-x86_64-secure.json":                        "SKIP (overridden)",
		"70-masked.json":         "SKIP (masked)",
		"x86_64 q35 uefi":        "PASS (60-edk2-x86_64.json)",
		"x86_64 q35 secure-boot": "PASS (50-edk2-x86_64-secure.json)",
		"x86_64 q35 amd-sev-es":  "FAIL (no descriptor provides amd-sev-es)",
		"x86_64 pc uefi":         "WARN (60-edk2-x86_64.json lacks requires-smm)",
		"db1":                    "PASS (keeps 60-edk2-x86_64.json)",
		"web1":                   "WARN (rebuild selects 60-edk2-x86_64.json instead of 50-edk2-x86_64-secure.json)",
		"sev1":                   "FAIL (Unable to find 'efi' firmware that is compatible with the current configuration)",
		"Summary":                "FAIL (3 errors, 3 warnings, 1 info, 1 suppressed)",
	}
	got := textChecks(out)
	for check, v := range want {
		if got[check] != v {
			t.Errorf("%q: got %q, want %q", check, got[check], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d checks, want %d:\n%s", len(got), len(want), out)
	}
}

// TestTextWithoutFindings judges cells and domains from their own data
// when no finding names them.
func TestTextWithoutFindings(t *testing.T) {
	r := problemsReport()
	r.Findings = Findings{}
	got := textChecks(string(render(t, r, Text, Options{})))
	for check, want := range map[string]string{
		"x86_64 q35 amd-sev-es": "FAIL (Unable to find 'efi' firmware that is compatible with the current configuration)",
		"x86_64 pc uefi":        "WARN (60-edk2-x86_64.json lacks requires-smm)",
		"55-broken.json":        "FAIL (invalid)",
		"/etc/qemu/firmware/50-edk2-x86_64-secure.json": "PASS",
		"web1":    "WARN (rebuild selects 60-edk2-x86_64.json instead of 50-edk2-x86_64-secure.json)",
		"sev1":    "FAIL (Unable to find 'efi' firmware that is compatible with the current configuration)",
		"db1":     "PASS (keeps 60-edk2-x86_64.json)",
		"Summary": "PASS (0 errors, 0 warnings, 0 info, 0 suppressed)",
	} {
		if got[check] != want {
			t.Errorf("%q: got %q, want %q", check, got[check], want)
		}
	}
}

// textChecks maps each check of a text report to its verdict.
func textChecks(out string) map[string]string {
	got := map[string]string{}
	for _, l := range strings.Split(out, "\n") {
		if m := verdictLine.FindStringSubmatch(l); m != nil {
			got[strings.TrimSpace(m[1])] = m[3] + m[4]
		}
	}
	return got
}

// TestTextDomainNames: two domains with one name are told apart by file.
func TestTextDomainNames(t *testing.T) {
	r := &Report{Tool: Tool{Name: "fwaudit"}, Domains: []DomainImpact{
		{Name: "web", File: "/a/web.xml"}, {Name: "web", File: "/b/web.xml"}, {Name: "db", File: "/a/db.xml"},
	}}
	got := textChecks(string(render(t, r, Text, Options{})))
	for _, check := range []string{"web (/a/web.xml)", "web (/b/web.xml)", "db"} {
		if _, ok := got[check]; !ok {
			t.Errorf("no check %q in %v", check, got)
		}
	}
}

func TestTextColor(t *testing.T) {
	plain := string(render(t, problemsReport(), Text, Options{}))
	color := string(render(t, problemsReport(), Text, Options{Color: true}))
	if strings.Contains(plain, "\x1b") {
		t.Errorf("plain output holds escapes")
	}
	for word, code := range map[string]string{"PASS": "32", "WARN": "33", "FAIL": "31"} {
		if !strings.Contains(color, ": \x1b["+code+"m"+word+"\x1b[0m") {
			t.Errorf("colored output lacks a %s in color %s", word, code)
		}
	}
	for _, word := range []string{"INFO", "SKIP"} {
		if !strings.Contains(color, ": "+word+" (") {
			t.Errorf("colored output paints %s", word)
		}
	}
	stripped := regexp.MustCompile("\x1b\\[[0-9]+m").ReplaceAllString(color, "")
	if stripped != plain {
		t.Errorf("colored output differs from plain output beyond the escapes")
	}
}

func TestDisplayWidth(t *testing.T) {
	for s, want := range map[string]int{"": 0, "abc": 3, "固件": 4, "ü": 1, "ｆｗ": 4} {
		if got := displayWidth(s); got != want {
			t.Errorf("displayWidth(%q) = %d, want %d", s, got, want)
		}
	}
}
