package monitor

import (
	"time"

	"github.com/tickstock/monitor/backend/wire"
)

// MaxFilterLen is the longest filter text read: a ticker is 1–12
// characters (ticks.NormalizeSymbol) and a filter holds up to 16 of them
// separated by commas or spaces; a longer text is clipped before parsing.
const MaxFilterLen = 240

// Limits are the row limits a viewer's batches state and obey.
type Limits struct {
	// Rows and UnassignedRows are how many rows the viewer keeps per
	// connection and in the unassigned strip (Batch.Rows, UnassignedRows).
	Rows, UnassignedRows int
	// RowsPerBatch and UnassignedPerBatch bound a replacing batch, so that
	// the worst case stays under 8 KiB.
	RowsPerBatch, UnassignedPerBatch int
}

// DefaultLimits are the limits of a monitor with default Options, and of a
// viewer that has not heard from its monitor yet.
func DefaultLimits() Limits {
	return Limits{Rows: defaultRowsKept, UnassignedRows: unassignedRows, RowsPerBatch: defaultRowsPerBatch, UnassignedPerBatch: unassignedPerBatch}
}

// Rows are the newest rows of each connection (by slot, wire.SlotIDs
// order) and of the unassigned strip, newest first.
type Rows struct {
	Conns      [wire.Slots][]wire.Row
	Unassigned []wire.Row
}

// View is one viewer's view of the streams: its symbol filter, its pause
// (the rows as of the pause and what arrived since) and the batches that
// state them. The window's monitor holds one; the headless server holds
// one per browser tab over its one shared monitor, so a tab's pause or
// filter never touches another's. The zero View shows every row, live.
// It is not safe for concurrent use: its holder's lock guards it.
type View struct {
	filter      SymbolFilter
	paused      bool
	pausedSince time.Time
	frozen      Rows              // as of the pause; a filter set meanwhile selects among them
	arrived     [wire.Slots]int64 // per connection, since the pause began
}

// Filter is the symbol filter as batches state it ("" = every symbol).
func (v *View) Filter() string { return v.filter.Text() }

// Paused reports whether the rows are frozen.
func (v *View) Paused() bool { return v.paused }

// Match reports whether a row of symbol passes the filter (SymbolFilter,
// the one place the rule is written: for the window's rows and for every
// browser tab's).
func (v *View) Match(symbol string) bool { return v.filter.Match(symbol) }

// SetFilter sets the filter (ParseFilter of what was typed) and reports
// whether it changed. While paused, the frozen rows that do not match are
// dropped: clearing the filter does not bring them back (the window's rows
// are filtered as they are stored, the same).
func (v *View) SetFilter(f SymbolFilter) bool {
	if f.Text() == v.filter.Text() && f.Says() == v.filter.Says() {
		return false
	}
	v.filter = f
	if v.paused {
		for i := range v.frozen.Conns {
			v.frozen.Conns[i] = v.matching(v.frozen.Conns[i], len(v.frozen.Conns[i]))
		}
		v.frozen.Unassigned = v.matching(v.frozen.Unassigned, len(v.frozen.Unassigned))
	}
	return true
}

// Pause freezes the rows at newest (a copy is kept) and starts counting
// arrivals; already paused, it changes nothing.
func (v *View) Pause(now time.Time, newest *Rows) {
	if v.paused {
		return
	}
	v.paused, v.pausedSince, v.arrived = true, now, [wire.Slots]int64{}
	for i := range newest.Conns {
		v.frozen.Conns[i] = append([]wire.Row(nil), newest.Conns[i]...)
	}
	v.frozen.Unassigned = append([]wire.Row(nil), newest.Unassigned...)
}

// Resume ends a pause and returns what arrived per connection meanwhile;
// ok is false when the view was not paused.
func (v *View) Resume() (arrived [wire.Slots]int64, ok bool) {
	if !v.paused {
		return arrived, false
	}
	arrived = v.arrived
	v.paused, v.frozen, v.arrived = false, Rows{}, [wire.Slots]int64{}
	return arrived, true
}

// Arrive counts n ticks of connection slot (0-based) that arrived while
// paused; live, it counts nothing.
func (v *View) Arrive(slot int, n int64) {
	if v.paused && slot >= 0 && slot < wire.Slots {
		v.arrived[slot] += n
	}
}

// ArriveBatch counts the ticks of b while paused (a viewer fed with a
// monitor's batches rather than its ticks).
func (v *View) ArriveBatch(b *wire.Batch) {
	for id, cb := range b.Connections {
		if n, ok := wire.ParseSlot(id); ok {
			v.Arrive(n-1, int64(len(cb.Ticks))+cb.More)
		}
	}
}

// Statement is a batch without rows that states the filter, the pause and
// the limits: the answer to a pause, and the frame of every other batch.
// The viewer shows what it is told and guesses nothing.
func (v *View) Statement(seq uint64, l Limits) *wire.Batch {
	return &wire.Batch{
		Seq: seq, Connections: map[string]*wire.ConnBatch{}, Filter: v.filter.Text(), FilterSays: v.filter.Says(), Paused: v.paused,
		Rows: l.Rows, UnassignedRows: l.UnassignedRows,
	}
}

// Replacement is a batch that replaces every column: the newest rows that
// pass the filter (while paused, the rows as of the pause instead of
// newest), at most l.RowsPerBatch per connection and l.UnassignedPerBatch
// unassigned, without their publish delay (held-back rows say nothing of
// Redis → screen).
func (v *View) Replacement(seq uint64, newest *Rows, l Limits) *wire.Batch {
	if v.paused {
		newest = &v.frozen
	}
	b := v.Statement(seq, l)
	b.Replace = true
	for i, id := range wire.SlotIDs {
		b.Connections[id] = &wire.ConnBatch{Ticks: undelayed(v.matching(newest.Conns[i], l.RowsPerBatch))}
	}
	b.Unassigned = &wire.ConnBatch{Ticks: undelayed(v.matching(newest.Unassigned, l.UnassignedPerBatch))}
	return b
}

// Filtered is what the view shows of a live batch b: b itself without a
// filter (so it can be encoded once for every such viewer), else a copy
// with only the matching rows; nil when no row is left.
func (v *View) Filtered(b *wire.Batch) *wire.Batch {
	if v.filter.Empty() {
		return b
	}
	out := &wire.Batch{Seq: b.Seq, Connections: map[string]*wire.ConnBatch{}, Replace: b.Replace, Filter: v.filter.Text(), FilterSays: v.filter.Says(), Rows: b.Rows, UnassignedRows: b.UnassignedRows}
	rows := 0
	for id, cb := range b.Connections {
		if t := v.matching(cb.Ticks, len(cb.Ticks)); len(t) > 0 {
			out.Connections[id] = &wire.ConnBatch{Ticks: t}
			rows += len(t)
		}
	}
	if b.Unassigned != nil {
		if t := v.matching(b.Unassigned.Ticks, len(b.Unassigned.Ticks)); len(t) > 0 {
			out.Unassigned = &wire.ConnBatch{Ticks: t}
			rows += len(t)
		}
	}
	if rows == 0 {
		return nil
	}
	return out
}

// StampMetrics makes m state the view's pause: since when, and how many
// ticks arrived meanwhile.
func (v *View) StampMetrics(m *wire.Metrics) {
	m.Paused, m.PausedSince, m.ArrivedWhilePaused = v.paused, 0, 0
	if v.paused {
		m.PausedSince = wire.Unix(v.pausedSince)
	}
	for _, n := range v.arrived {
		m.ArrivedWhilePaused += n
	}
}

// matching returns, in order, at most k of rows that pass the filter.
func (v *View) matching(rows []wire.Row, k int) []wire.Row {
	out := []wire.Row{}
	for _, r := range rows {
		if len(out) == k {
			break
		}
		if v.Match(r.Symbol) {
			out = append(out, r)
		}
	}
	return out
}

// undelayed clears the publish delay of rows (copies: the caller's).
func undelayed(rows []wire.Row) []wire.Row {
	for i := range rows {
		rows[i].Via = nil
	}
	return rows
}

// Resumed ends a pause as a batch: the replacement from newest, saying it
// ends the pause and what arrived per connection meanwhile; nil when the
// view was not paused. (The window's monitor builds its own resume batch
// from the rows it keeps, with their publish delays.)
func (v *View) Resumed(seq uint64, newest *Rows, l Limits) *wire.Batch {
	arrived, ok := v.Resume()
	if !ok {
		return nil
	}
	b := v.Replacement(seq, newest, l)
	b.Resumed = true
	for i, id := range wire.SlotIDs {
		b.Connections[id].ArrivedWhilePaused = arrived[i]
	}
	return b
}
