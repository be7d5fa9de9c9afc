package alerts

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// tsList returns the words of `export const NAME = [...] as const` in path, sorted.
func tsList(t *testing.T, path, name string) []string {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`export const ` + name + ` = \[([^\]]*)\] as const`).FindStringSubmatch(string(src))
	if m == nil {
		t.Fatalf("%s: no list %s", path, name)
	}
	var out []string
	for _, w := range regexp.MustCompile(`'([^']*)'`).FindAllStringSubmatch(m[1], -1) {
		out = append(out, w[1])
	}
	slices.Sort(out)
	return out
}

// entryKinds are the values of this package's Entry… string constants.
func entryKinds(t *testing.T) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "entry.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, spec := range g.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, n := range vs.Names {
				lit, ok := vs.Values[i].(*ast.BasicLit)
				if strings.HasPrefix(n.Name, "Entry") && ok && lit.Kind == token.STRING {
					s, _ := strconv.Unquote(lit.Value)
					out = append(out, s)
				}
			}
		}
	}
	slices.Sort(out)
	return out
}

// TestWordSetsMatchFrontend: the timeline names the kinds of alerts and of
// entries (frontend/src/lib/incidents.ts); they are the ones sent here.
func TestWordSetsMatchFrontend(t *testing.T) {
	const incidents = "../../frontend/src/lib/incidents.ts"
	kinds := make([]string, len(Kinds))
	for i, k := range Kinds {
		kinds[i] = string(k)
	}
	slices.Sort(kinds)
	if ts := tsList(t, incidents, "ALERT_KINDS"); !slices.Equal(ts, kinds) {
		t.Errorf("alert kinds: frontend %v, Go %v", ts, kinds)
	}
	if ts, goKinds := tsList(t, incidents, "ENTRY_KINDS"), entryKinds(t); len(goKinds) < 5 || !slices.Equal(ts, goKinds) {
		t.Errorf("entry kinds: frontend %v, Go %v", ts, goKinds)
	}
}
