// Command fwaudit audits QEMU firmware descriptors and predicts which
// firmware libvirt's auto-selection picks for a virtual machine. Its
// command line, help and exit codes are package cli (fwaudit help lists
// the commands).
package main

import (
	"os"

	"github.com/fwaudit/fwaudit/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
