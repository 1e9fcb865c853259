// Command upcases turns libvirt's own firmware-auto test cases
// (conformance/upstream/cases, rebuilt from libvirt's tests) into conformance
// cases that the oracles can answer, so that what real libvirt writes for
// them is recorded (conformance/README.md, "libvirt's own test expectations").
//
// A case upstream-NAME.txtar holds the upstream case's firmware tree
// (meta.txt's firmware-tree) as its root and its input.xml, adapted to the
// oracle hosts: the domain type is qemu (the oracles have no KVM), the name
// is fwc-upstream-NAME, and a versioned machine becomes its alias (q35, pc,
// virt), because the older oracles' QEMUs lack pc-q35-10.0 and virt-10.0;
// every machine glob of both trees matches the canonical names as well.
// An abi-update: false case is an existing domain ("existing: true"), which
// record answers with conformance/internal/existing/query.sh.
//
//	go run ./conformance/internal/upcases -out conformance/testdata/cases NAME...
//
// An existing case file is left alone unless -force is given (it then loses
// its answers).
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/fwaudit/fwaudit/conformance/internal/casefile"
	"golang.org/x/tools/txtar"
)

func main() {
	upstream := flag.String("upstream", "conformance/upstream", "the upstream data directory (cases/, the firmware trees)")
	out := flag.String("out", "conformance/testdata/cases", "directory to write upstream-NAME.txtar into")
	force := flag.Bool("force", false, "rewrite case files that exist (their answers are lost)")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: upcases [-out DIR] [-force] UPSTREAM-CASE...")
		os.Exit(2)
	}
	failed := false
	for _, name := range flag.Args() {
		file := filepath.Join(*out, "upstream-"+name+".txtar")
		if _, err := os.Stat(file); err == nil && !*force {
			fmt.Fprintf(os.Stderr, "upcases: %s exists, left alone\n", file)
			continue
		}
		ar, err := build(*upstream, name)
		if err == nil {
			err = casefile.Write(file, ar)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "upcases:", err)
			failed = true
			continue
		}
		fmt.Fprintln(os.Stderr, "upcases: wrote", file)
	}
	if failed {
		os.Exit(1)
	}
}

// machineAlias maps a versioned machine of libvirt's inputs to the alias
// every oracle's QEMU has.
var machineAlias = []struct {
	re    *regexp.Regexp
	alias string
}{
	{regexp.MustCompile(`^pc-q35-[0-9.]+$`), "q35"},
	{regexp.MustCompile(`^pc-i440fx-[0-9.]+$`), "pc"},
	{regexp.MustCompile(`^virt-[0-9.]+$`), "virt"},
}

var machineAttr = regexp.MustCompile(`machine='([^']*)'`)

// build makes the conformance case of upstream case name.
func build(upstream, name string) (*txtar.Archive, error) {
	dir := filepath.Join(upstream, "cases", name)
	meta, err := readMeta(filepath.Join(dir, "meta.txt"))
	if err != nil {
		return nil, err
	}
	input, err := os.ReadFile(filepath.Join(dir, "input.xml"))
	if err != nil {
		return nil, err
	}
	dom := string(input)
	for _, r := range []struct{ old, new string }{
		{"<domain type='kvm'>", "<domain type='qemu'>"},
	} {
		dom = strings.Replace(dom, r.old, r.new, 1)
	}
	nameRe := regexp.MustCompile(`<name>[^<]*</name>`)
	if !nameRe.MatchString(dom) {
		return nil, fmt.Errorf("%s: input.xml has no <name>", dir)
	}
	dom = nameRe.ReplaceAllLiteralString(dom, "<name>fwc-upstream-"+name+"</name>")
	var machine, alias string
	if m := machineAttr.FindStringSubmatch(dom); m != nil {
		machine, alias = m[1], m[1]
		for _, a := range machineAlias {
			if a.re.MatchString(machine) {
				alias = a.alias
			}
		}
		dom = strings.Replace(dom, m[0], "machine='"+alias+"'", 1)
	}

	existing := false
	switch meta["abi-update"] {
	case "false":
		existing = true
	case "true":
	default:
		return nil, fmt.Errorf("%s: meta.txt: abi-update is %q", dir, meta["abi-update"])
	}
	tree := meta["firmware-tree"]
	if tree == "" || strings.ContainsAny(tree, `/\`) {
		return nil, fmt.Errorf("%s: meta.txt: bad firmware-tree %q", dir, tree)
	}

	var c bytes.Buffer
	fmt.Fprintf(&c, "libvirt's own test case %s (upstream/cases/%s, %s) on the oracles: its input.xml with type='qemu', the name fwc-upstream-%s", name, name, meta["commit-expected"], name)
	if machine != alias {
		fmt.Fprintf(&c, " and machine %s for %s (the older oracles' QEMUs lack it)", alias, machine)
	}
	fmt.Fprintf(&c, ", over its firmware tree upstream/%s. Written by conformance/internal/upcases; evidence for what libvirt writes where the expectation omits format attributes (upstream/README.md §3).\n", tree)
	tags := "tags: upstream, formats"
	if existing {
		tags += ", existing"
	}
	c.WriteString(tags + "\n")
	if existing {
		c.WriteString("existing: true\n")
	}
	ar := &txtar.Archive{Comment: c.Bytes()}
	ar.Files = append(ar.Files, txtar.File{Name: casefile.Domain, Data: []byte(dom)})

	root := filepath.Join(upstream, tree)
	var links []string
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		section := "root/" + filepath.ToSlash(rel)
		if err := casefile.CheckRootPath(section); err != nil {
			return err
		}
		if d.Type()&fs.ModeSymlink != 0 {
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			links = append(links, casefile.Symlink{Link: section, Target: target}.String())
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		ar.Files = append(ar.Files, txtar.File{Name: section, Data: data})
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(links) > 0 {
		sort.Strings(links)
		ar.Files = append(ar.Files, txtar.File{Name: casefile.Symlinks, Data: []byte(strings.Join(links, "\n") + "\n")})
	}
	casefile.Sort(ar)
	return ar, casefile.Check(ar)
}

func readMeta(file string) (map[string]string, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	meta := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok {
			meta[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return meta, nil
}
