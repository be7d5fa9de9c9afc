package alerts

import (
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/tickstock/monitor/internal/tswords"
)

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
	kinds := tswords.Sorted(Kinds...)
	if ts := tswords.List(t, incidents, "ALERT_KINDS"); !slices.Equal(ts, kinds) {
		t.Errorf("alert kinds: frontend %v, Go %v", ts, kinds)
	}
	if ts, goKinds := tswords.List(t, incidents, "ENTRY_KINDS"), entryKinds(t); len(goKinds) < 5 || !slices.Equal(ts, goKinds) {
		t.Errorf("entry kinds: frontend %v, Go %v", ts, goKinds)
	}
}
