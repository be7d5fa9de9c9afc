// Package monitor subscribes to the tick channel on Redis and turns the
// stream into what the dashboard shows: exact per-connection counts, rates,
// latency, the newest ticks per column, silent tickers, invalid and
// unassigned messages, and the health of the subscription itself, delivered
// in bounded batches that never make the consumer wait on the UI.
package monitor

import (
	"context"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tickstock/monitor/backend/config"
	"github.com/tickstock/monitor/backend/redisbus"
	"github.com/tickstock/monitor/backend/ticks"
	"github.com/tickstock/monitor/backend/wire"
)

// Options configure a Monitor. Zero values take the defaults.
type Options struct {
	URL        string       // redis://…; used when Redis.URL is empty
	Redis      config.Redis // TLS, ACL, Sentinel, Cluster (the same set as the publisher's)
	Channel    string       // exact channel, or a pattern when it contains '*'
	RedisLabel string       // shown instead of the address, e.g. "built-in demo Redis"
	Assigner   Assigner
	Output     Output
	Log        *slog.Logger

	FlushInterval time.Duration // the longest a batch waits for the window to paint the previous one; default 100 ms, kept within 50–250 ms
	PaintGap      time.Duration // the batch cadence under load (one per PaintGap; after a quiet moment up to quietBurst go at once); default 100 ms (see fill), at most FlushInterval
	BufferSize    int           // messages between the Redis reader and the consumer; default 16,384
	RowsPerBatch  int           // newest ticks per connection in a batch; default defaultRowsPerBatch (20)
	RowsKept      int           // newest ticks kept per connection; default defaultRowsKept (50)
	SilentAfter   time.Duration // an assigned ticker without a tick this long is silent; default 60 s
	PingEvery     time.Duration // watchdog PING when idle; default 1 s
	DeadAfter     time.Duration // no message or PONG for this long of the reads' own time forces a reconnect; default 3 s

	// beforeDeliver, in tests, runs before each message read from Redis is
	// handed to the consumer (to stall the subscriber).
	beforeDeliver func()
	// starveRead, in tests, runs before each read from Redis; a positive
	// duration stands for this goroutine not being scheduled that long
	// past the read's deadline: the loop sleeps it and takes the read as
	// timed out unread, as Go's poller does then (a deadline already passed
	// fails the read before it looks at the socket).
	starveRead func() time.Duration
}

func (o *Options) fill() {
	if o.FlushInterval <= 0 {
		o.FlushInterval = 100 * time.Millisecond
	}
	o.FlushInterval = min(max(o.FlushInterval, 50*time.Millisecond), 250*time.Millisecond)
	if o.PaintGap <= 0 {
		// One batch per frame (16 ms) halves PUBLISH → row, but each batch
		// costs the window a render: measured at the demo's load, WebKit
		// used ~60 % of a core with 16 ms, ~51 % with 40 ms and ~26 % at
		// 100 ms. Until a batch renders cheaper, the window's CPU wins.
		// Most of that is WebKit painting the shifted rows in software, not
		// the page's DOM work (docs/perf-window.md): at 25 ms a leaner page
		// still took ~40 % of a core.
		o.PaintGap = 100 * time.Millisecond
	}
	o.PaintGap = min(o.PaintGap, o.FlushInterval)
	if o.BufferSize < 10_000 {
		o.BufferSize = 16_384
	}
	if o.RowsPerBatch <= 0 {
		o.RowsPerBatch = defaultRowsPerBatch
	}
	if o.RowsKept < o.RowsPerBatch {
		o.RowsKept = max(defaultRowsKept, o.RowsPerBatch)
	}
	if o.SilentAfter <= 0 {
		o.SilentAfter = time.Minute
	}
	if o.PingEvery <= 0 {
		o.PingEvery = time.Second
	}
	if o.DeadAfter <= o.PingEvery {
		o.DeadAfter = 3 * o.PingEvery
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Assigner == nil {
		o.Assigner = noAssigner{}
	}
	if o.Redis.URL == "" {
		o.Redis.URL = o.URL
	}
}

type noAssigner struct{}

func (noAssigner) ConnectionOf(string) (string, bool) { return "", false }
func (noAssigner) Assignment() map[string]string      { return nil }

// Monitor is a running subscription and its figures.
type Monitor struct {
	opts Options
	msgs chan string

	sendMu     sync.Mutex // held while a batch is built and emitted (send)
	mu         sync.Mutex
	conns      [wire.Slots]connStats
	unassigned connStats
	unTop      map[string]int64
	unOther    int64
	invalid    invalidStats
	lastSeen   map[string]time.Time // assigned symbol → newest tick
	started    time.Time            // first subscribed, for silent tickers
	view       View                 // the window's filter and pause (view.go)
	limits     Limits               // from opts: what the batches state and obey
	replace    bool                 // the next batch replaces the shown rows
	hidden     bool                 // the window is hidden: no rows are sent (hidden.go)
	seq        uint64
	sub        wire.SubscriptionState
	subDirty   bool
	lostReason string // why the current outage began

	skipRedis atomic.Bool  // UseFeed: the rows are not fed by Redis
	skipped   atomic.Int64 // Redis messages skipped meanwhile

	cancel context.CancelFunc
	wg     sync.WaitGroup

	wake     chan struct{} // fresh rows or a paint: the output loop looks again
	painted  atomic.Uint64 // the newest batch the window has painted
	wantRows atomic.Bool   // the output loop could send now and waits for rows

	// The consumer's scratch, reused batch after batch (consumeLoop only).
	decoded []ticks.Tick
	errs    []error
}

// New prepares a monitor; Start subscribes.
func New(opts Options) *Monitor {
	opts.fill()
	m := &Monitor{
		opts:     opts,
		msgs:     make(chan string, opts.BufferSize),
		unTop:    map[string]int64{},
		lastSeen: map[string]time.Time{},
		wake:     make(chan struct{}, 1),
		limits: Limits{Rows: opts.RowsKept, UnassignedRows: unassignedRows,
			RowsPerBatch: opts.RowsPerBatch, UnassignedPerBatch: unassignedPerBatch},
	}
	for i := range m.conns {
		m.conns[i].rows = newRing(opts.RowsKept)
	}
	m.unassigned.rows = newRing(unassignedRows)
	where := opts.RedisLabel
	if where == "" {
		where = redisbus.Describe(opts.Redis)
	}
	m.sub = wire.SubscriptionState{State: wire.SubscriptionConnecting, Kind: opts.Redis.Kind(), Feed: wire.FeedRedis, Where: where, Channel: opts.Channel,
		Pattern: strings.Contains(opts.Channel, "*"), Detail: "Connecting to Redis at " + where + "…", Since: wire.Unix(time.Now())}
	m.subDirty = true
	return m
}

// Start subscribes and runs until ctx ends or Close.
func (m *Monitor) Start(ctx context.Context) {
	ctx, m.cancel = context.WithCancel(ctx)
	m.emitSubscription() // "connecting" goes out before anything can overwrite it
	m.wg.Add(3)
	go func() { defer m.wg.Done(); m.readLoop(ctx) }()
	go func() { defer m.wg.Done(); m.consumeLoop(ctx) }()
	go func() { defer m.wg.Done(); m.outputLoop(ctx) }()
}

// Close unsubscribes and waits for every goroutine.
func (m *Monitor) Close() {
	if m.cancel != nil {
		m.cancel()
	}
	m.wg.Wait()
}

// Pause freezes the rows the UI is given; counts and metrics keep moving.
// It sends a batch without rows that says the rows are paused, so the
// window shows the monitor's state, never its own guess (again when
// already paused: a window that lost track learns it).
func (m *Monitor) Pause() { m.send(m.pauseBatch) }

func (m *Monitor) pauseBatch() *wire.Batch {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.view.Paused() {
		m.view.Pause(time.Now(), m.newestLocked())
	}
	m.seq++
	return m.view.Statement(m.seq, m.limits)
}

// newestLocked is every row kept, newest first.
func (m *Monitor) newestLocked() *Rows {
	var r Rows
	for i := range m.conns {
		r.Conns[i] = m.conns[i].rows.newest(m.opts.RowsKept)
	}
	r.Unassigned = m.unassigned.rows.newest(unassignedRows)
	return &r
}

// Resume ends a pause: the next batch carries the newest rows of every
// connection and how many ticks arrived during the pause.
func (m *Monitor) Resume() {
	m.send(func() *wire.Batch {
		m.mu.Lock()
		defer m.mu.Unlock()
		arrived, ok := m.view.Resume()
		if !ok {
			return nil
		}
		return m.batchLocked(&arrived)
	})
}

// send builds a batch and emits it (nil: nothing to send). Batches are
// built and emitted under sendMu, so they leave in Seq order whichever
// goroutine sends them: a pause is never overtaken by rows taken before it.
func (m *Monitor) send(build func() *wire.Batch) *wire.Batch {
	m.sendMu.Lock()
	defer m.sendMu.Unlock()
	b := build()
	if b != nil && m.opts.Output != nil {
		m.opts.Output.Batch(b)
	}
	return b
}

// consumeLoop decodes, counts and stores; it never waits on the UI.
func (m *Monitor) consumeLoop(ctx context.Context) {
	batch := make([]string, 0, 256)
	for {
		select {
		case <-ctx.Done():
			return
		case p := <-m.msgs:
			batch = append(batch[:0], p)
		}
	drain:
		for len(batch) < cap(batch) {
			select {
			case p := <-m.msgs:
				batch = append(batch, p)
			default:
				break drain
			}
		}
		m.consume(batch, time.Now())
	}
}

// consume handles messages received at now, under one lock.
func (m *Monitor) consume(payloads []string, now time.Time) {
	if cap(m.decoded) < len(payloads) {
		m.decoded, m.errs = make([]ticks.Tick, len(payloads)), make([]error, len(payloads))
	}
	decoded, errs := m.decoded[:len(payloads)], m.errs[:len(payloads)]
	defer clear(decoded) // the ticks hold their payloads
	defer clear(errs)
	for i, p := range payloads {
		// The ticks share the payloads' memory (no copy per tick).
		decoded[i], errs[i] = ticks.DecodeString(p)
	}
	sec := now.Unix()
	m.mu.Lock()
	defer m.mu.Unlock()
	defer m.rowsAdded()
	for i := range decoded {
		t := &decoded[i]
		if errs[i] != nil {
			m.invalid.record(payloads[i], errs[i], now)
			continue
		}
		id, ok := m.opts.Assigner.ConnectionOf(t.Symbol)
		idx := connIndex(id)
		if !ok || idx < 0 {
			m.recordUnassigned(*t, now, sec)
			continue
		}
		c := &m.conns[idx]
		c.record(*t, now, sec, m.view.Match(t.Symbol))
		m.lastSeen[t.Symbol] = now
		m.view.Arrive(idx, 1)
	}
}

// rowsAdded wakes the output loop only when it waits for rows: at 10k
// ticks/s most batches of messages arrive while a batch is in flight.
func (m *Monitor) rowsAdded() {
	if m.wantRows.CompareAndSwap(true, false) {
		m.poke()
	}
}

// poke wakes the output loop without waiting.
func (m *Monitor) poke() {
	select {
	case m.wake <- struct{}{}:
	default:
	}
}

// Painted says the window has painted batch seq: the next batch may go as
// soon as it has rows (at most one per PaintGap). Without it, a batch waits
// FlushInterval after the previous one, so a window that does not answer
// (or a consumer that is not a window) is never flooded.
func (m *Monitor) Painted(seq uint64) {
	m.mu.Lock()
	sent := m.seq
	m.mu.Unlock()
	if seq > sent {
		return // not ours: a batch of a monitor this one replaced
	}
	for {
		old := m.painted.Load()
		if seq <= old || m.painted.CompareAndSwap(old, seq) {
			break
		}
	}
	m.poke()
}

// SetFilter keeps only the rows that text picks (ParseFilter: a whole
// ticker on a connection exactly, other terms as prefixes; "" for all). The
// rows received so far that match are kept, the others dropped, and a batch
// sent at once replaces what the window shows with them; while paused, with
// the matching rows as of the pause. The window never filters rows itself,
// so it must not wait for the next flush.
func (m *Monitor) SetFilter(text string) {
	// Outside the lock: the assigner may take its own.
	filter := ParseFilter(text, func(sym string) bool {
		_, ok := m.opts.Assigner.ConnectionOf(sym)
		return ok
	})
	m.send(func() *wire.Batch {
		m.mu.Lock()
		defer m.mu.Unlock()
		if !m.view.SetFilter(filter) {
			return nil
		}
		m.replace = true
		for i := range m.conns {
			m.conns[i].rows.keep(m.view.Match)
		}
		m.unassigned.rows.keep(m.view.Match)
		if m.view.Paused() { // the frozen rows that match
			m.seq++
			return m.view.Replacement(m.seq, nil, m.limits)
		}
		return m.batchLocked(nil)
	})
}

func (m *Monitor) recordUnassigned(t ticks.Tick, now time.Time, sec int64) {
	m.unassigned.record(t, now, sec, m.view.Match(t.Symbol))
	if _, ok := m.unTop[t.Symbol]; ok || len(m.unTop) < maxUnassignedSymbols {
		m.unTop[t.Symbol]++
	} else {
		m.unOther++
	}
}

func connIndex(id string) int {
	if n, ok := wire.ParseSlot(id); ok {
		return n - 1
	}
	return -1
}

// outputLoop emits a batch as soon as there are fresh rows, the window has
// painted the previous one (or FlushInterval has passed since it) and the
// pacer lets it go: the first ticks after a quiet moment go at once, and
// under load rows coalesce into one batch per PaintGap. It also emits
// metrics every second and the source state when it changed.
func (m *Monitor) outputLoop(ctx context.Context) {
	due := time.NewTimer(m.opts.FlushInterval)
	defer due.Stop()
	metrics := time.NewTicker(time.Second)
	defer metrics.Stop()
	pace := newPacer(m.opts.PaintGap, m.opts.FlushInterval)
	var sentSeq uint64
	for {
		select {
		case <-ctx.Done():
			m.setSubscription(wire.SubscriptionStopped, "Stopped.")
			m.emitSubscription()
			return
		case <-m.wake:
		case <-due.C:
		case now := <-metrics.C:
			if m.opts.Output != nil && !m.isHidden() {
				m.opts.Output.Metrics(m.MetricsAt(now))
			}
			continue
		}
		m.emitSubscription()
		now := time.Now()
		if wait := pace.wait(now, sentSeq <= m.painted.Load()); wait > 0 {
			resetTimer(due, wait)
			continue
		}
		// Said before looking, so rows added meanwhile wake the loop.
		m.wantRows.Store(true)
		if b := m.send(m.nextBatch); b != nil && m.opts.Output != nil {
			m.wantRows.Store(false)
			sentSeq = b.Seq
			pace.sent(now)
		} else {
			pace.idle(now)
		}
		resetTimer(due, m.opts.FlushInterval)
	}
}

func resetTimer(t *time.Timer, d time.Duration) {
	t.Stop()
	t.Reset(d) // Go ≥ 1.23: no stale value is left in t.C
}

func (m *Monitor) emitSubscription() {
	m.mu.Lock()
	dirty, s := m.subDirty, m.sub
	s.Skipped = m.skipped.Load()
	m.subDirty = false
	m.mu.Unlock()
	if dirty && m.opts.Output != nil {
		m.opts.Output.Subscription(s)
	}
}

// nextBatch returns the ticks since the last batch, or nil when nothing
// arrived, the rows are paused or the window is hidden.
func (m *Monitor) nextBatch() *wire.Batch {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.view.Paused() || m.hidden {
		return nil
	}
	fresh := m.unassigned.rows.fresh > 0 || m.replace
	for i := range m.conns {
		fresh = fresh || m.conns[i].rows.fresh > 0
	}
	if !fresh {
		return nil
	}
	return m.batchLocked(nil)
}

// batchLocked builds a batch: only connections with fresh rows, or all of
// them when the rows are to be replaced (resume, new filter). It marks the
// rows as sent. arrived, on resume, is what arrived per connection during
// the pause (nil otherwise).
func (m *Monitor) batchLocked(arrived *[wire.Slots]int64) *wire.Batch {
	m.seq++
	resume := arrived != nil
	replace := resume || m.replace
	m.replace = false
	b := m.view.Statement(m.seq, m.limits)
	b.Replace, b.Resumed = replace, resume
	for i := range m.conns {
		c := &m.conns[i]
		if c.rows.fresh == 0 && !replace {
			continue
		}
		k := m.opts.RowsPerBatch
		if !replace {
			k = int(min(int64(k), c.rows.fresh))
		}
		cb := &wire.ConnBatch{Ticks: c.rows.withVia(k, ViaRowsPerBatch), More: max(0, c.rows.fresh-int64(k))}
		if resume {
			cb.ArrivedWhilePaused, cb.More = arrived[i], 0
		}
		c.rows.fresh = 0
		b.Connections[wire.SlotIDs[i]] = cb
	}
	if u := &m.unassigned.rows; u.fresh > 0 || replace {
		k := int(min(int64(unassignedPerBatch), u.fresh))
		if replace {
			k = unassignedPerBatch
		}
		b.Unassigned = &wire.ConnBatch{Ticks: u.newest(k), More: max(0, u.fresh-int64(k))}
		u.fresh = 0
	}
	return b
}

// MetricsAt computes the figures as of now.
func (m *Monitor) MetricsAt(now time.Time) *wire.Metrics {
	assignment := m.opts.Assigner.Assignment() // outside the lock: may copy a map
	sec := now.Unix()
	m.mu.Lock()
	defer m.mu.Unlock()
	out := &wire.Metrics{At: wire.Unix(now), Connections: map[string]wire.ConnMetrics{}}
	m.view.StampMetrics(out)
	silent := m.silentLocked(assignment, now)
	for i := range m.conns {
		c := &m.conns[i]
		cm := wire.ConnMetrics{Received: c.received, Spark: c.perSec.spark(sec), LastTick: wire.Unix(c.lastRecv)}
		cm.Rate1s, cm.Rate10s = c.perSec.rates(sec)
		cm.LatencyP50Ms, cm.LatencyP99Ms = c.lat.percentiles(sec)
		cm.ProviderP50Ms, cm.ProviderP99Ms = c.provider.percentiles(sec)
		s := silent[wire.SlotIDs[i]]
		sort.Strings(s)
		cm.Silent, cm.SilentSample = len(s), s[:min(len(s), 10)]
		if cm.SilentSample == nil {
			cm.SilentSample = []string{}
		}
		out.Connections[wire.SlotIDs[i]] = cm
		out.Total += c.received
		out.Rate1s += cm.Rate1s
		out.Rate10s += cm.Rate10s
	}
	out.Unassigned = wire.UnassignedMetrics{Count: m.unassigned.received, Top: topSymbols(m.unTop, 5), Other: m.unOther}
	out.Invalid = wire.InvalidMetrics{Count: m.invalid.count, LastError: m.invalid.lastErr, Sample: m.invalid.sample, At: wire.Unix(m.invalid.at)}
	return out
}

// silentLocked lists, per connection, assigned tickers with no tick for
// SilentAfter (counting from the first subscription for never-seen ones).
// It also forgets symbols no longer assigned, so lastSeen stays bounded.
func (m *Monitor) silentLocked(assignment map[string]string, now time.Time) map[string][]string {
	out := map[string][]string{}
	if m.started.IsZero() {
		return out
	}
	for sym := range m.lastSeen {
		if _, ok := assignment[sym]; !ok {
			delete(m.lastSeen, sym)
		}
	}
	for sym, id := range assignment {
		last, ok := m.lastSeen[sym]
		if !ok {
			last = m.started
		}
		if now.Sub(last) > m.opts.SilentAfter {
			out[id] = append(out[id], sym)
		}
	}
	return out
}

func topSymbols(counts map[string]int64, k int) []wire.SymbolCount {
	all := make([]wire.SymbolCount, 0, len(counts))
	for s, n := range counts {
		all = append(all, wire.SymbolCount{Symbol: s, Count: n})
	}
	slices.SortFunc(all, func(a, b wire.SymbolCount) int {
		if a.Count != b.Count {
			return int(b.Count - a.Count)
		}
		return strings.Compare(a.Symbol, b.Symbol)
	})
	return all[:min(k, len(all))]
}

// Subscription returns the Redis subscription's current state.
func (m *Monitor) Subscription() wire.SubscriptionState {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.sub
	s.Skipped = m.skipped.Load()
	return s
}
