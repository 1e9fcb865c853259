// Command livediff is a live differential test of fwaudit's matcher against
// real libvirt: it generates random cases (descriptor trees drawn from the
// real distro descriptors in testdata/descriptors, with mutations, /etc
// masks, overrides and symlinks, and random domain XML requests), asks the
// oracle (../shared/oracle/query.sh, through the recorder
// conformance/internal/record) for libvirt's answers, predicts them with the
// matcher and prints every disagreement with a field diff.
//
//	go run ./conformance/internal/livediff [-seed S] [-n N] [-versions 9,11,12] [-keep DIR]
//	go run ./conformance/internal/livediff -start [-seed S] [-n N] ...     (also asks 10-start, 11-start, 12-start)
//	go run ./conformance/internal/livediff -upgrade [-seed S] [-n N] ...   (also asks 10-start, 11-start, 12-start)
//	go run ./conformance/internal/livediff -fit -start [-seed S] [-n N] ... (cases built to define)
//	go run ./conformance/internal/livediff -generate DIR [-seed S] [-n N]
//	go run ./conformance/internal/livediff -check CASE.txtar...
//	go run ./conformance/internal/livediff -minimize OUT.txtar CASE.txtar
//
// Cases are written in the conformance case format (conformance/README.md) to
// a work directory; a case on which any version disagrees is copied, with its
// recorded answers, to the -keep directory. Case i of a run depends only on
// -seed and i, so a run can be repeated or extended. -generate only writes
// the cases; -check only compares cases that already hold answers. -start
// asks the first start of the releases that select at define too (the
// define, then virsh start up to the hook): a start-mode answer is compared
// with fwaudit's predicted define-then-start outcome, as TestRecorded does.
//
// -fit makes live cases built to define instead (GenerateFit, fit.go): the
// define-root/ trees of -upgrade's cases, as new domains.
//
// -upgrade makes firmware-upgrade cases instead (GenerateUpgrade): case i
// is a live case, mostly built so that its domain defines (fit.go), defined
// over its descriptors (define-root/) and loaded, as a stored definition,
// over the same tree after one or two random changes (root/); they are "existing: true", so the recorder asks
// conformance/internal/existing/query.sh --define-root, and fwaudit's
// answer is verdict.PredictUpgrade.
//
// It needs root and the oracle daemons, like the recorder: never run it from
// go test. It must run from the module root (it builds the recorder).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/fwaudit/fwaudit/conformance/internal/casefile"
	"golang.org/x/tools/txtar"
)

func main() {
	seed := flag.Uint64("seed", uint64(time.Now().Unix()), "random seed of the run")
	n := flag.Int("n", 20, "number of cases")
	first := flag.Int("first", 0, "index of the first case (to extend a run)")
	versions := flag.String("versions", "", "oracle versions to ask, N-start in start mode (default 9,10,11,12; with -start or -upgrade also 10-start,11-start,12-start)")
	keep := flag.String("keep", filepath.Join(os.TempDir(), "fwaudit-livediff-keep"), "directory for disagreeing cases (with their answers)")
	work := flag.String("work", "", "work directory for the generated cases (default: a new temporary directory, kept)")
	pool := flag.String("descriptors", "testdata/descriptors", "real descriptor sets to draw from")
	oracle := flag.String("oracle", "/work/shared/oracle", "oracle directory holding query.sh")
	jobs := flag.Int("j", 2, "oracle versions asked at once (at most two on the shared 2-core machine)")
	batch := flag.Int("batch", 10, "cases per recorder run (disagreements are printed after each batch)")
	generate := flag.String("generate", "", "only write the cases into this directory")
	check := flag.Bool("check", false, "only compare the given case files (which hold answers) with fwaudit")
	startModes := flag.Bool("start", false, "also ask the first start of 10.0, 11.3 and 12.8 (10-start,11-start,12-start; always with -upgrade)")
	fitCases := flag.Bool("fit", false, "generate new-domain cases built to define (the define-root/ of -upgrade's cases as root/; with -start, more first starts are asked)")
	upgrade := flag.Bool("upgrade", false, "generate firmware-upgrade cases (define-root/ = live case i, root/ = the same after one or two changes; existing domains)")
	minOut := flag.String("minimize", "", "minimise the one given disagreeing case (fewer root entries, same disagreement) into this file")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: livediff [flags]\n       livediff -check CASE.txtar...\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	versionsGiven := *versions != ""
	*versions = askedVersions(*versions, *startModes, *upgrade)

	if *check {
		if flag.NArg() == 0 {
			flag.Usage()
			os.Exit(2)
		}
		bad := 0
		for _, f := range flag.Args() {
			if report(f, "") {
				bad++
			}
		}
		fmt.Printf("livediff: %d of %d cases disagree\n", bad, flag.NArg())
		if bad > 0 {
			os.Exit(1)
		}
		return
	}
	if *minOut != "" {
		if flag.NArg() != 1 {
			flag.Usage()
			os.Exit(2)
		}
		dir, err := os.MkdirTemp("", "fwaudit-livediff-")
		if err != nil {
			fatal(err)
		}
		defer os.RemoveAll(dir)
		rec, err := buildRecorder(dir)
		if err == nil && !versionsGiven {
			// Re-ask what the case holds answers of (start modes too).
			var ar *txtar.Archive
			if ar, err = casefile.Read(flag.Arg(0)); err == nil {
				*versions = answeredVersions(ar)
			}
		}
		if err == nil {
			err = minimize(flag.Arg(0), *minOut, rec, *oracle, *versions, *jobs)
		}
		if err != nil {
			fatal(err)
		}
		report(*minOut, "")
		return
	}
	if flag.NArg() != 0 || *n < 1 || (*fitCases && *upgrade) {
		flag.Usage()
		os.Exit(2)
	}

	p, err := LoadPool(*pool)
	if err != nil {
		fatal(err)
	}
	dir := *generate
	if dir == "" {
		dir = *work
	}
	if dir == "" {
		if dir, err = os.MkdirTemp("", "fwaudit-livediff-"); err != nil {
			fatal(err)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fatal(err)
	}
	var files []string
	for i := *first; i < *first+*n; i++ {
		name, gen := CaseName(*seed, i), Generate
		switch {
		case *upgrade:
			name, gen = UpgradeCaseName(*seed, i), GenerateUpgrade
		case *fitCases:
			name, gen = FitCaseName(*seed, i), GenerateFit
		}
		f := filepath.Join(dir, name+".txtar")
		if _, err := os.Stat(f); err != nil { // keep answers of an earlier, interrupted run
			if err := casefile.Write(f, gen(p, *seed, i)); err != nil {
				fatal(err)
			}
		}
		files = append(files, f)
	}
	fmt.Fprintf(os.Stderr, "livediff: seed %d, cases %d..%d in %s\n", *seed, *first, *first+*n-1, dir)
	if *generate != "" {
		return
	}

	if err := os.MkdirAll(*keep, 0o755); err != nil {
		fatal(err)
	}
	rec, err := buildRecorder(dir)
	if err != nil {
		fatal(err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	nv := len(strings.Split(*versions, ","))
	var disagree []string
	start := time.Now()
	for lo := 0; lo < len(files) && ctx.Err() == nil; lo += *batch {
		chunk := files[lo:min(lo+*batch, len(files))]
		args := append([]string{"-oracle", *oracle, "-versions", *versions, "-j", fmt.Sprint(min(nv, *jobs))}, chunk...)
		cmd := exec.CommandContext(ctx, rec, args...)
		cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
		cmd.WaitDelay = time.Minute
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			fmt.Fprintf(os.Stderr, "livediff: recorder: %v (comparing what was recorded)\n", err)
		}
		for _, f := range chunk {
			if report(f, *keep) {
				disagree = append(disagree, f)
			}
		}
		fmt.Fprintf(os.Stderr, "livediff: %d/%d cases done, %d disagree, %s\n", min(lo+*batch, len(files)), len(files),
			len(disagree), time.Since(start).Round(time.Second))
	}
	sort.Strings(disagree)
	fmt.Printf("livediff: seed %d: %d of %d cases disagree (kept in %s)\n", *seed, len(disagree), len(files), *keep)
	for _, f := range disagree {
		fmt.Println("  ", filepath.Join(*keep, filepath.Base(f)))
	}
	if ctx.Err() != nil {
		os.Exit(1)
	}
}

// defaultVersions are the oracle versions asked by default: every release
// in its default mode and, with start (-start, and always for
// firmware-upgrade cases, whose stored selection the start re-matches over
// the changed tree: kept, or refused), the first start of the releases that
// select at define too.
func defaultVersions(start bool) string {
	if start {
		return "9,10,11,12,10-start,11-start,12-start"
	}
	return "9,10,11,12"
}

// askedVersions is the -versions a run asks: the ones given, else the
// defaults, with the start modes for -start and -upgrade.
func askedVersions(given string, start, upgrade bool) string {
	if given != "" {
		return given
	}
	return defaultVersions(start || upgrade)
}

// answeredVersions lists the oracle versions a case holds answers of, as
// -versions takes them ("9,10,11-start"), in the case's section order.
func answeredVersions(ar *txtar.Archive) string {
	var vs []string
	for _, f := range ar.Files {
		if casefile.IsAnswer(f.Name) {
			v := strconv.Itoa(casefile.AnswerVersion(f.Name))
			if casefile.IsStartAnswer(f.Name) {
				v += casefile.StartMode
			}
			vs = append(vs, v)
		}
	}
	return strings.Join(vs, ",")
}

// report compares one case file and prints its disagreements; with keep set,
// a disagreeing case is copied there. It reports whether the case disagrees.
func report(file, keep string) bool {
	ar, err := casefile.Read(file)
	if err != nil {
		fmt.Fprintln(os.Stderr, "livediff:", err)
		return false
	}
	diffs, compared, err := Compare(ar)
	if err == nil && compared == 0 {
		fmt.Fprintf(os.Stderr, "livediff: %s: no answers recorded\n", file)
		return false
	}
	if err == nil && len(diffs) == 0 {
		return false
	}
	where := file
	if keep != "" {
		where = filepath.Join(keep, filepath.Base(file))
		if err := casefile.Write(where, ar); err != nil {
			fmt.Fprintln(os.Stderr, "livediff:", err)
			where = file
		}
	}
	if err != nil {
		// libvirt answered what fwaudit cannot predict (a domain it
		// cannot read, ...): a disagreement too.
		fmt.Printf("DISAGREE %s: fwaudit cannot predict: %v\n", where, err)
		return true
	}
	for _, d := range diffs {
		fmt.Printf("DISAGREE %s libvirt %s (%s) (-libvirt +fwaudit):\n%s\n", where, d.Version, d.Profile, d.Text)
	}
	return true
}

// buildRecorder builds conformance/internal/record into dir.
func buildRecorder(dir string) (string, error) {
	rec := filepath.Join(dir, "record.bin")
	build := exec.Command("go", "build", "-o", rec, "github.com/fwaudit/fwaudit/conformance/internal/record")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return "", fmt.Errorf("building the recorder: %v", err)
	}
	return rec, nil
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "livediff:", err)
	os.Exit(1)
}
