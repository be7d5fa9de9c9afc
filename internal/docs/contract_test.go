package docs

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestContractTableListsEveryRouteAndEvent: the routes and events table of
// docs/ARCHITECTURE.md names exactly what the code serves and sends.
func TestContractTableListsEveryRouteAndEvent(t *testing.T) {
	code := map[string]string{} // name → kind
	for _, dir := range []string{"backend/adminapi", "backend/metrics"} {
		for _, r := range routes(t, dir) {
			code[r] = "route"
		}
	}
	for dir, prefixes := range map[string][]string{"app": {"Event"}, "backend/adminapi": {"Event", "client"}} {
		for name, value := range constants(t, dir) {
			for _, p := range prefixes {
				if rest, ok := strings.CutPrefix(name, p); ok && rest != "" && rest[0] >= 'A' && rest[0] <= 'Z' {
					code[value] = map[string]string{"Event": "event", "client": "message"}[p]
				}
			}
		}
	}
	if len(code) < 20 {
		t.Fatalf("found only %v in the code: is the reading wrong?", code)
	}
	doc := contractTable(t)
	for name, kind := range code {
		if doc[name] != kind {
			t.Errorf("the code has the %s %q; docs/ARCHITECTURE.md's routes and events table has %q for it: add a row (| `%s` | %s | from → to | carries |)", kind, name, doc[name], name, kind)
		}
	}
	for name, kind := range doc {
		if _, ok := code[name]; !ok {
			t.Errorf("docs/ARCHITECTURE.md lists the %s %q, which the code no longer has", kind, name)
		}
	}
}

// contractTable reads the rows of the "Routes and events" table: name → kind.
func contractTable(t *testing.T) map[string]string {
	data, err := os.ReadFile(filepath.Join(root, "docs", "ARCHITECTURE.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(data), "### Routes and events\n")
	if !ok {
		t.Fatal(`docs/ARCHITECTURE.md has no "### Routes and events" section`)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	row := regexp.MustCompile("^\\| `([^`]+)` \\| (\\w+) \\|")
	out := map[string]string{}
	for _, line := range strings.Split(section, "\n") {
		if m := row.FindStringSubmatch(line); m != nil {
			out[m[1]] = m[2]
		}
	}
	return out
}

// parse returns the non-test files of the package in dir.
func parse(t *testing.T, dir string) []*ast.File {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(root, dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	fset := token.NewFileSet()
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	return files
}

// constants are the package's string constants, evaluated.
func constants(t *testing.T, dir string) map[string]string {
	files := parse(t, dir)
	exprs := map[string]ast.Expr{}
	for _, f := range files {
		for _, d := range f.Decls {
			if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.CONST {
				for _, spec := range g.Specs {
					vs := spec.(*ast.ValueSpec)
					for i, n := range vs.Names {
						if i < len(vs.Values) {
							exprs[n.Name] = vs.Values[i]
						}
					}
				}
			}
		}
	}
	out := map[string]string{}
	for name, e := range exprs {
		if v, ok := stringValue(e, exprs); ok {
			out[name] = v
		}
	}
	return out
}

// stringValue evaluates a constant string expression: literals, the
// package's constants and +.
func stringValue(e ast.Expr, consts map[string]ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(e.Value)
		return s, err == nil
	case *ast.Ident:
		if c, ok := consts[e.Name]; ok {
			return stringValue(c, consts)
		}
	case *ast.BinaryExpr:
		if e.Op == token.ADD {
			a, ok1 := stringValue(e.X, consts)
			b, ok2 := stringValue(e.Y, consts)
			return a + b, ok1 && ok2
		}
	case *ast.ParenExpr:
		return stringValue(e.X, consts)
	}
	return "", false
}

// routes are the patterns the package registers on a ServeMux
// (….Handle / ….HandleFunc with a constant pattern).
func routes(t *testing.T, dir string) []string {
	files := parse(t, dir)
	consts := map[string]ast.Expr{}
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			if vs, ok := n.(*ast.ValueSpec); ok {
				for i, name := range vs.Names {
					if i < len(vs.Values) {
						consts[name.Name] = vs.Values[i]
					}
				}
			}
			return true
		})
	}
	var out []string
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) != 2 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || (sel.Sel.Name != "Handle" && sel.Sel.Name != "HandleFunc") {
				return true
			}
			if p, ok := stringValue(call.Args[0], consts); ok {
				out = append(out, p)
			} else {
				t.Errorf("%s: a route whose pattern is not a constant: the table cannot be checked", dir)
			}
			return true
		})
	}
	slices.Sort(out)
	return out
}
