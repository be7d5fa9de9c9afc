package adminapi

import (
	"encoding/json"
	"slices"
	"sync"
	"time"

	"github.com/tickstock/monitor/backend/health"
	"github.com/tickstock/monitor/backend/monitor"
)

// Events that only dashboard viewers receive (/admin-ws?stream=dashboard):
// what the desktop window's events carry, from the server's own monitor
// subscription. Other viewers (the desktop app's remote observer, scripts)
// get exactly the two events they always got, so old clients see nothing new.
const (
	EventTicks        = "tick_batch"     // a monitor.Batch, as filtered for this viewer
	EventTickMetrics  = "tick_metrics"   // monitor.Metrics, with this viewer's pause
	EventSourceState  = "source_state"   // monitor.SubscriptionState, on change and on connect
	DashboardStream   = "dashboard"      // the value of ?stream= that asks for them
	recentRowsPerConn = 50               // rows kept per connection for a new filter or a resume
	recentUnassigned  = 10               //
	replaceRows       = 20               // rows per connection in a replacing batch (the monitor's RowsPerBatch)
	replaceUnassigned = 5                // as the monitor's unassigned rows per batch: the 8 KiB bound
	maxFilterLen      = 240              // tickers of 1–12 characters, separated by commas or spaces
	clientPause       = "pause"          // {"type":"pause"}
	clientResume      = "resume"         // {"type":"resume"}
	clientFilter      = "filter"         // {"type":"filter","filter":"AA"}
	clientHidden      = "hidden"         // {"type":"hidden"}: the tab is not shown (no batches)
	clientVisible     = "visible"        // {"type":"visible"}: shown again (the newest rows)
	clientSeen        = "seen"           // {"type":"seen","at":<tick_metrics at>}: what the tab has taken in
	unassignedKey     = "\x00unassigned" // recent-rows key of the unassigned strip
)

// A tab that says what it has seen is held to this lag (in the server's
// seconds, between the newest metrics offered to it and the newest it has
// taken in): beyond behindAfter it gets no batches, only the small status
// and metrics, until it is back within caughtUpWithin; then the newest rows.
// Without it a renderer slower than the stream falls further behind every
// second (the sockets hold tens of seconds of batches: 30–40 s measured with
// 100 tabs) and shows, as current, figures that are long gone.
const (
	behindAfter    = 2.0
	caughtUpWithin = 1.0
)

// dashView is one dashboard viewer's own view: its symbol filter and its
// pause. It lives here, with the viewer's connection, and not in the
// monitor: the monitor is shared by every viewer and is never paused or
// filtered, so one browser tab's pause or filter cannot touch another's
// (the tab sets them with client messages on the same socket, and sends
// them again after a reconnect).
type dashView struct {
	mu     sync.Mutex
	filter string               // rule.Text(): "" = every symbol
	rule   monitor.SymbolFilter // the monitor's rule: a whole ticker exactly, else a prefix
	paused bool
	hidden bool // a background tab paints nothing: batches would pile up in it
	// Flow: a tab that says what it has seen (seen) is held to behindAfter;
	// sentAt and seenAt are metrics times (Metrics.At), behind says its
	// batches are held back. A tab that never says (an older page) is not held.
	seen           bool
	sentAt, seenAt float64
	behind         bool
	pausedSince    time.Time
	arrived        map[string]int64 // per connection, since the pause began
	// frozen are the remembered rows as of the pause: a filter set while
	// paused shows its matches among them, as the window's monitor does.
	frozen map[string][]monitor.Row
}

// clientMessage is what a dashboard viewer may send.
type clientMessage struct {
	Type   string  `json:"type"`
	Filter string  `json:"filter"`
	At     float64 `json:"at"`
}

// stream is the hub's side of the monitor: the newest rows, the last
// source state and the latest batch number, shared by the dashboard viewers.
type stream struct {
	mu        sync.Mutex
	recent    map[string][]monitor.Row // newest first
	source    *monitor.SubscriptionState
	metrics   []byte  // the last metrics, for a new viewer
	metricsAt float64 // their At
	seq       uint64
	// rows and unassignedRows are the monitor's row limits, as its batches
	// state them; every batch a viewer gets states them too.
	rows, unassignedRows int
}

// MonitorOutput returns the monitor.Output that feeds the dashboard viewers.
// Its calls come from the monitor's one output goroutine and never block:
// a viewer whose queue is full is dropped (the hub's rule).
func (s *Server) MonitorOutput() monitor.Output { return monitorOutput{h: s.hub} }

type monitorOutput struct{ h *hub }

func (o monitorOutput) Batch(b *monitor.Batch)                   { o.h.batch(b) }
func (o monitorOutput) Metrics(m *monitor.Metrics)               { o.h.metrics(m) }
func (o monitorOutput) Subscription(s monitor.SubscriptionState) { o.h.source(s) }

func encode(event string, data any) []byte {
	b, _ := json.Marshal(pushMessage{Event: event, Data: data})
	return b
}

func (h *hub) dashViewers() []*viewer {
	list := h.list()
	out := list[:0]
	for _, v := range list {
		if v.dash != nil {
			out = append(out, v)
		}
	}
	return out
}

// offer queues msg for v, or drops v when its queue is full.
func (h *hub) offer(v *viewer, msg []byte) {
	select {
	case v.send <- msg:
	default:
		h.s.opts.Log.Warn("admin-ws viewer too slow: disconnected", "queued", cap(v.send))
		h.drop(v)
	}
}

func (h *hub) batch(b *monitor.Batch) {
	h.remember(b)
	var all []byte // encoded once for every unfiltered viewer
	for _, v := range h.dashViewers() {
		d := v.dash
		d.mu.Lock()
		switch {
		case d.paused:
			for id, cb := range b.Connections {
				d.arrived[id] += int64(len(cb.Ticks)) + cb.More
			}
		case d.hidden:
		case d.holdBack():
		case d.filter == "":
			if all == nil {
				all = encode(EventTicks, b)
			}
			h.offer(v, all)
		default:
			if fb := filtered(b, d.rule); fb != nil {
				h.offer(v, encode(EventTicks, fb))
			}
		}
		d.mu.Unlock()
	}
}

// filtered is b with only the rows whose symbol contains filter; nil when
// none is left.
func filtered(b *monitor.Batch, filter monitor.SymbolFilter) *monitor.Batch {
	out := &monitor.Batch{Seq: b.Seq, Connections: map[string]*monitor.ConnBatch{}, Filter: filter.Text(), FilterSays: filter.Says(), Rows: b.Rows, UnassignedRows: b.UnassignedRows}
	rows := 0
	for id, cb := range b.Connections {
		if t := matching(cb.Ticks, filter, len(cb.Ticks)); len(t) > 0 {
			out.Connections[id] = &monitor.ConnBatch{Ticks: t}
			rows += len(t)
		}
	}
	if b.Unassigned != nil {
		if t := matching(b.Unassigned.Ticks, filter, len(b.Unassigned.Ticks)); len(t) > 0 {
			out.Unassigned = &monitor.ConnBatch{Ticks: t}
			rows += len(t)
		}
	}
	if rows == 0 {
		return nil
	}
	return out
}

func matching(rows []monitor.Row, filter monitor.SymbolFilter, k int) []monitor.Row {
	out := []monitor.Row{}
	for _, r := range rows {
		if len(out) == k {
			break
		}
		if filter.Match(r.Symbol) {
			out = append(out, r)
		}
	}
	return out
}

// remember keeps the newest rows of every connection, for a viewer's new
// filter or resume.
func (h *hub) remember(b *monitor.Batch) {
	h.stream.mu.Lock()
	defer h.stream.mu.Unlock()
	h.stream.seq = b.Seq
	h.stream.rows, h.stream.unassignedRows = b.Rows, b.UnassignedRows
	keep := func(key string, cb *monitor.ConnBatch, n int) {
		if cb == nil || len(cb.Ticks) == 0 {
			return
		}
		old := h.stream.recent[key]
		if b.Replace {
			old = nil
		}
		rows := make([]monitor.Row, 0, n)
		rows = append(rows, cb.Ticks[:min(len(cb.Ticks), n)]...)
		rows = append(rows, old[:min(len(old), n-len(rows))]...)
		h.stream.recent[key] = rows
	}
	for id, cb := range b.Connections {
		keep(id, cb, recentRowsPerConn)
	}
	keep(unassignedKey, b.Unassigned, recentUnassigned)
}

// replacement is a batch that replaces what v shows: the newest remembered
// rows (as of the pause, while paused) that pass its filter, without the
// publish delay (held-back rows say nothing of Redis → screen), and, on
// resume, what arrived meanwhile. Like every batch a viewer gets, it states
// the viewer's filter and pause and the row limits: the page shows what it
// is told. Called with d.mu held.
func (h *hub) replacement(d *dashView, resumed bool) *monitor.Batch {
	h.stream.mu.Lock()
	defer h.stream.mu.Unlock()
	recent := h.stream.recent
	if d.paused {
		recent = d.frozen
	}
	b := h.statementLocked(d)
	b.Replace, b.Resumed = true, resumed
	for _, id := range health.SlotIDs {
		cb := &monitor.ConnBatch{Ticks: undelayed(matching(recent[id], d.rule, replaceRows))}
		if resumed {
			cb.ArrivedWhilePaused = d.arrived[id]
		}
		b.Connections[id] = cb
	}
	if t := matching(recent[unassignedKey], d.rule, replaceUnassigned); len(t) > 0 {
		b.Unassigned = &monitor.ConnBatch{Ticks: undelayed(t)}
	}
	return b
}

// statementLocked is a batch without rows that states d's filter and pause
// and the row limits (the answer to a pause). Called with h.stream.mu held.
func (h *hub) statementLocked(d *dashView) *monitor.Batch {
	rows, un := h.stream.rows, h.stream.unassignedRows
	if rows == 0 { // before the monitor's first batch
		rows, un = recentRowsPerConn, recentUnassigned
	}
	return &monitor.Batch{Seq: h.stream.seq, Connections: map[string]*monitor.ConnBatch{}, Filter: d.filter, FilterSays: d.rule.Says(), Paused: d.paused, Rows: rows, UnassignedRows: un}
}

// freeze keeps the remembered rows as of d's pause.
func (h *hub) freeze(d *dashView) {
	h.stream.mu.Lock()
	defer h.stream.mu.Unlock()
	d.frozen = make(map[string][]monitor.Row, len(h.stream.recent))
	for k, rows := range h.stream.recent {
		d.frozen[k] = append([]monitor.Row(nil), rows...)
	}
}

func undelayed(rows []monitor.Row) []monitor.Row {
	for i := range rows {
		rows[i].Via = nil
	}
	return rows
}

// holdBack reports whether d's batches are held back: it said what it has
// seen, and that is more than behindAfter older than what it was sent.
// Called with d.mu held.
func (d *dashView) holdBack() bool {
	if d.seen && !d.behind && d.sentAt-d.seenAt > behindAfter {
		d.behind = true
	}
	return d.behind
}

func (h *hub) metrics(m *monitor.Metrics) {
	all := encode(EventTickMetrics, m)
	h.stream.mu.Lock()
	h.stream.metrics, h.stream.metricsAt = all, m.At
	h.stream.mu.Unlock()
	for _, v := range h.dashViewers() {
		d := v.dash
		d.mu.Lock()
		d.sentAt = m.At
		if d.paused {
			mm := *m
			mm.Paused, mm.PausedSince, mm.ArrivedWhilePaused = true, health.Unix(d.pausedSince), 0
			for _, n := range d.arrived {
				mm.ArrivedWhilePaused += n
			}
			h.offer(v, encode(EventTickMetrics, &mm))
		} else {
			h.offer(v, all)
		}
		d.mu.Unlock()
	}
}

func (h *hub) source(s monitor.SubscriptionState) {
	h.stream.mu.Lock()
	h.stream.source = &s
	h.stream.mu.Unlock()
	msg := encode(EventSourceState, s)
	for _, v := range h.dashViewers() {
		h.offer(v, msg)
	}
}

// Source is the monitor's subscription state as last reported; ok is false
// before the monitor said anything (or when the server runs none).
func (s *Server) Source() (monitor.SubscriptionState, bool) {
	s.hub.stream.mu.Lock()
	defer s.hub.stream.mu.Unlock()
	if s.hub.stream.source == nil {
		return monitor.SubscriptionState{}, false
	}
	return *s.hub.stream.source, true
}

// greet sends a new dashboard viewer what it needs before the next change:
// the source state, the last metrics and the newest rows.
func (h *hub) greet(v *viewer) {
	if st, ok := h.s.Source(); ok {
		h.offer(v, encode(EventSourceState, st))
	}
	h.stream.mu.Lock()
	m, at := h.stream.metrics, h.stream.metricsAt
	h.stream.mu.Unlock()
	v.dash.mu.Lock()
	defer v.dash.mu.Unlock()
	if m != nil {
		v.dash.sentAt = at
		h.offer(v, m)
	}
	h.offer(v, encode(EventTicks, h.replacement(v.dash, false)))
}

// handle applies one client message of a dashboard viewer. Anything else
// is ignored: a newer page may send what this server does not know yet.
func (h *hub) handle(v *viewer, raw []byte) {
	var m clientMessage
	if json.Unmarshal(raw, &m) != nil {
		return
	}
	d := v.dash
	d.mu.Lock()
	defer d.mu.Unlock()
	switch m.Type {
	case clientPause:
		if !d.paused {
			d.paused, d.pausedSince, d.arrived = true, h.s.opts.Now(), map[string]int64{}
			h.freeze(d)
		}
		// Said at once, and again when already paused: a page that lost
		// track learns it (as the window's monitor does).
		h.stream.mu.Lock()
		b := h.statementLocked(d)
		h.stream.mu.Unlock()
		h.offer(v, encode(EventTicks, b))
	case clientResume:
		if d.paused {
			d.paused, d.frozen = false, nil
			h.offer(v, encode(EventTicks, h.replacement(d, true)))
		}
	case clientHidden:
		d.hidden = true
	case clientVisible:
		if d.hidden {
			d.hidden = false
			h.offer(v, encode(EventTicks, h.replacement(d, false)))
		}
	case clientSeen:
		d.seen = true
		d.seenAt = max(d.seenAt, m.At)
		// Caught up: the newest rows at once (the rows it missed are the
		// ones a background tab misses too; the counts were all in metrics).
		if d.behind && d.sentAt-d.seenAt <= caughtUpWithin {
			d.behind = false
			if !d.paused && !d.hidden {
				h.offer(v, encode(EventTicks, h.replacement(d, false)))
			}
		}
	case clientFilter:
		f := m.Filter
		if r := []rune(f); len(r) > maxFilterLen {
			f = string(r[:maxFilterLen])
		}
		rule := monitor.ParseFilter(f, h.knownTicker())
		if rule.Text() == d.filter && rule.Says() == d.rule.Says() {
			return
		}
		d.filter, d.rule = rule.Text(), rule
		if !d.hidden { // while paused: the new filter's matches among the rows as of the pause
			h.offer(v, encode(EventTicks, h.replacement(d, false)))
		}
	}
}

// knownTicker says whether a symbol is a ticker on one of the connections,
// as the snapshot lists them: the filter's whole-ticker rule.
func (h *hub) knownTicker() func(string) bool {
	if h.s.opts.Snapshots == nil {
		return nil
	}
	snap := h.s.opts.Snapshots.Snapshot()
	return func(sym string) bool {
		for _, c := range snap.Connections {
			if slices.Contains(c.Tickers, sym) {
				return true
			}
		}
		return false
	}
}
