package descriptor

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

// desc returns a minimal valid descriptor whose executable path is exe.
func desc(exe string) string {
	return `{"description":"t","interface-types":["uefi"],"mapping":{"device":"flash",` +
		`"executable":{"filename":"` + exe + `","format":"raw"},"nvram-template":{"filename":"/v","format":"raw"}},` +
		`"targets":[{"architecture":"x86_64","machines":["pc-q35-*"]}],"features":[],"tags":[]}`
}

// tree builds files under dir: a value starting with "->" makes a symlink,
// "fifo" a named pipe, "dir" a directory.
func tree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		var err error
		switch {
		case strings.HasPrefix(content, "->"):
			err = os.Symlink(strings.TrimPrefix(content, "->"), p)
		case content == "fifo":
			err = syscall.Mkfifo(p, 0o644)
		case content == "dir":
			err = os.Mkdir(p, 0o755)
		default:
			err = os.WriteFile(p, []byte(content), 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

// row is the part of an Entry the table tests compare.
type row struct {
	Name, Dir string
	Status    Status
	Exe       string // executable filename, for active entries
}

func rows(s *Set) []row {
	var out []row
	for _, e := range s.Entries {
		r := row{Name: e.Name, Dir: e.Dir, Status: e.Status}
		if e.Descriptor != nil && e.Descriptor.Mapping.Executable != nil && e.Status == StatusActive {
			r.Exe = e.Descriptor.Mapping.Executable.Filename
		}
		out = append(out, r)
	}
	return out
}

const (
	usr = "/usr/share/qemu/firmware"
	etc = "/etc/qemu/firmware"
)

func TestLoadDiscovery(t *testing.T) {
	root := t.TempDir()
	tree(t, root, map[string]string{
		"usr/share/qemu/firmware/50-a.json":         desc("/usr-a"),
		"usr/share/qemu/firmware/50-b.json":         desc("/usr-b"),
		"usr/share/qemu/firmware/60-masked.json":    desc("/usr-masked"),
		"usr/share/qemu/firmware/9-late.json":       desc("/nine"),
		"usr/share/qemu/firmware/10-early.json":     desc("/ten"),
		"usr/share/qemu/firmware/Upper.json":        desc("/upper"),
		"usr/share/qemu/firmware/.hidden.json":      desc("/hidden"),
		"usr/share/qemu/firmware/70-notes.txt":      desc("/txt"),
		"usr/share/qemu/firmware/80-fifo.json":      "fifo",
		"usr/share/qemu/firmware/85-dir.json":       "dir",
		"usr/share/qemu/firmware/95-bad.json":       `{"interface-types":["uefi"]`,
		"etc/qemu/firmware/50-b.json":               desc("/etc-b"),
		"etc/qemu/firmware/60-masked.json":          "",
		"etc/qemu/firmware/20-alias.json":           "->../../../usr/share/qemu/firmware/50-a.json",
		"etc/qemu/firmware/85-dir.json":             desc("/etc-dir"),
		"etc/qemu/firmware/.editor.swp":             "junk",
		"home/u/.config/qemu/firmware/50-a.json":    desc("/home-a"),
		"home/u/.config/qemu/firmware/99-only.json": desc("/home-only"),
	})
	set, err := Load(Options{Root: root})
	if err != nil {
		t.Fatal(err)
	}
	want := []row{
		{".editor.swp", etc, StatusIgnored, ""},
		{".hidden.json", usr, StatusIgnored, ""},
		{"10-early.json", usr, StatusActive, "/ten"},
		{"20-alias.json", etc, StatusActive, "/usr-a"},
		{"50-a.json", usr, StatusActive, "/usr-a"},
		{"50-b.json", etc, StatusActive, "/etc-b"},
		{"50-b.json", usr, StatusOverridden, ""},
		{"60-masked.json", etc, StatusMask, ""},
		{"60-masked.json", usr, StatusMasked, ""},
		{"70-notes.txt", usr, StatusActive, "/txt"},
		{"80-fifo.json", usr, StatusIgnored, ""},
		{"85-dir.json", etc, StatusActive, "/etc-dir"},
		{"85-dir.json", usr, StatusIgnored, ""},
		{"9-late.json", usr, StatusActive, "/nine"},
		{"95-bad.json", usr, StatusInvalid, ""},
		{"Upper.json", usr, StatusActive, "/upper"},
	}
	// The table is in byte order: "." < digits < uppercase, "9-" < "95",
	// and within one name the winner comes first.
	if diff := cmp.Diff(want, rows(set)); diff != "" {
		t.Errorf("entries mismatch (-want +got):\n%s", diff)
	}
	if le := set.LookupError(); le != nil {
		t.Errorf("LookupError = %v, want nil", le)
	}
	var got []string
	for _, e := range set.Effective() {
		got = append(got, e.Path)
	}
	wantEff := []string{etc + "/20-alias.json", usr + "/10-early.json", usr + "/50-a.json", etc + "/50-b.json",
		usr + "/70-notes.txt", etc + "/85-dir.json", usr + "/9-late.json", usr + "/95-bad.json", usr + "/Upper.json"}
	wantEff = sortPathsByName(wantEff)
	if diff := cmp.Diff(wantEff, got); diff != "" {
		t.Errorf("Effective mismatch (-want +got):\n%s", diff)
	}
	byPath := map[string]*Entry{}
	for _, e := range set.Entries {
		byPath[e.Path] = e
	}
	if e := byPath[etc+"/50-b.json"]; !cmp.Equal(e.Overrides, []string{usr + "/50-b.json"}) {
		t.Errorf("50-b overrides %v", e.Overrides)
	}
	if e := byPath[usr+"/60-masked.json"]; e.HiddenBy != etc+"/60-masked.json" {
		t.Errorf("60-masked hidden by %q", e.HiddenBy)
	}
	if e := byPath[etc+"/20-alias.json"]; e.Target != usr+"/50-a.json" {
		t.Errorf("20-alias target %q", e.Target)
	}
	if e := byPath[usr+"/70-notes.txt"]; !e.NotJSON {
		t.Errorf("70-notes.txt not flagged NotJSON")
	}
	if e := byPath[usr+"/95-bad.json"]; e.Libvirt == nil || e.Libvirt.Msg != "unable to parse json file '"+usr+"/95-bad.json'" {
		t.Errorf("95-bad libvirt verdict = %v", e.Libvirt)
	}

	// A session daemon adds the user's directory on top.
	set, err = Load(Options{Root: root, Session: true, ConfigHome: "/home/u/.config"})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range set.Effective() {
		if e.Name == "50-a.json" && e.Path != "/home/u/.config/qemu/firmware/50-a.json" {
			t.Errorf("session: 50-a.json from %s, want the user's directory", e.Path)
		}
	}
	if n := len(set.Effective()); n != 10 {
		t.Errorf("session: %d effective entries, want 10", n)
	}
}

func sortPathsByName(ps []string) []string {
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && filepath.Base(ps[j]) < filepath.Base(ps[j-1]); j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
	return ps
}

// TestLoadLookupErrors covers entries that make libvirt abort the whole
// lookup: a dangling symlink and a symlink loop.
func TestLoadLookupErrors(t *testing.T) {
	for _, tt := range []struct {
		name, link, want string
	}{
		{"dangling", "->/nowhere.json", "/etc/qemu/firmware/10-x.json: Unable to access /etc/qemu/firmware/10-x.json: No such file or directory"},
		{"loop", "->10-x.json", "/etc/qemu/firmware/10-x.json: Unable to access /etc/qemu/firmware/10-x.json: Too many levels of symbolic links"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			tree(t, root, map[string]string{
				"etc/qemu/firmware/10-x.json": tt.link,
				"etc/qemu/firmware/20-y.json": desc("/y"),
			})
			set, err := Load(Options{Root: root})
			if err != nil {
				t.Fatal(err)
			}
			le := set.LookupError()
			if le == nil || le.Error() != tt.want {
				t.Errorf("LookupError = %v, want %s", le, tt.want)
			}
			// The other entry is still loaded and judged.
			if eff := set.Effective(); len(eff) != 1 || eff[0].Name != "20-y.json" || eff[0].Status != StatusActive {
				t.Errorf("Effective = %v", rows(set))
			}
		})
	}
}

// TestLoadRootConfinement checks that nothing outside Root is read, whatever
// the symlinks say.
func TestLoadRootConfinement(t *testing.T) {
	outside := t.TempDir()
	tree(t, outside, map[string]string{"secret.json": desc("/SECRET")})
	root := t.TempDir()
	rel, err := filepath.Rel(filepath.Join(root, "etc/qemu/firmware"), filepath.Join(outside, "secret.json"))
	if err != nil {
		t.Fatal(err)
	}
	tree(t, root, map[string]string{
		"etc/qemu/firmware/10-abs.json":        "->" + filepath.Join(outside, "secret.json"),
		"etc/qemu/firmware/20-rel.json":        "->" + rel,
		"etc/qemu/firmware/30-up.json":         "->../../../../../../../../secret.json",
		"etc/qemu/firmware/40-in.json":         "->/usr/share/qemu/firmware/50-real.json",
		"usr/share/qemu/firmware/50-real.json": desc("/inside"),
		"secret.json":                          desc("/root-secret"),
	})
	set, err := Load(Options{Root: root})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, e := range set.Entries {
		v := string(e.Status)
		if e.Status == StatusActive {
			v = e.Descriptor.Mapping.Executable.Filename
		}
		got[e.Name] = v
	}
	want := map[string]string{
		// An absolute link outside the root resolves inside it, where
		// nothing of that name exists.
		"10-abs.json": "error",
		// A relative link climbing out stops at the root: "/../x" is "/x".
		"20-rel.json":  "error",
		"30-up.json":   "/root-secret",
		"40-in.json":   "/inside",
		"50-real.json": "/inside",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
	for _, e := range set.Entries {
		if e.Descriptor != nil && e.Descriptor.Mapping.Executable.Filename == "/SECRET" {
			t.Fatalf("read %s from outside the root", e.Path)
		}
	}
}

// deniedFS wraps an fs.FS and fails with EACCES on the named paths, as a
// non-root user would see; tests run as root, where chmod denies nothing.
type deniedFS struct {
	fs.FS
	denied map[string]bool
}

func (d deniedFS) Open(name string) (fs.File, error) {
	if d.denied[name] {
		return nil, &fs.PathError{Op: "open", Path: name, Err: syscall.EACCES}
	}
	return d.FS.Open(name)
}

// Stat succeeds on denied files, as stat(2) does on a file the user may not
// read.
func (d deniedFS) Stat(name string) (fs.FileInfo, error) { return fs.Stat(d.FS, name) }

func TestLoadUnreadable(t *testing.T) {
	mapfs := fstest.MapFS{
		"usr/share/qemu/firmware/50-a.json": {Data: []byte(desc("/a"))},
		"etc/qemu/firmware/60-b.json":       {Data: []byte(desc("/b"))},
		"etc/qemu/firmware/70-c.json":       {Data: []byte(desc("/c"))},
	}
	set, err := Load(Options{FS: deniedFS{mapfs, map[string]bool{"usr/share/qemu/firmware": true, "etc/qemu/firmware/70-c.json": true}}})
	if err != nil {
		t.Fatal(err)
	}
	le := set.LookupError()
	if le == nil || le.Error() != "/usr/share/qemu/firmware: cannot read directory: permission denied" {
		t.Errorf("LookupError = %v", le)
	}
	want := []row{
		{"60-b.json", etc, StatusActive, "/b"},
		{"70-c.json", etc, StatusInvalid, ""},
	}
	if diff := cmp.Diff(want, rows(set)); diff != "" {
		t.Errorf("entries mismatch (-want +got):\n%s", diff)
	}
	if e := set.Entries[1]; e.Problems.Error() != "/etc/qemu/firmware/70-c.json: permission denied" {
		t.Errorf("70-c problems = %v", e.Problems)
	}
}

func TestLoadSizeCap(t *testing.T) {
	root := t.TempDir()
	big := `{"description":"` + strings.Repeat("x", 2<<20) + `"}`
	tree(t, root, map[string]string{"etc/qemu/firmware/50-big.json": big, "etc/qemu/firmware/60-ok.json": desc("/ok")})
	set, err := Load(Options{Root: root})
	if err != nil {
		t.Fatal(err)
	}
	want := []row{{"50-big.json", etc, StatusInvalid, ""}, {"60-ok.json", etc, StatusActive, "/ok"}}
	if diff := cmp.Diff(want, rows(set)); diff != "" {
		t.Errorf("entries mismatch (-want +got):\n%s", diff)
	}
	if e := set.Entries[0]; e.Data != nil || !strings.Contains(e.Problems.Error(), "larger than the 1048576 bytes libvirt reads") {
		t.Errorf("50-big: data %d bytes, problems %v", len(e.Data), e.Problems)
	}
}

func TestLoadExplicitDirs(t *testing.T) {
	root := t.TempDir()
	tree(t, root, map[string]string{
		"low/50-x.json":  desc("/low"),
		"high/50-x.json": desc("/high"),
		"high/60-y.json": desc("/y"),
	})
	set, err := Load(Options{Dirs: []string{filepath.Join(root, "low"), filepath.Join(root, "high"), filepath.Join(root, "missing")}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range set.Effective() {
		got = append(got, e.Descriptor.Mapping.Executable.Filename)
	}
	if !cmp.Equal(got, []string{"/high", "/y"}) {
		t.Errorf("effective = %v, want [/high /y]", got)
	}
	if d := set.Dirs[2]; d.Exists || d.Err != nil {
		t.Errorf("missing dir = %+v, want silently absent", d)
	}
}

// TestLoadLibvirtPrecedence loads libvirt's own precedence fixture
// (tests/qemufirmwaredata, rebuilt in ../conformance/upstream) and expects
// the lookup order libvirt's qemufirmwaretest expects: /etc overrides by
// name, byte-wise order, the masked file hidden, the /etc symlinks listed
// under their own names, the invalid file listed (discovery does not parse).
func TestLoadLibvirtPrecedence(t *testing.T) {
	set, err := Load(Options{Root: "../conformance/upstream/qemufirmwaredata"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range set.Entries {
		if e.Status == StatusActive || e.Status == StatusInvalid {
			got = append(got, e.Path)
		}
	}
	u := "/usr/share/qemu/firmware/"
	want := []string{
		"/etc/qemu/firmware/20-libvirt-bios.json",
		u + "30-edk2-ovmf-4m-qcow2-x64-sb-enrolled.json", u + "31-edk2-ovmf-2m-raw-x64-sb-enrolled.json",
		u + "40-edk2-ovmf-4m-qcow2-x64-sb.json", u + "41-edk2-ovmf-2m-raw-x64-sb.json",
		u + "50-edk2-aarch64-qcow2.json", u + "50-edk2-loongarch64.json", u + "50-edk2-ovmf-4m-qcow2-x64-nosb.json",
		u + "50-edk2-ovmf-x64-microvm.json", u + "50-edk2-riscv-qcow2.json", u + "51-edk2-aarch64-raw.json",
		u + "51-edk2-ovmf-2m-raw-x64-nosb.json", u + "52-edk2-aarch64-verbose-qcow2.json", u + "53-edk2-aarch64-verbose-raw.json",
		"/etc/qemu/firmware/59-libvirt-combined.json",
		u + "60-edk2-ovmf-x64-amdsev.json", u + "60-edk2-ovmf-x64-inteltdx.json",
		u + "90-libvirt-combined.json", u + "91-libvirt-bios.json", u + "93-libvirt-invalid.json",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("lookup order mismatch (-libvirt +fwaudit):\n%s", diff)
	}
}

// TestLoadParsesHiddenEntries checks that Load parses the files libvirt
// never reads (overridden by a same-named file, or masked by an empty one):
// list shows what they hold and the problems they have, so that a package
// whose file is hidden on this host is still judged.
func TestLoadParsesHiddenEntries(t *testing.T) {
	root := t.TempDir()
	tree(t, root, map[string]string{
		"usr/share/qemu/firmware/50-ok.json":     desc("/usr-ok"),
		"etc/qemu/firmware/50-ok.json":           desc("/etc-ok"),
		"usr/share/qemu/firmware/60-bad.json":    `{"interface-types":`,
		"etc/qemu/firmware/60-bad.json":          desc("/etc-bad"),
		"usr/share/qemu/firmware/70-masked.json": desc("/usr-masked"),
		"etc/qemu/firmware/70-masked.json":       "",
	})
	set, err := Load(Options{Root: root})
	if err != nil {
		t.Fatal(err)
	}
	byPath := map[string]*Entry{}
	for _, e := range set.Entries {
		byPath[e.Path] = e
	}
	for _, tc := range []struct {
		path    string
		status  Status
		exe     string // "" for a file that does not parse
		problem bool
	}{
		{usr + "/50-ok.json", StatusOverridden, "/usr-ok", false},
		{usr + "/60-bad.json", StatusOverridden, "", true},
		{usr + "/70-masked.json", StatusMasked, "/usr-masked", false},
	} {
		e := byPath[tc.path]
		if e == nil {
			t.Errorf("%s: no entry", tc.path)
			continue
		}
		if e.Status != tc.status {
			t.Errorf("%s: status %s, want %s", tc.path, e.Status, tc.status)
		}
		exe := ""
		if e.Descriptor != nil && e.Descriptor.Mapping.Executable != nil {
			exe = e.Descriptor.Mapping.Executable.Filename
		}
		if exe != tc.exe {
			t.Errorf("%s: parsed executable %q, want %q", tc.path, exe, tc.exe)
		}
		if got := len(e.Problems) > 0; got != tc.problem {
			t.Errorf("%s: has problems = %v, want %v (%v)", tc.path, got, tc.problem, e.Problems)
		}
	}
}

// TestScannedAndVisit: Load calls Scanned once, before anything is read,
// with a listing whose Size is the bytes of the entries it then reads
// (not masks or ignored entries), and Visit once per
// entry in Set.Entries' order, each already judged.
func TestScannedAndVisit(t *testing.T) {
	desc := []byte(`{"description":"","interface-types":["uefi"],"mapping":{"device":"memory","filename":"/x.fd"},"targets":[{"architecture":"x86_64","machines":["pc-q35-*"]}],"features":[],"tags":[]}`)
	root := fstest.MapFS{
		"usr/share/qemu/firmware/50-a.json": {Data: desc},
		"usr/share/qemu/firmware/60-b.json": {Data: desc},
		"usr/share/qemu/firmware/.hidden":   {Data: desc},
		"etc/qemu/firmware/60-b.json":       {Data: nil},
		"etc/qemu/firmware/50-a.json":       {Data: append([]byte(" "), desc...)},
	}
	var events []string
	scanned := 0
	opts := Options{FS: root,
		Scanned: func(l *Listing) {
			scanned++
			events = append(events, fmt.Sprintf("scanned %d %d", l.Len(), l.Size()))
		},
		Visit: func(e *Entry) {
			if scanned != 1 {
				t.Errorf("%s visited before the scan was announced", e.Path)
			}
			events = append(events, fmt.Sprintf("%s %s %v", e.Path, e.Status, e.Descriptor != nil))
		},
	}
	set, err := Load(opts)
	if err != nil {
		t.Fatal(err)
	}
	// Read (with a descriptor now): the winners and the losers of their
	// names, the mask itself and the dot-file not.
	var size int64
	want := []string{""}
	for _, e := range set.Entries {
		want = append(want, fmt.Sprintf("%s %s %v", e.Path, e.Status, e.Descriptor != nil))
		if e.Descriptor != nil {
			size += e.Size
		}
	}
	want[0] = fmt.Sprintf("scanned %d %d", len(set.Entries), size)
	if size != 3*int64(len(desc))+1 {
		t.Errorf("%d bytes read, want the three descriptors' %d", size, 3*len(desc)+1)
	}
	if diff := cmp.Diff(want, events); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	// Scan announces the same listing, without reading.
	events = nil
	scanned = 0
	l, err := Scan(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if diff := cmp.Diff(want[:1], events); diff != "" {
		t.Errorf("Scan's events (-want +got):\n%s", diff)
	}
}
