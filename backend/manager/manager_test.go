package manager

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/tickstock/monitor/backend/config"
	"github.com/tickstock/monitor/backend/simulator"
	"github.com/tickstock/monitor/backend/ticks"
	"github.com/tickstock/monitor/backend/wire"
	"github.com/tickstock/monitor/internal/wait"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// statusLog is a slog handler that keeps the manager's "status" records,
// so a test sees every transition, however brief.
type statusLog struct {
	mu     sync.Mutex
	delays []time.Duration // the "reconnecting in" of each retry
	recs   []struct {
		id string
		st wire.Status
	}
}

func (h *statusLog) Enabled(context.Context, slog.Level) bool { return true }
func (h *statusLog) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *statusLog) WithGroup(string) slog.Handler            { return h }
func (h *statusLog) Handle(_ context.Context, r slog.Record) error {
	if r.Message == "reconnecting" {
		r.Attrs(func(a slog.Attr) bool {
			if a.Key == "in" {
				h.mu.Lock()
				h.delays = append(h.delays, a.Value.Duration())
				h.mu.Unlock()
			}
			return true
		})
		return nil
	}
	if r.Message != "status" {
		return nil
	}
	var id, st string
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "connection":
			id = a.Value.String()
		case "status":
			st = a.Value.String()
		}
		return true
	})
	h.mu.Lock()
	h.recs = append(h.recs, struct {
		id string
		st wire.Status
	}{id, wire.Status(st)})
	h.mu.Unlock()
	return nil
}

func (h *statusLog) of(id string) []wire.Status {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []wire.Status
	for _, r := range h.recs {
		if r.id == id {
			out = append(out, r.st)
		}
	}
	return out
}

const key = "test-key-0123456789"

// recordingSink keeps every tick; accept=false makes it refuse them all.
type recordingSink struct {
	mu     sync.Mutex
	ticks  []ticks.Tick
	refuse bool
}

func (s *recordingSink) Offer(t ticks.Tick) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.refuse {
		return false
	}
	s.ticks = append(s.ticks, t)
	return true
}

// symbolsSince returns the symbols seen per connection from index from on.
func (s *recordingSink) symbolsSince(from int) map[string]map[string]bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]map[string]bool{}
	for _, t := range s.ticks[min(from, len(s.ticks)):] {
		if out[t.ConnectionID] == nil {
			out[t.ConnectionID] = map[string]bool{}
		}
		out[t.ConnectionID][t.Symbol] = true
	}
	return out
}

func (s *recordingSink) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.ticks)
}

var tickersOf = [3][]string{{"AAPL", "MSFT", "NVDA", "AMZN"}, {"PLTR", "SNOW", "CRWD"}, {"T", "VZ", "IBM", "INTC", "F"}}

func testConfig(t *testing.T, url string, enabled int) *config.Config {
	t.Helper()
	env := map[string]string{
		"TICKSTOCK_MODE": "embedded", "USE_MULTI_CONNECTION": "true", "MASSIVE_API_KEY": key,
		"MASSIVE_WEBSOCKET_URL":             url,
		"MASSIVE_WEBSOCKET_RECONNECT_DELAY": "0.1", "MASSIVE_WEBSOCKET_MAX_RECONNECT_DELAY": "0.4",
	}
	for i := 0; i < enabled; i++ {
		env[fmt.Sprintf("WEBSOCKET_CONNECTION_%d_ENABLED", i+1)] = "true"
		env[fmt.Sprintf("WEBSOCKET_CONNECTION_%d_SYMBOLS", i+1)] = strings.Join(tickersOf[i], ",")
	}
	cfg, err := config.FromLookup(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	cfg.ReconnectDelay = 50 * time.Millisecond // below what the configuration accepts: tests only
	return cfg
}

func startFeed(t *testing.T, opts simulator.Options) *simulator.Server {
	t.Helper()
	if opts.Keys == nil {
		opts.Keys = []string{key}
	}
	if opts.Rate == 0 {
		opts.Rate = 500
	}
	opts.FrameInterval = 10 * time.Millisecond
	s, err := simulator.Start("127.0.0.1:0", opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func startManager(t *testing.T, cfg *config.Config, opts Options) *Manager {
	t.Helper()
	if opts.PingInterval == 0 {
		opts.PingInterval, opts.PongWait = 200*time.Millisecond, 300*time.Millisecond
	}
	if opts.MaxConnectionsDelay == 0 {
		opts.MaxConnectionsDelay = time.Minute
	}
	m := New(cfg, opts)
	m.Start(context.Background())
	t.Cleanup(m.Close)
	return m
}

func status(m *Manager, id string) wire.Status { return m.Snapshot().Connections[id].Status }

func allConnected(m *Manager, n int) func() bool {
	return func() bool { return m.Snapshot().ConnectedCount == n }
}

// sessionFor finds the simulator session subscribed to sym.
// subscribedAt waits until the provider has read a subscription to sym:
// "connected" means authenticated, and the subscribe frame follows it, so a
// fault aimed at sym's session before then reaches no one.
func subscribedAt(t *testing.T, s *simulator.Server, sym string) {
	t.Helper()
	wait.For(t, sym+"'s subscription at the provider", 10*time.Second, func() bool {
		_, ok := sessionFor(s, sym)
		return ok
	})
}

func sessionFor(s *simulator.Server, sym string) (simulator.SessionInfo, bool) {
	for _, ss := range s.Sessions() {
		if slices.Contains(ss.Symbols, sym) {
			return ss, true
		}
	}
	return simulator.SessionInfo{}, false
}

func TestThreeConnectionsAuthenticateSubscribeAndStream(t *testing.T) {
	sim := startFeed(t, simulator.Options{})
	sink := &recordingSink{}
	m := startManager(t, testConfig(t, sim.URL(), 3), Options{Sink: sink})
	wait.For(t, "3 connected", 10*time.Second, allConnected(m, 3))
	// "connected" means authenticated; the subscribe frame follows it, and
	// the simulator records it when it has read it.
	wait.For(t, "every connection's subscriptions at the provider", 5*time.Second, func() bool {
		for _, want := range tickersOf {
			if _, ok := sessionFor(sim, want[0]); !ok {
				return false
			}
		}
		return true
	})
	for i, want := range tickersOf {
		ss, ok := sessionFor(sim, want[0])
		if !ok || !slices.Equal(ss.Symbols, sortedCopy(want)) {
			t.Errorf("connection_%d subscribed %v, want %v", i+1, ss.Symbols, want)
		}
	}
	wait.For(t, "every ticker to flow on its own connection", 10*time.Second, func() bool {
		seen := sink.symbolsSince(0)
		for i, want := range tickersOf {
			id := fmt.Sprintf("connection_%d", i+1)
			if len(seen[id]) != len(want) {
				return false
			}
			for _, sym := range want {
				if !seen[id][sym] {
					return false
				}
			}
		}
		return true
	})
	wait.For(t, "all confirmations", 10*time.Second, func() bool {
		return m.Snapshot().Connections["connection_3"].SubscribedChannels == int64(len(tickersOf[2]))
	})
	snap := m.Snapshot()
	for id, c := range snap.Connections {
		// "subscribed to: …" status messages must not replace the status.
		if c.Status != wire.StatusConnected || c.MessageCount == 0 || c.LastMessageTime == 0 || c.ConnectedSince == 0 || c.ReconnectCount != 0 {
			t.Errorf("%s: %+v", id, c)
		}
	}
	if snap.TotalTicksReceived < int64(sink.len())-100 || snap.EnabledConnections != 3 {
		t.Errorf("totals: %+v (sink has %d)", snap, sink.len())
	}
}

func TestSingleConnectionModeCarriesEverything(t *testing.T) {
	sim := startFeed(t, simulator.Options{})
	cfg := testConfig(t, sim.URL(), 3)
	cfg.UseMultiConnection = false
	// Re-derive the assignment as FromLookup would for USE_MULTI_CONNECTION=false.
	all := slices.Concat(tickersOf[0], tickersOf[1], tickersOf[2])
	cfg.Connections[0].Tickers = all
	cfg.Connections[1].Enabled, cfg.Connections[2].Enabled = false, false
	m := startManager(t, cfg, Options{})
	wait.For(t, "connection_1 connected", 10*time.Second, allConnected(m, 1))
	// "connected" is set when auth succeeds; the subscribe frame follows it,
	// so the simulator may not have every symbol yet.
	wait.For(t, "one session with every ticker", 10*time.Second, func() bool {
		ss := sim.Sessions()
		return len(ss) == 1 && len(ss[0].Symbols) == len(all)
	})
	if s := status(m, "connection_2"); s != wire.StatusDisabled {
		t.Errorf("connection_2 is %s", s)
	}
}

func TestWrongKeyIsAuthFailedWithoutATightLoop(t *testing.T) {
	sim := startFeed(t, simulator.Options{Keys: []string{"another-key"}})
	cfg := testConfig(t, sim.URL(), 1)
	cfg.MaxReconnectDelay = 3 * time.Second
	m := startManager(t, cfg, Options{})
	wait.For(t, "auth_failed", 10*time.Second, func() bool { return status(m, "connection_1") == wire.StatusAuthFailed })
	if at := m.Snapshot().Connections["connection_1"].RetryAt; at < float64(time.Now().Unix())+2 {
		t.Errorf("retry_at %v is not at the 3 s ceiling", at)
	}
	time.Sleep(time.Second)
	c := m.Snapshot().Connections["connection_1"]
	if c.Status != wire.StatusAuthFailed || c.ReconnectCount != 0 {
		t.Fatalf("after 1 s: %+v (a retry before the 3 s ceiling)", c)
	}
	if strings.Contains(c.LastError, key) || !strings.Contains(c.LastError, "MASSIVE_API_KEY") {
		t.Errorf("last_error %q", c.LastError)
	}
}

func TestFourthConnectionGetsMaxConnections(t *testing.T) {
	sim := startFeed(t, simulator.Options{MaxConnsPerKey: 3})
	first := startManager(t, testConfig(t, sim.URL(), 3), Options{})
	wait.For(t, "3 connected", 10*time.Second, allConnected(first, 3))
	second := startManager(t, testConfig(t, sim.URL(), 1), Options{})
	wait.For(t, "max_connections", 10*time.Second, func() bool { return status(second, "connection_1") == wire.StatusMaxConnections })
	time.Sleep(500 * time.Millisecond)
	if c := second.Snapshot().Connections["connection_1"]; c.Status != wire.StatusMaxConnections || c.ReconnectCount != 0 {
		t.Fatalf("%+v: retried before 60 s", c)
	}
	if first.Snapshot().ConnectedCount != 3 {
		t.Fatal("the first three connections were disturbed")
	}
}

func TestDropReconnectsAndResubscribesEveryTicker(t *testing.T) {
	sim := startFeed(t, simulator.Options{})
	sink := &recordingSink{}
	log := &statusLog{}
	m := startManager(t, testConfig(t, sim.URL(), 3), Options{Sink: sink, Log: slog.New(log)})
	wait.For(t, "3 connected", 10*time.Second, allConnected(m, 3))
	before := len(log.of("connection_2"))
	subscribedAt(t, sim, "PLTR")
	if n := sim.Drop("PLTR"); n != 1 {
		t.Fatalf("dropped %d sessions", n)
	}
	wait.For(t, "a reconnect", 10*time.Second, func() bool {
		c := m.Snapshot().Connections["connection_2"]
		return c.ReconnectCount == 1 && c.Status == wire.StatusConnected
	})
	mark := sink.len()
	wait.For(t, "every connection_2 ticker to flow again", 10*time.Second, func() bool {
		return len(sink.symbolsSince(mark)["connection_2"]) == len(tickersOf[1])
	})
	seen := log.of("connection_2")[before:]
	if !slices.Equal(seen, []wire.Status{wire.StatusDisconnected, wire.StatusConnecting, wire.StatusConnected}) {
		t.Errorf("transitions %v, want disconnected, connecting, connected", seen)
	}
	if c := m.Snapshot().Connections["connection_2"]; !strings.Contains(c.LastError, "dropped without a close frame") || c.RetryAt != 0 {
		t.Errorf("after the reconnect: last_error %q, retry_at %v", c.LastError, c.RetryAt)
	}
	if ss, _ := sessionFor(sim, "PLTR"); !slices.Equal(ss.Symbols, sortedCopy(tickersOf[1])) {
		t.Errorf("resubscribed %v", ss.Symbols)
	}
	for _, id := range []string{"connection_1", "connection_3"} {
		if c := m.Snapshot().Connections[id]; c.ReconnectCount != 0 {
			t.Errorf("%s reconnected too: %+v", id, c)
		}
	}
}

func TestStallIsDetectedAndReconnected(t *testing.T) {
	sim := startFeed(t, simulator.Options{})
	m := startManager(t, testConfig(t, sim.URL(), 1), Options{PingInterval: 100 * time.Millisecond, PongWait: 150 * time.Millisecond})
	wait.For(t, "connected", 10*time.Second, allConnected(m, 1))
	subscribedAt(t, sim, "AAPL")
	if n := sim.Stall("AAPL", time.Hour); n != 1 {
		t.Fatalf("stalled %d sessions", n)
	}
	wait.For(t, "the stall to be detected", 10*time.Second, func() bool {
		return m.Snapshot().Connections["connection_1"].ReconnectCount >= 1
	})
	wait.For(t, "connected again", 10*time.Second, allConnected(m, 1))
	if c := m.Snapshot().Connections["connection_1"]; !strings.Contains(c.LastError, "stalled") {
		t.Errorf("last_error %q", c.LastError)
	}
}

func TestGarbageFrameIsCountedAndTheConnectionRecovers(t *testing.T) {
	sim := startFeed(t, simulator.Options{})
	sink := &recordingSink{}
	m := startManager(t, testConfig(t, sim.URL(), 1), Options{Sink: sink})
	wait.For(t, "connected", 10*time.Second, allConnected(m, 1))
	subscribedAt(t, sim, "AAPL")
	if n := sim.SendGarbage("AAPL"); n != 1 {
		t.Fatalf("garbage sent on %d sessions", n)
	}
	wait.For(t, "the error to be counted", 10*time.Second, func() bool { return m.Snapshot().TotalErrors == 1 })
	mark := sink.len()
	wait.For(t, "ticks after the garbage", 10*time.Second, func() bool { return sink.len() > mark+10 })
	c := m.Snapshot().Connections["connection_1"]
	if c.Status != wire.StatusConnected || c.ReconnectCount != 0 || !strings.Contains(c.LastError, "not a JSON array") {
		t.Fatalf("%+v", c)
	}
}

func TestMaxRetriesEndsInError(t *testing.T) {
	sim := startFeed(t, simulator.Options{})
	url := sim.URL()
	sim.Close() // nothing listens there any more
	cfg := testConfig(t, url, 1)
	cfg.MaxRetries = 3
	m := startManager(t, cfg, Options{})
	wait.For(t, "error", 10*time.Second, func() bool { return status(m, "connection_1") == wire.StatusError })
	c := m.Snapshot().Connections["connection_1"]
	if c.ReconnectCount != 2 || !strings.Contains(c.LastError, "gave up after 3 consecutive failures") {
		t.Fatalf("%+v", c)
	}
}

func TestRefusedTicksAreCountedAsDropped(t *testing.T) {
	sim := startFeed(t, simulator.Options{})
	m := startManager(t, testConfig(t, sim.URL(), 1), Options{Sink: &recordingSink{refuse: true}})
	wait.For(t, "drops", 10*time.Second, func() bool { return m.Snapshot().Connections["connection_1"].PublishDropped > 10 })
}

func TestSnapshotHasTheContractShape(t *testing.T) {
	m := New(testConfig(t, "ws://127.0.0.1:1/x", 2), Options{})
	data, err := json.Marshal(m.Snapshot())
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	json.Unmarshal(data, &raw)
	for _, k := range []string{"total_connections", "enabled_connections", "connected_count", "total_ticks_received", "total_errors", "connections"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("missing %s", k)
		}
	}
	conns := raw["connections"].(map[string]any)
	c1 := conns["connection_1"].(map[string]any)
	for _, k := range []string{"name", "enabled", "status", "universe_key", "assigned_tickers", "tickers", "message_count", "error_count", "reconnect_count", "last_message_time", "connected_since", "last_error"} {
		if _, ok := c1[k]; !ok {
			t.Errorf("connection_1 missing %s", k)
		}
	}
	if c3 := conns["connection_3"].(map[string]any); c3["status"] != "disabled" || c3["enabled"] != false {
		t.Errorf("connection_3 = %v", c3)
	}
	if c1["status"] != "disconnected" {
		t.Errorf("status before Start = %v", c1["status"])
	}
}

func TestBackoffIsFullJitterWithinBounds(t *testing.T) {
	base, ceiling := time.Second, 30*time.Second
	for failures := 1; failures <= 40; failures++ {
		limit := min(ceiling, base<<min(failures-1, 30))
		if d := backoff(base, ceiling, failures, 0); d != minDelay {
			t.Errorf("failures %d jitter 0: %v", failures, d)
		}
		if d := backoff(base, ceiling, failures, 0.999999); d > limit || d < limit*99/100 {
			t.Errorf("failures %d jitter ~1: %v, want ≈ %v", failures, d, limit)
		}
		if d := backoff(base, ceiling, failures, 0.5); d > ceiling {
			t.Errorf("failures %d: %v above the ceiling", failures, d)
		}
	}
	// Jitter spreads retries: the real source gives many distinct delays.
	distinct := map[time.Duration]bool{}
	o := Options{}
	o.fill()
	for i := 0; i < 100; i++ {
		distinct[backoff(base, ceiling, 4, o.Jitter())] = true
	}
	if len(distinct) < 90 {
		t.Errorf("only %d distinct delays in 100", len(distinct))
	}
}

func TestRetryDelayByOutcome(t *testing.T) {
	cfg := testConfig(t, "ws://127.0.0.1:1/x", 1)
	cfg.ReconnectDelay, cfg.MaxReconnectDelay = time.Second, 30*time.Second
	m := New(cfg, Options{Jitter: func() float64 { return 0.5 }})
	r := m.runners[0]
	if d := r.retryDelay(outcomeAuthFailed, 1); d != 30*time.Second {
		t.Errorf("auth_failed: %v, want the ceiling", d)
	}
	if d := r.retryDelay(outcomeMaxConnections, 1); d != 60*time.Second {
		t.Errorf("max_connections: %v, want 60 s", d)
	}
	if d := r.retryDelay(outcomeLost, 3); d != 2*time.Second {
		t.Errorf("lost, 3rd failure: %v, want 2 s (half of 4 s)", d)
	}
}

// dropAndReconnect drops connection_1 at the simulator n times, each after it
// has been connected for up, and waits for each reconnect.
func dropAndReconnect(t *testing.T, sim *simulator.Server, m *Manager, n int, up time.Duration) {
	t.Helper()
	for i := 1; i <= n; i++ {
		wait.For(t, "connected", 10*time.Second, allConnected(m, 1))
		time.Sleep(up)
		sim.Drop("")
		wait.For(t, "reconnected", 10*time.Second, func() bool {
			return m.Snapshot().Connections["connection_1"].ReconnectCount == int64(i) && status(m, "connection_1") == wire.StatusConnected
		})
	}
}

// Jitter 1 makes each delay the full limit, so the delays the manager logs
// show its failure count: a connection that stayed up for StableAfter resets
// it; one that did not backs off further.
func TestBackoffResetsOnlyAfterAStableConnection(t *testing.T) {
	ms := time.Millisecond
	cases := []struct {
		name        string
		base        time.Duration
		stableAfter time.Duration
		up          time.Duration // how long each connection stays up before the drop
		want        []time.Duration
	}{
		// Without the reset the delays would grow 200, 400, 800 ms.
		{"stable connections reset it", 200 * ms, 300 * ms, 400 * ms, []time.Duration{200 * ms, 200 * ms, 200 * ms}},
		{"unstable connections back off further", 100 * ms, time.Hour, 0, []time.Duration{100 * ms, 200 * ms, 400 * ms}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sim := startFeed(t, simulator.Options{})
			cfg := testConfig(t, sim.URL(), 1)
			cfg.ReconnectDelay, cfg.MaxReconnectDelay = c.base, 10*time.Second
			log := &statusLog{}
			m := startManager(t, cfg, Options{StableAfter: c.stableAfter, Jitter: func() float64 { return 1 }, Log: slog.New(log)})
			dropAndReconnect(t, sim, m, len(c.want), c.up)
			log.mu.Lock()
			defer log.mu.Unlock()
			if !slices.Equal(log.delays, c.want) {
				t.Fatalf("delays %v, want %v", log.delays, c.want)
			}
		})
	}
}

func TestCloseEndsEveryGoroutineAndSaysDisconnected(t *testing.T) {
	sim := startFeed(t, simulator.Options{})
	m := New(testConfig(t, sim.URL(), 3), Options{})
	m.Start(context.Background())
	wait.For(t, "3 connected", 10*time.Second, allConnected(m, 3))
	m.Close()
	for id, c := range m.Snapshot().Connections {
		if c.Enabled && c.Status != wire.StatusDisconnected {
			t.Errorf("%s is %s after Close", id, c.Status)
		}
	}
	// goleak in TestMain checks that no runner, reader or writer is left.
}

func TestChangedSignalsStatusChanges(t *testing.T) {
	sim := startFeed(t, simulator.Options{})
	m := startManager(t, testConfig(t, sim.URL(), 1), Options{})
	select {
	case <-m.Changed():
	case <-time.After(5 * time.Second):
		t.Fatal("no change signal")
	}
}
