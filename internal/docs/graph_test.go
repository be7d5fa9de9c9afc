package docs

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportGraphIsCurrent: the graph in docs/ARCHITECTURE.md is what
// `go list` says today (a package added, an import added or dropped, and
// `make docs` forgotten, fails here).
func TestImportGraphIsCurrent(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join(root, "docs", "ARCHITECTURE.md"))
	if err != nil {
		t.Fatal(err)
	}
	shown, err := GraphSection(string(doc))
	if err != nil {
		t.Fatal(err)
	}
	imports, err := Imports(root)
	if err != nil {
		t.Fatal(err)
	}
	if want := Graph(imports); shown != want {
		t.Errorf("docs/ARCHITECTURE.md's import graph is stale: run `make docs`.\nshown:\n%s\nfrom go list:\n%s", shown, want)
	}
}

// TestImportRules: the rules the package table's introduction states.
func TestImportRules(t *testing.T) {
	imports, err := Imports(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(imports) < 20 {
		t.Fatalf("go list gave only %d packages: %v", len(imports), imports)
	}
	for pkg, deps := range imports {
		for _, d := range deps {
			if strings.HasPrefix(d, "internal/") {
				t.Errorf("%s imports %s: internal/* is for tests and tooling", pkg, d)
			}
			if d == "app" && pkg != "main" {
				t.Errorf("%s imports app: only main does", pkg)
			}
		}
	}
}

// TestBackendNeedsNoWindow: no backend package pulls in Wails (directly or
// through another), so all of it is testable without a window or cgo.
func TestBackendNeedsNoWindow(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", "./backend/...")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range strings.Fields(string(out)) {
		if strings.HasPrefix(p, "github.com/wailsapp/") || p == Module+"/app" {
			t.Errorf("backend/... depends on %s", p)
		}
	}
}
