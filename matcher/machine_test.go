package matcher

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// TestGlobMatchUTF8 checks that '?' and '*' take whole UTF-8 characters, as
// GLib's g_pattern_match_simple does, and that literals compare byte for
// byte.
func TestGlobMatchUTF8(t *testing.T) {
	for _, tt := range []struct {
		pattern, name string
		want          bool
	}{
		{"pc-?", "pc-é", true},   // one 2-byte character
		{"pc-??", "pc-é", false}, // not two
		{"pc-?", "pc-€", true},   // one 3-byte character
		{"pc-?", "pc-😀", true},   // one 4-byte character
		{"?x", "😀x", true},
		{"*?", "é", true},
		{"*??", "é", false},
		{"*??", "éa", true},
		{"machine-é*", "machine-é-1", true},
		{"machine-é*", "machine-e-1", false},
		{"*ü", "müü", true},
		{"*€*", "a€b", true},
		{"*€*", "a€", true},
		{"*€?", "a€", false},
		{"日本*", "日本語", true},
		{"日?語", "日本語", true},
		{"日??語", "日本語", false},
		{"a*b?c", "aXbüc", true},
	} {
		if got := GlobMatch(tt.pattern, tt.name); got != tt.want {
			t.Errorf("GlobMatch(%q, %q) = %v, want %v", tt.pattern, tt.name, got, tt.want)
		}
	}
}

// TestGlobMatchAllocs pins GlobMatch at no allocation.
func TestGlobMatchAllocs(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { GlobMatch("pc-q35-*-日本?", "pc-q35-11.1-日本語") }); n != 0 {
		t.Errorf("GlobMatch allocates %v times, want 0", n)
	}
}

// TestCanonicalMachineConcurrent builds the same canonical names from many
// goroutines (run with -race): the cache must give every caller the same
// answer.
func TestCanonicalMachineConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				qemu := []string{"7.2", "8.2.1", "10.0", "11.1.3"}[(g+i)%4]
				want := map[string]string{"7.2": "pc-q35-7.2", "8.2.1": "pc-q35-8.2", "10.0": "pc-q35-10.0", "11.1.3": "pc-q35-11.1"}[qemu]
				if got := CanonicalMachine("x86_64", "q35", qemu); got != want {
					t.Errorf("CanonicalMachine(x86_64, q35, %s) = %s, want %s", qemu, got, want)
				}
			}
		})
	}
	wg.Wait()
}

// TestMemoBounded checks that the cache stops growing at memoMax and still
// answers past it.
func TestMemoBounded(t *testing.T) {
	var m memo[int]
	for i := range memoMax + 10 {
		if got := m.get(i, func(k int) string { return string(rune('a' + k%26)) }); got != string(rune('a'+i%26)) {
			t.Fatalf("get(%d) = %q", i, got)
		}
	}
	if n := len(*m.tab.Load()); n != memoMax {
		t.Errorf("memo holds %d entries, want %d", n, memoMax)
	}
}

// globRunes is the former GlobMatch, over []rune: the reference for valid
// UTF-8, where GLib's byte-wise literals and per-character wildcards agree
// with a per-rune match.
func globRunes(pattern, name string) bool {
	p, n := 0, 0
	star, mark := -1, 0
	pr, nr := []rune(pattern), []rune(name)
	for n < len(nr) {
		// A '*' in the pattern is always the wildcard, even facing a '*'
		// in the name (the reference used to take it as a literal there).
		switch {
		case p < len(pr) && pr[p] == '*':
			star, mark = p, n
			p++
		case p < len(pr) && (pr[p] == '?' || pr[p] == nr[n]):
			p++
			n++
		case star >= 0:
			p = star + 1
			mark++
			n = mark
		default:
			return false
		}
	}
	for p < len(pr) && pr[p] == '*' {
		p++
	}
	return p == len(pr)
}

// FuzzGlobMatch compares GlobMatch with the per-rune reference on valid
// UTF-8.
func FuzzGlobMatch(f *testing.F) {
	for _, s := range [][2]string{{"pc-q35-*", "pc-q35-10.0"}, {"*€?", "a€b"}, {"日?語", "日本語"}, {"a*b*c", "axxbyyc"},
		// A '*' in the name: the pattern's '*' is a wildcard there too
		// (issue 11, case 11: the reference took it as a literal).
		{"*a", "*ba"}, {"*", "*"}, {"a*", "a*b"}, {"**?", "*"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pattern, name string) {
		if !utf8.ValidString(pattern) || !utf8.ValidString(name) {
			return
		}
		if got, want := GlobMatch(pattern, name), globRunes(pattern, name); got != want {
			t.Errorf("GlobMatch(%q, %q) = %v, per-rune %v", pattern, name, got, want)
		}
	})
}

// TestWhyString checks that a reason reads as fmt.Sprintf would word it.
func TestWhyString(t *testing.T) {
	for _, w := range []why{
		because("Discarding rom loader"),
		because("No matching path in '%s'", "/usr/share/qemu/firmware/x.json"),
		because("Discarding loader with mismatching flash format '%s' != '%s'", "qcow2", "raw"),
		because("%s%s", "", "b"),
	} {
		want := w.format
		switch strings.Count(w.format, "%s") {
		case 1:
			want = fmt.Sprintf(w.format, w.a)
		case 2:
			want = fmt.Sprintf(w.format, w.a, w.b)
		}
		if got := w.String(); got != want {
			t.Errorf("why%+v.String() = %q, want %q", w, got, want)
		}
	}
}

// TestCanonicalMachineUbuntu checks Ubuntu's x86 aliases, as Ubuntu 24.04's
// QEMU lists them and the libvirt 10.0 oracle resolved them (a descriptor
// for pc-q35-noble matches q35 there, one for pc-q35-8.2 does not; the
// conformance case mach-glob-question-one-digit records the effect).
func TestCanonicalMachineUbuntu(t *testing.T) {
	tests := []struct{ arch, machine, qemu, want string }{
		{"x86_64", "q35", "8.2+ubuntu", "pc-q35-noble"},
		{"x86_64", "pc", "8.2.2+ubuntu", "pc-i440fx-noble"},
		{"i686", "q35", "8.2+ubuntu", "pc-q35-noble"},
		{"x86_64", "ubuntu-q35", "8.2+ubuntu", "pc-q35-noble-v2"},
		{"x86_64", "ubuntu", "8.2+ubuntu", "pc-i440fx-noble-v2"},
		{"aarch64", "virt", "8.2+ubuntu", "virt-8.2"},            // upstream naming
		{"x86_64", "q35", "10.1+ubuntu", "pc-q35-10.1"},          // a build not observed: upstream naming
		{"x86_64", "ubuntu", "8.2", "ubuntu"},                    // not Ubuntu's build: not an alias
		{"x86_64", "pc-q35-noble", "8.2+ubuntu", "pc-q35-noble"}, // explicit names unchanged
	}
	for _, tt := range tests {
		if got := CanonicalMachine(tt.arch, tt.machine, tt.qemu); got != tt.want {
			t.Errorf("CanonicalMachine(%s, %s, %s) = %s, want %s", tt.arch, tt.machine, tt.qemu, got, tt.want)
		}
	}
	if !machineSupported("x86_64", "pc-q35-8.2", "8.2+ubuntu") || machineSupported("x86_64", "pc-q35-9.0", "8.2+ubuntu") {
		t.Error("machineSupported does not read the version of an Ubuntu build")
	}
}
