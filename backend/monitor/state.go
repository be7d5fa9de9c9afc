package monitor

import (
	"time"
	"unicode/utf8"

	"github.com/tickstock/monitor/backend/ticks"
)

// ConnectionIDs are the connection slots, in column order.
var ConnectionIDs = [3]string{"connection_1", "connection_2", "connection_3"}

const (
	maxUnassignedSymbols = 1000 // distinct unassigned symbols counted by name
	unassignedRows       = 10
	unassignedPerBatch   = 5 // with 3 × 20 rows, keeps a batch under 8 KiB
)

// ring keeps the newest rows of one stream.
type ring struct {
	rows  []Row
	head  int // next write
	n     int
	fresh int64 // rows added since the last batch
}

func newRing(size int) ring { return ring{rows: make([]Row, size)} }

func (r *ring) add(row Row) {
	r.rows[r.head] = row
	r.head = (r.head + 1) % len(r.rows)
	r.n = min(r.n+1, len(r.rows))
	r.fresh++
}

func (r *ring) clear() { r.head, r.n, r.fresh = 0, 0, 0 }

// newest returns up to k rows, newest first.
func (r *ring) newest(k int) []Row {
	k = min(k, r.n)
	out := make([]Row, k)
	for i := 0; i < k; i++ {
		out[i] = r.rows[(r.head-1-i+len(r.rows))%len(r.rows)]
	}
	return out
}

// connStats is one connection's state, guarded by Monitor.mu.
type connStats struct {
	received       int64
	lastRecv       time.Time
	rows           ring
	pausedArrivals int64
	perSec         secondCounts
	lat            latWindow
}

// record counts t; keepRow says whether it also goes into the rows.
func (c *connStats) record(t ticks.Tick, now time.Time, sec int64, keepRow bool) {
	c.received++
	c.lastRecv = now
	if keepRow {
		// The row keeps ms precision (smaller batches); latency uses the full clock.
		c.rows.add(Row{Symbol: t.Symbol, Price: t.Price, Volume: t.Volume, TS: t.Timestamp, Recv: float64(now.UnixMilli()) / 1e3})
	}
	c.perSec.add(sec, 1)
	if t.Timestamp > 0 {
		c.lat.add(sec, max(0, (float64(now.UnixNano())/1e9-t.Timestamp)*1000))
	}
}

// invalidStats keeps the count and a sample of invalid messages.
type invalidStats struct {
	count   int64
	lastErr string
	sample  string
	at      time.Time
}

func (s *invalidStats) record(payload string, err error, now time.Time) {
	s.count++
	s.lastErr = err.Error()
	s.sample = printable(payload, 80)
	s.at = now
}

// printable returns up to n runes of s with control and invalid bytes shown
// as '·', safe to put in a tooltip.
func printable(s string, n int) string {
	out := make([]rune, 0, min(len(s), n))
	for i := 0; i < len(s) && len(out) < n; {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError || r < 0x20 || r == 0x7f {
			r = '·'
		}
		out = append(out, r)
		i += size
	}
	if len(out) == n {
		out = append(out, '…')
	}
	return string(out)
}
