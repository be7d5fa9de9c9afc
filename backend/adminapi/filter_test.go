package adminapi

import (
	"strings"
	"testing"
	"time"

	"github.com/tickstock/monitor/backend/wire"
)

// A browser tab's filter follows the monitor's rule: "t" is a whole ticker
// on a connection, so it shows T only (not TSLA or MSFT); "ms, in" are
// prefixes; the batches say what matched.
func TestDashboardFilterIsTheMonitorsRule(t *testing.T) {
	f := start(t, Options{PushInterval: time.Hour})
	f.src.Update(func(s *wire.Snapshot) {
		c := s.Connections["connection_1"]
		c.Tickers = []string{"T", "TSLA", "MSFT", "INTU"}
		s.Connections["connection_1"] = c
	})
	out := f.srv.MonitorOutput()
	conn := f.dashConn(t, signedIn(t, f, "admin@x.io"))
	next(t, conn, EventStatus)
	next(t, conn, EventTicks)
	for _, c := range []struct{ typed, filter, says, shows string }{
		{"t", "T", "only T (a whole ticker)", "T"},
		{"ms, in", "MS, IN", "tickers starting with MS or IN", "MSFT,INTU"},
	} {
		if err := conn.WriteJSON(map[string]string{"type": "filter", "filter": c.typed}); err != nil {
			t.Fatal(err)
		}
		if rb := batchOf(t, next(t, conn, EventTicks)); rb.Filter != c.filter || rb.FilterSays != c.says {
			t.Fatalf("%q: the answer states %q / %q, want %q / %q", c.typed, rb.Filter, rb.FilterSays, c.filter, c.says)
		}
		out.Batch(&wire.Batch{Seq: 9, Connections: map[string]*wire.ConnBatch{"connection_1": {Ticks: rows("T", "TSLA", "MSFT", "INTU")}}})
		if got := batchOf(t, next(t, conn, EventTicks)); strings.Join(symbols(got, "connection_1"), ",") != c.shows {
			t.Fatalf("%q shows %v, want %s", c.typed, symbols(got, "connection_1"), c.shows)
		}
	}
}
