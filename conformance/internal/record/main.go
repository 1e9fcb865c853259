// Command record asks the real-libvirt oracle (../shared/oracle/query.sh) for the answer to each
// conformance case and stores it in the case file as answer/libvirtV.json.
//
//	go run ./conformance/internal/record [-oracle DIR] [-versions 9,11,12] [-force] [-j N] CASE.txtar...
//	go run ./conformance/internal/record -summary conformance/testdata/cases/SUMMARY.md CASE.txtar...
//	go run ./conformance/internal/record -extract DIR CASE.txtar
//
// For each case the root/ tree (files, empty mask files and the symlinks section as real relative
// symlinks) and domain.xml are extracted into a temporary directory, which query.sh gets in its root
// layout. The oracle's stdout is stored re-indented (4 spaces, key order kept) without the
// firmware_log key. A case that already has the answer for a version is skipped unless -force is
// given. An answer with "oracle_failure": true is never stored, nor one refusing launch security as
// a QEMU without SEV support does (the oracle's faked SEV support was lost: run setup.sh again). Each version's queries run one after
// the other (the oracle serialises them anyway); different versions run in parallel, up to -j at once.
//
// The recorder never runs from go test: it needs root and the oracle daemons.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/fwaudit/fwaudit/conformance/internal/casefile"
	"golang.org/x/tools/txtar"
)

func main() {
	oracle := flag.String("oracle", "/work/shared/oracle", "oracle directory holding query.sh")
	versions := flag.String("versions", "9,10,11,12", "comma-separated libvirt oracle versions to query (V-start: in start mode, stored as answer/libvirtV-start.json)")
	existingQuery := flag.String("existing-query", "conformance/internal/existing/query.sh", "script that answers cases marked \"existing: true\" (a stored definition loaded at daemon start)")
	force := flag.Bool("force", false, "replace answers that are already recorded")
	jobs := flag.Int("j", 2, "number of versions queried at the same time (each version's queries run one by one)")
	timeout := flag.Duration("timeout", 3*time.Minute, "time limit for one query")
	summary := flag.String("summary", "", "write a Markdown summary of the given cases to this file instead of recording")
	extract := flag.String("extract", "", "only extract the one given case into this directory (root/, domain.xml), e.g. to run query.sh --log by hand")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: record [flags] CASE.txtar...\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	files := flag.Args()

	if *extract != "" {
		if len(files) != 1 {
			fmt.Fprintln(os.Stderr, "record: -extract takes exactly one case")
			os.Exit(2)
		}
		ar, err := casefile.Read(files[0])
		if err == nil {
			err = casefile.Extract(ar, *extract)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "record:", err)
			os.Exit(1)
		}
		return
	}
	if *summary != "" {
		if err := writeSummary(*summary, files); err != nil {
			fmt.Fprintln(os.Stderr, "record:", err)
			os.Exit(1)
		}
		return
	}

	var vers []string
	for _, v := range strings.Split(*versions, ",") {
		v = strings.TrimSpace(v)
		if _, err := strconv.Atoi(strings.TrimSuffix(v, casefile.StartMode)); err != nil || v == "" {
			fmt.Fprintf(os.Stderr, "record: bad version %q in -versions\n", v)
			os.Exit(2)
		}
		vers = append(vers, v)
	}
	if *jobs < 1 {
		*jobs = 1
	}
	query := filepath.Join(*oracle, "query.sh")
	if _, err := os.Stat(query); err != nil {
		fmt.Fprintln(os.Stderr, "record:", err)
		os.Exit(2)
	}
	// Check every case before asking anything, so a typo does not show up an hour later.
	for _, f := range files {
		ar, err := casefile.Read(f)
		if err != nil {
			fmt.Fprintln(os.Stderr, "record:", err)
			os.Exit(1)
		}
		if casefile.Existing(ar.Comment) {
			if _, err := os.Stat(*existingQuery); err != nil {
				fmt.Fprintf(os.Stderr, "record: %s is an existing-domain case: %v (run from the module root)\n", f, err)
				os.Exit(2)
			}
		}
	}

	// SIGINT/SIGTERM: stop queueing; the running query.sh gets SIGTERM and cleans up itself.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	r := &recorder{query: query, oracle: *oracle, existingQuery: *existingQuery, force: *force, timeout: *timeout, locks: map[string]*sync.Mutex{}}
	sem := make(chan struct{}, *jobs)
	var wg sync.WaitGroup
	start := time.Now()
	for _, v := range vers {
		wg.Add(1)
		go func(v string) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			for i, f := range files {
				if ctx.Err() != nil {
					return
				}
				r.one(ctx, v, f, i+1, len(files))
			}
		}(v)
	}
	wg.Wait()
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Fprintf(os.Stderr, "record: %d stored, %d skipped (already answered), %d failed, in %s\n",
		r.stored, r.skipped, len(r.failed), time.Since(start).Round(time.Second))
	for _, f := range r.failed {
		fmt.Fprintln(os.Stderr, "  failed:", f)
	}
	if len(r.failed) > 0 || ctx.Err() != nil {
		os.Exit(1)
	}
}

type recorder struct {
	query         string
	oracle        string
	existingQuery string // for cases with "existing: true"
	force         bool
	timeout       time.Duration

	mu      sync.Mutex
	locks   map[string]*sync.Mutex // per case file: answers of different versions are merged under it
	devs    map[string]*sync.Mutex // per case file with a block NVRAM: its queries run one at a time (sharesDev)
	stored  int
	skipped int
	failed  []string
}

func (r *recorder) fileLock(name string) *sync.Mutex {
	r.mu.Lock()
	defer r.mu.Unlock()
	l := r.locks[name]
	if l == nil {
		l = new(sync.Mutex)
		r.locks[name] = l
	}
	return l
}

// devLock is the lock a case's queries of different versions take when
// they may see each other's files (sharesDev).
func (r *recorder) devLock(name string) *sync.Mutex {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.devs == nil {
		r.devs = map[string]*sync.Mutex{}
	}
	l := r.devs[name]
	if l == nil {
		l = new(sync.Mutex)
		r.devs[name] = l
	}
	return l
}

// blockNVRAM finds an <nvram type='block'> (any quoting and spacing).
var blockNVRAM = regexp.MustCompile(`<nvram\b[^>]*\btype\s*=\s*['"]block['"]`)

// sharesDev reports whether the oracles asked about the case in parallel
// could see each other's files: an NVRAM on a block device names a path
// under /dev, which the chroot oracles bind-mount from the host. A start
// of 9.0 or 10.0 creates a missing one as a regular file there (copying the
// template) and removes it when the query ends, and a start of 11.3 or 12.8
// running meanwhile then finds the device and succeeds (live-fit-10600-58,
// live-upgrade-11100-10: once in a run, never when asked alone).
func sharesDev(ar *txtar.Archive) bool {
	i := casefile.Find(ar, casefile.Domain)
	return i >= 0 && blockNVRAM.Match(ar.Files[i].Data)
}

func (r *recorder) fail(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	fmt.Fprintln(os.Stderr, "record: FAILED", msg)
	r.mu.Lock()
	r.failed = append(r.failed, msg)
	r.mu.Unlock()
}

// one records the answer of libvirt v for one case file.
func (r *recorder) one(ctx context.Context, v, file string, n, total int) {
	section := casefile.AnswerSection(v)
	lock := r.fileLock(file)

	lock.Lock()
	ar, err := casefile.Read(file)
	lock.Unlock()
	if err != nil {
		r.fail("%s: %v", file, err)
		return
	}
	if !r.force && casefile.Find(ar, section) >= 0 {
		r.mu.Lock()
		r.skipped++
		r.mu.Unlock()
		return
	}

	dir, err := os.MkdirTemp("", "fwaudit-record-")
	if err != nil {
		r.fail("%s: %v", file, err)
		return
	}
	defer os.RemoveAll(dir)
	if err := casefile.Extract(ar, dir); err != nil {
		r.fail("%s: extract: %v", file, err)
		return
	}

	if sharesDev(ar) {
		dl := r.devLock(file)
		dl.Lock()
		defer dl.Unlock()
	}
	t0 := time.Now()
	qctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	args := []string{"--libvirt", strings.TrimSuffix(v, casefile.StartMode)}
	if strings.HasSuffix(v, casefile.StartMode) {
		args = append(args, "--mode", "start")
	}
	args = append(args, filepath.Join(dir, "root"), filepath.Join(dir, casefile.Domain))
	query := r.query
	if casefile.Existing(ar.Comment) {
		// The oracle's query.sh only defines new domains.
		query = r.existingQuery
		args = append([]string{"--oracle", r.oracle}, args...)
		if casefile.DefineRoot(ar) {
			// A firmware upgrade: defined over define-root/, loaded over root/.
			args = append([]string{"--define-root", filepath.Join(dir, "define-root")}, args...)
		}
	}
	cmd := exec.CommandContext(qctx, query, args...)
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) } // let query.sh clean up
	cmd.WaitDelay = 30 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	took := time.Since(t0).Round(10 * time.Millisecond)

	answer, oracleFailure, perr := normalizeAnswer(stdout.Bytes())
	switch {
	case perr != nil:
		r.fail("%s: libvirt %s: %v (exit: %v; stderr: %s)", file, v, perr, runErr, strings.TrimSpace(stderr.String()))
		return
	case oracleFailure:
		r.fail("%s: libvirt %s: oracle failure, not stored: %s", file, v, strings.TrimSpace(stdout.String()))
		return
	case runErr != nil:
		r.fail("%s: libvirt %s: query.sh: %v; stderr: %s", file, v, runErr, strings.TrimSpace(stderr.String()))
		return
	case lostSEVPatch(answer):
		r.fail("%s: libvirt %s: not stored: the oracle refuses launch security (%q): its faked SEV support is lost; run setup.sh again",
			file, v, sevUnsupported)
		return
	}

	lock.Lock()
	defer lock.Unlock()
	ar, err = casefile.Read(file) // another version may have written its answer meanwhile
	if err != nil {
		r.fail("%s: %v", file, err)
		return
	}
	if i := casefile.Find(ar, section); i >= 0 {
		ar.Files[i].Data = answer
	} else {
		ar.Files = append(ar.Files, txtar.File{Name: section, Data: answer})
	}
	if err := casefile.Write(file, ar); err != nil {
		r.fail("%s: %v", file, err)
		return
	}
	r.mu.Lock()
	r.stored++
	r.mu.Unlock()
	fmt.Fprintf(os.Stderr, "record: [%d/%d] libvirt %s %s: %s (%s)\n", n, total, v, filepath.Base(file), verdict(answer), took)
}

// sevUnsupported ends the refusal every release gives a <launchSecurity>
// guest when its QEMU capabilities lack the SEV, SEV-SNP or TDX flags: the
// oracle fakes them (its README, patch-sev-caps.sh), so on the oracle the
// refusal means the fake was lost (a capability cache probed again), not
// an answer of libvirt's to the case.
const sevUnsupported = "launch security is not supported with this QEMU binary"

// lostSEVPatch reports whether answer is that refusal.
func lostSEVPatch(answer []byte) bool {
	var a struct {
		Error string `json:"error"`
	}
	return json.Unmarshal(answer, &a) == nil && strings.HasSuffix(a.Error, sevUnsupported)
}

// normalizeAnswer re-indents the oracle's JSON object (4 spaces, key order kept) and drops
// firmware_log. It reports whether the object says "oracle_failure": true.
func normalizeAnswer(out []byte) (answer []byte, oracleFailure bool, err error) {
	dec := json.NewDecoder(bytes.NewReader(out))
	tok, err := dec.Token()
	if err != nil {
		return nil, false, fmt.Errorf("oracle printed no JSON: %v", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, false, errors.New("oracle did not print a JSON object")
	}
	var buf bytes.Buffer
	buf.WriteByte('{')
	first := true
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, false, err
		}
		key, _ := tok.(string)
		var val json.RawMessage
		if err := dec.Decode(&val); err != nil {
			return nil, false, err
		}
		if key == "firmware_log" {
			continue
		}
		if key == "oracle_failure" && string(bytes.TrimSpace(val)) == "true" {
			oracleFailure = true
		}
		if !first {
			buf.WriteByte(',')
		}
		first = false
		k, _ := json.Marshal(key)
		buf.Write(k)
		buf.WriteByte(':')
		buf.Write(val)
	}
	if _, err := dec.Token(); err != nil {
		return nil, false, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, false, errors.New("oracle printed more than one JSON value")
	}
	buf.WriteByte('}')
	var ind bytes.Buffer
	if err := json.Indent(&ind, buf.Bytes(), "", "    "); err != nil {
		return nil, false, err
	}
	ind.WriteByte('\n')
	return ind.Bytes(), oracleFailure, nil
}

// answer is the part of an oracle answer the summary looks at.
type answer struct {
	OK            bool   `json:"ok"`
	Error         string `json:"error"`
	Stage         string `json:"stage"`
	Descriptor    string `json:"descriptor"`
	DaemonCrashed bool   `json:"daemon_crashed"`
	Loader        *struct {
		Path string `json:"path"`
	} `json:"loader"`
}

func verdict(data []byte) string {
	var a answer
	if err := json.Unmarshal(data, &a); err != nil {
		return "unparsable answer"
	}
	return a.short()
}

// short is the one-cell summary: the winning descriptor, or the shortened error.
func (a answer) short() string {
	if a.OK {
		switch {
		case a.Descriptor != "":
			return a.Descriptor
		case a.Loader != nil && a.Loader.Path != "":
			return "ok, no descriptor (loader " + path.Base(a.Loader.Path) + ")"
		default:
			return "ok, no firmware"
		}
	}
	msg := a.Error
	for _, p := range []string{"error: ", "operation failed: ", "unsupported configuration: ", "XML error: ",
		"Operation not supported: ", "internal error: ", "invalid argument: "} {
		msg = strings.TrimPrefix(msg, p)
	}
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	if len(msg) > 70 {
		msg = msg[:67] + "..."
	}
	s := "ERR"
	if a.DaemonCrashed {
		s = "CRASH"
	}
	if a.Stage != "" {
		s += "@" + a.Stage
	}
	s += ": " + msg
	if a.Descriptor != "" {
		s += " (after picking " + a.Descriptor + ")"
	}
	return s
}

func mdEscape(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "`", "'")
}

// writeSummary writes a Markdown table of the cases (tags, winner or error per version), the
// ok/error counts per version and the number of cases per tag.
func writeSummary(out string, files []string) error {
	sort.Strings(files)
	var vers []int
	seenV := map[int]bool{}
	type row struct {
		name    string
		tags    []string
		answers map[int]answer
	}
	var rows []row
	tagCount := map[string]int{}
	for _, f := range files {
		ar, err := casefile.Read(f)
		if err != nil {
			return err
		}
		rw := row{name: strings.TrimSuffix(filepath.Base(f), ".txtar"), tags: casefile.Tags(ar.Comment), answers: map[int]answer{}}
		for _, t := range rw.tags {
			tagCount[t]++
		}
		for _, sf := range ar.Files {
			if !casefile.IsAnswer(sf.Name) || casefile.IsStartAnswer(sf.Name) {
				continue // the summary shows the default mode's answers
			}
			v := casefile.AnswerVersion(sf.Name)
			var a answer
			if err := json.Unmarshal(sf.Data, &a); err != nil {
				return fmt.Errorf("%s: %s: %v", f, sf.Name, err)
			}
			rw.answers[v] = a
			if !seenV[v] {
				seenV[v] = true
				vers = append(vers, v)
			}
		}
		rows = append(rows, rw)
	}
	sort.Ints(vers)

	var b strings.Builder
	b.WriteString("# Conformance cases: summary\n\n")
	b.WriteString("Generated by `go run ./conformance/internal/record -summary conformance/testdata/cases/SUMMARY.md conformance/testdata/cases/*.txtar`; do not edit.\n")
	b.WriteString("A cell is the winning descriptor, or `ERR@stage: message` (shortened; `(after picking X)` when libvirt had chosen X before failing), or `-` when not recorded.\n\n")
	fmt.Fprintf(&b, "%d cases.\n\n", len(rows))
	b.WriteString("| libvirt | ok | error | of which daemon crash | not recorded |\n|---|---|---|---|---|\n")
	for _, v := range vers {
		var ok, bad, crash, missing int
		for _, rw := range rows {
			a, has := rw.answers[v]
			switch {
			case !has:
				missing++
			case a.OK:
				ok++
			default:
				bad++
				if a.DaemonCrashed {
					crash++
				}
			}
		}
		fmt.Fprintf(&b, "| %d | %d | %d | %d | %d |\n", v, ok, bad, crash, missing)
	}

	b.WriteString("\n## Tags\n\n| tag | cases |\n|---|---|\n")
	var tags []string
	for t := range tagCount {
		tags = append(tags, t)
	}
	sort.Strings(tags)
	for _, t := range tags {
		fmt.Fprintf(&b, "| %s | %d |\n", t, tagCount[t])
	}

	b.WriteString("\n## Cases\n\n| case | tags |")
	for _, v := range vers {
		fmt.Fprintf(&b, " libvirt %d |", v)
	}
	b.WriteString("\n|---|---|")
	for range vers {
		b.WriteString("---|")
	}
	b.WriteString("\n")
	for _, rw := range rows {
		fmt.Fprintf(&b, "| %s | %s |", rw.name, mdEscape(strings.Join(rw.tags, ", ")))
		for _, v := range vers {
			cell := "-"
			if a, ok := rw.answers[v]; ok {
				cell = mdEscape(a.short())
			}
			fmt.Fprintf(&b, " %s |", cell)
		}
		b.WriteString("\n")
	}

	return casefile.WriteFileAtomic(out, []byte(b.String()))
}
