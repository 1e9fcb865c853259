package cli

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/fwaudit/fwaudit/matcher"
	"github.com/fwaudit/fwaudit/report"
	"github.com/fwaudit/fwaudit/result"
	"github.com/fwaudit/fwaudit/source"
)

// TestLibraryIsCLI: a Go program that calls the library entry points gets
// byte for byte what the command prints, for match and audit on bundled
// sets, each release chosen in a different way, and for list and distros;
// options the command does not set are the zero value.
func TestLibraryIsCLI(t *testing.T) {
	ctx := context.Background()
	sbGuest := matcher.Guest{Name: "guest", Arch: "x86_64", Machine: "q35", Firmware: "efi", SecureBoot: matcher.Yes}
	sevGuest := matcher.Guest{Name: "vm", Arch: "x86_64", Machine: "q35", Firmware: "efi", LaunchSecurity: "sev-es", Stateless: true}
	armGuest := matcher.Guest{Name: "guest", Arch: "aarch64", Machine: "virt", Firmware: "efi"}
	predict := func(spec source.Spec, g matcher.Guest, opts result.PredictOptions, write func(*result.Match, io.Writer) error) func(io.Writer) error {
		return func(w io.Writer) error {
			m, err := result.Predict(ctx, spec, g.Domain(), opts)
			if err != nil {
				return err
			}
			return write(m, w)
		}
	}
	text := func(m *result.Match, w io.Writer) error { return m.WriteText(w, result.MatchTextOptions{}) }
	explain := func(m *result.Match, w io.Writer) error {
		return m.WriteText(w, result.MatchTextOptions{Explain: true})
	}
	json := func(m *result.Match, w io.Writer) error { return m.WriteJSON(w) }
	xml := func(m *result.Match, w io.Writer) error { return m.WriteXML(w) }
	audit := func(spec source.Spec, opts result.AuditOptions, f report.Format) func(io.Writer) error {
		return func(w io.Writer) error {
			opts.Tool = report.Tool{Version: toolVersion()}
			r, err := result.Audit(ctx, spec, opts)
			if err != nil {
				return err
			}
			return report.Write(w, r, f, report.Options{})
		}
	}
	for _, tc := range []struct {
		args string
		lib  func(io.Writer) error
	}{
		{"match --distro debian-13 --arch x86_64 --machine q35 --secure-boot yes",
			predict(source.Spec{Distro: "debian-13"}, sbGuest, result.PredictOptions{}, text)},
		{"match --distro ubuntu-24.04 --arch x86_64 --machine q35 --launch-security sev-es --stateless --name vm --format json --all",
			predict(source.Spec{Distro: "ubuntu-24.04"}, sevGuest, result.PredictOptions{All: true}, json)},
		{"match --distro debian-12 --libvirt 12.8 --qemu 9.2 --arch x86_64 --machine q35 --secure-boot yes --explain",
			predict(source.Spec{Distro: "debian-12", Libvirt: "12.8", QEMU: "9.2"}, sbGuest, result.PredictOptions{}, explain)},
		{"match --distro fedora-39 --profile nova-legacy --arch aarch64 --machine virt --format xml --existing",
			predict(source.Spec{Distro: "fedora-39", Profile: "nova-legacy"}, armGuest, result.PredictOptions{Existing: true}, xml)},
		{"audit --distro ubuntu-24.04 --require amd-sev-es",
			audit(source.Spec{Distro: "ubuntu-24.04"}, result.AuditOptions{Require: []string{"amd-sev-es"}}, report.Text)},
		{"audit --distro debian-13 --libvirt 10.0 --format json",
			audit(source.Spec{Distro: "debian-13", Libvirt: "10.0"}, result.AuditOptions{}, report.JSON)},
		{"audit --distro fedora-39 --profile nova-legacy --format sarif",
			audit(source.Spec{Distro: "fedora-39", Profile: "nova-legacy"}, result.AuditOptions{}, report.SARIF)},
		{"list --distro ubuntu-24.04-updates --format json", func(w io.Writer) error {
			l, err := result.ListOf(source.Spec{Distro: "ubuntu-24.04-updates"})
			if err != nil {
				return err
			}
			return l.WriteJSON(w)
		}},
		{"list --distro debian-13", func(w io.Writer) error {
			l, err := result.ListOf(source.Spec{Distro: "debian-13"})
			if err != nil {
				return err
			}
			return l.WriteText(w, result.TextOptions{})
		}},
		{"distros", func(w io.Writer) error {
			d, err := result.NewDistros(ctx, result.DistrosOptions{})
			if err != nil {
				return err
			}
			return d.WriteText(w, result.TextOptions{})
		}},
	} {
		t.Run(tc.args, func(t *testing.T) {
			var cli, stderr, lib bytes.Buffer
			if code := run(strings.Fields(tc.args), &cli, &stderr); code != exitOK && code != exitFindings {
				t.Fatalf("exit %d: %s", code, &stderr)
			}
			if err := tc.lib(&lib); err != nil {
				t.Fatal(err)
			}
			if cli.Len() < 100 {
				t.Fatalf("the command printed only %q", &cli)
			}
			if !bytes.Equal(cli.Bytes(), lib.Bytes()) {
				t.Errorf("the library's output differs from the command's:\n--- command\n%s\n--- library\n%s", &cli, &lib)
			}
		})
	}
}
