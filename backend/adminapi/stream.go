package adminapi

import (
	"encoding/json"
	"slices"
	"sync"

	"github.com/tickstock/monitor/backend/monitor"
	"github.com/tickstock/monitor/backend/wire"
)

// Events that only dashboard viewers receive (/admin-ws?stream=dashboard):
// what the desktop window's events carry, from the server's own monitor
// subscription. Other viewers (the desktop app's remote observer, scripts)
// get exactly the two events they always got, so old clients see nothing new.
const (
	EventTicks       = "tick_batch"   // a wire.Batch, as filtered for this viewer
	EventTickMetrics = "tick_metrics" // wire.Metrics, with this viewer's pause
	EventSourceState = "source_state" // wire.SubscriptionState, on change and on connect
	DashboardStream  = "dashboard"    // the value of ?stream= that asks for them
	clientPause      = "pause"        // {"type":"pause"}
	clientResume     = "resume"       // {"type":"resume"}
	clientFilter     = "filter"       // {"type":"filter","filter":"AA"}
	clientHidden     = "hidden"       // {"type":"hidden"}: the tab is not shown (no batches)
	clientVisible    = "visible"      // {"type":"visible"}: shown again (the newest rows)
	clientSeen       = "seen"         // {"type":"seen","at":<tick_metrics at>}: what the tab has taken in
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
// pause (a monitor.View, the same as the window's), and the flow of its
// batches. It lives here, with the viewer's connection, and not in the
// monitor: the monitor is shared by every viewer and is never paused or
// filtered, so one browser tab's pause or filter cannot touch another's
// (the tab sets them with client messages on the same socket, and sends
// them again after a reconnect).
type dashView struct {
	mu     sync.Mutex
	view   monitor.View
	hidden bool // a background tab paints nothing: batches would pile up in it
	// Flow: a tab that says what it has seen (seen) is held to behindAfter;
	// sentAt and seenAt are metrics times (Metrics.At), behind says its
	// batches are held back. A tab that never says (an older page) is not held.
	seen           bool
	sentAt, seenAt float64
	behind         bool
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
	recent    monitor.Rows // for a viewer's new filter, resume or greeting
	source    *wire.SubscriptionState
	metrics   []byte  // the last metrics, for a new viewer
	metricsAt float64 // their At
	seq       uint64
	// limits are the monitor's row limits, as its batches state them;
	// every batch a viewer gets states them too.
	limits monitor.Limits
}

// MonitorOutput returns the monitor.Output that feeds the dashboard viewers.
// Its calls come from the monitor's one output goroutine and never block:
// a viewer whose queue is full is dropped (the hub's rule).
func (s *Server) MonitorOutput() monitor.Output { return monitorOutput{h: s.hub} }

type monitorOutput struct{ h *hub }

func (o monitorOutput) Batch(b *wire.Batch)                   { o.h.batch(b) }
func (o monitorOutput) Metrics(m *wire.Metrics)               { o.h.metrics(m) }
func (o monitorOutput) Subscription(s wire.SubscriptionState) { o.h.source(s) }

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

func (h *hub) batch(b *wire.Batch) {
	h.remember(b)
	var all []byte // encoded once for every unfiltered viewer
	for _, v := range h.dashViewers() {
		d := v.dash
		d.mu.Lock()
		switch {
		case d.view.Paused():
			d.view.ArriveBatch(b)
		case d.hidden, d.holdBack():
		default:
			switch fb := d.view.Filtered(b); {
			case fb == b:
				if all == nil {
					all = encode(EventTicks, b)
				}
				h.offer(v, all)
			case fb != nil:
				h.offer(v, encode(EventTicks, fb))
			}
		}
		d.mu.Unlock()
	}
}

// remember keeps the newest rows of every connection, for a viewer's new
// filter or resume.
func (h *hub) remember(b *wire.Batch) {
	h.stream.mu.Lock()
	defer h.stream.mu.Unlock()
	h.stream.seq = b.Seq
	if b.Rows > 0 {
		h.stream.limits.Rows, h.stream.limits.UnassignedRows = b.Rows, b.UnassignedRows
	}
	keep := func(old []wire.Row, cb *wire.ConnBatch, n int) []wire.Row {
		if cb == nil || len(cb.Ticks) == 0 {
			return old
		}
		if b.Replace {
			old = nil
		}
		rows := make([]wire.Row, 0, n)
		rows = append(rows, cb.Ticks[:min(len(cb.Ticks), n)]...)
		return append(rows, old[:min(len(old), n-len(rows))]...)
	}
	r, l := &h.stream.recent, h.stream.limits
	for i, id := range wire.SlotIDs {
		r.Conns[i] = keep(r.Conns[i], b.Connections[id], l.Rows)
	}
	r.Unassigned = keep(r.Unassigned, b.Unassigned, l.UnassignedRows)
}

// replacement is a batch that replaces what d shows (d.view.Replacement
// over the remembered rows). Like every batch a viewer gets, it states the
// viewer's filter and pause and the row limits: the page shows what it is
// told. Called with d.mu held.
func (h *hub) replacement(d *dashView) *wire.Batch {
	h.stream.mu.Lock()
	defer h.stream.mu.Unlock()
	return d.view.Replacement(h.stream.seq, &h.stream.recent, h.stream.limits)
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

func (h *hub) metrics(m *wire.Metrics) {
	all := encode(EventTickMetrics, m)
	h.stream.mu.Lock()
	h.stream.metrics, h.stream.metricsAt = all, m.At
	h.stream.mu.Unlock()
	for _, v := range h.dashViewers() {
		d := v.dash
		d.mu.Lock()
		d.sentAt = m.At
		if d.view.Paused() {
			mm := *m
			d.view.StampMetrics(&mm)
			h.offer(v, encode(EventTickMetrics, &mm))
		} else {
			h.offer(v, all)
		}
		d.mu.Unlock()
	}
}

func (h *hub) source(s wire.SubscriptionState) {
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
func (s *Server) Source() (wire.SubscriptionState, bool) {
	s.hub.stream.mu.Lock()
	defer s.hub.stream.mu.Unlock()
	if s.hub.stream.source == nil {
		return wire.SubscriptionState{}, false
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
	h.offer(v, encode(EventTicks, h.replacement(v.dash)))
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
		// Said at once, and again when already paused: a page that lost
		// track learns it (as the window's monitor does).
		h.stream.mu.Lock()
		d.view.Pause(h.s.opts.Now(), &h.stream.recent)
		b := d.view.Statement(h.stream.seq, h.stream.limits)
		h.stream.mu.Unlock()
		h.offer(v, encode(EventTicks, b))
	case clientResume:
		h.stream.mu.Lock()
		b := d.view.Resumed(h.stream.seq, &h.stream.recent, h.stream.limits)
		h.stream.mu.Unlock()
		if b != nil {
			h.offer(v, encode(EventTicks, b))
		}
	case clientHidden:
		d.hidden = true
	case clientVisible:
		if d.hidden {
			d.hidden = false
			h.offer(v, encode(EventTicks, h.replacement(d)))
		}
	case clientSeen:
		d.seen = true
		d.seenAt = max(d.seenAt, m.At)
		// Caught up: the newest rows at once (the rows it missed are the
		// ones a background tab misses too; the counts were all in metrics).
		if d.behind && d.sentAt-d.seenAt <= caughtUpWithin {
			d.behind = false
			if !d.view.Paused() && !d.hidden {
				h.offer(v, encode(EventTicks, h.replacement(d)))
			}
		}
	case clientFilter:
		if d.view.SetFilter(monitor.ParseFilter(m.Filter, h.knownTicker())) && !d.hidden { // while paused: the new filter's matches among the rows as of the pause
			h.offer(v, encode(EventTicks, h.replacement(d)))
		}
	}
}

var _ monitor.Output = monitorOutput{} // the dashboard viewers' feed (compile-time check)

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
