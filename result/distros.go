package result

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/fwaudit/fwaudit"
	"github.com/fwaudit/fwaudit/audit"
	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/matcher"
	"github.com/fwaudit/fwaudit/release"
	"github.com/fwaudit/fwaudit/report"
	"github.com/fwaudit/fwaudit/source"
)

// DistrosSchemaVersion versions the JSON output of Distros.
const DistrosSchemaVersion = 2

// Distros is which bundled distribution set gives which feature set, as
// libvirt selects: fwaudit distros.
type Distros struct {
	SchemaVersion int `json:"schema_version"`
	// Profile is set when every set was judged under one release (a flag);
	// otherwise each set is judged under its own (Distro.Profile).
	Profile     string   `json:"profile,omitempty"`
	Arch        string   `json:"arch"`
	Machine     string   `json:"machine"`
	FeatureSets []string `json:"feature_sets"`
	Distros     []Distro `json:"distros"`
}

// Distro is one bundled set's row.
type Distro struct {
	Name          string `json:"name"`
	Profile       string `json:"profile"`
	ProfileSource string `json:"profile_source"`
	ProfileNote   string `json:"profile_note"`
	QEMU          string `json:"qemu"`
	// Ships is the libvirt version the set's release ships, where it is
	// recorded (fwaudit.DistroRelease); a set judged under another
	// release (a flag, or one older than every modelled) says so here.
	Ships string `json:"ships,omitempty"`
	// Cells holds one prediction per feature set, in FeatureSets order.
	Cells []report.Coverage `json:"cells"`
}

// DistrosOptions choose the matrix.
type DistrosOptions struct {
	// Libvirt, Profile and QEMU judge every set under one release (as
	// the flags of that name); empty judges each under its own.
	Libvirt, Profile, QEMU string
	// Arch and Machine choose the guests (default x86_64 q35).
	Arch, Machine string
	// Templates describes a bundled set's NVRAM templates
	// (audit.Options.Templates); nil is the sets' own summaries
	// (source.Templates), as for fwaudit distros.
	Templates func(distro string) map[string]audit.TemplateInfo
}

// NewDistros predicts every feature set on every bundled set.
func NewDistros(ctx context.Context, opts DistrosOptions) (*Distros, error) {
	out := &Distros{SchemaVersion: DistrosSchemaVersion, Arch: opts.Arch, Machine: opts.Machine}
	if out.Arch == "" {
		out.Arch = "x86_64"
	}
	if out.Machine == "" {
		out.Machine = "q35"
	}
	if p, _, err := release.Named(opts.Libvirt, opts.Profile); err != nil {
		return nil, err
	} else if p != nil {
		out.Profile = p.Name
	}
	var require []string
	for _, f := range audit.FeatureSets() {
		out.FeatureSets = append(out.FeatureSets, f.Name)
		require = append(require, out.Arch+"/"+out.Machine+"/"+f.Name)
	}
	for _, name := range fwaudit.Distros() {
		c, err := release.Choose(ctx, release.Request{Libvirt: opts.Libvirt, Profile: opts.Profile, QEMU: opts.QEMU,
			Distro: name, NotHost: "the bundled " + name + " set", Arch: out.Arch})
		if err != nil {
			return nil, err
		}
		root, _ := fwaudit.Distro(name)
		set, err := descriptor.Load(descriptor.Options{FS: root, Rules: c.Profile.Rules})
		if err != nil {
			return nil, err
		}
		// Requiring every cell computes the whole row, targeted or not.
		ao := audit.Options{Profile: c.Profile, QEMU: c.QEMU, Require: require, FilesSkipped: "bundled set"}
		templates := opts.Templates
		if templates == nil {
			templates = source.Templates
		}
		ao.Templates = templates(name)
		r, err := audit.Run(ctx, set, ao)
		if err != nil {
			return nil, err
		}
		d := Distro{Name: name, Profile: c.Profile.Name, ProfileSource: string(c.ProfileSetting.Source),
			ProfileNote: c.ProfileSetting.Note, QEMU: c.QEMU}
		if dr, _ := fwaudit.DistroRelease(name); dr.Recorded() {
			d.Ships = dr.Libvirt
		}
		for _, n := range out.FeatureSets {
			i := slices.IndexFunc(r.Coverage, func(c report.Coverage) bool {
				return c.Arch == out.Arch && c.Machine == out.Machine && c.FeatureSet == n
			})
			if i < 0 {
				return nil, fmt.Errorf("result: no %s/%s/%s cell for %s", out.Arch, out.Machine, n, name)
			}
			cell := r.Coverage[i]
			cell.Required = false
			d.Cells = append(d.Cells, cell)
		}
		out.Distros = append(out.Distros, d)
	}
	return out, nil
}

// WriteJSON writes the matrix as JSON (schema/distros.schema.json).
func (d *Distros) WriteJSON(w io.Writer) error { return writeJSON(w, d) }

// featureAbbrev are the column headings of the text matrix; the legend
// under it spells them out.
var featureAbbrev = map[string]string{
	"uefi": "uefi", "secure-boot": "sb", "secure-boot+enrolled-keys": "sb+k", "secure-boot-no-keys": "sb-k",
	"no-secure-boot": "nosb", "smm-off": "smm0", "stateless": "stls", "amd-sev": "sev", "amd-sev-es": "es",
	"amd-sev-es+stateless": "es+s", "amd-sev-snp": "snp", "intel-tdx": "tdx", "bios": "bios",
}

// TextWidth is the most columns WriteText uses.
const TextWidth = 100

// WriteText writes the matrix for people, in at most TextWidth columns: a
// row per set with the release it was judged under, "yes" where a
// firmware is chosen, "~N" where it is chosen but lacks something and
// "-N" where there is none, N numbering the reasons listed below it.
func (d *Distros) WriteText(w io.Writer, opts TextOptions) error {
	st := style{opts.Color}
	var b strings.Builder
	how := "each as the libvirt release it ships selects (*: release not recorded, judged as the newest modelled; " +
		"<: ships a libvirt older than every modelled release, judged as the oldest)"
	if d.Profile != "" {
		how = "all as " + d.Profile + " selects"
	}
	wrap(&b, "", "", fmt.Sprintf("%s %s guests on the bundled descriptor sets, %s.", d.Arch, d.Machine, how), TextWidth)

	// Under one release the header names it; else a column does.
	perSet := d.Profile == ""
	head := []string{"DISTRO"}
	if perSet {
		head = append(head, "LIBVIRT")
	}
	for _, f := range d.FeatureSets {
		head = append(head, abbrev(f))
	}
	rows := [][]string{head}
	var reasons []string
	number := func(reason string) int {
		i := slices.Index(reasons, reason)
		if i < 0 {
			reasons = append(reasons, reason)
			i = len(reasons) - 1
		}
		return i + 1
	}
	for _, dist := range d.Distros {
		rel := strings.TrimPrefix(dist.Profile, "libvirt-")
		switch {
		case dist.ProfileSource == string(release.Default):
			rel += "*"
		case dist.ProfileSource == string(release.Distro) && olderThanModelled(dist.Ships):
			rel += "<"
		}
		row := []string{dist.Name}
		if perSet {
			row = append(row, rel)
		}
		for _, c := range dist.Cells {
			switch c.Status {
			case "ok":
				row = append(row, "yes")
			case "degraded":
				row = append(row, fmt.Sprintf("~%d", number("chosen ("+c.Descriptor+") but lacks "+strings.Join(c.Lacks, ", "))))
			default:
				reason := "no firmware: " + c.Error
				if c.DaemonCrashed {
					reason = "libvirtd crashes (the client sees: " + c.Error + ")"
				}
				row = append(row, fmt.Sprintf("-%d", number(reason)))
			}
		}
		rows = append(rows, row)
	}
	// Two spaces after the name and the release, one between the cells.
	var tb strings.Builder
	if err := table(&tb, rows, 1, nil); err != nil {
		return err
	}
	lines := strings.Split(strings.TrimSuffix(tb.String(), "\n"), "\n")
	for i, l := range lines {
		lines[i] = paintCells(l, i == 0, st)
	}
	b.WriteString(strings.Join(lines, "\n") + "\n")
	if len(reasons) > 0 {
		b.WriteString("\nyes: a firmware is chosen; ~N: chosen but lacking; -N: none. N is:\n")
		for i, r := range reasons {
			wrap(&b, fmt.Sprintf("%3d  ", i+1), "     ", r, TextWidth)
		}
	}
	var legend []string
	for _, f := range d.FeatureSets {
		if a := abbrev(f); a != f {
			legend = append(legend, a+"="+f)
		}
	}
	if len(legend) > 0 {
		wrap(&b, "\n", "", "Feature sets: "+strings.Join(legend, ", ")+" (fwaudit explain coverage-gap).", TextWidth)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// olderThanModelled reports whether libvirt version v is older than every
// modelled release.
func olderThanModelled(v string) bool {
	if v == "" {
		return false
	}
	_, err := matcher.ProfileFor(v)
	return err != nil
}

func abbrev(f string) string {
	if a, ok := featureAbbrev[f]; ok {
		return a
	}
	return f
}

// paintCells colors the verdict cells of one table line.
func paintCells(line string, head bool, st style) string {
	if head || !st.color {
		return line
	}
	fields := strings.Fields(line)
	for _, f := range fields[1:] {
		switch {
		case f == "yes":
			line = strings.Replace(line, " "+f, " "+st.green(f), 1)
		case strings.HasPrefix(f, "~"):
			line = strings.Replace(line, " "+f, " "+st.yellow(f), 1)
		}
	}
	return line
}
