// Command gencases writes the inputs of the conformance cases (domain.xml and the firmware
// descriptor tree, no answers) from the scenario table in cases.go and realsets.go.
//
//	go run ./conformance/internal/gencases -out conformance/testdata/cases [-corpus /work/shared/corpus] [-force] [-run REGEXP]
//
// A case file whose inputs are unchanged is left alone (its recorded answers stay); if only its
// comment changed, the comment is updated and the answers stay. A case file with answers whose
// domain.xml or descriptor tree changed is only rewritten with -force; the answers are then
// dropped and must be recorded again with ../record. Answers are never written here.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/fwaudit/fwaudit/conformance/internal/casefile"
	"golang.org/x/tools/txtar"
)

// Case is one scenario.
type Case struct {
	Name  string // file name without .txtar; also gives the domain name fwc-NAME
	About string // one line: what the case exercises (with spec section refs)
	Tags  []string
	Files []F
	Dom   Dom
}

var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

func (c Case) archive() (*txtar.Archive, error) {
	if !nameRE.MatchString(c.Name) {
		return nil, fmt.Errorf("case name %q: use lower-case letters, digits, '.', '_' and '-'", c.Name)
	}
	if strings.Contains(c.About, "\n") || c.About == "" {
		return nil, fmt.Errorf("case %s: About must be one non-empty line", c.Name)
	}
	if len(c.Tags) == 0 {
		return nil, fmt.Errorf("case %s: no tags", c.Name)
	}
	comment := c.About + "\ntags: " + strings.Join(c.Tags, ", ") + "\n"
	ar := &txtar.Archive{Comment: []byte(comment)}
	ar.Files = append(ar.Files, txtar.File{Name: casefile.Domain, Data: []byte(c.Dom.xml("fwc-" + c.Name))})
	var links []string
	for _, f := range c.Files {
		if f.Link != "" {
			links = append(links, casefile.Symlink{Link: f.section(), Target: f.Link}.String())
			continue
		}
		ar.Files = append(ar.Files, txtar.File{Name: f.section(), Data: f.Data})
	}
	if len(links) > 0 {
		sort.Strings(links)
		ar.Files = append(ar.Files, txtar.File{Name: casefile.Symlinks, Data: []byte(strings.Join(links, "\n") + "\n")})
	}
	casefile.Sort(ar)
	// round trip: what the recorder reads back must be what we meant
	back := txtar.Parse(txtar.Format(ar))
	if err := casefile.Check(back); err != nil {
		return nil, fmt.Errorf("case %s: %v", c.Name, err)
	}
	for i, f := range ar.Files {
		if back.Files[i].Name != f.Name || !bytes.Equal(back.Files[i].Data, fixNL(f.Data)) {
			return nil, fmt.Errorf("case %s: section %s does not survive txtar", c.Name, f.Name)
		}
	}
	return ar, nil
}

// fixNL mirrors txtar.Format: non-empty data gets a final newline.
func fixNL(b []byte) []byte {
	if len(b) > 0 && b[len(b)-1] != '\n' {
		return append(append([]byte{}, b...), '\n')
	}
	return b
}

// inputs is the archive without its answers, formatted.
func inputs(ar *txtar.Archive) []byte {
	cp := &txtar.Archive{Comment: ar.Comment}
	for _, f := range ar.Files {
		if !casefile.IsAnswer(f.Name) {
			cp.Files = append(cp.Files, f)
		}
	}
	casefile.Sort(cp)
	return txtar.Format(cp)
}

// queryInputs is what the oracle sees: the sections without answers, without the comment.
func queryInputs(ar *txtar.Archive) []byte {
	cp := *ar
	cp.Comment = nil
	return inputs(&cp)
}

// otherSources are the name prefixes of cases that come from elsewhere:
// the live differential test (live-) and hand-written ones.
var otherSources = []string{"live-", "path-resolve-", "legacy-template-", "nvram-source-", "parse-order-", "template-format-", "emulator-"}

func main() {
	out := flag.String("out", "conformance/testdata/cases", "directory for the case files")
	corpus := flag.String("corpus", "/work/shared/corpus", "real descriptor sets (one folder per distro release)")
	force := flag.Bool("force", false, "rewrite cases whose inputs changed even if they have answers (the answers are dropped)")
	run := flag.String("run", "", "only cases whose name matches this regexp")
	flag.Parse()

	var filter *regexp.Regexp
	if *run != "" {
		filter = regexp.MustCompile(*run)
	}
	cases := synthetic()
	real, err := realSetCases(*corpus)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gencases:", err)
		os.Exit(1)
	}
	cases = append(cases, real...)

	if err := os.MkdirAll(*out, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "gencases:", err)
		os.Exit(1)
	}
	seen := map[string]bool{}
	var wrote, same, kept int
	for _, c := range cases {
		if seen[c.Name] {
			fmt.Fprintf(os.Stderr, "gencases: duplicate case name %s\n", c.Name)
			os.Exit(1)
		}
		seen[c.Name] = true
		if filter != nil && !filter.MatchString(c.Name) {
			continue
		}
		ar, err := c.archive()
		if err != nil {
			fmt.Fprintln(os.Stderr, "gencases:", err)
			os.Exit(1)
		}
		file := filepath.Join(*out, c.Name+".txtar")
		if old, err := casefile.Read(file); err == nil {
			if bytes.Equal(inputs(old), inputs(ar)) {
				same++
				continue
			}
			if bytes.Equal(queryInputs(old), queryInputs(ar)) {
				// only the comment changed: the answers still hold
				old.Comment = ar.Comment
				if err := casefile.Write(file, old); err != nil {
					fmt.Fprintln(os.Stderr, "gencases:", err)
					os.Exit(1)
				}
				wrote++
				continue
			}
			hasAnswers := false
			for _, f := range old.Files {
				hasAnswers = hasAnswers || casefile.IsAnswer(f.Name)
			}
			if hasAnswers && !*force {
				fmt.Fprintf(os.Stderr, "gencases: %s: inputs changed but the file has answers; kept (use -force, then record again)\n", file)
				kept++
				continue
			}
		}
		if err := casefile.Write(file, ar); err != nil {
			fmt.Fprintln(os.Stderr, "gencases:", err)
			os.Exit(1)
		}
		wrote++
	}
	// case files that the table no longer produces
	if filter == nil {
		existing, _ := filepath.Glob(filepath.Join(*out, "*.txtar"))
		for _, f := range existing {
			name := strings.TrimSuffix(filepath.Base(f), ".txtar")
			if !seen[name] && !slices.ContainsFunc(otherSources, func(p string) bool { return strings.HasPrefix(name, p) }) {
				fmt.Fprintf(os.Stderr, "gencases: %s is not in the table (delete it if that is intended)\n", f)
			}
		}
	}
	fmt.Fprintf(os.Stderr, "gencases: %d cases in the table; %d written, %d unchanged, %d kept with stale answers\n",
		len(cases), wrote, same, kept)
	if kept > 0 {
		os.Exit(1)
	}
}
