package wire

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/tickstock/monitor/internal/tswords"
)

// TestWordSetsMatchFrontend: the window and the browser tab switch on the
// seven status words (frontend/src/lib/types.ts STATUS_WORDS) and on the
// remote observer's words (RemoteState, which bridge-http.ts and the
// components are type-checked against); they are the ones this package
// defines. (The subscription's phases and row feeds
// are held to SourceState by monitor's test of the same name.)
func TestWordSetsMatchFrontend(t *testing.T) {
	const types = "../../frontend/src/lib/types.ts"
	if ts, goWords := tswords.List(t, types, "STATUS_WORDS"), tswords.Sorted(Statuses[:]...); !slices.Equal(ts, goWords) {
		t.Errorf("STATUS_WORDS: frontend %v, Go %v", ts, goWords)
	}
	for field, goWords := range map[string][]string{
		"state": tswords.Sorted(SignInStates...),
		// "" is the zero value before the first observation.
		"feed": tswords.Sorted(append([]Feed{""}, RemoteFeeds...)...),
		"kind": tswords.Sorted(ServerKinds...),
	} {
		if ts := tswords.Union(t, types, "RemoteState", field); !slices.Equal(ts, goWords) {
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
	feeds := slices.Compact(slices.Sorted(slices.Values(append(tswords.Sorted(RowFeeds...), tswords.Sorted(RemoteFeeds...)...))))
	lists := map[string][]string{
		"Status": tswords.Sorted(Statuses[:]...), "SignInState": tswords.Sorted(SignInStates...), "ServerKind": tswords.Sorted(ServerKinds...),
		"SubscriptionPhase": tswords.Sorted(SubscriptionPhases...), "Feed": feeds,
		"AlertKind": tswords.Sorted(AlertKinds...), "EntryKind": tswords.Sorted(EntryKinds...),
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

func TestAlertKindsNameTheirStatus(t *testing.T) {
	if string(AlertAuthFailed) != string(StatusAuthFailed) || string(AlertMaxConnections) != string(StatusMaxConnections) {
		t.Errorf("alert kinds %q and %q, statuses %q and %q", AlertAuthFailed, AlertMaxConnections, StatusAuthFailed, StatusMaxConnections)
	}
}

// TestTimelineWordsMatchFrontend: the timeline names the kinds of alerts and
// of entries (frontend/src/lib/incidents.ts); they are the ones sent here.
func TestTimelineWordsMatchFrontend(t *testing.T) {
	const incidents = "../../frontend/src/lib/incidents.ts"
	if ts, goKinds := tswords.List(t, incidents, "ALERT_KINDS"), tswords.Sorted(AlertKinds...); !slices.Equal(ts, goKinds) {
		t.Errorf("alert kinds: frontend %v, Go %v", ts, goKinds)
	}
	if ts, goKinds := tswords.List(t, incidents, "ENTRY_KINDS"), tswords.Sorted(EntryKinds...); !slices.Equal(ts, goKinds) {
		t.Errorf("entry kinds: frontend %v, Go %v", ts, goKinds)
	}
}
