package casefile

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"golang.org/x/tools/txtar"
)

func TestSortOrder(t *testing.T) {
	ar := &txtar.Archive{Files: []txtar.File{
		{Name: "answer/libvirt12.json"}, {Name: "answer/libvirt9.json"}, {Name: Symlinks},
		{Name: "root/usr/share/qemu/firmware/9-a.json"}, {Name: "answer/libvirt11.json"},
		{Name: "root/etc/qemu/firmware/10-b.json"}, {Name: Domain}, {Name: "root/usr/share/qemu/firmware/10-a.json"},
	}}
	Sort(ar)
	var got []string
	for _, f := range ar.Files {
		got = append(got, f.Name)
	}
	want := []string{Domain, "root/etc/qemu/firmware/10-b.json", "root/usr/share/qemu/firmware/10-a.json",
		"root/usr/share/qemu/firmware/9-a.json", Symlinks, "answer/libvirt9.json", "answer/libvirt11.json", "answer/libvirt12.json"}
	if !slices.Equal(got, want) {
		t.Fatalf("order\n got %q\nwant %q", got, want)
	}
}

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files []txtar.File
		ok    bool
	}{
		{"minimal", []txtar.File{{Name: Domain}}, true},
		{"no domain", []txtar.File{{Name: "root/etc/qemu/firmware/a"}}, false},
		{"nested root file", []txtar.File{{Name: Domain}, {Name: "root/etc/qemu/firmware/x/a"}}, false},
		{"other root dir", []txtar.File{{Name: Domain}, {Name: "root/etc/a"}}, false},
		{"duplicate", []txtar.File{{Name: Domain}, {Name: Domain}}, false},
		{"symlink ok", []txtar.File{{Name: Domain}, {Name: Symlinks, Data: []byte("root/etc/qemu/firmware/a -> ../../../usr/share/qemu/firmware/b\n")}}, true},
		{"symlink absolute", []txtar.File{{Name: Domain}, {Name: Symlinks, Data: []byte("root/etc/qemu/firmware/a -> /usr/share/b\n")}}, false},
		{"symlink no arrow", []txtar.File{{Name: Domain}, {Name: Symlinks, Data: []byte("root/etc/qemu/firmware/a\n")}}, false},
		{"symlink shadows file", []txtar.File{{Name: Domain}, {Name: "root/etc/qemu/firmware/a"}, {Name: Symlinks, Data: []byte("root/etc/qemu/firmware/a -> b\n")}}, false},
	} {
		err := Check(&txtar.Archive{Files: tc.files})
		if (err == nil) != tc.ok {
			t.Errorf("%s: Check = %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
}

func TestExtract(t *testing.T) {
	ar := &txtar.Archive{Files: []txtar.File{
		{Name: Domain, Data: []byte("<domain/>\n")},
		{Name: "root/usr/share/qemu/firmware/50-x.json", Data: []byte("{}\n")},
		{Name: "root/etc/qemu/firmware/50-x.json"},
		{Name: Symlinks, Data: []byte("root/etc/qemu/firmware/20-l.json -> ../../../usr/share/qemu/firmware/50-x.json\n")},
	}}
	dir := t.TempDir()
	if err := Extract(ar, dir); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(filepath.Join(dir, "root/etc/qemu/firmware/50-x.json")); err != nil || fi.Size() != 0 {
		t.Fatalf("mask: %v %v", fi, err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "root/etc/qemu/firmware/20-l.json"))
	if err != nil || string(data) != "{}\n" {
		t.Fatalf("symlink resolves to %q, %v", data, err)
	}
	if target, _ := os.Readlink(filepath.Join(dir, "root/etc/qemu/firmware/20-l.json")); target != "../../../usr/share/qemu/firmware/50-x.json" {
		t.Fatalf("symlink target %q", target)
	}
}

func TestTags(t *testing.T) {
	got := Tags([]byte("about\ntags: a, b ,c\nexisting: true\n"))
	if !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Fatalf("Tags = %q", got)
	}
}

func TestAnswerSections(t *testing.T) {
	for _, tc := range []struct {
		name    string
		version int
		start   bool
	}{
		{AnswerSection("11"), 11, false},
		{AnswerSection("11" + StartMode), 11, true},
		{"answer/libvirt9.json", 9, false},
		{"domain.xml", 0, false},
	} {
		if v := AnswerVersion(tc.name); v != tc.version {
			t.Errorf("AnswerVersion(%q) = %d, want %d", tc.name, v, tc.version)
		}
		if s := IsStartAnswer(tc.name); s != tc.start {
			t.Errorf("IsStartAnswer(%q) = %v, want %v", tc.name, s, tc.start)
		}
	}
}

func TestExisting(t *testing.T) {
	for _, tc := range []struct {
		comment string
		want    bool
	}{
		{"what it does\ntags: a\nexisting: true\n", true},
		{"what it does\n  existing: true  \n", true},
		{"what it does\nexisting: false\n", false},
		{"a case about existing: true domains\n", false},
		{"", false},
	} {
		if got := Existing([]byte(tc.comment)); got != tc.want {
			t.Errorf("Existing(%q) = %v, want %v", tc.comment, got, tc.want)
		}
	}
}

func TestDefineRoot(t *testing.T) {
	existing := []byte("an upgrade\nexisting: true\n")
	for _, tc := range []struct {
		name    string
		comment []byte
		files   []txtar.File
		define  bool // DefineRoot
		ok      bool // Check
	}{
		{"plain", existing, []txtar.File{{Name: Domain}, {Name: "root/etc/qemu/firmware/a"}}, false, true},
		{"define root", existing, []txtar.File{{Name: Domain}, {Name: "define-root/etc/qemu/firmware/a"}, {Name: "root/etc/qemu/firmware/a"}}, true, true},
		{"define root symlink only", existing, []txtar.File{{Name: Domain},
			{Name: Symlinks, Data: []byte("define-root/etc/qemu/firmware/a -> ../../../usr/share/qemu/firmware/b\n")}}, true, true},
		{"define root of a new domain", []byte("new\n"), []txtar.File{{Name: Domain}, {Name: "define-root/etc/qemu/firmware/a"}}, true, false},
		{"define root nested", existing, []txtar.File{{Name: Domain}, {Name: "define-root/etc/a"}}, true, false},
	} {
		ar := &txtar.Archive{Comment: tc.comment, Files: tc.files}
		if got := DefineRoot(ar); got != tc.define {
			t.Errorf("%s: DefineRoot = %v, want %v", tc.name, got, tc.define)
		}
		if err := Check(ar); (err == nil) != tc.ok {
			t.Errorf("%s: Check = %v, want ok=%v", tc.name, err, tc.ok)
		}
	}

	ar := &txtar.Archive{Comment: existing, Files: []txtar.File{
		{Name: "root/etc/qemu/firmware/60-new.json", Data: []byte("{}\n")}, {Name: Domain, Data: []byte("<domain/>\n")},
		{Name: "define-root/etc/qemu/firmware/50-old.json", Data: []byte("{}\n")},
	}}
	dir := t.TempDir()
	if err := Extract(ar, dir); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"define-root/etc/qemu/firmware/50-old.json", "root/etc/qemu/firmware/60-new.json", "define-root/usr/share/qemu/firmware", "root/usr/share/qemu/firmware"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("Extract: %v", err)
		}
	}
	Sort(ar)
	if got := []string{ar.Files[0].Name, ar.Files[1].Name, ar.Files[2].Name}; !slices.Equal(got, []string{Domain, "define-root/etc/qemu/firmware/50-old.json", "root/etc/qemu/firmware/60-new.json"}) {
		t.Errorf("order %q", got)
	}
}
