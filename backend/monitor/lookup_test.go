package monitor

import (
	"testing"

	"github.com/tickstock/monitor/backend/wire"
)

type fakeLocator map[string]string // symbol → connection ID

func (f fakeLocator) ConnectionOf(s string) (string, bool) { id, ok := f[s]; return id, ok }
func (fakeLocator) Snapshot() wire.Snapshot {
	return wire.Snapshot{Connections: map[string]wire.Connection{"connection_2": {Name: "Growth"}}}
}

// The window and the browser dashboard give this one answer.
func TestLookupSymbolSaysWhichConnection(t *testing.T) {
	l := fakeLocator{"AAPL": "connection_2"}
	for _, c := range []struct {
		in   string
		want wire.Lookup
	}{
		{" aapl ", wire.Lookup{Symbol: "AAPL", Found: true, ConnectionID: "connection_2", Name: "Growth", Message: "AAPL is on Connection 2 (Growth)."}},
		{"MSFT", wire.Lookup{Symbol: "MSFT", Message: "MSFT is on no connection: its ticks, if any, count as unassigned."}},
		{"a b", wire.Lookup{Symbol: "a b", Message: `"a b" is not a ticker (1–12 of A–Z 0–9 . : -).`}},
	} {
		if got := LookupSymbol(l, c.in); got != c.want {
			t.Errorf("LookupSymbol(%q) = %+v, want %+v", c.in, got, c.want)
		}
	}
}
