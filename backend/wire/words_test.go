package wire

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

// tsUnion returns the words of the union given to field in the TypeScript
// type named typ (`field: 'a' | 'b';`, on one line or, as prettier writes a
// long one, one word a line), sorted.
func tsUnion(t *testing.T, path, typ, field string) []string {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, block, ok := strings.Cut(string(src), "export type "+typ+" ")
	if !ok {
		t.Fatalf("%s: no type %s", path, typ)
	}
	block, _, _ = strings.Cut(block, "\n>")
	m := regexp.MustCompile(`(?m)^\s*` + field + `:((?:\s*\|?\s*'[^']*')+);`).FindStringSubmatch(block)
	if m == nil {
		t.Fatalf("%s: %s has no field %s of words", path, typ, field)
	}
	var out []string
	for _, w := range regexp.MustCompile(`'([^']*)'`).FindAllStringSubmatch(m[1], -1) {
		out = append(out, w[1])
	}
	slices.Sort(out)
	return out
}

// tsList returns the words of `export const NAME = [...] as const` in
// path, sorted.
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

func sorted[T ~string](ws ...T) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = string(w)
	}
	slices.Sort(out)
	return out
}

// TestWordSetsMatchFrontend: the window and the browser tab switch on the
// seven status words (frontend/src/lib/types.ts STATUS_WORDS) and on the
// remote observer's words (RemoteState, which bridge-http.ts and the
// components are type-checked against); they are the ones this package
// defines. (The subscription's phases and row feeds
// are held to SourceState by monitor's test of the same name.)
func TestWordSetsMatchFrontend(t *testing.T) {
	const types = "../../frontend/src/lib/types.ts"
	if ts, goWords := tsList(t, types, "STATUS_WORDS"), sorted(Statuses[:]...); !slices.Equal(ts, goWords) {
		t.Errorf("STATUS_WORDS: frontend %v, Go %v", ts, goWords)
	}
	for field, goWords := range map[string][]string{
		"state": sorted(SignInStates...),
		// "" is the zero value before the first observation.
		"feed": sorted(append([]Feed{""}, RemoteFeeds...)...),
		"kind": sorted(ServerKinds...),
	} {
		if ts := tsUnion(t, types, "RemoteState", field); !slices.Equal(ts, goWords) {
			t.Errorf("RemoteState.%s: frontend %v, Go %v", field, ts, goWords)
		}
	}
}

// constants returns the values of this package's string constants by their
// declared type (`StateObserving SignInState = "observing"`), sorted.
func constants(t *testing.T) map[string][]string {
	t.Helper()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, spec := range g.Specs {
				vs := spec.(*ast.ValueSpec)
				typ, ok := vs.Type.(*ast.Ident)
				if !ok {
					continue
				}
				for _, v := range vs.Values {
					if lit, ok := v.(*ast.BasicLit); ok && lit.Kind == token.STRING {
						w, _ := strconv.Unquote(lit.Value)
						out[typ.Name] = append(out[typ.Name], w)
					}
				}
			}
		}
	}
	for _, ws := range out {
		slices.Sort(ws)
	}
	return out
}

// Every word set's list holds each of its constants once: a word added
// without its list would reach no frontend check.
func TestWordListsHoldEveryConstant(t *testing.T) {
	feeds := slices.Compact(slices.Sorted(slices.Values(append(sorted(RowFeeds...), sorted(RemoteFeeds...)...))))
	lists := map[string][]string{
		"Status": sorted(Statuses[:]...), "SignInState": sorted(SignInStates...), "ServerKind": sorted(ServerKinds...),
		"SubscriptionPhase": sorted(SubscriptionPhases...), "Feed": feeds,
	}
	consts := constants(t)
	for typ, ws := range consts {
		if list, ok := lists[typ]; !ok {
			t.Errorf("word set %s has no list here", typ)
		} else if !slices.Equal(list, ws) {
			t.Errorf("%s: list %v, constants %v", typ, list, ws)
		}
	}
	for typ := range lists {
		if len(consts[typ]) == 0 {
			t.Errorf("no constants of %s found", typ)
		}
	}
}
