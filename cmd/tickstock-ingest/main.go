// Command tickstock-ingest is the headless side of TickStock: it runs the
// multi-connection manager without a window (no GTK, no WebKit, no cgo).
//
//	tickstock-ingest --version
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/tickstock/monitor/backend/version"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `usage: tickstock-ingest <command> [flags]

commands:
  version     print the version (also --version)
  help        this text
`

// run dispatches a subcommand and returns the process exit code.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "--version", "-version", "version":
		fmt.Fprintf(stdout, "tickstock-ingest %s\n", version.Version)
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "tickstock-ingest: unknown command %q\n\n%s", args[0], usage)
	return 2
}
