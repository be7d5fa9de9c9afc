// Command docgraph regenerates the import graph in docs/ARCHITECTURE.md
// from `go list` (`make docs`); internal/docs fails when it is stale.
// Run it from the repository root.
package main

import (
	"fmt"
	"os"

	"github.com/tickstock/monitor/internal/docs"
)

func main() {
	if err := docs.WriteGraph("."); err != nil {
		fmt.Fprintln(os.Stderr, "docgraph:", err)
		os.Exit(1)
	}
}
