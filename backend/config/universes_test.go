package config

import (
	"github.com/tickstock/monitor/backend/ticks"
	"slices"
	"testing"
)

func TestResolveJoinsKeysAsAUnion(t *testing.T) {
	u := Universes{"a": {"X", "Y"}, "b": {"Y", "Z"}}
	got, unknown := u.Resolve("a:b:nope")
	if !slices.Equal(got, []string{"X", "Y", "Z"}) || !slices.Equal(unknown, []string{"nope"}) {
		t.Fatalf("got %v unknown %v", got, unknown)
	}
}

func TestDemoUniversesAreValidAndDisjoint(t *testing.T) {
	owner := map[string]string{}
	for key, list := range DemoUniverses() {
		if len(list) < 30 || len(list) > 100 {
			t.Errorf("%s has %d tickers, want 30–100", key, len(list))
		}
		for _, s := range list {
			if prev, dup := owner[s]; dup {
				t.Errorf("%s in both %s and %s", s, prev, key)
			}
			owner[s] = key
		}
	}
}

func TestParseUniversesRejectsBadInput(t *testing.T) {
	for _, in := range []string{`[]`, `{"a":"AAPL"}`, `{"a":["bad ticker"]}`, `{"a":[1]}`, `not json`} {
		if _, err := ParseUniverses([]byte(in)); err == nil {
			t.Errorf("%s: no error", in)
		}
	}
}

func FuzzParseUniverses(f *testing.F) {
	for _, s := range []string{`{"a":["AAPL","msft"]}`, `{}`, `{"a":[]}`, `[]`, `{"a":["x y"]}`, `{"a":["BRK.B"],"b":["X:Y"]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		u, err := ParseUniverses(data)
		if err != nil {
			return
		}
		for _, list := range u {
			for _, s := range list {
				if n, ok := ticks.NormalizeSymbol(s); !ok || n != s {
					t.Fatalf("accepted invalid ticker %q", s)
				}
			}
		}
	})
}
