// Package audit runs fwaudit's rules over a descriptor set and produces a
// report.Report: the coverage matrix (what libvirt picks for typical guests
// on each architecture and machine family), lint rules over the descriptor
// files, and the impact on existing libvirt domains.
//
// Every rule is a pure function of the loaded *descriptor.Set, the libvirt
// profile and, where given, the image files and domain definitions; the
// selection itself is always matcher.Match, never re-derived here. Rules
// have stable kebab-case IDs (see Rules); a rule firing on one descriptor or
// domain never hides findings about the others.
package audit

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"time"

	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/domcaps"
	"github.com/fwaudit/fwaudit/matcher"
	"github.com/fwaudit/fwaudit/nova"
	"github.com/fwaudit/fwaudit/report"
)

// Options configure Run and Lint.
type Options struct {
	// Profile is the libvirt release predicted; nil means matcher.Latest.
	// The set must have been loaded with Profile.Rules.
	Profile *matcher.Profile
	// ProfileSource says how Profile was chosen: "flag", "detected" or
	// "default" (the default when empty).
	ProfileSource string
	// ProfileNote says why the profile was chosen, for the report's header.
	ProfileNote string
	// QEMU is the installed QEMU's version, which decides machine aliases
	// (q35 -> pc-q35-X.Y); "" uses the profile's.
	QEMU string
	// Files is the file system root the descriptors' image paths are
	// looked up in (for "/usr/share/OVMF/x.fd", Files holds
	// "usr/share/OVMF/x.fd"); symlinks are followed inside it. Nil skips
	// the checks that need the images (missing-file, orphan-image, the
	// on-disk part of domain impact) and reports why with a
	// file-checks-skipped finding carrying FilesSkipped.
	Files        fs.FS
	FilesSkipped string
	// HostFiles is the host file system the predictions resolve firmware
	// paths in, for a release that compares them after resolving symlinks
	// (matcher.MatchOptions.Files); nil uses the profile's.
	HostFiles fs.FS
	// CheckEmulators makes the predictions refuse guests whose emulator the
	// host (HostFiles, else the profile's) lacks, as libvirt does; for an
	// audit of this host. Otherwise every emulator is taken as installed:
	// the coverage of a set is about its descriptors.
	CheckEmulators bool
	// Domains are libvirt domain definitions whose impact is predicted.
	Domains []DomainFile
	// EmptyDomainDirs are directories given for domains that held none
	// (see EmptyDomainDirs); each is a domains-empty finding.
	EmptyDomainDirs []string
	// Nova are image/flavor combinations whose fate under nova's move to
	// libvirt's auto-selection (2025.2 to 2026.1) is predicted on this set
	// with Profile (the nova-* rules).
	Nova []nova.Combination
	// DomainCaps are libvirt's domain capabilities of the host (virsh
	// domcapabilities), compared with the set (the domcaps-* rules).
	DomainCaps []*domcaps.Caps
	// Require names the coverage cells that must be satisfied: a feature
	// set ("amd-sev-es", the x86_64 q35 cell) or "ARCH/MACHINE/FEATURESET".
	// Their gaps and degradations become errors.
	Require []string
	// Contents makes the audit read the images' contents inside Files:
	// the NVRAM templates' variable stores and Secure Boot keys, the
	// containers against the descriptors' formats, the CODE/VARS pairs
	// against edk2's layouts, the domains' own NVRAM (contents.go).
	Contents bool
	// At is the date certificate expiry is judged at; zero is now.
	At time.Time
	// Templates describe NVRAM templates by the path the descriptors name,
	// for a set audited without its images (a bundled set's summary,
	// fwaudit.DistroTemplates): the contents rules that need only the keys
	// then run on them. Images read inside Files take precedence.
	Templates map[string]TemplateInfo
	// ReleaseData lets the audit drop each active entry's bytes
	// (descriptor.Entry.DropData) once the rules that position findings
	// in it have run, when nothing later in the run reads them (a lint;
	// an audit without Domains or Nova under a libvirt profile): a large
	// set then no longer holds its files' bytes beside its findings. It
	// changes the caller's set, so set it only for a set used for nothing
	// afterwards.
	ReleaseData bool
	// Scanned, when set, is called by LintPaths with the listing of the
	// files once they are scanned and before any is read, once however
	// many releases load them (fwaudit lint sizes its memory budget from
	// Listing.Size). RunLoad takes descriptor.Options.Scanned instead.
	Scanned func(*descriptor.Listing)
	// Overrides suppress matching findings (see ParseOverrides).
	Overrides []Override
	// Source describes the set in the report ("host", "distro:debian-13",
	// a root directory); "" uses the set's root or "host".
	Source string
	// Tool names the program in the report; empty fields become "fwaudit"
	// and "devel".
	Tool report.Tool
}

// Run audits set: the coverage matrix, every lint rule, the impact on
// opts.Domains, then the overrides. The error is for unusable options (an
// unknown --require cell, a set loaded with other rules than the profile's,
// a cancelled ctx); problems in the set or the domains are findings.
func Run(ctx context.Context, set *descriptor.Set, opts Options) (*report.Report, error) {
	return run(ctx, set, opts, true)
}

// Lint runs only the lint rules (and the overrides) over set: what a
// packager checks before shipping descriptors. The coverage matrix and the
// domain impact are left out of the report.
func Lint(ctx context.Context, set *descriptor.Set, opts Options) (*report.Report, error) {
	return run(ctx, set, opts, false)
}

type auditor struct {
	ctx      context.Context
	set      *descriptor.Set
	opts     Options
	p        *matcher.Profile
	qemu     string
	findings report.Findings
	cells    []cell
	// release is set when the lint rules may drop each active entry's
	// bytes after its own rules (Options.ReleaseData).
	release bool
	// visited is set when each entry's own rules ran as it was loaded
	// (RunLoad).
	visited bool
	// pending are the feature-ignored findings whose severity waits for
	// the coverage matrix (ignoredFeatures, resolvePending), held in
	// held until then.
	pending []pendingFeature
	held    report.Findings
	// shadow indexes the active entries linted so far (shadowed).
	shadow *shadowIndex
	// ovs are the overrides, marked as they match findings (each finding
	// is matched as it is recorded, until applyOverrides).
	ovs           []Override
	overridesDone bool
	// merge, when set, takes the findings (LintReleases): they are
	// recorded in findings, one entry's or the passes over the whole set
	// at a time, and then handed over as the profile of index profileIndex (flush).
	merge        *merger
	profileIndex int
	// mergeCursor is where the merge expects this release's next flush
	// (merger.slot).
	mergeCursor int
	stores      map[string]storeRead // contents.go, by resolved rooted path
	// res resolves image paths inside opts.Files for the whole run, so
	// that the directories they share are looked up once.
	res *descriptor.Resolver
}

// stat is descriptor.Stat inside opts.Files, which must be set.
func (a *auditor) stat(p string) (string, fs.FileInfo, error) {
	if a.res == nil {
		a.res = descriptor.NewResolver(a.opts.Files)
	}
	return a.res.Stat(p)
}

// RunLoad loads the set load names (descriptor.Load, with opts.Profile's
// rules when load.Rules is nil) and audits it as Run does. The rules that
// read a descriptor's bytes run as each descriptor is read, and with
// opts.ReleaseData the bytes are dropped then, so that a large set's bytes
// are never all held at once; Run, given a loaded set, holds them until
// its lint. The report is the one Run gives for the same set. The error is
// Run's, or a *LoadError when the set cannot be loaded.
func RunLoad(ctx context.Context, load descriptor.Options, opts Options) (*report.Report, error) {
	a, req, err := newAuditor(ctx, opts, true)
	if err != nil {
		return nil, err
	}
	if load.Rules == nil {
		load.Rules = a.p.Rules
	}
	if err := a.checkRules(load.Rules); err != nil {
		return nil, err
	}
	visit := load.Visit
	load.Visit = func(e *descriptor.Entry) {
		if visit != nil {
			visit(e)
		}
		a.entry(e)
	}
	set, err := descriptor.Load(load)
	if err != nil {
		return nil, &LoadError{Err: err}
	}
	a.set, a.visited = set, true
	return a.run(req, true)
}

// LoadError is RunLoad's error when descriptor.Load fails: the set could
// not be read at all (a root that cannot be opened).
type LoadError struct{ Err error }

func (e *LoadError) Error() string { return e.Err.Error() }
func (e *LoadError) Unwrap() error { return e.Err }

// newAuditor checks opts and makes the auditor of one run.
func newAuditor(ctx context.Context, opts Options, full bool) (*auditor, []requirement, error) {
	req, err := parseRequire(opts.Require)
	if err != nil {
		return nil, nil, err
	}
	p := cmp.Or(opts.Profile, matcher.Latest)
	a := &auditor{ctx: ctx, opts: opts, p: p, qemu: cmp.Or(opts.QEMU, p.QEMU), ovs: slices.Clone(opts.Overrides)}
	a.release = opts.dropsData(full)
	return a, req, nil
}

// dropsData reports whether an audit (full) or a lint with o drops each
// active entry's bytes after its own rules: with ReleaseData, unless
// something reads them after lint (domains and nova read the descriptors'
// JSON: nova's own selection, matcher.Match under a nova profile).
func (o Options) dropsData(full bool) bool {
	return o.ReleaseData && (!full || len(o.Domains) == 0 && len(o.Nova) == 0 && !cmp.Or(o.Profile, matcher.Latest).Nova)
}

// Compact reports whether RunLoad with o holds about twice its descriptors'
// bytes at most, as benchmarks/README.md measures it ("Memory for N
// descriptors"): it drops their bytes as it goes (ReleaseData) and has no
// domain definitions, which it holds parsed besides. fwaudit audit bounds
// its memory to 3 times the descriptors' bytes only then.
func (o Options) Compact() bool {
	return o.dropsData(true) && len(o.Domains) == 0
}

// checkRules refuses a set loaded with other rules than the profile's.
func (a *auditor) checkRules(rules *descriptor.Rules) error {
	if rules != nil && !rules.Equal(a.p.Rules) {
		return fmt.Errorf("audit: the set was loaded with the rules of %s but the profile is %s: load it with descriptor.Options{Rules: profile.Rules}", rules.Name, a.p.Name)
	}
	return nil
}

func run(ctx context.Context, set *descriptor.Set, opts Options, full bool) (*report.Report, error) {
	if set == nil {
		return nil, errors.New("audit: no descriptor set")
	}
	a, req, err := newAuditor(ctx, opts, full)
	if err != nil {
		return nil, err
	}
	if err := a.checkRules(set.Rules); err != nil {
		return nil, err
	}
	a.set = set
	return a.run(req, full)
}

// run audits a.set: with full, Run's audit, otherwise Lint's.
func (a *auditor) run(req []requirement, full bool) (*report.Report, error) {
	ctx, set, opts, p := a.ctx, a.set, a.opts, a.p
	a.cells = a.coverage(req)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	cats := []Category{CategoryLint, CategoryMeta}
	if full {
		cats = append(cats, CategoryCoverage, CategoryDomain)
		a.coverageFindings()
	}
	a.lint()
	a.resolvePending()
	var impacts []report.DomainImpact
	if full {
		var err error
		if impacts, err = a.domains(); err != nil {
			return nil, err
		}
		if err := a.nova(); err != nil {
			return nil, err
		}
		a.domainCaps()
	}
	for _, d := range opts.EmptyDomainDirs {
		a.add(report.Finding{Rule: RuleDomainsEmpty, File: d, Subject: d,
			Message: "no domain definition (*.xml) in " + d + ": no domain was checked there"})
	}
	if opts.Files == nil {
		reason := cmp.Or(opts.FilesSkipped, "no file system root was given for the image files")
		a.add(report.Finding{Rule: RuleFileChecksSkipped, Subject: "image files",
			Message: "image files not checked (missing-file, orphan-image, domain files on disk): " + reason})
	}
	a.applyOverrides()
	a.flush("")

	r := &report.Report{
		SchemaVersion: report.SchemaVersion,
		Tool:          report.Tool{Name: cmp.Or(opts.Tool.Name, "fwaudit"), Version: cmp.Or(opts.Tool.Version, "devel")},
		Profile:       p.Name,
		ProfileSource: cmp.Or(opts.ProfileSource, "default"),
		ProfileNote:   opts.ProfileNote,
		QEMU:          a.qemu,
		Source:        cmp.Or(opts.Source, set.Root, "host"),
		Dirs:          []string{},
		Descriptors:   make([]report.Descriptor, 0, len(set.Entries)),
		Rules:         []report.Rule{},
		Findings:      a.findings,
		Coverage:      []report.Coverage{},
		Domains:       impacts,
	}
	for _, d := range set.Dirs {
		r.Dirs = append(r.Dirs, d.Path)
	}
	for _, e := range set.Entries {
		r.Descriptors = append(r.Descriptors, report.Descriptor{Name: e.Name, Path: e.Path, Status: string(e.Status)})
	}
	for _, ri := range Rules() {
		if slices.Contains(cats, ri.Category) {
			r.Rules = append(r.Rules, ri.Rule)
		}
	}
	if full {
		for _, c := range a.cells {
			r.Coverage = append(r.Coverage, c.Coverage)
		}
	}
	r.Finalize()
	return r, nil
}

// matchOptions are the options of the audit's predictions: only the
// choice is read; with CheckEmulators, the host's emulators (HostFiles,
// else the profile's). KVM is taken to run every guest: the coverage and
// nova guests stand for guests a host runs, and fwaudit does not probe a
// host's KVM (the profile's recorded host has its own, Profile.HostKVM).
func (a *auditor) matchOptions() matcher.MatchOptions {
	return matcher.MatchOptions{QEMU: a.qemu, NoTrace: true, Files: a.opts.HostFiles, AnyEmulator: !a.opts.CheckEmulators,
		KVM: matcher.AnyKVM()}
}

// flush hands the findings recorded since the last flush to the merge,
// when there is one (LintReleases), in report order: what is between two
// flushes is one entry's findings (key is its path), or those of the
// passes over the whole set (key ""), whose rules the entries' never give
// (so that a fingerprint's findings are all in one flush, and ranked as
// the report would rank them). Every release flushes once for each entry
// of the listing, in its order, and once at the end of the run: the merge
// matches a release's findings only with those of the same key.
func (a *auditor) flush(key string) {
	if a.merge == nil {
		return
	}
	b := a.merge.slot(a.profileIndex, &a.mergeCursor, key)
	if a.findings.Len() == 0 {
		return
	}
	batch := report.Report{Findings: a.findings}
	batch.Finalize()
	a.merge.add(a.profileIndex, b, &batch.Findings)
	a.findings = report.Findings{}
}

// add records a finding, filling the default severity. Its fingerprint
// is left to the report (report.Finding.DefaultFingerprint: rule,
// descriptor, file, pointer and subject, never a line number).
func (a *auditor) add(f report.Finding) {
	a.addSpliced(f, f.Message, "", "")
}

// addSpliced is add with the message prefix+arg+suffix, kept by the report
// as its parts (report.Findings.AddSpliced): for a message that names its
// own path or descriptor, repeated for every descriptor of a large set.
func (a *auditor) addSpliced(f report.Finding, prefix, arg, suffix string) {
	a.put(&a.findings, f, prefix, arg, suffix)
}

// put records a finding in l: its default severity filled, the overrides
// matched (Override.matches reads the rule, descriptor, file and subject,
// none of which changes afterwards).
func (a *auditor) put(l *report.Findings, f report.Finding, prefix, arg, suffix string) {
	if f.Severity == "" {
		ri, _ := Rule(f.Rule)
		f.Severity = ri.Severity
	}
	if !a.overridesDone {
		for j := range a.ovs {
			if a.ovs[j].matches(&f) {
				f.Suppressed = true
				a.ovs[j].used = true
			}
		}
	}
	l.AddSpliced(f, prefix, arg, suffix)
}

// addEntry records a finding about one directory entry, positioned at the
// JSON pointer ptr when the descriptor was parsed.
func (a *auditor) addEntry(e *descriptor.Entry, rule string, sev report.Severity, ptr, msg string) {
	a.addEntrySpliced(e, rule, sev, ptr, msg, "", "")
}

// addEntrySpliced is addEntry with the message prefix+arg+suffix (see
// addSpliced).
func (a *auditor) addEntrySpliced(e *descriptor.Entry, rule string, sev report.Severity, ptr, prefix, arg, suffix string) {
	a.put(&a.findings, a.entryFinding(e, rule, sev, ptr), prefix, arg, suffix)
}

// entryFinding is a finding about the entry e, positioned at the JSON
// pointer ptr when the descriptor was parsed.
func (a *auditor) entryFinding(e *descriptor.Entry, rule string, sev report.Severity, ptr string) report.Finding {
	f := report.Finding{Rule: rule, Severity: sev, Descriptor: e.Name, File: e.Path, Pointer: ptr}
	if e.Descriptor != nil && ptr != "" {
		f.Line, f.Column = e.Descriptor.Position(ptr)
	}
	return f
}
