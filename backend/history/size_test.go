package history

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tickstock/monitor/backend/wire"
)

// A day of the demo on a simulated clock: three connections sampled every
// second through the real aggregator into the real store, and two outages
// an hour (six entries each). The file's size is the figure docs/alerts.md
// quotes; the bound catches a schema that grows without anyone noticing.
func TestSizeOfADayOfTheDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("fills a day of history")
	}
	start := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	path := filepath.Join(t.TempDir(), "day.db")
	s := Open(path, Options{Now: func() time.Time { return start.Add(24 * time.Hour) }})
	agg := NewAggregator()
	var received [3]int64
	for sec := range 24 * 3600 {
		now := start.Add(time.Duration(sec) * time.Second)
		samples := map[string]Sample{}
		for i := range 3 {
			rate := float64(40 + (sec*7+i*13)%30) // the demo's ~40–70 ticks/s per connection
			received[i] += int64(rate)
			samples[fmt.Sprintf("connection_%d", i+1)] = Sample{Received: received[i], Rate: rate, P50Ms: 2.5, P99Ms: 11, Errors: int64(sec / 1800), Reconnects: int64(sec / 1800)}
		}
		for _, m := range agg.Add(now, samples) {
			m.Session = float64(start.Unix())
			s.AddMinute(m)
		}
		if sec%1800 == 0 {
			for k, kind := range []wire.EntryKind{"transition", "transition", "alert", "transition", "transition", "alert"} {
				s.AddEntry(wire.Entry{At: float64(now.Unix() + int64(k)), Connection: "connection_2", Kind: kind, From: "connected", To: "disconnected",
					Cause: "the provider connection dropped without a close frame (network or server)", Duration: 15.3, Reconnects: int64(sec / 1800),
					Message: "Connection 2 (secondary) is connected again after an outage of 15.3 s (3 reconnects so far)", Notified: true})
			}
		}
	}
	s.Close()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	perDay := fi.Size()
	t.Logf("history after 24 h of the demo: %d bytes (%.0f KiB); 30 days ≈ %.1f MiB", perDay, float64(perDay)/1024, float64(perDay)*30/1024/1024)
	if perDay > 2<<20 {
		t.Fatalf("a day of history takes %d bytes; the 30-day retention would not fit the 64 MiB cap comfortably", perDay)
	}
}
