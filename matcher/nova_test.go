package matcher_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fwaudit/fwaudit"
	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/matcher"
)

// The expectations below come from nova's source, not from fwaudit: the
// comments name the line of nova/virt/libvirt/host.py (get_loader,
// _get_loaders) or driver.py each one rests on. There is no nova oracle.

const (
	usr = "usr/share/qemu/firmware/"
	etc = "etc/qemu/firmware/"
)

// split is a split-flash descriptor whose files are named after name.
func split(name, arch, machine string, features ...string) string {
	return fmt.Sprintf(`{"interface-types":["uefi"],"mapping":{"device":"flash",
 "executable":{"filename":"/fw/%[1]s_CODE.fd","format":"raw"},
 "nvram-template":{"filename":"/fw/%[1]s_VARS.fd","format":"raw"}},
 "targets":[{"architecture":%[2]q,"machines":[%[3]q]}],"features":%[4]s,"tags":[]}`,
		name, arch, machine, jsonList(features))
}

func jsonList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return "[" + strings.Join(q, ",") + "]"
}

const (
	memoryDesc = `{"interface-types":["uefi"],"mapping":{"device":"memory","filename":"/fw/MEM.fd"},
 "targets":[{"architecture":"x86_64","machines":["pc-q35-*"]}],"features":[],"tags":[]}`
	statelessDesc = `{"interface-types":["uefi"],"mapping":{"device":"flash","mode":"stateless",
 "executable":{"filename":"/fw/STATELESS.fd","format":"raw"}},
 "targets":[{"architecture":"x86_64","machines":["pc-q35-*"]}],"features":[],"tags":[]}`
	combinedDesc = `{"interface-types":["uefi"],"mapping":{"device":"flash","mode":"combined",
 "executable":{"filename":"/fw/COMBINED.fd","format":"raw"}},
 "targets":[{"architecture":"x86_64","machines":["pc-q35-*"]}],"features":[],"tags":[]}`
)

func writeRoot(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, data := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func novaDomain(t *testing.T, os string) *matcher.Request {
	t.Helper()
	_, req, err := matcher.ParseDomain([]byte("<domain type='kvm'><name>vm</name>" + os + "</domain>"))
	if err != nil {
		t.Fatal(err)
	}
	return req
}

const (
	osUEFI      = `<os firmware='efi'><type arch='x86_64' machine='q35'>hvm</type></os>`
	osUEFISB    = `<os firmware='efi'><type arch='x86_64' machine='q35'>hvm</type><firmware><feature enabled='yes' name='secure-boot'/></firmware></os>`
	osLoaderSB  = `<os><type arch='x86_64' machine='q35'>hvm</type><loader type='pflash' secure='yes'/></os>`
	osStateless = `<os firmware='efi'><type arch='x86_64' machine='q35'>hvm</type><loader stateless='yes'/></os>`
)

func TestNovaLegacy(t *testing.T) {
	for _, tt := range []struct {
		name  string
		files map[string]string
		os    string
		// want is the chosen descriptor's path, or "" when nova fails
		// with an error containing wantErr.
		want, wantErr string
		// wantTrace must appear in the reason given for wantTraceFor.
		wantTraceFor, wantTrace string
	}{{
		// _get_loaders: for path in QEMU_FIRMWARE_DESCRIPTOR_PATHS
		// (/usr/share first), sorted(glob(path/*.json)) appended in
		// turn: 90-a in /usr/share precedes 10-b in /etc.
		name: "usr/share before etc whatever the names",
		files: map[string]string{
			usr + "90-a.json": split("A", "x86_64", "pc-q35-*"),
			etc + "10-b.json": split("B", "x86_64", "pc-q35-*"),
		},
		os:   osUEFI,
		want: "/" + usr + "90-a.json",
	}, {
		// No override in _get_loaders: both 50-x.json are in the list;
		// the /usr/share one has secure-boot, so a plain request gets
		// the /etc one and ...
		name: "same-named files both kept, plain request",
		files: map[string]string{
			usr + "50-x.json": split("USR", "x86_64", "pc-q35-*", "secure-boot"),
			etc + "50-x.json": split("ETC", "x86_64", "pc-q35-*"),
		},
		os:           osUEFI,
		want:         "/" + etc + "50-x.json",
		wantTraceFor: "/" + usr + "50-x.json", wantTrace: "Secure boot not requested",
	}, {
		// ... a secure-boot request the overridden /usr/share one.
		name: "same-named files both kept, secure-boot request",
		files: map[string]string{
			usr + "50-x.json": split("USR", "x86_64", "pc-q35-*", "secure-boot"),
			etc + "50-x.json": split("ETC", "x86_64", "pc-q35-*"),
		},
		os:   osUEFISB,
		want: "/" + usr + "50-x.json",
	}, {
		// jsonutils.load of an empty file raises; _get_loaders does not
		// catch it, so the whole lookup fails, although 10-a matches.
		name: "empty file is an error, not a mask",
		files: map[string]string{
			usr + "10-a.json":    split("A", "x86_64", "pc-q35-*"),
			etc + "99-mask.json": "",
		},
		os:      osUEFI,
		wantErr: "JSONDecodeError: Expecting value: line 1 column 1 (char 0), loading '/" + etc + "99-mask.json'",
	}, {
		name: "invalid JSON is an error",
		files: map[string]string{
			usr + "10-a.json": split("A", "x86_64", "pc-q35-*"),
			usr + "20-b.json": "{",
		},
		os:      osUEFI,
		wantErr: "JSONDecodeError",
	}, {
		// glob(f'{path}/*.json'): other names are never read.
		name: "non-json names ignored",
		files: map[string]string{
			usr + "10-a.conf": split("A", "x86_64", "pc-q35-*"),
			usr + "20-b.json": split("B", "x86_64", "pc-q35-*"),
			etc + "30-c":      "not even JSON",
		},
		os:           osUEFI,
		want:         "/" + usr + "20-b.json",
		wantTraceFor: "/" + usr + "10-a.conf", wantTrace: "does not match *.json",
	}, {
		// fnmatch.fnmatch(machine, machine_glob) on the canonical
		// machine (q35 -> pc-q35-8.2): '[0-9]' is a class.
		name: "fnmatch classes",
		files: map[string]string{
			usr + "10-upper.json": split("UPPER", "x86_64", "PC-Q35-*"),
			usr + "20-class.json": split("CLASS", "x86_64", "pc-q35-[0-9]*"),
		},
		os:           osUEFI,
		want:         "/" + usr + "20-class.json",
		wantTraceFor: "/" + usr + "10-upper.json", wantTrace: "No target",
	}, {
		// if has_secure_boot != ('secure-boot' in loader['features']):
		// continue — exact equality, both ways.
		name: "plain request skips secure-boot builds",
		files: map[string]string{
			usr + "10-sb.json":    split("SB", "x86_64", "pc-q35-*", "secure-boot", "requires-smm"),
			usr + "20-plain.json": split("PLAIN", "x86_64", "pc-q35-*"),
		},
		os:   osUEFI,
		want: "/" + usr + "20-plain.json",
	}, {
		name: "secure-boot request skips plain builds",
		files: map[string]string{
			usr + "10-plain.json": split("PLAIN", "x86_64", "pc-q35-*"),
			usr + "20-sb.json":    split("SB", "x86_64", "pc-q35-*", "secure-boot"),
		},
		os:           osLoaderSB, // <loader secure='yes'> also asks for it
		want:         "/" + usr + "20-sb.json",
		wantTraceFor: "/" + usr + "10-plain.json", wantTrace: "Secure boot requested",
	}, {
		// get_loader raises UEFINotSupported; driver.py re-raises it as
		// SecureBootNotSupported when secure boot was requested.
		name:    "secure boot requested, none available",
		files:   map[string]string{usr + "10-plain.json": split("PLAIN", "x86_64", "pc-q35-*")},
		os:      osUEFISB,
		wantErr: "SecureBootNotSupported: Secure Boot is not supported by host",
	}, {
		// Reading mapping.executable/nvram-template.filename raises
		// KeyError for memory, stateless and combined descriptors
		// (skipped, per the spec).
		// The return statement reads both file names and nothing catches
		// the KeyError: the first target- and Secure-Boot-matching
		// descriptor without them ends the lookup.
		name: "memory descriptor fails the lookup",
		files: map[string]string{
			usr + "10-mem.json":   memoryDesc,
			usr + "40-split.json": split("SPLIT", "x86_64", "pc-q35-*"),
		},
		os:      osUEFI,
		wantErr: "KeyError: 'executable' in '/" + usr + "10-mem.json'",
	}, {
		name: "stateless flash fails the lookup",
		files: map[string]string{
			usr + "20-stateless.json": statelessDesc,
			usr + "40-split.json":     split("SPLIT", "x86_64", "pc-q35-*"),
		},
		os:      osUEFI,
		wantErr: "KeyError: 'nvram-template' in '/" + usr + "20-stateless.json'",
	}, {
		name: "combined flash fails the lookup",
		files: map[string]string{
			usr + "30-combined.json": combinedDesc,
			usr + "40-split.json":    split("SPLIT", "x86_64", "pc-q35-*"),
		},
		os:      osUEFI,
		wantErr: "KeyError: 'nvram-template' in '/" + usr + "30-combined.json'",
	}, {
		// Only a descriptor that passed the target and Secure Boot tests
		// gets that far: one for another machine is passed over.
		name: "non-split descriptor of another machine passed over",
		files: map[string]string{
			usr + "10-mem.json":   strings.Replace(memoryDesc, "pc-q35-*", "pc-i440fx-*", 1),
			usr + "40-split.json": split("SPLIT", "x86_64", "pc-q35-*"),
		},
		os:   osUEFI,
		want: "/" + usr + "40-split.json",
	}, {
		// arch != target['architecture']: a plain string comparison, so
		// a descriptor's "i386" is not libvirt's "i686".
		name:    "architecture names compared as written",
		files:   map[string]string{usr + "10-ia32.json": split("IA32", "i386", "pc-q35-*")},
		os:      `<os firmware='efi'><type arch='i686' machine='q35'>hvm</type></os>`,
		wantErr: "UEFINotSupported: UEFI is not supported",
	}, {
		// get_canonical_machine_type raises for a machine that
		// libvirt's capabilities do not list.
		name:    "unknown machine",
		files:   map[string]string{usr + "10-a.json": split("A", "x86_64", "*")},
		os:      `<os firmware='efi'><type arch='x86_64' machine='pc-q99'>hvm</type></os>`,
		wantErr: "InternalError: Invalid machine type: pc-q99",
	}, {
		// _get_loaders: neither directory exists.
		name:    "no descriptor directories",
		files:   map[string]string{"etc/other/x.json": "{}"},
		os:      osUEFI,
		wantErr: "InternalError: Failed to locate firmware descriptor files",
	}} {
		t.Run(tt.name, func(t *testing.T) {
			set, err := descriptor.Load(descriptor.Options{Root: writeRoot(t, tt.files)})
			if err != nil {
				t.Fatal(err)
			}
			d := matcher.Match(set, novaDomain(t, tt.os), matcher.NovaLegacy, matcher.MatchOptions{})
			got := ""
			if d.Chosen != nil {
				got = d.Chosen.Path
			}
			if got != tt.want || !strings.Contains(d.Err, tt.wantErr) || (tt.wantErr == "") != d.OK() {
				t.Errorf("chose %q, err %q; want %q, err containing %q", got, d.Err, tt.want, tt.wantErr)
			}
			if tt.wantTraceFor != "" {
				found := false
				for _, s := range d.Trace {
					if s.Path == tt.wantTraceFor {
						found = true
						if !strings.Contains(s.Reason, tt.wantTrace) {
							t.Errorf("trace for %s: %q, want it to contain %q", s.Path, s.Reason, tt.wantTrace)
						}
					}
				}
				if !found {
					t.Errorf("no trace step for %s in %+v", tt.wantTraceFor, d.Trace)
				}
			}
		})
	}
}

// TestNovaLegacySetChanged checks that nova's reading of the files follows
// the set it is given: a Set whose contents change between two calls (here
// replaced by a load of a directory with a file json.load rejects) is read
// again, and an equal Set loaded again gives the same answer.
func TestNovaLegacySetChanged(t *testing.T) {
	good := map[string]string{usr + "10-a.json": split("A", "x86_64", "pc-q35-*")}
	bad := map[string]string{usr + "10-a.json": split("A", "x86_64", "pc-q35-*"), usr + "20-b.json": "{"}
	load := func(files map[string]string) *descriptor.Set {
		set, err := descriptor.Load(descriptor.Options{Root: writeRoot(t, files)})
		if err != nil {
			t.Fatal(err)
		}
		return set
	}
	req := novaDomain(t, osUEFI)
	set := load(good)
	if d := matcher.Match(set, req, matcher.NovaLegacy, matcher.MatchOptions{}); !d.OK() {
		t.Fatalf("good set: %s", d.Err)
	}
	*set = *load(bad)
	if d := matcher.Match(set, req, matcher.NovaLegacy, matcher.MatchOptions{}); !strings.Contains(d.Err, "JSONDecodeError") {
		t.Errorf("the same Set with a broken file: chose %v, err %q; want JSONDecodeError", d.Chosen != nil, d.Err)
	}
	if d := matcher.Match(load(good), req, matcher.NovaLegacy, matcher.MatchOptions{}); !d.OK() {
		t.Errorf("good set loaded again: %s", d.Err)
	}
}

// TestNovaLegacyApply checks what nova writes (driver.py and config.py's
// LibvirtConfigGuest): a read-only pflash loader, secure='yes' for a
// secure-boot guest, the template, SMM when requires-smm, and for a
// stateless request the same executable with stateless='yes' and no NVRAM.
func TestNovaLegacyApply(t *testing.T) {
	root := writeRoot(t, map[string]string{
		usr + "10-sb.json":    split("SB", "x86_64", "pc-q35-*", "secure-boot", "requires-smm"),
		usr + "20-plain.json": split("PLAIN", "x86_64", "pc-q35-*"),
	})
	set, err := descriptor.Load(descriptor.Options{Root: root})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, os                        string
		loader, secure, stateless, tmpl string
		smm                             string
	}{
		{"secure boot with SMM", osUEFISB, "/fw/SB_CODE.fd", "yes", "", "/fw/SB_VARS.fd", "on"},
		{"plain", osUEFI, "/fw/PLAIN_CODE.fd", "", "", "/fw/PLAIN_VARS.fd", ""},
		{"stateless", osStateless, "/fw/PLAIN_CODE.fd", "", "yes", "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dom, req, err := matcher.ParseDomain([]byte("<domain type='kvm'><name>vm</name>" + tt.os + "</domain>"))
			if err != nil {
				t.Fatal(err)
			}
			a := matcher.Match(set, req, matcher.NovaLegacy, matcher.MatchOptions{}).Answer(dom)
			if !a.OK || a.Loader == nil {
				t.Fatalf("answer %+v, want a loader", a)
			}
			l := a.Loader
			if str(l.Path) != tt.loader || str(l.Type) != "pflash" || str(l.Readonly) != "yes" ||
				str(l.Secure) != tt.secure || str(l.Stateless) != tt.stateless {
				t.Errorf("loader path=%s type=%s readonly=%s secure=%s stateless=%s; want %s pflash yes %q %q",
					str(l.Path), str(l.Type), str(l.Readonly), str(l.Secure), str(l.Stateless), tt.loader, tt.secure, tt.stateless)
			}
			tmpl := ""
			if a.NVRAM != nil {
				tmpl = str(a.NVRAM.Template)
			}
			if tmpl != tt.tmpl || str(a.SMM) != tt.smm || a.OSFirmware != nil || a.FirmwareFeatures != nil {
				t.Errorf("template %q smm %q firmware %v features %v; want %q %q and no <os firmware>",
					tmpl, str(a.SMM), a.OSFirmware, a.FirmwareFeatures, tt.tmpl, tt.smm)
			}
		})
	}
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// updating reports whether golden files are to be rewritten (-update),
// sharing the flag with any other test file of the package.
var updating = func() func() bool {
	f := flag.Lookup("update")
	if f == nil {
		flag.Bool("update", false, "rewrite golden files under testdata/")
	}
	return func() bool { return flag.Lookup("update").Value.String() == "true" }
}()

// TestNovaLegacyDistros records which descriptor nova picks on each bundled
// real set for x86_64 q35, with and without secure boot. Rewrite with
// go test ./matcher -run NovaLegacyDistros -update after checking the
// differences by hand against get_loader's rules.
func TestNovaLegacyDistros(t *testing.T) {
	var b strings.Builder
	for _, name := range fwaudit.Distros() {
		root, _ := fwaudit.Distro(name)
		set, err := descriptor.Load(descriptor.Options{FS: root})
		if err != nil {
			t.Fatal(err)
		}
		for _, os := range []struct{ label, xml string }{{"plain", osUEFI}, {"secure-boot", osUEFISB}} {
			d := matcher.Match(set, novaDomain(t, os.xml), matcher.NovaLegacy, matcher.MatchOptions{})
			got := d.Err
			if d.OK() {
				got = d.Chosen.Path
			}
			fmt.Fprintf(&b, "%s %s: %s\n", name, os.label, got)
		}
	}
	path := filepath.Join("testdata", "nova", "distros.golden")
	if updating() {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./matcher -run NovaLegacyDistros -update to create it)", err)
	}
	if b.String() != string(want) {
		t.Errorf("nova's picks changed:\n%s\nwant:\n%s", b.String(), want)
	}
}

// Predict what nova 2025.2 and older wrote for a secure-boot guest on Ubuntu
// 24.04: the first *.json descriptor, in name order, whose target matches
// and whose secure-boot flag equals the request.
func ExampleMatch_novaLegacy() {
	root, _ := fwaudit.Distro("ubuntu-24.04")
	set, err := descriptor.Load(descriptor.Options{FS: root})
	if err != nil {
		panic(err)
	}
	dom, req, err := matcher.ParseDomain([]byte(`<domain type='kvm'><name>vm</name>
  <os firmware='efi'><type arch='x86_64' machine='q35'>hvm</type>
    <firmware><feature enabled='yes' name='secure-boot'/></firmware></os>
</domain>`))
	if err != nil {
		panic(err)
	}
	d := matcher.Match(set, req, matcher.NovaLegacy, matcher.MatchOptions{QEMU: "8.2"})
	a := d.Answer(dom)
	fmt.Println(d.Chosen.Name, *a.Loader.Path, *a.Loader.Secure, *a.NVRAM.Template, *a.SMM)
	// Output:
	// 40-edk2-x86_64-secure-enrolled.json /usr/share/OVMF/OVMF_CODE_4M.ms.fd yes /usr/share/OVMF/OVMF_VARS_4M.ms.fd on
}
