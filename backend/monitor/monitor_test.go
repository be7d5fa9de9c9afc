package monitor

import (
	"context"
	"encoding/json"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/goleak"

	"github.com/tickstock/monitor/backend/ticks"
	"github.com/tickstock/monitor/backend/ticks/tickstest"
	"github.com/tickstock/monitor/backend/wire"
	"github.com/tickstock/monitor/internal/redistest"
	"github.com/tickstock/monitor/internal/wait"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m, redistest.IgnoreRedial) }

// mapAssigner is a fixed ticker → connection map.
type mapAssigner struct {
	mu sync.Mutex
	m  map[string]string
}

func (a *mapAssigner) ConnectionOf(s string) (string, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	id, ok := a.m[s]
	return id, ok
}

func (a *mapAssigner) Assignment() map[string]string {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := map[string]string{}
	for k, v := range a.m {
		out[k] = v
	}
	return out
}

func defaultAssigner() *mapAssigner {
	return &mapAssigner{m: map[string]string{"AAPL": "connection_1", "MSFT": "connection_1", "PLTR": "connection_2", "IBM": "connection_3"}}
}

// recorder keeps everything the monitor emits.
type recorder struct {
	mu      sync.Mutex
	batches []*wire.Batch
	metrics []*wire.Metrics
	sources []wire.SubscriptionState
}

func (r *recorder) Batch(b *wire.Batch) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.batches = append(r.batches, b)
}

func (r *recorder) Metrics(m *wire.Metrics) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.metrics = append(r.metrics, m)
}

func (r *recorder) Subscription(s wire.SubscriptionState) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sources = append(r.sources, s)
}

func (r *recorder) batchCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.batches)
}

func (r *recorder) lastBatch() *wire.Batch {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.batches) == 0 {
		return nil
	}
	return r.batches[len(r.batches)-1]
}

func start(t *testing.T, srv *redistest.Server, opts Options) (*Monitor, *recorder) {
	t.Helper()
	rec := &recorder{}
	opts.URL = srv.URL
	if opts.Channel == "" {
		opts.Channel = redistest.Channel(t)
	}
	if opts.Assigner == nil {
		opts.Assigner = defaultAssigner()
	}
	opts.Output = rec
	m := New(opts)
	m.Start(context.Background())
	t.Cleanup(m.Close)
	return m, rec
}

func publisher(t *testing.T, srv *redistest.Server) *redis.Client {
	o, _ := redis.ParseURL(srv.URL)
	c := redis.NewClient(o)
	t.Cleanup(func() { c.Close() })
	return c
}

func subscribed(m *Monitor) func() bool {
	return func() bool { return m.Subscription().State == wire.SubscriptionSubscribed }
}

func tickJSON(sym string, price float64) string {
	return string(ticks.Encode(ticks.Tick{Symbol: sym, Price: price, Volume: 100, Timestamp: wire.Unix(time.Now()), Source: "test"}))
}

func publishAll(t *testing.T, c *redis.Client, ch string, msgs []string) {
	t.Helper()
	ctx := context.Background()
	for i := 0; i < len(msgs); i += 500 {
		_, err := c.Pipelined(ctx, func(p redis.Pipeliner) error {
			for _, m := range msgs[i:min(i+500, len(msgs))] {
				p.Publish(ctx, ch, m)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func metricsNow(m *Monitor) *wire.Metrics { return m.MetricsAt(time.Now()) }

func TestCountsEnrichesAndBatches(t *testing.T) {
	srv := redistest.Start(t)
	m, rec := start(t, srv, Options{})
	wait.For(t, "subscribed", 5*time.Second, subscribed(m))
	var msgs []string
	for i := 0; i < 1000; i++ {
		msgs = append(msgs, tickJSON("AAPL", 100+float64(i)/100), tickJSON("PLTR", 20), tickJSON("ibm", 150), tickJSON("ZZZZ", 1))
	}
	msgs = append(msgs, `{"symbol":"AAPL","price":-1}`, `garbage`)
	publishAll(t, publisher(t, srv), m.opts.Channel, msgs)
	wait.For(t, "all counted", 5*time.Second, func() bool { return metricsNow(m).Invalid.Count == 2 && metricsNow(m).Total == 3000 })
	mt := metricsNow(m)
	if mt.Connections["connection_1"].Received != 1000 || mt.Connections["connection_2"].Received != 1000 || mt.Connections["connection_3"].Received != 1000 {
		t.Errorf("per connection: %+v", mt.Connections)
	}
	if mt.Unassigned.Count != 1000 || len(mt.Unassigned.Top) != 1 || mt.Unassigned.Top[0] != (wire.SymbolCount{Symbol: "ZZZZ", Count: 1000}) {
		t.Errorf("unassigned: %+v", mt.Unassigned)
	}
	if !strings.Contains(mt.Invalid.LastError, "not a JSON object") || mt.Invalid.Sample != "garbage" {
		t.Errorf("invalid: %+v", mt.Invalid)
	}
	wait.For(t, "a batch", 2*time.Second, func() bool { return rec.batchCount() > 0 })
	var sent, more int64
	var newest wire.Row
	time.Sleep(3 * m.opts.FlushInterval)
	rec.mu.Lock()
	for _, b := range rec.batches {
		if cb := b.Connections["connection_1"]; cb != nil {
			if len(cb.Ticks) > 20 {
				t.Errorf("batch with %d rows", len(cb.Ticks))
			}
			for i := 1; i < len(cb.Ticks); i++ {
				if cb.Ticks[i].Price > cb.Ticks[i-1].Price {
					t.Fatalf("rows not newest first: %v", cb.Ticks)
				}
			}
			sent += int64(len(cb.Ticks))
			more += cb.More
			newest = cb.Ticks[0]
		}
	}
	rec.mu.Unlock()
	if sent+more != 1000 || newest.Price != 109.99 || newest.Symbol != "AAPL" {
		t.Errorf("connection_1 batches: %d sent + %d more, newest %+v", sent, more, newest)
	}
}

func TestPatternChannel(t *testing.T) {
	srv := redistest.Start(t)
	base := redistest.Channel(t)
	m, _ := start(t, srv, Options{Channel: base + ":*"})
	wait.For(t, "subscribed", 5*time.Second, subscribed(m))
	if s := m.Subscription(); !s.Pattern || !strings.Contains(s.Detail, "pattern") {
		t.Errorf("source %+v", s)
	}
	publishAll(t, publisher(t, srv), base+":east", []string{tickJSON("AAPL", 1)})
	wait.For(t, "received", 5*time.Second, func() bool { return metricsNow(m).Total == 1 })
}

func TestSubscribedOnlyAfterConfirmationAndEmitted(t *testing.T) {
	srv := redistest.Start(t)
	m, rec := start(t, srv, Options{})
	wait.For(t, "subscribed emitted", 5*time.Second, func() bool {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		return len(rec.sources) > 0 && rec.sources[len(rec.sources)-1].State == wire.SubscriptionSubscribed
	})
	// The subscription exists on the server by the time it is reported.
	n, err := publisher(t, srv).Publish(context.Background(), m.opts.Channel, tickJSON("AAPL", 1)).Result()
	if err != nil || n != 1 {
		t.Fatalf("PUBLISH reached %d subscribers, %v", n, err)
	}
	if rec.sources[0].State != wire.SubscriptionConnecting {
		t.Errorf("first state %q", rec.sources[0].State)
	}
}

func TestRedisDownAtStartThenUp(t *testing.T) {
	srv := redistest.Start(t)
	srv.Kill(t)
	m, _ := start(t, srv, Options{})
	wait.For(t, "reported down", 5*time.Second, func() bool {
		s := m.Subscription()
		return s.State == wire.SubscriptionReconnecting && strings.Contains(s.Detail, "refused") && strings.Contains(s.Detail, "Retrying")
	})
	srv.Restart(t)
	wait.For(t, "subscribed", 5*time.Second, subscribed(m))
	if g := m.Subscription().Gaps; g != 0 {
		t.Errorf("%d gaps reported though nothing was ever subscribed", g)
	}
	publishAll(t, publisher(t, srv), m.opts.Channel, []string{tickJSON("AAPL", 1)})
	wait.For(t, "received", 5*time.Second, func() bool { return metricsNow(m).Total == 1 })
}

// exactAfter publishes n ticks and waits until exactly that many more arrived.
func exactAfter(t *testing.T, m *Monitor, c *redis.Client, n int) {
	t.Helper()
	before := metricsNow(m).Total
	msgs := make([]string, n)
	for i := range msgs {
		msgs[i] = tickJSON("MSFT", 1)
	}
	publishAll(t, c, m.opts.Channel, msgs)
	wait.For(t, "exact count", 5*time.Second, func() bool { return metricsNow(m).Total == before+int64(n) })
	time.Sleep(50 * time.Millisecond)
	if got := metricsNow(m).Total; got != before+int64(n) {
		t.Fatalf("received %d, want %d", got-before, n)
	}
}

func TestRedisRestartIsAReportedGap(t *testing.T) {
	srv := redistest.Start(t)
	m, _ := start(t, srv, Options{})
	wait.For(t, "subscribed", 5*time.Second, subscribed(m))
	exactAfter(t, m, publisher(t, srv), 500)
	srv.Kill(t)
	wait.For(t, "the loss noticed", 5*time.Second, func() bool { return m.Subscription().State == wire.SubscriptionReconnecting })
	time.Sleep(300 * time.Millisecond)
	srv.Restart(t)
	restarted := time.Now()
	wait.For(t, "resubscribed within 5 s", 5*time.Second, subscribed(m))
	t.Logf("resubscribed %v after the restart", time.Since(restarted).Round(time.Millisecond))
	s := m.Subscription()
	if s.Gaps != 1 || s.LastGap == nil || s.LastGap.Seconds < 0.3 || !strings.Contains(s.Detail, " Last gap ") || strings.Contains(s.Detail, "wire.") {
		t.Fatalf("source %+v, gap %+v", s, s.LastGap)
	}
	exactAfter(t, m, publisher(t, srv), 500)
}

func TestClientKillIsAReportedGap(t *testing.T) {
	srv := redistest.Start(t)
	m, _ := start(t, srv, Options{})
	wait.For(t, "subscribed", 5*time.Second, subscribed(m))
	if r, err := srv.Do(context.Background(), "CLIENT", "KILL", "TYPE", "pubsub"); err != nil || !strings.HasPrefix(r, ":1") {
		t.Fatalf("CLIENT KILL: %q %v", r, err)
	}
	wait.For(t, "gap reported", 5*time.Second, func() bool { s := m.Subscription(); return s.Gaps == 1 && s.State == wire.SubscriptionSubscribed })
	if r := m.Subscription().LastGap.Reason; !strings.Contains(r, "closed the connection") {
		t.Errorf("gap reason %q", r)
	}
	exactAfter(t, m, publisher(t, srv), 200)
}

func TestSlowSubscriberDisconnectIsDetected(t *testing.T) {
	srv := redistest.Start(t)
	if r, err := srv.Do(context.Background(), "CONFIG", "SET", "client-output-buffer-limit", "pubsub 256kb 64kb 1"); err != nil || r != "+OK\r\n" {
		t.Fatalf("CONFIG SET: %q %v", r, err)
	}
	stall := make(chan struct{})
	var stalled atomic.Bool
	m, _ := start(t, srv, Options{beforeDeliver: func() {
		if stalled.Load() {
			<-stall
		}
	}})
	wait.For(t, "subscribed", 5*time.Second, subscribed(m))
	stalled.Store(true)
	big := `{"symbol":"AAPL","price":1,"pad":"` + strings.Repeat("x", 3900) + `"}`
	// 32 MB: more than the kernel's socket buffers absorb, so Redis's own
	// output buffer for us passes the 256 kB hard limit.
	msgs := make([]string, 8000)
	for i := range msgs {
		msgs[i] = big
	}
	publishAll(t, publisher(t, srv), m.opts.Channel, msgs)
	time.Sleep(200 * time.Millisecond)
	stalled.Store(false)
	close(stall)
	wait.For(t, "the disconnect reported as a gap", 10*time.Second, func() bool { s := m.Subscription(); return s.Gaps >= 1 && s.State == wire.SubscriptionSubscribed })
	if got := metricsNow(m).Total; got >= 8000 {
		t.Errorf("received %d: Redis did not cut the slow subscriber", got)
	}
}

func TestMalformedMessagesAreCountedAndMemoryStaysFlat(t *testing.T) {
	srv := redistest.Start(t)
	m, _ := start(t, srv, Options{})
	wait.For(t, "subscribed", 5*time.Second, subscribed(m))
	c := publisher(t, srv)
	corpus := tickstest.Malformed
	round := func() {
		msgs := append([]string{}, corpus...)
		msgs = append(msgs, tickJSON("AAPL", 1), tickJSON("PLTR", 2))
		publishAll(t, c, m.opts.Channel, msgs)
	}
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	for i := 0; i < 50; i++ {
		round()
	}
	wait.For(t, "first rounds", 10*time.Second, func() bool { return metricsNow(m).Invalid.Count == int64(50*len(corpus)) })
	h1 := heap()
	for i := 0; i < 300; i++ {
		round()
	}
	wait.For(t, "all rounds", 10*time.Second, func() bool {
		mt := metricsNow(m)
		return mt.Invalid.Count == int64(350*len(corpus)) && mt.Total == 700
	})
	if h2 := heap(); h2 > h1+2<<20 {
		t.Errorf("heap grew from %d to %d bytes over 300 rounds of malformed input", h1, h2)
	}
	if mt := metricsNow(m); mt.Connections["connection_2"].Received != 350 {
		t.Errorf("valid ticks between malformed ones: %+v", mt.Connections["connection_2"])
	}
}

func TestPauseFreezesRowsAndResumeBringsTheNewest(t *testing.T) {
	srv := redistest.Start(t)
	m, rec := start(t, srv, Options{})
	wait.For(t, "subscribed", 5*time.Second, subscribed(m))
	c := publisher(t, srv)
	publishAll(t, c, m.opts.Channel, []string{tickJSON("AAPL", 1)})
	wait.For(t, "a batch", 2*time.Second, func() bool { return rec.batchCount() == 1 })
	m.Pause()
	pausedAt := rec.batchCount()
	msgs := make([]string, 0, 50_000)
	for i := 0; i < 25_000; i++ {
		msgs = append(msgs, tickJSON("AAPL", 2+float64(i)/1000), tickJSON("IBM", 3))
	}
	publishAll(t, c, m.opts.Channel, msgs)
	wait.For(t, "counts moving while paused", 10*time.Second, func() bool { return metricsNow(m).Total == 50_001 })
	time.Sleep(3 * m.opts.FlushInterval)
	if n := rec.batchCount(); n != pausedAt {
		t.Fatalf("%d batches emitted while paused", n-pausedAt)
	}
	mt := metricsNow(m)
	if !mt.Paused || mt.ArrivedWhilePaused != 50_000 {
		t.Errorf("metrics while paused: paused %v arrived %d", mt.Paused, mt.ArrivedWhilePaused)
	}
	m.Resume()
	b := rec.lastBatch()
	if !b.Resumed || len(b.Connections) != 3 {
		t.Fatalf("resume batch %+v", b)
	}
	c1 := b.Connections["connection_1"]
	if c1.ArrivedWhilePaused != 25_000 || len(c1.Ticks) != 20 || c1.Ticks[0].Price != 26.999 {
		t.Errorf("connection_1 on resume: arrived %d, %d rows, newest %+v", c1.ArrivedWhilePaused, len(c1.Ticks), c1.Ticks[0])
	}
	if c2 := b.Connections["connection_2"]; c2.ArrivedWhilePaused != 0 || len(c2.Ticks) != 0 {
		t.Errorf("connection_2 on resume: %+v", c2)
	}
	// Rows stored while paused are bounded by RowsKept, whatever arrived.
	if n := m.conns[0].rows.n; n != m.opts.RowsKept {
		t.Errorf("%d rows kept", n)
	}
}

func TestBatchPayloadStaysUnder8KiB(t *testing.T) {
	m := New(Options{URL: "redis://127.0.0.1:1/15", Channel: "x", Assigner: &mapAssigner{m: map[string]string{
		"ABCDEFGHIJK1": "connection_1", "ABCDEFGHIJK2": "connection_2", "ABCDEFGHIJK3": "connection_3"}}})
	var msgs []string
	for i := 0; i < 100; i++ {
		for _, s := range []string{"ABCDEFGHIJK1", "ABCDEFGHIJK2", "ABCDEFGHIJK3", "UNASSIGNED12"} {
			msgs = append(msgs, string(ticks.Encode(ticks.Tick{Symbol: s, Price: 123456.789012, Volume: 123456789012, Timestamp: 1705853696.123456, Published: 1705853696.654321})))
		}
	}
	m.consume(msgs, time.Now())
	b := m.nextBatch()
	data, _ := json.Marshal(b)
	if len(data) >= 8<<10 {
		t.Fatalf("batch of %d bytes", len(data))
	}
	if b.Connections["connection_3"].More != 80 || len(b.Unassigned.Ticks) != unassignedPerBatch {
		t.Errorf("more %d, unassigned rows %d", b.Connections["connection_3"].More, len(b.Unassigned.Ticks))
	}
	if m.nextBatch() != nil {
		t.Error("a second batch without new ticks")
	}
}

func TestSilentTickers(t *testing.T) {
	a := &mapAssigner{m: map[string]string{"AAPL": "connection_1", "QUIET": "connection_1", "HUSH": "connection_2"}}
	m := New(Options{URL: "redis://127.0.0.1:1/15", Channel: "x", Assigner: a, SilentAfter: time.Minute})
	t0 := time.Now()
	m.subscribed(t0, "")
	m.consume([]string{tickJSON("AAPL", 1), tickJSON("QUIET", 1)}, t0)
	m.consume([]string{tickJSON("AAPL", 1)}, t0.Add(59*time.Second))
	mt := m.MetricsAt(t0.Add(61 * time.Second))
	if c := mt.Connections["connection_1"]; c.Silent != 1 || c.SilentSample[0] != "QUIET" {
		t.Errorf("connection_1 silent %d %v", c.Silent, c.SilentSample)
	}
	if c := mt.Connections["connection_2"]; c.Silent != 1 || c.SilentSample[0] != "HUSH" {
		t.Errorf("connection_2 (never ticked) silent %d %v", c.Silent, c.SilentSample)
	}
	// A ticker moved off every connection is forgotten.
	a.mu.Lock()
	delete(a.m, "QUIET")
	a.mu.Unlock()
	m.MetricsAt(t0.Add(62 * time.Second))
	if _, ok := m.lastSeen["QUIET"]; ok {
		t.Error("lastSeen keeps an unassigned ticker")
	}
}

func TestRatesFromDeltas(t *testing.T) {
	m := New(Options{URL: "redis://127.0.0.1:1/15", Channel: "x", Assigner: defaultAssigner()})
	t0 := time.Unix(1_700_000_000, 0)
	for s := 0; s < 10; s++ {
		msgs := make([]string, (s+1)*10) // 10, 20, … 100 ticks in seconds 0..9
		for i := range msgs {
			msgs[i] = tickJSON("AAPL", 1)
		}
		m.consume(msgs, t0.Add(time.Duration(s)*time.Second))
	}
	c := m.MetricsAt(t0.Add(10 * time.Second)).Connections["connection_1"]
	if c.Rate1s != 100 || c.Rate10s != 55 || c.Received != 550 {
		t.Errorf("rate_1s %v rate_10s %v received %d", c.Rate1s, c.Rate10s, c.Received)
	}
	if len(c.Spark) != 60 || c.Spark[59] != 100 || c.Spark[50] != 10 || c.Spark[0] != 0 {
		t.Errorf("spark %v", c.Spark)
	}
	// The Python original divided the total by 5: a quiet minute later the
	// rate is 0, not 110.
	if c := m.MetricsAt(t0.Add(70 * time.Second)).Connections["connection_1"]; c.Rate1s != 0 || c.Rate10s != 0 {
		t.Errorf("after a quiet minute: %v %v", c.Rate1s, c.Rate10s)
	}
}

func TestLatencyPercentiles(t *testing.T) {
	var w latWindow
	for i := 1; i <= 1000; i++ {
		w.add(100, float64(i)/10) // 0.1 … 100 ms
	}
	p50, p99 := w.percentiles(100)
	if p50 < 50 || p50 > 50*latGrowth || p99 < 99 || p99 > 99*latGrowth {
		t.Errorf("p50 %v p99 %v", p50, p99)
	}
	if p50, _ := w.percentiles(111); p50 != -1 {
		t.Errorf("p50 after the window: %v", p50)
	}
}

func TestPrintable(t *testing.T) {
	if got := printable("a\x00b\xffc", 80); got != "a·b·c" {
		t.Errorf("%q", got)
	}
	if got := printable(strings.Repeat("x", 100), 5); got != "xxxxx…" {
		t.Errorf("%q", got)
	}
}

// Latency is measured with the full clock, not the ms-rounded receive time.
func TestLatencyUsesSubMillisecondPrecision(t *testing.T) {
	m := New(Options{URL: "redis://127.0.0.1:1/15", Channel: "x", Assigner: defaultAssigner()})
	now := time.Unix(1_700_000_000, 999_000_000) // .999 s: rounding to ms would not matter, truncating would
	sent := wire.Unix(now) - 0.0004
	m.consume([]string{string(ticks.Encode(ticks.Tick{Symbol: "AAPL", Price: 1, Timestamp: sent}))}, now.Add(500*time.Microsecond))
	p50, _ := m.conns[0].lat.percentiles(now.Unix())
	if p50 < 0.85 || p50 > 0.9*latGrowth+0.01 {
		t.Fatalf("p50 = %v ms, want about 0.9", p50)
	}
}

func TestFilterKeepsOnlyMatchingRowsAndReplaces(t *testing.T) {
	rec := &recorder{}
	m := New(Options{URL: "redis://127.0.0.1:1/15", Channel: "x", Assigner: defaultAssigner(), Output: rec})
	now := time.Now()
	m.consume([]string{tickJSON("AAPL", 1), tickJSON("MSFT", 2)}, now)
	m.nextBatch()
	m.SetFilter(" aap ")
	b := rec.lastBatch() // sent at once, not at the next flush
	if nb := m.nextBatch(); nb != nil {
		t.Fatalf("the replacing batch went twice: %+v", nb)
	}
	// The AAPL row already received stays; MSFT's goes.
	if b == nil || !b.Replace || b.Resumed || b.Filter != "AAP" || len(b.Connections) != 3 ||
		len(b.Connections["connection_1"].Ticks) != 1 || b.Connections["connection_1"].Ticks[0].Symbol != "AAPL" {
		t.Fatalf("batch after SetFilter: %+v", b)
	}
	m.consume([]string{tickJSON("MSFT", 3), tickJSON("AAPL", 4), tickJSON("MSFT", 5)}, now)
	b = m.nextBatch()
	if rows := b.Connections["connection_1"].Ticks; len(rows) != 1 || rows[0].Symbol != "AAPL" || b.Replace {
		t.Fatalf("filtered rows %+v", b)
	}
	if got := m.MetricsAt(now).Connections["connection_1"].Received; got != 5 {
		t.Errorf("counters must ignore the filter: %d", got)
	}
}

// Ticks stamped by the publisher split the delay: provider → Redis from the
// stamp, and the row carries the stamp for the window's Redis → screen.
func TestProviderLatencyFromThePublishStamp(t *testing.T) {
	m := New(Options{URL: "redis://127.0.0.1:1/15", Channel: "x", Assigner: defaultAssigner()})
	now := time.Unix(1_700_000_000, 500_000_000)
	tick := float64(now.UnixMilli())/1e3 - 2 // exchange time: 2 s ago
	pub := tick + 1.5                        // published 1.5 s after it
	m.consume([]string{
		string(ticks.Encode(ticks.Tick{Symbol: "AAPL", Price: 1, Timestamp: tick, Published: pub})),
		string(ticks.Encode(ticks.Tick{Symbol: "PLTR", Price: 1, Timestamp: tick})), // not stamped
	}, now)
	mt := m.MetricsAt(now)
	c1, c2 := mt.Connections["connection_1"], mt.Connections["connection_2"]
	if c1.ProviderP50Ms < 1500 || c1.ProviderP50Ms > 1500*latGrowth || c1.LatencyP50Ms < 2000 || c1.LatencyP50Ms > 2000*latGrowth {
		t.Errorf("connection_1 provider p50 %v, total p50 %v", c1.ProviderP50Ms, c1.LatencyP50Ms)
	}
	if c2.ProviderP50Ms != -1 || c2.LatencyP50Ms < 2000 {
		t.Errorf("connection_2 (no stamp) provider p50 %v, total %v", c2.ProviderP50Ms, c2.LatencyP50Ms)
	}
	b := m.nextBatch()
	if r := b.Connections["connection_1"].Ticks[0]; r.Via == nil || *r.Via != 500 || r.TS != tick {
		t.Errorf("row %+v", r)
	}
	if r := b.Connections["connection_2"].Ticks[0]; r.Via != nil {
		t.Errorf("unstamped row %+v", r)
	}
	// Only the newest ViaRowsPerBatch rows of a batch carry the sample.
	msgs := make([]string, 8)
	for i := range msgs {
		msgs[i] = string(ticks.Encode(ticks.Tick{Symbol: "MSFT", Price: 1, Timestamp: tick, Published: pub}))
	}
	m.consume(msgs, now)
	rows := m.nextBatch().Connections["connection_1"].Ticks
	for i, r := range rows {
		if (r.Via != nil) != (i < ViaRowsPerBatch) {
			t.Errorf("row %d of %d: via %v", i, len(rows), r.Via)
		}
	}
}

// Issue 25 (the soak's last phase): with the machine starved of CPU, the
// watchdog's 3 s "no message and no PING reply" fired on a live
// subscription and dropped what was in the socket. The reader is starved
// here for five times DeadAfter while ticks wait in the socket: the
// connection is kept and every tick counted, with no gap. The frozen server
// above is still noticed.
func TestWatchdogDoesNotMistakeAStarvedReaderForASilentServer(t *testing.T) {
	srv := redistest.Start(t)
	var starve atomic.Bool
	m, _ := start(t, srv, Options{PingEvery: 200 * time.Millisecond, DeadAfter: 600 * time.Millisecond,
		starveRead: func() time.Duration {
			if starve.CompareAndSwap(true, false) {
				return 3 * time.Second
			}
			return 0
		}})
	wait.For(t, "subscribed", 5*time.Second, subscribed(m))
	c := publisher(t, srv)
	exactAfter(t, m, c, 100)
	before := metricsNow(m).Total
	// Idle long enough for the watchdog's own PINGs, then starve the reader
	// and publish while it is not scheduled.
	time.Sleep(500 * time.Millisecond)
	starve.Store(true)
	wait.For(t, "the reader starved", 5*time.Second, func() bool { return !starve.Load() })
	msgs := make([]string, 300)
	for i := range msgs {
		msgs[i] = tickJSON("MSFT", 1)
	}
	publishAll(t, c, m.opts.Channel, msgs)
	wait.For(t, "the ticks published during the stall", 10*time.Second, func() bool { return metricsNow(m).Total == before+300 })
	if s := m.Subscription(); s.Gaps != 0 || s.State != wire.SubscriptionSubscribed {
		t.Fatalf("subscription %+v: a starved reader was taken for a silent server", s)
	}
}

// A server that stops answering without closing the connection is noticed by
// the PING watchdog, which replaces the connection.
func TestWatchdogReplacesASilentConnection(t *testing.T) {
	srv := redistest.Start(t)
	m, _ := start(t, srv, Options{PingEvery: 200 * time.Millisecond, DeadAfter: 600 * time.Millisecond})
	wait.For(t, "subscribed", 5*time.Second, subscribed(m))
	srv.Freeze(t)
	wait.For(t, "the silent connection noticed", 5*time.Second, func() bool { return m.Subscription().State == wire.SubscriptionReconnecting })
	if d := m.Subscription().Detail; !strings.Contains(d, "no message and no PING reply") {
		t.Errorf("detail %q", d)
	}
	srv.Thaw(t)
	wait.For(t, "subscribed again, with the gap reported", 10*time.Second, func() bool {
		s := m.Subscription()
		return s.State == wire.SubscriptionSubscribed && s.Gaps == 1
	})
	exactAfter(t, m, publisher(t, srv), 100)
}
