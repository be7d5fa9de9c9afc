package app

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestBindingsAreCurrent regenerates the TypeScript bindings with Wails' own
// generator (what `make bindings` and `wails generate module` run: the app
// built with the "bindings" tag, started once) into a temporary directory
// and compares them with the committed frontend/wailsjs. A bound method, a
// parameter or a JSON field changed in Go without `make bindings` fails
// here; the other direction, the frontend using a method or field that Go
// does not have, fails svelte-check against the committed bindings.
func TestBindingsAreCurrent(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	got := generateBindings(t, root)
	want := filepath.Join(root, "frontend", "wailsjs")
	if diffs := compareTrees(t, want, got); len(diffs) > 0 {
		t.Fatalf("frontend/wailsjs is not what Go generates now; run `make bindings` and commit frontend/wailsjs:\n%s",
			strings.Join(diffs, "\n"))
	}
}

// generateBindings builds the app with the bindings tag and runs it in a
// temporary project whose wails.json is the repository's with wailsjsdir
// pointing into that directory; it returns the generated wailsjs directory.
func generateBindings(t *testing.T, root string) string {
	t.Helper()
	tmp := t.TempDir()
	raw, err := os.ReadFile(filepath.Join(root, "wails.json"))
	if err != nil {
		t.Fatal(err)
	}
	var project map[string]any
	if err := json.Unmarshal(raw, &project); err != nil {
		t.Fatalf("wails.json: %v", err)
	}
	project["wailsjsdir"] = tmp
	raw, err = json.Marshal(project)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(tmp, "wails.json"), raw, 0o600); err != nil {
		t.Fatal(err)
	}

	bin := filepath.Join(tmp, "wailsbindings")
	build := exec.Command("go", "build", "-tags", "bindings", "-o", bin, ".")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build -tags bindings: %v\n%s", err, out)
	}
	gen := exec.Command(bin)
	gen.Dir = tmp
	gen.Env = append(os.Environ(), tsGenerationEnv(project)...)
	if out, err := gen.CombinedOutput(); err != nil {
		t.Fatalf("the bindings generator failed: %v\n%s", err, out)
	}
	return filepath.Join(tmp, "wailsjs")
}

// tsGenerationEnv passes wails.json's bindings.ts_generation to the
// generator the way the wails CLI does (environment variables, "classes"
// when no output type is set).
func tsGenerationEnv(project map[string]any) []string {
	gen := map[string]string{"prefix": "", "suffix": "", "outputType": "classes"}
	if b, ok := project["bindings"].(map[string]any); ok {
		if ts, ok := b["ts_generation"].(map[string]any); ok {
			for k := range gen {
				if v, ok := ts[k].(string); ok && v != "" {
					gen[k] = v
				}
			}
		}
	}
	return []string{"tsprefix=" + gen["prefix"], "tssuffix=" + gen["suffix"], "tsoutputtype=" + gen["outputType"]}
}

// compareTrees lists, one line each, the files that differ between the
// committed directory want and the generated got.
func compareTrees(t *testing.T, want, got string) []string {
	t.Helper()
	a, b := readTree(t, want), readTree(t, got)
	names := map[string]bool{}
	for n := range a {
		names[n] = true
	}
	for n := range b {
		names[n] = true
	}
	var diffs []string
	for n := range names {
		wa, okA := a[n]
		gb, okB := b[n]
		switch {
		case !okA:
			diffs = append(diffs, fmt.Sprintf("  %s: generated, not committed", n))
		case !okB:
			diffs = append(diffs, fmt.Sprintf("  %s: committed, no longer generated", n))
		case !bytes.Equal(wa, gb):
			diffs = append(diffs, fmt.Sprintf("  %s: %s", n, firstDifference(wa, gb)))
		}
	}
	sort.Strings(diffs)
	return diffs
}

func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		files[filepath.ToSlash(rel)], err = os.ReadFile(p)
		return err
	})
	if err != nil {
		t.Fatalf("reading %s: %v", dir, err)
	}
	return files
}

// firstDifference names the first line where the committed and the
// generated text part.
func firstDifference(committed, generated []byte) string {
	c := strings.Split(string(committed), "\n")
	g := strings.Split(string(generated), "\n")
	for i := 0; i < max(len(c), len(g)); i++ {
		var lc, lg string
		if i < len(c) {
			lc = c[i]
		}
		if i < len(g) {
			lg = g[i]
		}
		if lc != lg {
			return fmt.Sprintf("line %d: committed %q, generated %q", i+1, strings.TrimSpace(lc), strings.TrimSpace(lg))
		}
	}
	return "differs"
}
