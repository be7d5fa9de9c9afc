package monitor

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// The filter rule: a whole ticker matches only itself; another term is a
// prefix; several terms, by commas or spaces; case does not matter.
func TestSymbolFilterRule(t *testing.T) {
	universe := []string{"T", "TSLA", "MSFT", "INTU", "F", "FDX", "AA", "AAPL", "AAL", "C", "CAT"}
	known := func(s string) bool { return slices.Contains(universe, s) }
	for _, c := range []struct {
		typed, text, says string
		shows             []string
	}{
		{"", "", "", universe},
		{"t", "T", "only T (a whole ticker)", []string{"T"}},
		{" T ", "T", "only T (a whole ticker)", []string{"T"}},
		{"ts", "TS", "tickers starting with TS", []string{"TSLA"}},
		{"aa", "AA", "only AA (a whole ticker)", []string{"AA"}},
		{"aap", "AAP", "tickers starting with AAP", []string{"AAPL"}},
		{"ms", "MS", "tickers starting with MS", []string{"MSFT"}},
		{"t,f c", "T, F, C", "only T, F, C (whole tickers)", []string{"T", "F", "C"}},
		{"f, ts", "F, TS", "only F (a whole ticker); and tickers starting with TS", []string{"TSLA", "F"}},
		{"in,  ms;", "IN, MS", "tickers starting with IN or MS", []string{"MSFT", "INTU"}},
		{"t,t", "T", "only T (a whole ticker)", []string{"T"}},
		{"zz", "ZZ", "tickers starting with ZZ", nil},
	} {
		f := ParseFilter(c.typed, known)
		var shown []string
		for _, s := range universe {
			if f.Match(s) {
				shown = append(shown, s)
			}
		}
		if f.Text() != c.text || f.Says() != c.says || strings.Join(shown, ",") != strings.Join(c.shows, ",") {
			t.Errorf("%q: text %q says %q shows %v; want %q, %q, %v", c.typed, f.Text(), f.Says(), shown, c.text, c.says, c.shows)
		}
	}
}

// In the monitor: "T" keeps T's rows, not TSLA's or MSFT's, and its
// batches say so.
func TestFilterOnAOneLetterTickerShowsOnlyThatTicker(t *testing.T) {
	rec := &recorder{}
	a := &mapAssigner{m: map[string]string{"T": "connection_3", "TSLA": "connection_1", "MSFT": "connection_1"}}
	m := New(Options{URL: "redis://127.0.0.1:1/15", Channel: "x", Assigner: a, Output: rec})
	now := time.Now()
	m.consume([]string{tickJSON("T", 1), tickJSON("TSLA", 2), tickJSON("MSFT", 3)}, now)
	m.nextBatch()
	m.SetFilter("t")
	b := rec.lastBatch()
	if b == nil || b.Filter != "T" || b.FilterSays != "only T (a whole ticker)" {
		t.Fatalf("batch after SetFilter(t): %+v", b)
	}
	m.consume([]string{tickJSON("TSLA", 4), tickJSON("T", 5), tickJSON("MSFT", 6)}, now)
	b = m.nextBatch()
	if c1 := b.Connections["connection_1"]; c1 != nil && len(c1.Ticks) > 0 {
		t.Fatalf("T shows connection 1's rows %+v", c1.Ticks)
	}
	if rows := b.Connections["connection_3"].Ticks; len(rows) != 1 || rows[0].Symbol != "T" {
		t.Fatalf("T's rows: %+v", rows)
	}
}
