package monitor

import (
	"math"
	"time"
	"unicode/utf8"

	"github.com/tickstock/monitor/backend/ticks"
	"github.com/tickstock/monitor/backend/wire"
)

const (
	maxUnassignedSymbols = 1000 // distinct unassigned symbols counted by name
	defaultRowsKept      = 50   // Options.RowsKept
	defaultRowsPerBatch  = 20   // Options.RowsPerBatch
	unassignedRows       = 10
	unassignedPerBatch   = 5 // with 3 × 20 rows, keeps a batch under 8 KiB
	// ViaRowsPerBatch: rows per connection and batch that carry their
	// publish → receive delay (the window's Redis → screen sample).
	ViaRowsPerBatch = 5
)

// ring keeps the newest rows of one stream, and beside each its publish →
// receive delay (ViaRowsPerBatch of them are sent; see wire.Row.Via).
type ring struct {
	rows  []wire.Row
	via   []int32 // whole ms; noVia when the tick was not stamped
	head  int     // next write
	n     int
	fresh int64 // rows added since the last batch
}

// noVia marks a row without a publish stamp (viaMs never returns it).
const noVia = math.MinInt32

func newRing(size int) ring { return ring{rows: make([]wire.Row, size), via: make([]int32, size)} }

func (r *ring) add(row wire.Row, via int32) {
	r.rows[r.head], r.via[r.head] = row, via
	r.head = (r.head + 1) % len(r.rows)
	r.n = min(r.n+1, len(r.rows))
	r.fresh++
}

func (r *ring) clear() { r.head, r.n, r.fresh = 0, 0, 0 }

// keep retains, in order, the rows whose symbol satisfies ok; none counts as fresh.
func (r *ring) keep(ok func(symbol string) bool) {
	rows, via := r.newest(r.n), r.newestVia(r.n)
	r.clear()
	for i := len(rows) - 1; i >= 0; i-- {
		if ok(rows[i].Symbol) {
			r.add(rows[i], via[i])
		}
	}
	r.fresh = 0
}

// at is the index of the i-th newest row.
func (r *ring) at(i int) int { return (r.head - 1 - i + len(r.rows)) % len(r.rows) }

// newest returns up to k rows, newest first.
func (r *ring) newest(k int) []wire.Row {
	k = min(k, r.n)
	out := make([]wire.Row, k)
	for i := range k {
		out[i] = r.rows[r.at(i)]
	}
	return out
}

func (r *ring) newestVia(k int) []int32 {
	k = min(k, r.n)
	out := make([]int32, k)
	for i := range k {
		out[i] = r.via[r.at(i)]
	}
	return out
}

// withVia is newest(k) with the publish delay sent on the first n stamped rows.
func (r *ring) withVia(k, n int) []wire.Row {
	rows := r.newest(k)
	for i := range rows[:min(n, len(rows))] {
		if v := r.via[r.at(i)]; v != noVia {
			rows[i].Via = &v
		}
	}
	return rows
}

// connStats is one connection's state, guarded by Monitor.mu.
type connStats struct {
	received int64
	lastRecv time.Time
	rows     ring
	perSec   secondCounts
	lat      latWindow // tick timestamp → received here
	provider latWindow // tick timestamp → published to Redis
}

// record counts t; keepRow says whether it also goes into the rows.
func (c *connStats) record(t ticks.Tick, now time.Time, sec int64, keepRow bool) {
	c.received++
	c.lastRecv = now
	if keepRow {
		// The row keeps ms precision (smaller batches); latency uses the full clock.
		r := wire.Row{Symbol: t.Symbol, Price: t.Price, Volume: t.Volume, TS: math.Round(t.Timestamp*1e3) / 1e3,
			Recv: float64(now.UnixMilli()) / 1e3}
		c.rows.add(r, viaMs(t.Published, now))
	}
	c.perSec.add(sec, 1)
	if t.Timestamp > 0 {
		c.lat.add(sec, max(0, (wire.Unix(now)-t.Timestamp)*1000))
		if t.Published > 0 {
			c.provider.add(sec, max(0, (t.Published-t.Timestamp)*1000))
		}
	}
}

// viaMs is the publish stamp → now in whole ms, clamped to what an int32
// holds (above noVia); noVia when the tick is not stamped.
func viaMs(published float64, now time.Time) int32 {
	if published <= 0 {
		return noVia
	}
	ms := math.Round((wire.Unix(now) - published) * 1e3)
	return int32(min(max(ms, noVia+1), math.MaxInt32))
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
