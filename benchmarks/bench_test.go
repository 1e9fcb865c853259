package benchmarks

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/fwaudit/fwaudit"
	"github.com/fwaudit/fwaudit/descriptor"
	"github.com/fwaudit/fwaudit/matcher"
)

// parseSet is the real set whose files BenchmarkParse and
// BenchmarkJSONBaseline decode: the largest of the catalogue.
const parseSet = "fedora-39"

// jsonDescriptor mirrors descriptor.Descriptor for encoding/json, the
// baseline: the same members decoded, with no positions, no schema and no
// libvirt rules.
type jsonDescriptor struct {
	Description    string   `json:"description"`
	InterfaceTypes []string `json:"interface-types"`
	Mapping        struct {
		Device        string         `json:"device"`
		Mode          string         `json:"mode"`
		Executable    *jsonFlashFile `json:"executable"`
		NVRAMTemplate *jsonFlashFile `json:"nvram-template"`
		Filename      string         `json:"filename"`
	} `json:"mapping"`
	Targets []struct {
		Architecture string   `json:"architecture"`
		Machines     []string `json:"machines"`
	} `json:"targets"`
	Features []string `json:"features"`
	Tags     []string `json:"tags"`
}

type jsonFlashFile struct {
	Filename string `json:"filename"`
	Format   string `json:"format"`
}

func sortedFiles(tb testing.TB, distro string) ([]string, map[string][]byte) {
	files := descriptorFiles(tb, distro)
	var names []string
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	return names, files
}

// BenchmarkParse is descriptor.Parse (syntax, positions, QEMU's schema) of
// each file of a real set; compare with BenchmarkJSONBaseline.
func BenchmarkParse(b *testing.B) {
	names, files := sortedFiles(b, parseSet)
	for _, name := range names {
		data := files[name]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := descriptor.Parse(name, data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkJSONBaseline is encoding/json decoding the same bytes as
// BenchmarkParse into equivalent structs, without validation.
func BenchmarkJSONBaseline(b *testing.B) {
	names, files := sortedFiles(b, parseSet)
	for _, name := range names {
		data := files[name]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				var d jsonDescriptor
				if err := json.Unmarshal(data, &d); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkLoad is descriptor.Load (discovery, reading, parsing, libvirt's
// rules) of each catalogue set from the embedded catalogue, and of a
// synthetic set of 200 descriptors in memory.
func BenchmarkLoad(b *testing.B) {
	for _, name := range fwaudit.Distros() {
		root, _ := fwaudit.Distro(name)
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := descriptor.Load(descriptor.Options{FS: root}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	root := syntheticRoot(200)
	b.Run("synthetic-200", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := descriptor.Load(descriptor.Options{FS: root}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkMatch is matcher.Match for libvirt 12.8 on the merged real set
// (36 descriptors), once with the trace libvirt's debug log would hold and
// once without it.
func BenchmarkMatch(b *testing.B) {
	p := matcher.Latest
	set := loadMerged(b, p)
	for _, tc := range requests {
		for _, mode := range matchModes {
			b.Run("merged-36/"+tc.name+mode.suffix, func(b *testing.B) {
				b.ReportAllocs()
				req := tc.req
				done := reportCPU(b)
				for b.Loop() {
					d := matcher.Match(set, &req, p, mode.opts)
					sinkEntry = d.Chosen
				}
				done()
			})
		}
	}
}

// BenchmarkScanBaseline is the floor any matcher pays on the merged set:
// one pass over the descriptors in libvirt's order, comparing each target's
// architecture name with the request's. BenchmarkMatch's ns/op over this is
// what libvirt's rules cost on top of touching every descriptor once.
func BenchmarkScanBaseline(b *testing.B) {
	set := loadMerged(b, matcher.Latest)
	b.Run("merged-36", func(b *testing.B) {
		b.ReportAllocs()
		done := reportCPU(b)
		for b.Loop() {
			n := 0
			for _, e := range set.Entries {
				if e.Status != descriptor.StatusActive {
					continue
				}
				for _, t := range e.Descriptor.Targets {
					if t.Architecture == "s390x" {
						n++
					}
				}
			}
			sinkInt = n
		}
		done()
	})
}

var (
	sinkEntry *descriptor.Entry
	sinkInt   int
)
