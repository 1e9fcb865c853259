package cli

import (
	"fmt"

	"github.com/fwaudit/fwaudit/diff"
	"github.com/spf13/cobra"
)

func newDiffCmd(a *app) *cobra.Command {
	v := new(values)
	c := &cobra.Command{
		Use:   "diff OLD NEW",
		Short: "What an upgrade of the descriptors (and of libvirt) changes for guests",
		Long: `Compare two descriptor sets, each judged with its own libvirt release: the
coverage cells that change, descriptors added, removed or renamed, loader and
template paths no descriptor names any more (and whether the new side still
installs them), the NVRAM templates whose Secure Boot keys change (two
roots), and with --domains each domain whose firmware or verdict changes.

Each side is distro:NAME, a root directory (a sysroot, an unpacked image, /)
or a firmware directory, optionally followed by @RELEASE: a libvirt version
(10.0) or a profile (libvirt-12.8, nova-legacy). Without @RELEASE a bundled
set is judged with its own distribution's libvirt, / with this host's,
anything else with the newest modelled.

Exit 1 when something got worse: a cell degraded or refused, a domain that
fails, a path not known to stay installed.`,
		Example: `  fwaudit diff distro:debian-12 distro:debian-13
  fwaudit diff distro:ubuntu-24.04 distro:ubuntu-24.04-updates --domains /etc/libvirt/qemu
  fwaudit diff / /mnt/new-image --format sarif
  fwaudit diff distro:ubuntu-24.04@nova-legacy distro:ubuntu-24.04@10.0`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 2 {
				return usageError(fmt.Sprintf("diff takes two sides, OLD and NEW (got %d)", len(args)))
			}
			return nil
		},
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			r, err := diff.Run(cmd.Context(), args[0], args[1], v.audit.Domains, a.host)
			if err == nil {
				err = diff.Write(a.stdout, r, diff.Format(v.format))
			}
			if err == nil && r.Regressed() {
				return errFindings
			}
			return err
		}),
	}
	a.addFlags(c, v, flags("format/diff", "domains/diff"))
	return c
}
