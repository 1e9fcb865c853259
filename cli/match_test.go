package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/hostinfo"
	"github.com/fwaudit/fwaudit/matcher"
	"github.com/fwaudit/fwaudit/release"
	"github.com/fwaudit/fwaudit/result"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"
)

// testHostPath is the environment variable through which tests give the
// commands the directories that stand for this host's executables. Unset,
// the host has none: tests never run the real host's libvirt or QEMU.
const testHostPath = "FWAUDIT_TEST_HOST_PATH"

// testHost is the host the tests' commands probe.
var testHost = func() release.Prober {
	dirs := []string{}
	if v := os.Getenv(testHostPath); v != "" {
		dirs = filepath.SplitList(v)
	}
	return hostinfo.Prober{Dirs: dirs}
}()

// run runs one command line as fwaudit does, on the test host.
func run(args []string, stdout, stderr io.Writer) int {
	return Run(args, Options{Stdout: stdout, Stderr: stderr, Color: colorFor(stdout), Host: testHost})
}

// testApp is an app whose output goes nowhere.
func testApp() *app { return &app{stdout: io.Discard, stderr: io.Discard, host: testHost} }

// casesDir holds the conformance cases recorded from real libvirt.
const casesDir = "../conformance/testdata/cases"

// recordedVersions maps the answer sections to the --libvirt flag that
// predicts them.
var recordedVersions = []struct{ section, libvirt, profile string }{
	{"answer/libvirt9.json", "9.0", "libvirt-9.0"},
	{"answer/libvirt10.json", "10.0", "libvirt-10.0"},
	{"answer/libvirt11.json", "11.3", "libvirt-11.3"},
	{"answer/libvirt12.json", "12.8", "libvirt-12.8"},
}

// answerFields are the oracle's fields that "match --format json" predicts;
// on failure the oracle reports only the first group.
var (
	failureFields = []string{"ok", "error", "stage", "descriptor", "descriptor_path"}
	crashFields   = []string{"ok", "stage", "daemon_crashed", "descriptor", "descriptor_path"}
	successFields = []string{"ok", "error", "descriptor", "descriptor_path", "os_firmware", "firmware_features",
		"loader", "nvram", "smm", "kernel"}
)

// TestMatchRecorded runs "fwaudit match --root ... --domain ... --libvirt
// V --format json" on the recorded conformance cases and compares its JSON
// with the answer real libvirt V gave, field by field: a prediction and an
// oracle answer diff directly. Pairs listed in the conformance suite's
// known-divergences.txt are skipped.
func TestMatchRecorded(t *testing.T) {
	known := readKnownDivergences(t)
	files, err := filepath.Glob(filepath.Join(casesDir, "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 10 {
		t.Fatalf("only %d cases in %s", len(files), casesDir)
	}
	var mu sync.Mutex
	compared := map[string]int{}
	startTexts := map[bool]int{} // start refusals whose text was checked, by existing
	t.Cleanup(func() {
		if startTexts[false] == 0 || startTexts[true] == 0 {
			t.Errorf("start refusals' text checked: %d after a define, %d after a load; want some of each", startTexts[false], startTexts[true])
		}
		for _, v := range recordedVersions {
			t.Logf("%s: %d recorded answers compared", v.profile, compared[v.profile])
			if compared[v.profile] < 10 {
				t.Errorf("%s: only %d recorded answers compared", v.profile, compared[v.profile])
			}
		}
	})
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			extractCase(t, ar, dir)
			for _, v := range recordedVersions {
				want := recordedAnswer(t, ar, v.section)
				if want == nil || known[name+" "+v.profile] {
					continue
				}
				domain, root, existing := filepath.Join(dir, "domain.xml"), filepath.Join(dir, "root"), existingCase(ar)
				if upgradeCase(ar) {
					// A firmware upgrade: the definition the define over
					// define-root/ stores is what "match --existing" is
					// given over the upgraded root/; a define that fails
					// is the answer.
					domain, root, existing = storedDefinition(t, dir, v.profile)
				}
				args := []string{"match", "--root", root, "--domain", domain,
					"--libvirt", v.libvirt, "--format", "json"}
				if existing {
					args = append(args, "--existing")
				}
				var stdout, stderr bytes.Buffer
				code := run(args, &stdout, &stderr)
				var got map[string]any
				if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
					t.Fatalf("%s: exit %d, output is not JSON: %v\nstdout:\n%s\nstderr:\n%s", v.profile, code, err, &stdout, &stderr)
				}
				if err := result.ValidateJSON(result.KindMatch, stdout.Bytes()); err != nil {
					t.Errorf("%s: the output does not follow the match schema: %v", v.profile, err)
				}
				wantCode := exitOK
				if want["ok"] != true || got["start"] != nil {
					// Refused, at define or (after a define the
					// answer shows) at the first start.
					wantCode = exitFindings
				}
				if code != wantCode {
					t.Errorf("%s: exit code %d, want %d (stderr: %s)", v.profile, code, wantCode, &stderr)
				}
				if got["profile"] != v.profile || got["profile_source"] != string(release.Flag) {
					t.Errorf("%s: profile %v (%v), want %s (flag)", v.profile, got["profile"], got["profile_source"], v.profile)
				}
				if got["qemu_source"] != string(release.Profile) {
					t.Errorf("%s: qemu_source %v, want %s: a --root is not this host", v.profile, got["qemu_source"], release.Profile)
				}
				fields := successFields
				switch {
				case want["daemon_crashed"] == true:
					fields = crashFields // virsh's message names a temporary file
				case want["ok"] != true:
					fields = failureFields
				}
				for _, f := range fields {
					if diff := cmp.Diff(want[f], got[f]); diff != "" {
						t.Errorf("%s: %q differs from libvirt's answer (-libvirt +fwaudit):\n%s", v.profile, f, diff)
					}
				}
				if got["start"] != nil {
					// The text names what the start came after.
					after := "(at start, after the define)"
					if existing {
						after = "(at start, after loading the stored definition)"
					}
					stdout.Reset()
					run(append(args[:len(args):len(args)], "--format", "text"), &stdout, &stderr)
					if !strings.Contains(stdout.String(), after) {
						t.Errorf("%s: text output lacks %q:\n%s", v.profile, after, &stdout)
					}
					mu.Lock()
					startTexts[existing]++
					mu.Unlock()
				}
				mu.Lock()
				compared[v.profile]++
				mu.Unlock()
			}
		})
	}
}

// readKnownDivergences reads the conformance suite's list of "case profile"
// pairs where fwaudit still disagrees with libvirt.
func readKnownDivergences(t *testing.T) map[string]bool {
	t.Helper()
	data, err := os.ReadFile("../conformance/testdata/known-divergences.txt")
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, line := range strings.Split(string(data), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			known[strings.Join(strings.Fields(line), " ")] = true
		}
	}
	return known
}

// recordedAnswer decodes one answer section, or returns nil when the case
// has none.
func recordedAnswer(t *testing.T, ar *txtar.Archive, section string) map[string]any {
	t.Helper()
	for _, f := range ar.Files {
		if f.Name != section {
			continue
		}
		var a map[string]any
		if err := json.Unmarshal(f.Data, &a); err != nil {
			t.Fatalf("%s: %v", section, err)
		}
		return a
	}
	return nil
}

// upgradeCase reports whether the case is a firmware upgrade under a stored
// domain: it has define-root/ sections (conformance/README.md).
func upgradeCase(ar *txtar.Archive) bool {
	for _, f := range ar.Files {
		if strings.HasPrefix(f.Name, "define-root/") {
			return true
		}
	}
	return false
}

// storedDefinition writes the definition libvirt stores when the case's
// domain.xml is defined over dir/define-root, as fwaudit predicts it (the
// define's selection applied; a release that selects at start stores the
// domain as given), and returns its path, with the upgraded root and
// existing set. When that define fails, it returns the new domain, the
// define root and existing unset: the define's failure is the answer.
func storedDefinition(t *testing.T, dir, profile string) (domain, root string, existing bool) {
	t.Helper()
	p, ok := matcher.ProfileNamed(profile)
	if !ok {
		t.Fatalf("no profile %s", profile)
	}
	data, err := os.ReadFile(filepath.Join(dir, "domain.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if !p.Selection.AtStart {
		root := filepath.Join(dir, "define-root")
		set, err := descriptor.Load(descriptor.Options{Root: root, Rules: p.Rules})
		if err != nil {
			t.Fatal(err)
		}
		dom, req, err := matcher.ParseDomain(data)
		if err != nil {
			t.Fatal(err)
		}
		d := matcher.Match(set, req, p, matcher.MatchOptions{})
		if !d.Defined() {
			return filepath.Join(dir, "domain.xml"), root, false
		}
		d.Apply(dom)
		xml, err := dom.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		data = []byte(xml)
	}
	out := filepath.Join(dir, "stored-"+profile+".xml")
	if err := os.WriteFile(out, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return out, filepath.Join(dir, "root"), true
}

// existingCase reports whether the case's comment says "existing: true".
func existingCase(ar *txtar.Archive) bool {
	for _, line := range strings.Split(string(ar.Comment), "\n") {
		if strings.TrimSpace(line) == "existing: true" {
			return true
		}
	}
	return false
}

// extractCase writes a case's domain.xml and root/ tree under dir as the
// conformance recorder does (see conformance/README.md): both firmware
// directories always exist, root/ sections are files (empty ones mask), and
// each line "root/DIR/NAME -> TARGET" of the symlinks section is a symlink
// with a relative target.
func extractCase(t *testing.T, ar *txtar.Archive, dir string) {
	t.Helper()
	for _, d := range []string{"root/usr/share/qemu/firmware", "root/etc/qemu/firmware"} {
		if err := os.MkdirAll(filepath.Join(dir, filepath.FromSlash(d)), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range ar.Files {
		switch {
		case f.Name == "domain.xml" || strings.HasPrefix(f.Name, "root/") || strings.HasPrefix(f.Name, "define-root/"):
			if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, filepath.FromSlash(f.Name))), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(f.Name)), f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		case f.Name == "symlinks":
			for _, line := range strings.Split(string(f.Data), "\n") {
				line = strings.TrimSpace(line)
				if line == "" || strings.HasPrefix(line, "#") {
					continue
				}
				link, target, ok := strings.Cut(line, " -> ")
				link, target = strings.TrimSpace(link), strings.TrimSpace(target)
				if !ok || !(strings.HasPrefix(link, "root/") || strings.HasPrefix(link, "define-root/")) || path.IsAbs(target) {
					t.Fatalf("symlinks: bad line %q", line)
				}
				if err := os.Symlink(target, filepath.Join(dir, filepath.FromSlash(link))); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}
