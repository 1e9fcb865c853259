package cli_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/fwaudit/fwaudit/cli"
)

// One command line, as fwaudit runs it: the output, and the exit code
// (1: Ubuntu 24.04 as released has no SEV-ES firmware).
func ExampleRun() {
	var out strings.Builder
	code := cli.Run([]string{"match", "--distro", "ubuntu-24.04", "--arch", "x86_64", "--machine", "q35", "--launch-security", "sev-es", "--format", "json"},
		cli.Options{Stdout: &out, Stderr: os.Stdout})
	for _, line := range strings.Split(out.String(), "\n") {
		if strings.Contains(line, `"ok"`) || strings.Contains(line, `"profile"`) {
			fmt.Println(strings.TrimSpace(line))
		}
	}
	fmt.Println("exit", code)
	// Output:
	// "profile": "libvirt-10.0",
	// "ok": false,
	// exit 1
}

// A usage error: the message and the pointer to the help on stderr, exit 2.
func ExampleRun_usage() {
	code := cli.Run([]string{"match", "--arch", "amd64", "--machine", "q35"}, cli.Options{Stdout: os.Stdout, Stderr: os.Stdout})
	fmt.Println("exit", code)
	// Output:
	// fwaudit match: --arch "amd64": not an architecture libvirt knows (libvirt calls it x86_64)
	// usage: fwaudit match [--root DIR] [--dir DIR]... [--session] [--distro NAME] [--libvirt VER | --profile NAME]
	//                      [--qemu VER] (--domain FILE | --arch A --machine M [request flags]) [--existing] [--explain] [--all]
	//                      [--format text|json|xml]
	// Run 'fwaudit match --help' for usage.
	// exit 2
}

// The command tree embedded in another program: its commands, and a run
// whose error carries the exit code.
func ExampleNew() {
	root := cli.New(cli.Options{Stdout: os.Stdout, Stderr: os.Stderr})
	var names []string
	for _, c := range root.Commands() {
		if !c.Hidden {
			names = append(names, c.Name())
		}
	}
	fmt.Println(strings.Join(names, " "))
	root.SetArgs([]string{"explain", "nosuch-rule"})
	err := root.Execute()
	fmt.Println(cli.ExitCode(err), err)
	// Output:
	// audit diff distros explain lint list match validate vars
	// 2 unknown rule "nosuch-rule" (fwaudit explain lists the rules)
}
