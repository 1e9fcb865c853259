package cli

import (
	"github.com/fwaudit/fwaudit/varstore"
	"github.com/spf13/cobra"
)

func newVarsCmd(a *app) *cobra.Command {
	v := new(values)
	c := &cobra.Command{
		Use:   "vars FILE...",
		Short: "Show the Secure Boot keys of UEFI variable stores (VARS templates, guest NVRAM)",
		Long: `Show what UEFI variable stores hold: raw or qcow2 flash images with an edk2
store (VARS templates, a guest's NVRAM, a combined CODE+VARS image) or QEMU's
JSON store. Per file a verdict first (are Microsoft's 2023 CAs enrolled?), then
the container, the store, the Secure Boot state and the entries of PK, KEK, db
and dbx with their expiry (at --at, default today) and which well-known
certificate each is. Exit 1 when a file cannot be read.`,
		Example: `  fwaudit vars /usr/share/OVMF/OVMF_VARS_4M.ms.fd
  fwaudit vars /var/lib/libvirt/qemu/nvram/*_VARS.fd --format json
  fwaudit vars --at 2026-07-01 OVMF_VARS_4M.ms.fd`,
		Args: needArgs("no files given"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			s := varstore.SummarizeFiles(args, v.audit.At)
			err := s.Write(a.stdout, v.format, varstore.TextOptions{Color: a.color, Hashes: v.hashes})
			if err == nil && s.Failed() {
				return errFindings
			}
			return err
		}),
	}
	a.addFlags(c, v, flags("format/vars", "at", "hashes"))
	return c
}
