package audit

import (
	"slices"
	"strings"

	"github.com/fwaudit/fwaudit/internal/suggest"
	"github.com/fwaudit/fwaudit/report"
)

// Category groups the rules by what they look at.
type Category string

// Rule categories.
const (
	// CategoryCoverage rules predict libvirt's choice for a matrix of
	// typical guests (arch, machine family, feature set).
	CategoryCoverage Category = "coverage"
	// CategoryLint rules judge the descriptor files themselves.
	CategoryLint Category = "lint"
	// CategoryDomain rules predict what happens to existing domains.
	CategoryDomain Category = "domain"
	// CategoryDiff rules compare two descriptor sets (package diff, fwaudit
	// diff); an audit of one set never reports them.
	CategoryDiff Category = "diff"
	// CategoryMeta rules are about the audit itself (overrides, checks
	// that could not run).
	CategoryMeta Category = "meta"
)

// RuleInfo is one rule of the catalogue: its report.Rule (stable ID,
// default severity, summary, help) and its category.
type RuleInfo struct {
	report.Rule
	Category Category
}

// Rule IDs. They are stable: tools and override files refer to them.
const (
	RuleCoverageGap      = "coverage-gap"
	RuleCoverageDegraded = "coverage-degraded"

	RuleNoDescriptors          = "no-descriptors"
	RuleLookupError            = "lookup-error"
	RuleDescriptorInvalid      = "descriptor-invalid"
	RuleDescriptorSchema       = "descriptor-schema"
	RuleStrayFile              = "stray-file"
	RuleUnresolvedPath         = "unresolved-path"
	RuleMissingFile            = "missing-file"
	RuleUnsupportedFormat      = "unsupported-format"
	RuleSecureBootWithoutSMM   = "secure-boot-without-smm"
	RuleSMMWithoutSecureBoot   = "smm-without-secure-boot"
	RuleEnrolledKeysWithoutSB  = "enrolled-keys-without-secure-boot"
	RuleCombinedFlash          = "combined-flash"
	RuleKernelRequiresSMM      = "kernel-requires-smm"
	RuleShadowed               = "shadowed"
	RuleFeatureIgnored         = "feature-ignored"
	RuleMasked                 = "masked"
	RuleOverridden             = "overridden"
	RuleMachineGlobUnmatched   = "machine-glob-unmatched"
	RuleOrphanImage            = "orphan-image"
	RuleDomainInvalid          = "domain-invalid"
	RuleDomainFirmwareMissing  = "domain-firmware-missing"
	RuleDomainUndescribed      = "domain-firmware-undescribed"
	RuleDomainFirmwareChanges  = "domain-firmware-changes"
	RuleDomainUnsatisfiable    = "domain-unsatisfiable"
	RuleDomainSecureBootChange = "domain-secure-boot-changed"
	RuleOverrideUnused         = "override-unused"
	RuleFileChecksSkipped      = "file-checks-skipped"
	RuleDomainsEmpty           = "domains-empty"

	RuleTemplateUnreadable          = "nvram-template-unreadable"
	RuleEnrolledKeysMismatch        = "enrolled-keys-mismatch"
	RuleSecureBootCAsOutdated       = "secure-boot-cas-outdated"
	RuleCertificatesExpired         = "certificates-expired"
	RuleFlashLayoutMismatch         = "flash-layout-mismatch"
	RuleImageFormatMismatch         = "image-format-mismatch"
	RuleDomainNVRAMUnreadable       = "domain-nvram-unreadable"
	RuleDomainSecureBootCAsOutdated = "domain-secure-boot-cas-outdated"

	RuleNovaUpgradeFails    = "nova-upgrade-fails"
	RuleNovaFirmwareChanges = "nova-firmware-changes"
	RuleNovaRefused         = "nova-refused"

	RuleDomcapsFeatureUnserved   = "domcaps-feature-unserved"
	RuleDomcapsLoaderUndescribed = "domcaps-loader-undescribed"
	RuleDomcapsFirmwareMismatch  = "domcaps-firmware-mismatch"

	RuleDiffCoverageRegressed = "diff-coverage-regressed"
	RuleDiffCoverageChanged   = "diff-coverage-changed"
	RuleDiffDescriptors       = "diff-descriptors"
	RuleDiffPathGone          = "diff-path-gone"
	RuleDiffDomainFails       = "diff-domain-fails"
	RuleDiffDomainChanges     = "diff-domain-changes"
	RuleDiffKeys              = "diff-enrolled-keys"
)

var catalogue = []RuleInfo{
	{report.Rule{ID: RuleCoverageGap, Severity: report.Info,
		Summary: "No firmware satisfies a typical guest: libvirt would refuse to define or start it",
		Help: `For every architecture and machine family the descriptors target (x86_64 q35, pc and microvm,
aarch64 virt, and any other found) fwaudit asks the libvirt model for a set of typical guests: plain
UEFI, Secure Boot (with and without enrolled keys), no Secure Boot, SMM off, a stateless loader,
AMD SEV, SEV-ES and SEV-SNP, Intel TDX and BIOS. A gap means libvirt's auto-selection finds no firmware
for that guest and fails with the error shown. Gaps are informational by default, because most hosts
do not need every feature; name the feature sets your guests need with --require (e.g.
--require amd-sev-es or --require aarch64/virt/secure-boot) and their gaps become errors.`}, CategoryCoverage},
	{report.Rule{ID: RuleCoverageDegraded, Severity: report.Warning,
		Summary: "A typical guest gets a firmware that silently lacks something it needs",
		Help: `libvirt picks the first descriptor that does not contradict the guest; it does not look for one that
provides everything. This rule fires when the predicted firmware lacks what the guest needs without
libvirt noticing: a persistent UEFI variable store for an ordinary guest (a stateless or ROM build
such as an SEV image sorting before the generic build, as on Debian unstable), or a confidential
computing feature on a selection policy that does not check it (nova's legacy selection). With
--require on that feature set the finding is an error.`}, CategoryCoverage},

	{report.Rule{ID: RuleNoDescriptors, Severity: report.Error,
		Summary: "No descriptor was found where some were expected",
		Help: `The directories (or files) looked at hold no firmware descriptor: they are missing, empty, or hold
only masks and dot-files. On a host libvirt then finds no firmware and refuses every domain that asks
for auto-selection; in a package build it usually means a wrong DESTDIR or --root, or a path typo.
The finding names every directory looked at and what was found there.`}, CategoryLint},
	{report.Rule{ID: RuleLookupError, Severity: report.Error,
		Summary: "An entry libvirt cannot examine aborts every firmware lookup on the host",
		Help: `libvirt stat()s every entry of the firmware directories. A dangling symlink, a permission problem or
an unreadable directory makes the whole lookup fail ("Unable to access ..."): no domain with
firmware auto-selection can be defined or started, whatever the libvirt release. Remove or fix the
entry.`}, CategoryLint},
	{report.Rule{ID: RuleDescriptorInvalid, Severity: report.Error,
		Summary: "libvirt rejects the descriptor (libvirt 9.0–10.x then fail every selection)",
		Help: `The descriptor is not valid JSON, lacks a member libvirt requires, or names an architecture, device
or flash mode the libvirt release does not know. libvirt up to 10.x then fails every firmware lookup
on the host (every UEFI or BIOS auto-selected domain is refused); 11.x and later skip the file and
the finding is a warning, except for a file that is not JSON at all, which is always an error. The
message is libvirt's own.`}, CategoryLint},
	{report.Rule{ID: RuleDescriptorSchema, Severity: report.Warning,
		Summary: "The descriptor violates QEMU's firmware.json schema, or is not strict JSON, although libvirt accepts it",
		Help: `QEMU's schema makes description, interface-types, mapping, targets, features and tags mandatory and
defines the allowed values. libvirt is more lenient, so the file works today, but other consumers
(QEMU itself, virt-install, other management tools) may reject it. The same holds for a file that is
not strict JSON but that the release's JSON parser reads: NaN or "1." (json-c), a form feed between
members (yajl), a NUL byte after the document (libvirt stops reading there); other releases' parsers
may reject it.`}, CategoryLint},
	{report.Rule{ID: RuleStrayFile, Severity: report.Warning,
		Summary: "A non-.json or editor-backup file in a firmware directory is parsed by libvirt",
		Help: `libvirt has no .json filter: every file whose name does not start with a dot is parsed, and it
competes in the byte-wise name order like any descriptor. Backups left by editors and package
managers (name~, .bak, .orig, .dpkg-old/-new/-dist, .rpmnew, .rpmsave, .swp) can therefore win
selection or, if broken, make older libvirt fail every lookup. Delete or rename them to a dot-file.`}, CategoryLint},
	{report.Rule{ID: RuleUnresolvedPath, Severity: report.Error,
		Summary: "A file name is relative or still holds a build placeholder",
		Help: `libvirt uses the file names of a descriptor as they are: a relative path or one still holding a
placeholder such as QEMU's @DATADIR@ cannot name a file on the host, and a guest that gets this
firmware cannot start.`}, CategoryLint},
	{report.Rule{ID: RuleMissingFile, Severity: report.Error,
		Summary: "The executable, NVRAM template, ROM or kernel the descriptor names does not exist",
		Help: `libvirt does not look at the image files while selecting: a descriptor whose files are missing is
still chosen, and the guest then fails to start. The files are looked up inside the --root (symlinks
resolved as in a chroot). Inside a bundled --distro set the images are not present, so this check is
skipped there (see file-checks-skipped).`}, CategoryLint},
	{report.Rule{ID: RuleUnsupportedFormat, Severity: report.Warning,
		Summary: "A flash image format libvirt cannot use (only raw and qcow2 are supported)",
		Help: `libvirt 9.2 and later skip a flash descriptor whose executable or NVRAM template format is not raw or
qcow2. libvirt 9.0 does not look at formats while selecting: it picks the first matching descriptor
even when it is qcow2 or another format and then fails with "unsupported flash format"; under that
profile the finding is an error.`}, CategoryLint},
	{report.Rule{ID: RuleSecureBootWithoutSMM, Severity: report.Warning,
		Summary: "x86 Secure Boot firmware without requires-smm: the guest can rewrite its own keys",
		Help: `On x86, Secure Boot is only enforceable when writes to the variable store are restricted to System
Management Mode. A descriptor with secure-boot but without requires-smm makes libvirt log "has
invalid set of features" and run the firmware without SMM protection, so the guest OS can change the
Secure Boot variables.`}, CategoryLint},
	{report.Rule{ID: RuleSMMWithoutSecureBoot, Severity: report.Warning,
		Summary: "x86 firmware requiring SMM but not claiming Secure Boot",
		Help: `A requires-smm build without secure-boot is unusual: libvirt logs "has invalid set of features", and
the build is rejected for guests with SMM off or loader secure='no' while not being offered to guests
that ask for Secure Boot. Usually the secure-boot feature was forgotten.`}, CategoryLint},
	{report.Rule{ID: RuleEnrolledKeysWithoutSB, Severity: report.Error,
		Summary: "enrolled-keys without secure-boot: libvirt 11 and later refuse the domain after choosing it",
		Help: `libvirt 11.x and later write the chosen descriptor's features into the domain and then validate it:
enrolled-keys without secure-boot fails ("firmware feature 'enrolled-keys' cannot be enabled when
firmware feature 'secure-boot' is disabled"), and libvirt does not try the next descriptor.`}, CategoryLint},
	{report.Rule{ID: RuleCombinedFlash, Severity: report.Info,
		Summary: "A combined (writable code+vars) flash descriptor",
		Help: `Up to libvirt 11.x a combined flash descriptor is never auto-selected ("Discarding loader without split
flash"): it only serves domains that name it explicitly. libvirt 12.x can select it for any request,
giving the guest a writable pflash and no separate NVRAM; under that profile the finding is a
warning.`}, CategoryLint},
	{report.Rule{ID: RuleKernelRequiresSMM, Severity: report.Error,
		Summary: "A kernel-device descriptor with requires-smm crashes libvirt 9.0–11.x",
		Help: `When a kernel-mapped descriptor with requires-smm wins for a domain without a <loader>, libvirt 9.0
to 11.x dereference the missing loader and the daemon crashes. libvirt 12 rejects kernel devices
altogether (see descriptor-invalid).`}, CategoryLint},
	{report.Rule{ID: RuleShadowed, Severity: report.Warning,
		Summary: "The descriptor can never be auto-selected: an earlier one always wins",
		Help: `libvirt takes the first matching descriptor in byte-wise name order. This rule fires only in clear
cases: an earlier active descriptor has the same device, flash mode and formats, offers every
interface and machine pattern of this one, the same secure-boot, enrolled-keys and requires-smm
features and a superset of its other features, so every guest that could get this descriptor gets
the earlier one. Only a domain that names this descriptor's files explicitly can still use it.`}, CategoryLint},
	{report.Rule{ID: RuleFeatureIgnored, Severity: report.Warning,
		Summary: "A feature the libvirt release does not know is ignored, as if it were absent",
		Help: `libvirt drops feature names it does not know (amd-sev-snp and intel-tdx before 11.x, host-uefi-vars,
typos). The firmware then looks like a plainer build. When the dropped feature is one the firmware
needs the host to provide (intel-tdx, host-uefi-vars, SEV-SNP without SEV) and the coverage matrix
shows that ordinary guests get this firmware, the finding is an error: those guests will not boot.`}, CategoryLint},
	{report.Rule{ID: RuleMasked, Severity: report.Info,
		Summary: "A descriptor hidden by an empty file of the same name",
		Help: `An empty file in a directory of higher precedence (/etc/qemu/firmware over /usr/share/qemu/firmware)
masks the same-named descriptor: libvirt never reads it. This is the documented way to disable a
packaged descriptor; the finding is a reminder that it is in effect.`}, CategoryLint},
	{report.Rule{ID: RuleOverridden, Severity: report.Info,
		Summary: "A descriptor replaced by a same-named file of higher precedence",
		Help: `A file of the same name in a directory of higher precedence replaces this one entirely. A package
update of the overridden file has no effect until the override is removed.`}, CategoryLint},
	{report.Rule{ID: RuleMachineGlobUnmatched, Severity: report.Warning,
		Summary: "A machine pattern no machine type of the architecture can match",
		Help: `libvirt matches the machine patterns against the canonical machine type, after resolving aliases
(q35 is pc-q35-X.Y of the installed QEMU). Heuristic: fwaudit knows, per architecture, the machine
type names QEMU documents (versioned families such as pc-q35-X.Y, pc-i440fx-X.Y, virt-X.Y,
pseries-X.Y, s390-ccw-virtio-X.Y for QEMU 1.0 to 12.x, and unversioned names such as microvm, isapc,
virt, sbsa-ref, spike) together with the patterns real descriptor sets use; a pattern that matches
none of them is flagged. Architectures without a list are not checked. A literal alias such as "q35"
is flagged because libvirt never matches against the alias.`}, CategoryLint},
	{report.Rule{ID: RuleOrphanImage, Severity: report.Info,
		Summary: "A firmware image on disk that no descriptor describes",
		Help: `Images under /usr/share/OVMF, /usr/share/AAVMF, /usr/share/edk2 and the edk2/OVMF images under
/usr/share/qemu that no descriptor names (symlinks resolved) cannot be auto-selected; domains that
name them explicitly keep working only as long as the package ships them. Typical examples are the
2 MiB OVMF images Debian and Ubuntu still ship for old domains.`}, CategoryLint},

	{report.Rule{ID: RuleDomainInvalid, Severity: report.Error,
		Summary: "A domain XML file cannot be read or parsed",
		Help: `The file given with --domains is not a libvirt domain definition fwaudit can read; its impact cannot
be predicted.`}, CategoryDomain},
	{report.Rule{ID: RuleDomainFirmwareMissing, Severity: report.Error,
		Summary: "The loader or NVRAM template a domain names is gone from this host",
		Help: `The domain's <loader> or <nvram template> file does not exist inside the root: the domain cannot
start with its current definition, and nova (2026.1 and later) re-selects the firmware at the next
hard reboot. Typical cause: the 2 MiB OVMF images (/usr/share/OVMF/OVMF_CODE.fd) dropped by Debian and
Ubuntu.`}, CategoryDomain},
	{report.Rule{ID: RuleDomainUndescribed, Severity: report.Warning,
		Summary: "No descriptor describes the firmware a domain uses",
		Help: `The domain's loader is not named by any descriptor of the set. It keeps working while the file
exists, but libvirt cannot re-select it, and an auto-selected domain (firmware='efi') that pins this
path can no longer be defined. When the set has no image files to look at (a bundled --distro set)
this is also the best hint that the package dropped the file.`}, CategoryDomain},
	{report.Rule{ID: RuleDomainFirmwareChanges, Severity: report.Warning,
		Summary: "Rebuilding the domain's XML would select a different firmware",
		Help: `fwaudit strips the domain's loader path, NVRAM template and NVRAM, keeps firmware='efi', the
firmware feature requests, loader secure/stateless, SMM, launch security and power management, and
predicts libvirt's choice. Under nova 2026.1 and later this happens at rebuild, resize, cold
migration, evacuate and unshelve: the guest then boots a different firmware and gets a fresh NVRAM.`}, CategoryDomain},
	{report.Rule{ID: RuleDomainUnsatisfiable, Severity: report.Error,
		Summary: "No descriptor satisfies what the domain asks for: creating or rebuilding it fails",
		Help: `The regenerated request (see domain-firmware-changes) matches no firmware, e.g. an SEV-ES guest on a
set without amd-sev-es, or a stateless guest on a set without a stateless build. Defining such a
guest afresh fails with libvirt's error, shown in the message.`}, CategoryDomain},
	{report.Rule{ID: RuleDomainSecureBootChange, Severity: report.Warning,
		Summary: "The domain's Secure Boot request differs from its loader: nova re-selects at hard reboot",
		Help: `The domain asks for Secure Boot (<os><firmware><feature name='secure-boot'>) differently from what its
current <loader secure> says. nova 2026.1 and later then re-select the firmware at the next hard
reboot ("Secure boot support was changed after this instance had been created") instead of keeping
the current files.`}, CategoryDomain},

	{report.Rule{ID: RuleOverrideUnused, Severity: report.Warning,
		Summary: "An override matched no finding",
		Help: `An override line (rule [descriptor-glob]) suppressed nothing: the problem was fixed, the rule ID or
glob is wrong, or the descriptor was renamed. Remove the line so the override file stays honest.`}, CategoryMeta},
	{report.Rule{ID: RuleDomainsEmpty, Severity: report.Warning,
		Summary: "A --domains directory holds no domain definition",
		Help: `The directory given with --domains has no *.xml file, so no domain was checked there: the path is
probably wrong (libvirt keeps system domains in /etc/libvirt/qemu, session domains in
~/.config/libvirt/qemu), or the definitions live elsewhere (virsh dumpxml them into a directory).`}, CategoryMeta},
	{report.Rule{ID: RuleFileChecksSkipped, Severity: report.Info,
		Summary: "The checks that need the image files did not run",
		Help: `missing-file, orphan-image and the on-disk checks of domain-firmware-missing need the firmware images.
A bundled --distro set holds only the descriptors, so these checks are skipped and the report says so
instead of reporting every image as missing.`}, CategoryMeta},

	{report.Rule{ID: RuleNovaUpgradeFails, Severity: report.Error,
		Summary: "An image/flavor combination boots with nova 2025.2 and is refused after the move to 2026.1",
		Help: `nova up to 2025.2 picked the firmware itself and looked only at the architecture, the machine type and
Secure Boot; nova 2026.1 hands the choice to libvirt, which also honours stateless firmware and the
confidential-computing features (amd-sev-es, intel-tdx). A combination (--nova-combinations FILE) whose instances
boot today then fails to be created, rebuilt, resized, migrated or unshelved: no descriptor offers
what it asks for (Ubuntu 24.04 as released has no amd-sev-es build). Install firmware that does, or
change the image or flavor before upgrading nova.`}, CategoryDomain},
	{report.Rule{ID: RuleNovaFirmwareChanges, Severity: report.Warning,
		Summary: "An image/flavor combination boots another firmware once nova 2026.1 lets libvirt choose",
		Help: `nova's own selection (up to 2025.2) took the first descriptor whose architecture, machine and Secure
Boot flag fit, in its own order (/usr/share before /etc, no overrides); libvirt orders and filters
differently. New instances of the combination, and existing ones after a rebuild, resize, cold
migration, evacuation or unshelve, get the firmware shown. Check that the guests still boot with
it (Secure Boot keys, NVRAM layout).`}, CategoryDomain},
	{report.Rule{ID: RuleNovaRefused, Severity: report.Warning,
		Summary: "nova refuses an image/flavor combination already, before the upgrade",
		Help: `The combination fails with nova 2025.2 on this descriptor set: a conflicting flavor and image
(FlavorImageConflict), memory encryption without UEFI or q35, Secure Boot required on a host without
a Secure Boot build, or no firmware matching nova's selection. Nothing about the upgrade can be
predicted for it; fix the combination first.`}, CategoryDomain},

	{report.Rule{ID: RuleDomcapsFeatureUnserved, Severity: report.Warning,
		Summary: "The host can run SEV, SEV-ES, SEV-SNP or TDX guests but no descriptor serves them",
		Help: `libvirt's domain capabilities (--domcapabilities FILE, the output of virsh domcapabilities) say which
confidential-computing guests the host's CPU, kernel and QEMU can run. When the descriptors give no
firmware for such a guest on that architecture and machine, defining one fails ("Unable to find 'efi'
firmware"): the coverage gap is real on this host. Ubuntu 24.04 as released has no amd-sev-es build;
noble-updates has one for stateless loaders only. Install firmware that offers the feature.`}, CategoryCoverage},
	{report.Rule{ID: RuleDomcapsLoaderUndescribed, Severity: report.Info,
		Summary: "libvirt advertises a loader no descriptor describes",
		Help: `The <loader> values of the domain capabilities are the files a domain may name. A path no descriptor
of the set names comes from qemu.conf's nvram list or from files outside the set: auto-selection never
picks it, and a domain pinning it keeps working only while the file stays.`}, CategoryCoverage},
	{report.Rule{ID: RuleDomcapsFirmwareMismatch, Severity: report.Warning,
		Summary: "libvirt's firmware or Secure Boot capabilities disagree with what the descriptors give",
		Help: `The domain capabilities list 'efi' firmware or <loader secure='yes'> for the architecture and machine
while no descriptor of the set serves such a guest, or the other way round. The capabilities were
taken on another host, with another descriptor set or another libvirt than the one audited; compare
the right pair before trusting either.`}, CategoryCoverage},
	{report.Rule{ID: RuleTemplateUnreadable, Severity: report.Error,
		Summary: "An NVRAM template is not a readable UEFI variable store",
		Help: `fwaudit reads every NVRAM template an active descriptor names (raw or qcow2 flash images with an edk2
variable store, or QEMU's JSON store): the firmware volume header and its checksum, the variable
store header, every variable, and the signature lists of PK, KEK, db and dbx. A template that does
not read (truncated, bad checksum, sizes running past the store, a qcow2 with a backing file or
encryption) is copied into every new guest's NVRAM, where the firmware either reformats it, losing
the enrolled keys, or fails. The message names the file and the byte offset. Reinstall the firmware
package, or fix the descriptor to name the right file.`}, CategoryLint},
	{report.Rule{ID: RuleEnrolledKeysMismatch, Severity: report.Error,
		Summary: "The template's keys disagree with the descriptor's enrolled-keys feature",
		Help: `libvirt trusts the enrolled-keys feature: a guest asking for Secure Boot with the default keys gets a
firmware that claims them. If the template's PK, KEK or db is empty, that guest boots in setup mode
and Secure Boot enforces nothing (error). If the template enrolls a PK but the descriptor does not
claim enrolled-keys, libvirt gives it to guests that asked for no enrolled keys, which then cannot
enroll their own (warning). Fix the descriptor's features or point it at the right template.`}, CategoryLint},
	{report.Rule{ID: RuleSecureBootCAsOutdated, Severity: report.Warning,
		Summary: "A Secure Boot template enrolls Microsoft's 2011 CAs without the 2023 CAs",
		Help: `Microsoft's 2011 Secure Boot certificates expire in 2026 (KEK CA 2011 on 2026-06-24, UEFI CA 2011
on 2026-06-27, Windows Production PCA 2011 on 2026-10-19). Boot managers, shims and db/dbx updates
are now signed with the 2023 CAs (Microsoft Corporation KEK 2K CA 2023, Windows UEFI CA 2023,
Microsoft UEFI CA 2023, Microsoft Option ROM UEFI CA 2023) only. A template whose KEK or db holds
the 2011 CAs without their successors gives new guests NVRAM that cannot take those updates, and
loaders signed only by the 2023 CAs do not boot. Install a firmware package whose templates carry
the 2023 CAs (Debian unstable's edk2 2026.08 does; Debian 12 and 13 do not), or enroll them in the
template with virt-fw-vars. Existing guests keep their own NVRAM: see domain-secure-boot-cas-outdated.`}, CategoryLint},
	{report.Rule{ID: RuleCertificatesExpired, Severity: report.Warning,
		Summary: "Every certificate of a template's PK, KEK or db has expired",
		Help: `UEFI firmware does not check certificate expiry when verifying signatures, so an expired CA keeps
verifying what it signed; but nothing new is signed with it, and a KEK whose certificates all expired
can no longer sign db or dbx updates. The date is today, or --at. Move to a template with current
certificates.`}, CategoryLint},
	{report.Rule{ID: RuleFlashLayoutMismatch, Severity: report.Error,
		Summary: "CODE and VARS sizes make none of edk2's flash layouts",
		Help: `edk2 builds the executable (CODE) and the variable store (VARS) as the two halves of one flash device
of fixed layout: x86 4 MiB (CODE 3568 KiB + VARS 528 KiB), x86 2 MiB (CODE 1920 KiB + VARS 128 KiB),
AAVMF (64 MiB each). QEMU maps the two files back to back under 4 GiB; with halves of two layouts
(a 2 MiB VARS with a 4 MiB CODE, say) the guest still boots, but the firmware looks for its variable
store at the wrong address and no variable persists: boot entries, Secure Boot keys and settings
are lost at every start. Pair the files of one build (Debian removed its 2 MiB images in 2023.11).
The variable volume's length must also be what the build writes.`}, CategoryLint},
	{report.Rule{ID: RuleImageFormatMismatch, Severity: report.Error,
		Summary: "An image's container (raw or qcow2) differs from the descriptor's format",
		Help: `libvirt passes the descriptor's format to QEMU as the block driver of the flash device. A qcow2 file
described as raw is mapped with its qcow2 header as the firmware (the guest does not start, or a
template's store is not found); a raw file described as qcow2 is refused by QEMU. fwaudit reads the
container from the file (the qcow2 magic) and compares. Fix the descriptor's format or convert the file.`}, CategoryLint},
	{report.Rule{ID: RuleDomainNVRAMUnreadable, Severity: report.Warning,
		Summary: "A domain's NVRAM file is not a readable UEFI variable store",
		Help: `The domain's own NVRAM (the <nvram> path, looked up inside --root) could not be read as a variable
store. The guest may still boot (edk2 reformats a broken store, losing its variables); the message
names the file and the byte offset.`}, CategoryDomain},
	{report.Rule{ID: RuleDomainSecureBootCAsOutdated, Severity: report.Warning,
		Summary: "A domain's NVRAM enrolls Microsoft's 2011 CAs without the 2023 CAs",
		Help: `An existing guest keeps its own copy of the keys: updating the host's template does not reach it. Its
KEK or db holds Microsoft's 2011 CAs without their 2023 successors, so it cannot take boot loaders and
db/dbx updates signed only by the 2023 CAs. Update the keys from inside the guest (Windows does it
through its Secure Boot servicing; Linux with fwupd or KEK/db updates) or with virt-fw-vars on the
stopped guest's NVRAM. Before anyone changes the keys of a Windows guest: BitLocker measures Secure
Boot state, so a key change makes it ask for its recovery key at the next boot; have the recovery
key at hand, or suspend BitLocker first.`}, CategoryDomain},

	{report.Rule{ID: RuleDiffCoverageRegressed, Severity: report.Error,
		Summary: "A typical guest that the old set served is degraded or refused with the new one",
		Help: `fwaudit diff asks both sides, each with its own libvirt release, for the coverage matrix of typical
guests. This cell was ok (or degraded) before and is degraded or a gap after: new guests of that kind,
and existing ones whose XML is regenerated, lose their firmware. The message gives both answers.`}, CategoryDiff},
	{report.Rule{ID: RuleDiffCoverageChanged, Severity: report.Info,
		Summary: "A typical guest gets another firmware, or a cell appears or improves",
		Help: `The cell's answer differs between the two sides without getting worse: another descriptor or file is
chosen, a gap closes, or the cell exists on one side only. New guests of that kind boot the new
firmware.`}, CategoryDiff},
	{report.Rule{ID: RuleDiffDescriptors, Severity: report.Info,
		Summary: "Descriptors added, removed or renamed",
		Help: `A descriptor present on one side only, or one that names the same files under another name (a
rename changes libvirt's order and can change which one wins).`}, CategoryDiff},
	{report.Rule{ID: RuleDiffPathGone, Severity: report.Error,
		Summary: "A loader or NVRAM template path no new descriptor names",
		Help: `The old descriptors name this file and the new ones do not: the package that ships it most likely
dropped or renamed it. Every domain that pins the path in its <loader> or <nvram template> fails to
start once the file is gone, and libvirt cannot re-select it. Give --domains to see which ones.`}, CategoryDiff},
	{report.Rule{ID: RuleDiffDomainFails, Severity: report.Error,
		Summary: "A domain that starts (or rebuilds) with the old set fails with the new one",
		Help: `The domain's firmware is gone or no descriptor of the new set satisfies it under the new libvirt:
it fails to start as defined, or to be defined afresh (rebuild, resize, cold migration, evacuate,
unshelve).`}, CategoryDiff},
	{report.Rule{ID: RuleDiffDomainChanges, Severity: report.Warning,
		Summary: "A domain boots another firmware after the upgrade",
		Help: `As defined, or when its XML is regenerated, the domain gets other firmware files on the new side.
Check that it still boots with them (Secure Boot keys, NVRAM layout).`}, CategoryDiff},
	{report.Rule{ID: RuleDiffKeys, Severity: report.Warning,
		Summary: "An NVRAM template enrolls other Secure Boot keys",
		Help: `The Secure Boot variables (PK, KEK, db, dbx) of the template a descriptor names differ between the two
roots: guests created from it after the upgrade start with other keys (existing guests keep the keys in
their own NVRAM file). A certificate removed from db or KEK can stop an operating system signed with it
from booting under Secure Boot; an added one (Microsoft's 2023 CAs) lets newer media boot.`}, CategoryDiff},
}

// Rules returns the catalogue of every rule, sorted by ID.
func Rules() []RuleInfo {
	out := slices.Clone(catalogue)
	slices.SortFunc(out, func(a, b RuleInfo) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// Rule returns the rule with the given ID.
func Rule(id string) (RuleInfo, bool) {
	for _, r := range catalogue {
		if r.ID == id {
			return r, true
		}
	}
	return RuleInfo{}, false
}

// Suggest returns the rule IDs closest to id (by edit distance, or
// containing it), best first and alphabetical among equals, for "did you
// mean" messages.
func Suggest(id string) []string {
	ids := make([]string, len(catalogue))
	for i, r := range catalogue {
		ids[i] = r.ID
	}
	slices.Sort(ids)
	return suggest.Closest(id, ids)
}

func init() {
	// The help texts are written wrapped for reading here; reports carry
	// them as one paragraph.
	for i := range catalogue {
		catalogue[i].Help = strings.Join(strings.Fields(catalogue[i].Help), " ")
	}
}
