package config

import (
	"slices"
	"strings"
	"testing"

	"github.com/tickstock/monitor/backend/safefile"
	"github.com/tickstock/monitor/backend/ticks"
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

// FuzzUniverseFile reads data as UNIVERSE_FILE through the whole
// configuration: whatever the file holds, the result is an error naming the
// variable or connections whose tickers are valid and on one connection each.
func FuzzUniverseFile(f *testing.F) {
	for _, s := range []string{`{"a":["AAPL","msft"],"b":["NVDA"]}`, `{"a":["X"],"b":["X"]}`, `{}`, `{"a":null}`,
		`{"a":["AAPL"],"a":["MSFT"]}`, "\x00\xff", `{"a":["` + strings.Repeat("A", 20) + `"]}`} {
		f.Add([]byte(s))
	}
	// The file's bytes are handed over directly (safefile.Read has its own
	// tests): a write and read per input would cost more than the parse.
	var data []byte
	readFile = func(string, string, int64) ([]byte, error) { return data, nil }
	f.Cleanup(func() { readFile = safefile.Read })
	const path = "universes.json"
	f.Fuzz(func(t *testing.T, in []byte) {
		data = in
		c, err := FromLookup(env(map[string]string{"UNIVERSE_FILE": path, "USE_MULTI_CONNECTION": "true",
			"WEBSOCKET_CONNECTION_1_ENABLED": "true", "WEBSOCKET_CONNECTION_1_UNIVERSE_KEY": "a",
			"WEBSOCKET_CONNECTION_2_ENABLED": "true", "WEBSOCKET_CONNECTION_2_UNIVERSE_KEY": "b:c"}))
		if err != nil {
			if !strings.Contains(err.Error(), "UNIVERSE_FILE") && !strings.Contains(err.Error(), "assigned to both") {
				t.Fatalf("error without the variable's name: %v", err)
			}
			return
		}
		owner := map[string]string{}
		for _, conn := range c.Connections {
			for _, s := range conn.Tickers {
				if n, ok := ticks.NormalizeSymbol(s); !ok || n != s {
					t.Fatalf("accepted invalid ticker %q", s)
				}
				if prev, dup := owner[s]; dup && conn.Enabled {
					t.Fatalf("%s on %s and %s", s, prev, conn.ID)
				}
				if conn.Enabled {
					owner[s] = conn.ID
				}
			}
		}
	})
}
