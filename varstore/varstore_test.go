package varstore

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fwaudit/fwaudit/internal/hostiletest"
	"github.com/fwaudit/fwaudit/internal/safefile"
	"github.com/google/go-cmp/cmp"
)

var (
	fixtureMu    sync.Mutex
	fixtureCache = map[string][]byte{}
)

// fixture returns the decompressed bytes of testdata/name.gz (a copy: tests
// may edit it), decompressing each file once per test binary.
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	fixtureMu.Lock()
	defer fixtureMu.Unlock()
	if b, ok := fixtureCache[name]; ok {
		return slices.Clone(b)
	}
	b := gunzipFile(t, name)
	fixtureCache[name] = b
	return slices.Clone(b)
}

func gunzipFile(t testing.TB, name string) []byte {
	f, err := os.Open(filepath.Join("testdata", name+".gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(io.LimitReader(zr, 128<<20))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func readFixture(t testing.TB, name string) *Image {
	t.Helper()
	img, err := ReadBytes(name, fixture(t, name))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return img
}

// Digests of the certificates in the real templates, extracted with
// virt-fw-vars --extract-certs and hashed with
// `openssl x509 -outform DER | sha256sum` (see testdata/README.md).
const (
	shaDebianPK  = "5fb05ed84c5170d542ed6a7b7487dd57b8faedb02f7e107b0409e1d22cac4169"
	shaKEK2011   = "a1117f516a32cefcba3f2d1ace10a87972fd6bbe8fe0d0b996e09e65d802a503"
	shaKEK2023   = "3cd3f0309edae228767a976dd40d9f4affc4fbd5218f2e8cc3c9dd97e8ac6f9d"
	shaPCA2011   = "e8e95f0733a55e8bad7be0a1413ee23c51fcea64b3c8fa6a786935fddcc71961"
	shaWin2023   = "076f1fea90ac29155ebf77c17682f75f1fdd1be196da302dc8461e350a9ae330"
	shaUEFI2011  = "48e99b991f57fc52f76149599bff0a58c47154229b9f8d603ac40d3500248507"
	shaUEFI2023  = "f6124e34125bee3fe6d79a574eaa7b91c0e7bd9d929c1a321178efd611dad901"
	shaROM2023   = "e5be3e64c6e66a281457ecdece0d6d0787577aad2a3a0144262c10c14ba8d8f1"
	shaUbuntuPK  = "258c6e9c3b21a5d7f121636070127d4194d1b66c2bd67dbaa734d34fa8147b17"
	shaSnake2020 = "282e8130b7070f107aaecc25d3992ca4440270860b09088792a5075fab0d13f8"
	shaSnake2023 = "5e2a886d7d56dc918f16806366d4c2e1c0de23a6f1026ba5df14f0370f0e19a0"
)

type want struct {
	container   Container
	format      StoreFormat
	pk, kek, db []string // certificate digests in store order
	dbx         int      // entries
	missing     []string // Missing2023: "KEK:ms-kek-2023", ...
}

var (
	old2011 = want{pk: []string{shaDebianPK}, kek: []string{shaDebianPK, shaKEK2011}, db: []string{shaPCA2011, shaUEFI2011}, dbx: 1,
		missing: []string{"KEK:ms-kek-2023", "db:ms-windows-uefi-ca-2023", "db:ms-uefi-ca-2023", "db:ms-option-rom-ca-2023"}}
	new2023 = want{pk: []string{shaDebianPK}, kek: []string{shaDebianPK, shaKEK2011, shaKEK2023},
		db: []string{shaPCA2011, shaWin2023, shaUEFI2011, shaUEFI2023, shaROM2023}, dbx: 443}
)

// Ubuntu 24.04's templates: the release's (2024.02-2) enroll the 2011 set,
// noble-updates' (2024.02-2ubuntu0.10) add the 2023 CAs after them.
var (
	ubuntu2011 = want{pk: []string{shaUbuntuPK}, kek: []string{shaUbuntuPK, shaKEK2011}, db: []string{shaPCA2011, shaUEFI2011}, dbx: 1,
		missing: old2011.missing}
	ubuntu2023 = want{pk: []string{shaUbuntuPK}, kek: []string{shaUbuntuPK, shaKEK2011, shaKEK2023},
		db: []string{shaPCA2011, shaUEFI2011, shaUEFI2023, shaROM2023, shaWin2023}, dbx: 1}
)

func with(w want, c Container, f StoreFormat) want { w.container, w.format = c, f; return w }

var fixtures = map[string]want{
	"raw/debian-12_OVMF_VARS_4M.ms.fd":                       with(old2011, ContainerRaw, FormatAuthenticated),
	"raw/debian-12_OVMF_VARS.ms.fd":                          with(old2011, ContainerRaw, FormatAuthenticated),
	"raw/debian-13_OVMF_VARS_4M.ms.fd":                       with(old2011, ContainerRaw, FormatAuthenticated),
	"raw/debian-13_AAVMF_VARS.ms.fd":                         with(old2011, ContainerRaw, FormatAuthenticated),
	"raw/debian-unstable_OVMF_VARS_4M.ms.fd":                 with(new2023, ContainerRaw, FormatAuthenticated),
	"raw/debian-unstable_AAVMF_VARS.ms.fd":                   with(new2023, ContainerRaw, FormatAuthenticated),
	"raw/ubuntu-24.04_OVMF_VARS_4M.ms.fd":                    with(ubuntu2011, ContainerRaw, FormatAuthenticated),
	"raw/ubuntu-24.04_AAVMF_VARS.ms.fd":                      with(ubuntu2011, ContainerRaw, FormatAuthenticated),
	"raw/ubuntu-24.04-updates_OVMF_VARS_4M.ms.fd":            with(ubuntu2023, ContainerRaw, FormatAuthenticated),
	"raw/ubuntu-24.04-updates_AAVMF_VARS.ms.fd":              with(ubuntu2023, ContainerRaw, FormatAuthenticated),
	"raw/debian-12_OVMF_VARS_4M.snakeoil.fd":                 {container: ContainerRaw, format: FormatAuthenticated, pk: []string{shaSnake2020}, kek: []string{shaSnake2020}, db: []string{shaSnake2020}, dbx: 1},
	"raw/debian-13_OVMF_VARS_4M.snakeoil.fd":                 {container: ContainerRaw, format: FormatAuthenticated, pk: []string{shaSnake2023}, kek: []string{shaSnake2023}, db: []string{shaSnake2023}, dbx: 1},
	"raw/debian-13_OVMF_VARS_4M.fd":                          {container: ContainerRaw, format: FormatAuthenticated},
	"raw/debian-12_AAVMF_VARS.fd":                            {container: ContainerRaw, format: FormatBlank},
	"qcow2/debian-13_OVMF_VARS_4M.ms.qcow2":                  with(old2011, ContainerQcow2, FormatAuthenticated),
	"qcow2/debian-12_OVMF_VARS_4M.ms.v2.qcow2":               with(old2011, ContainerQcow2, FormatAuthenticated),
	"qcow2/debian-unstable_OVMF_VARS_4M.ms.compressed.qcow2": with(new2023, ContainerQcow2, FormatAuthenticated),
	"qcow2/debian-unstable_AAVMF_VARS.ms.qcow2":              with(new2023, ContainerQcow2, FormatAuthenticated),
	"qcow2/debian-13_OVMF_VARS_4M.c4k.qcow2":                 {container: ContainerQcow2, format: FormatAuthenticated},
	"json/debian-unstable_OVMF_VARS_4M.ms.json":              with(new2023, ContainerJSON, FormatJSON),
	"qcow2/debian-12_AAVMF_VARS.qcow2":                       {container: ContainerQcow2, format: FormatBlank},
}

func digests(k *KeyDB) []string {
	var out []string
	for _, c := range k.Certs() {
		out = append(out, c.SHA256)
	}
	return out
}

func TestFixtures(t *testing.T) {
	if len(fixtures) < 21 {
		t.Fatalf("only %d fixtures", len(fixtures))
	}
	for name, w := range fixtures {
		t.Run(name, func(t *testing.T) {
			img := readFixture(t, name)
			sb := img.SecureBoot()
			var missing []string
			for _, g := range sb.Missing2023() {
				for _, m := range g.Missing {
					missing = append(missing, g.Var+":"+m.ID)
				}
			}
			got := want{container: img.Container, format: img.Format, pk: digests(&sb.PK), kek: digests(&sb.KEK), db: digests(&sb.DB), dbx: len(sb.DBX.Entries), missing: missing}
			if diff := cmp.Diff(w, got, cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
			for _, k := range sb.DBs() {
				if k.Err != nil {
					t.Errorf("%s: %v", k.Name, k.Err)
				}
			}
			if enrolled := len(w.pk) > 0; sb.Enabled != enrolled || sb.SetupMode == enrolled {
				t.Errorf("Enabled %v SetupMode %v, want enabled %v", sb.Enabled, sb.SetupMode, enrolled)
			}
			for _, s := range sb.DBX.Entries {
				if s.Type != "sha256" || len(s.Hash) != 64 {
					t.Fatalf("dbx entry %+v, want a sha256 hash", s)
				}
			}
		})
	}
}

// TestQcow2SameAsRaw compares every variable of the qcow2 and JSON
// conversions with the raw image they were made from.
func TestQcow2SameAsRaw(t *testing.T) {
	type pair struct{ raw, conv string }
	for _, p := range []pair{
		{"raw/debian-13_OVMF_VARS_4M.ms.fd", "qcow2/debian-13_OVMF_VARS_4M.ms.qcow2"},
		{"raw/debian-12_OVMF_VARS_4M.ms.fd", "qcow2/debian-12_OVMF_VARS_4M.ms.v2.qcow2"},
		{"raw/debian-unstable_OVMF_VARS_4M.ms.fd", "qcow2/debian-unstable_OVMF_VARS_4M.ms.compressed.qcow2"},
		{"raw/debian-unstable_AAVMF_VARS.ms.fd", "qcow2/debian-unstable_AAVMF_VARS.ms.qcow2"},
		{"raw/debian-13_OVMF_VARS_4M.fd", "qcow2/debian-13_OVMF_VARS_4M.c4k.qcow2"},
	} {
		raw, conv := readFixture(t, p.raw), readFixture(t, p.conv)
		if raw.ImageSize != conv.ImageSize || !cmp.Equal(raw.Volume, conv.Volume) || raw.StoreSize != conv.StoreSize {
			t.Errorf("%s: image %d volume %+v store %d; raw %d %+v %d", p.conv, conv.ImageSize, conv.Volume, conv.StoreSize, raw.ImageSize, raw.Volume, raw.StoreSize)
		}
		if diff := cmp.Diff(raw.Variables, conv.Variables); diff != "" {
			t.Errorf("%s differs from %s:\n%s", p.conv, p.raw, diff)
		}
	}
	// The JSON store holds the current variables only, with their data.
	raw, js := readFixture(t, "raw/debian-unstable_OVMF_VARS_4M.ms.fd"), readFixture(t, "json/debian-unstable_OVMF_VARS_4M.ms.json")
	strip := func(vs []Variable) map[string][]byte {
		m := map[string][]byte{}
		for _, v := range vs {
			m[v.GUID.String()+"/"+v.Name] = v.Data
		}
		return m
	}
	if len(raw.Current()) == 0 || !cmp.Equal(strip(raw.Current()), strip(js.Current())) {
		t.Errorf("JSON variables differ from the raw image's: %d vs %d", len(js.Current()), len(raw.Current()))
	}
}

func TestCertificateFields(t *testing.T) {
	sb := readFixture(t, "raw/debian-13_OVMF_VARS_4M.ms.fd").SecureBoot()
	c := sb.KEK.Certs()[1]
	if c.Known == nil || c.Known.ID != "ms-kek-2011" || c.CommonName != "Microsoft Corporation KEK CA 2011" ||
		!strings.Contains(c.Issuer, "Microsoft Corporation Third Party Marketplace Root") ||
		c.NotAfter.Format(time.DateOnly) != "2026-06-24" || c.Serial != "610ad188000000000003" {
		t.Errorf("KEK CA 2011: %+v", c)
	}
	before, after := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	if sb.KEK.AllExpired(after) {
		t.Error("KEK: the Debian key does not expire in 2026")
	}
	if sb.DB.AllExpired(before) || !sb.DB.AllExpired(after) {
		t.Errorf("db: all expired at %v = %v, at %v = %v", before, sb.DB.AllExpired(before), after, sb.DB.AllExpired(after))
	}
}

// store builds an authenticated edk2 variable store image of size bytes
// holding vars, with a non-variable volume first when pad > 0.
func store(size, pad int, vars ...Variable) []byte {
	le := binary.LittleEndian
	img := make([]byte, size)
	for i := range img {
		img[i] = 0xff
	}
	if pad > 0 {
		copy(img[40:], "_FVH") // some other volume
	}
	fv := img[pad:]
	fvLen := size - pad
	copy(fv[16:], NVDataFV[:])
	le.PutUint64(fv[32:], uint64(fvLen))
	copy(fv[40:], "_FVH")
	le.PutUint32(fv[44:], 0x4feff)
	le.PutUint16(fv[48:], 72)
	fv[55] = 2
	le.PutUint32(fv[56:], uint32(fvLen/4096))
	le.PutUint32(fv[60:], 4096)
	clear(fv[50:52])
	clear(fv[64:72])
	var sum uint16
	for i := 0; i < 72; i += 2 {
		sum += le.Uint16(fv[i:])
	}
	le.PutUint16(fv[50:], -sum)
	st := fv[72:]
	copy(st, AuthenticatedVariableStore[:])
	le.PutUint32(st[16:], uint32(fvLen/2-72))
	st[20], st[21] = 0x5a, 0xfe
	clear(st[22:28])
	pos := 28
	for _, v := range vars {
		h := st[pos:]
		le.PutUint16(h, 0x55aa)
		h[2], h[3] = byte(v.State), 0
		le.PutUint32(h[4:], v.Attributes)
		clear(h[8:36])
		name := append(utf16le(v.Name), 0, 0)
		le.PutUint32(h[36:], uint32(len(name)))
		le.PutUint32(h[40:], uint32(len(v.Data)))
		copy(h[44:], v.GUID[:])
		copy(h[60:], name)
		copy(h[60+len(name):], v.Data)
		pos = (pos + 60 + len(name) + len(v.Data) + 3) &^ 3
	}
	return img
}

func utf16le(s string) []byte {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r), byte(r>>8))
	}
	return b
}

func TestVariableStates(t *testing.T) {
	g := GlobalVariable
	img, err := ReadBytes("states.fd", store(64<<10, 0,
		Variable{Name: "A", GUID: g, State: StateDeleted, Data: []byte("old")},
		Variable{Name: "A", GUID: g, State: StateAdded, Data: []byte("new")},
		Variable{Name: "B", GUID: g, State: StateInDeletedTransition, Data: []byte("interrupted")},
		Variable{Name: "C", GUID: g, State: StateInDeletedTransition, Data: []byte("superseded")},
		Variable{Name: "C", GUID: g, State: StateAdded, Data: []byte("replacement")},
		Variable{Name: "D", GUID: g, State: StateHeaderValidOnly, Data: []byte("never written")},
	))
	if err != nil {
		t.Fatal(err)
	}
	if len(img.Variables) != 6 {
		t.Fatalf("%d copies, want 6", len(img.Variables))
	}
	got := map[string]string{}
	for _, v := range img.Current() {
		got[v.Name] = string(v.Data)
	}
	want := map[string]string{"A": "new", "B": "interrupted", "C": "replacement"}
	if !cmp.Equal(got, want) {
		t.Errorf("Current() = %v, want %v", got, want)
	}
}

func TestCombinedImage(t *testing.T) {
	kek := readFixture(t, "raw/debian-unstable_OVMF_VARS_4M.ms.fd")
	v, _ := kek.Lookup("KEK", GlobalVariable)
	img, err := ReadBytes("combined.fd", store(1<<20, 256<<10, Variable{Name: "KEK", GUID: GlobalVariable, State: StateAdded, Data: v.Data}))
	if err != nil {
		t.Fatal(err)
	}
	if img.Volume.Offset != 256<<10 {
		t.Errorf("store volume at %#x, want 0x40000", img.Volume.Offset)
	}
	if sb := img.SecureBoot(); !sb.KEK.Has("ms-kek-2023") {
		t.Errorf("KEK of the combined image: %v", digests(&sb.KEK))
	}
}

func TestBadInput(t *testing.T) {
	for _, c := range []struct {
		file  string
		layer string
		off   int64
		msg   string
	}{
		{"corrupt/truncated.fd", "volume", 32, "volume length 540672 runs past the end of the image (100000 bytes"},
		{"corrupt/bad-checksum.fd", "volume", 50, "header checksum does not add up"},
		{"corrupt/variable-overrun.fd", "variable", 0x64, "run past the end of the store"},
		{"corrupt/l2-past-end.qcow2", "qcow2", 196608, "past the end of the file"},
		{"corrupt/huge-size.qcow2", "qcow2", 24, "virtual size 1099511627776 is larger"},
		{"corrupt/backing-file.qcow2", "qcow2", 8, "backing file"},
	} {
		_, err := ReadBytes(c.file, fixture(t, c.file))
		var e *Error
		if !errors.As(err, &e) || e.File != c.file || e.Layer != c.layer || e.Offset != c.off || !strings.Contains(e.Msg, c.msg) {
			t.Errorf("%s: got %v, want %s error at %d: %q", c.file, err, c.layer, c.off, c.msg)
		}
	}
	// A broken signature list is that variable's error, not the image's.
	img := readFixture(t, "corrupt/siglist-overrun.fd")
	var e *Error
	sb := img.SecureBoot()
	bad := slices.IndexFunc(sb.DBs(), func(k *KeyDB) bool { return k.Err != nil })
	if bad < 0 || !errors.As(sb.DBs()[bad].Err, &e) || e.Offset != 5510+16 || e.Layer != "siglist" {
		t.Fatalf("siglist-overrun: %v", sb.DBs())
	}
}

// qcow2Patch edits a copy of a real qcow2 image's header.
func TestQcow2Refusals(t *testing.T) {
	orig := fixture(t, "qcow2/debian-13_OVMF_VARS_4M.ms.qcow2")
	be := binary.BigEndian
	for _, c := range []struct {
		name  string
		patch func(b []byte)
		off   int64
		msg   string
	}{
		{"version", func(b []byte) { be.PutUint32(b[4:], 4) }, 4, "unsupported version 4"},
		{"encrypted", func(b []byte) { be.PutUint32(b[32:], 2) }, 32, "encrypted"},
		{"external data file", func(b []byte) { be.PutUint64(b[72:], incExternal) }, 72, "external data file"},
		{"extended l2", func(b []byte) { be.PutUint64(b[72:], incExtendedL2) }, 72, "extended L2"},
		{"zstd", func(b []byte) { be.PutUint64(b[72:], incCompression); b[104] = 1 }, 104, "zstd"},
		{"marked corrupt", func(b []byte) { be.PutUint64(b[72:], incCorrupt) }, 72, "marked corrupt"},
		{"cluster bits", func(b []byte) { be.PutUint32(b[20:], 40) }, 20, "cluster_bits 40"},
		{"l1 too small", func(b []byte) { be.PutUint32(b[36:], 0) }, 36, "l1_size 0 too small"},
		{"l1 past end", func(b []byte) { be.PutUint64(b[40:], 1<<40) }, 40, "runs past the end of the file"},
		{"l1 unaligned", func(b []byte) { be.PutUint64(b[40:], 0x30001) }, 40, "not a cluster boundary"},
		{"truncated header", func(b []byte) {}, 60, "truncated header"},
	} {
		b := slices.Clone(orig)
		c.patch(b)
		if c.name == "truncated header" {
			b = b[:60]
		}
		_, err := ReadBytes("x.qcow2", b)
		var e *Error
		if !errors.As(err, &e) || e.File != "x.qcow2" || e.Offset != c.off || !strings.Contains(e.Msg, c.msg) {
			t.Errorf("%s: got %v, want offset %d %q", c.name, err, c.off, c.msg)
		}
	}
}

func TestJSONErrors(t *testing.T) {
	for _, c := range []struct {
		in  string
		off int64
		msg string
	}{
		{`{"version": 3, "variables": []}`, 12, "unsupported store version 3"},
		{`{"version": 2}`, 0, `no "variables"`},
		{`{"version": 2, "variables": [{"name": "PK", "guid": "nope", "data": ""}]}`, 29, "variable 0: guid"},
		{`{"version": 2, "variables": [{"name": "PK", "guid": "8be4df61-93ca-11d2-aa0d-00e098032b8c", "data": "zz"}]}`, 29, "not hex"},
		{`{"version": 2, "variables": [`, 29, "unexpected EOF"},
	} {
		_, err := ReadBytes("v.json", []byte(c.in))
		var e *Error
		if !errors.As(err, &e) || e.File != "v.json" || e.Offset != c.off || !strings.Contains(e.Msg, c.msg) {
			t.Errorf("%s: got %v, want offset %d %q", c.in, err, c.off, c.msg)
		}
	}
}

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	data := fixture(t, "qcow2/debian-13_OVMF_VARS_4M.ms.qcow2")
	if err := os.WriteFile(filepath.Join(dir, "v.qcow2"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	img, err := Open(os.DirFS(dir), "v.qcow2")
	if err != nil || img.Container != ContainerQcow2 || img.FileSize != int64(len(data)) || len(img.SecureBoot().KEK.Entries) != 2 {
		t.Fatalf("Open: %+v, %v", img, err)
	}
	if _, err := Open(os.DirFS(dir), "."); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("Open(dir) = %v", err)
	}
}

// TestOpenRefusals: Open (through os.DirFS and through safefile.FS),
// OpenFile and Probe refuse a named pipe without blocking on it, a
// directory and a file larger than MaxFileSize, with an error naming the
// file.
func TestOpenRefusals(t *testing.T) {
	dir := t.TempDir()
	hostiletest.Mkfifo(t, filepath.Join(dir, "fifo"))
	if err := os.Mkdir(filepath.Join(dir, "dir"), 0o755); err != nil {
		t.Fatal(err)
	}
	// A sparse file: its size costs no disk.
	huge, err := os.Create(filepath.Join(dir, "huge.fd"))
	if err != nil {
		t.Fatal(err)
	}
	if err := huge.Truncate(MaxFileSize + 1); err != nil {
		t.Fatal(err)
	}
	huge.Close()
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()

	opens := map[string]func(name string) error{
		"Open/os.DirFS":     func(name string) error { _, err := Open(os.DirFS(dir), name); return err },
		"Open/safefile.FS":  func(name string) error { _, err := Open(safefile.FS(root), name); return err },
		"OpenFile":          func(name string) error { _, err := OpenFile(filepath.Join(dir, name)); return err },
		"Probe/os.DirFS":    func(name string) error { _, _, err := Probe(os.DirFS(dir), name); return err },
		"Probe/safefile.FS": func(name string) error { _, _, err := Probe(safefile.FS(root), name); return err },
	}
	for how, open := range opens {
		for _, c := range []struct {
			name string
			want error
		}{
			{"fifo", ErrNotRegular},
			{"dir", ErrNotRegular},
			{"huge.fd", ErrTooLarge},
		} {
			if c.want == ErrTooLarge && strings.HasPrefix(how, "Probe") {
				continue // Probe reads a header only: no size bound
			}
			done := make(chan error, 1)
			go func() { done <- open(c.name) }()
			select {
			case err := <-done:
				var pe *fs.PathError
				if !errors.Is(err, c.want) || !errors.As(err, &pe) || !strings.HasSuffix(pe.Path, c.name) {
					t.Errorf("%s(%s) = %v, want %v naming the file", how, c.name, err, c.want)
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("%s(%s) blocked", how, c.name)
			}
		}
	}
	// Probe gives the size of a large executable without reading it.
	if c, size, err := Probe(os.DirFS(dir), "huge.fd"); err != nil || c != ContainerRaw || size != MaxFileSize+1 {
		t.Errorf("Probe(huge.fd) = %s, %d, %v", c, size, err)
	}
}

func TestBlankNeedsUniformFill(t *testing.T) {
	b := bytes.Repeat([]byte{0xff}, 8192)
	img, err := ReadBytes("erased.fd", b)
	if err != nil || img.Format != FormatBlank {
		t.Fatalf("erased flash: %+v %v", img, err)
	}
	b[5000] = 1
	if _, err := ReadBytes("noise.fd", b); err == nil {
		t.Fatal("a non-uniform image without a volume read as blank")
	}
}

// TestTinyQcow2 checks the fuzz seeds' builder against the real reader, so
// the seeds are valid images (plain and with compressed clusters).
func TestTinyQcow2(t *testing.T) {
	img := fixture(t, "raw/debian-unstable_OVMF_VARS_4M.ms.fd")[:0x84000]
	raw, _ := ReadBytes("raw", img)
	for _, compress := range []bool{false, true} {
		q, err := ReadBytes("tiny.qcow2", tinyQcow2(img, compress))
		if err != nil || q.Container != ContainerQcow2 || !cmp.Equal(raw.Variables, q.Variables) {
			t.Fatalf("compress %v: %v", compress, err)
		}
	}
}

// TestStoreReadInChunks: a store is read only as far as its variables go,
// in chunks that grow; variables crossing the chunk boundaries (64 KiB,
// 128 KiB, 256 KiB) keep their data, alike in raw and qcow2 images.
func TestStoreReadInChunks(t *testing.T) {
	g := GlobalVariable
	fill := func(n int, b byte) []byte { return bytes.Repeat([]byte{b}, n) }
	vars := []Variable{
		{Name: "small", GUID: g, State: StateAdded, Data: fill(100, 1)},
		{Name: "cross64k", GUID: g, State: StateAdded, Data: fill(70<<10, 2)},
		{Name: "cross256k", GUID: g, State: StateAdded, Data: fill(190<<10, 3)},
		{Name: "last", GUID: g, State: StateAdded, Data: fill(10, 4)},
	}
	img := store(1<<20, 0, vars...)
	for _, c := range []struct {
		name string
		data []byte
	}{
		{"chunks.fd", img},
		{"chunks.qcow2", tinyQcow2(img, false)},
		{"chunks-compressed.qcow2", tinyQcow2(img, true)},
	} {
		got, err := ReadBytes(c.name, c.data)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if len(got.Variables) != len(vars) {
			t.Fatalf("%s: %d variables, want %d", c.name, len(got.Variables), len(vars))
		}
		for i, v := range got.Variables {
			if v.Name != vars[i].Name || !bytes.Equal(v.Data, vars[i].Data) {
				t.Errorf("%s: variable %d is %q with %d bytes, want %q with %d", c.name, i, v.Name, len(v.Data), vars[i].Name, len(vars[i].Data))
			}
			if want := img[v.DataOffset : v.DataOffset+int64(len(v.Data))]; !bytes.Equal(v.Data, want) {
				t.Errorf("%s: %s: DataOffset %#x does not hold its data", c.name, v.Name, v.DataOffset)
			}
		}
	}
	// A variable whose size runs past the store is reported with the
	// store's full size, not the part read so far.
	bad := store(1<<20, 0, Variable{Name: "huge", GUID: g, State: StateAdded, Data: fill(10, 5)})
	binary.LittleEndian.PutUint32(bad[72+28+40:], 600<<10)
	_, err := ReadBytes("overrun.fd", bad)
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("(%d bytes left)", (1<<20)/2-72-28-60)) {
		t.Errorf("overrun: %v", err)
	}
}

// TestQcow2ReadAtSameAsRaw reads the guest view of qcow2 images whole and
// in odd pieces (whole compressed clusters inflate straight into the
// caller's buffer, parts of them go through the cluster cache).
func TestQcow2ReadAtSameAsRaw(t *testing.T) {
	raw := fixture(t, "raw/debian-unstable_OVMF_VARS_4M.ms.fd")
	for name, file := range map[string][]byte{
		"compressed.qcow2": fixture(t, "qcow2/debian-unstable_OVMF_VARS_4M.ms.compressed.qcow2"),
		"tiny.qcow2":       tinyQcow2(raw[:0x84000], true),
	} {
		for _, step := range []int{540672, 65536, 4096, 1000, 512} {
			// A fresh reader each time: one reader inflates at most twice
			// the virtual size.
			q, err := openQcow2(name, bytes.NewReader(file), int64(len(file)), false)
			if err != nil {
				t.Fatal(err)
			}
			want := raw[:q.Size()]
			got := make([]byte, 0, q.Size())
			for off := 0; off < int(q.Size()); off += step {
				buf := make([]byte, min(step, int(q.Size())-off))
				if _, err := q.ReadAt(buf, int64(off)); err != nil && err != io.EOF {
					t.Fatalf("%s: ReadAt(%d, %d): %v", name, len(buf), off, err)
				}
				got = append(got, buf...)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s: read in pieces of %d differs from the raw image", name, step)
			}
			q.release()
		}
	}
}
