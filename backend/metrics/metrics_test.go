package metrics

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"go.uber.org/goleak"

	"github.com/tickstock/monitor/backend/config"
	"github.com/tickstock/monitor/backend/ingest"
	"github.com/tickstock/monitor/backend/manager"
	"github.com/tickstock/monitor/backend/simulator"
	"github.com/tickstock/monitor/backend/verdict"
	"github.com/tickstock/monitor/backend/wire"
	"github.com/tickstock/monitor/internal/promtest"
	"github.com/tickstock/monitor/internal/redistest"
	"github.com/tickstock/monitor/internal/wait"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m, redistest.IgnoreRedial) }

// embedded runs one connection against the provider simulator, publishing
// to a private redis-server, with metrics on a free port.
func embedded(t *testing.T) (*simulator.Server, *ingest.Ingest, string) {
	t.Helper()
	srv := redistest.Start(t)
	sim, err := simulator.Start("127.0.0.1:0", simulator.Options{Keys: []string{"k"}, Rate: 200, FrameInterval: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	cfg, err := config.FromLookup(func(k string) (string, bool) {
		v, ok := map[string]string{
			"TICKSTOCK_MODE": "embedded", "MASSIVE_API_KEY": "k", "MASSIVE_WEBSOCKET_URL": sim.URL(),
			"WEBSOCKET_CONNECTION_1_ENABLED": "true", "WEBSOCKET_CONNECTION_1_SYMBOLS": "AAPL,MSFT,NVDA",
			"MASSIVE_WEBSOCKET_RECONNECT_DELAY": "0.1", "MASSIVE_WEBSOCKET_MAX_RECONNECT_DELAY": "0.2",
			"REDIS_URL": srv.URL, "TICK_CHANNEL": "tickstock:metrics:" + t.Name(),
		}[k]
		return v, ok
	})
	if err != nil {
		t.Fatal(err)
	}
	started := time.Now()
	in, err := ingest.Start(context.Background(), cfg, ingest.Options{Redis: cfg.Redis,
		Manager: manager.Options{PingInterval: 200 * time.Millisecond, PongWait: 300 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(in.Close)
	ln, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ms := Serve(ln, NewRegistry(Options{Snapshot: in.Manager.Snapshot, Publisher: in.Publisher, Started: started}), nil)
	t.Cleanup(ms.Close)
	return sim, in, "http://" + ms.Addr() + "/metrics"
}

func scrape(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("GET %s: %s %s", url, resp.Status, resp.Header.Get("Content-Type"))
	}
	return string(b)
}

// value is the sample of series (name{labels} exactly as exposed), or -1.
func value(text, series string) float64 {
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`).FindStringSubmatch(text)
	if m == nil {
		return -1
	}
	v, _ := strconv.ParseFloat(m[1], 64)
	return v
}

func TestScrapeBeforeAndAfterAProviderDrop(t *testing.T) {
	sim, in, url := embedded(t)
	c1 := `{connection="connection_1"}`
	wait.For(t, "connection_1 connected and ticks published", 10*time.Second, func() bool {
		s := in.Snapshot().Connections["connection_1"]
		return s.Status == wire.StatusConnected && in.Publisher.Published() > 50
	})
	before := scrape(t, url)
	for series, want := range map[string]float64{
		`tickstock_connection_status{connection="connection_1",status="connected"}`:    1,
		`tickstock_connection_status{connection="connection_1",status="disconnected"}`: 0,
		`tickstock_connection_status{connection="connection_2",status="disabled"}`:     1,
		`tickstock_provider_reconnects_total` + c1:                                     0,
		`tickstock_subscribed_tickers` + c1:                                            3,
		`tickstock_assigned_tickers` + c1:                                              3,
		`tickstock_redis_publishing`:                                                   1,
		`tickstock_publisher_queue_capacity`:                                           65536,
		`tickstock_ticks_dropped_total{connection="connection_1",reason="queue_full"}`: 0,
	} {
		if got := value(before, series); got != want {
			t.Errorf("before: %s = %v, want %v", series, got, want)
		}
	}
	// Nobody subscribes to this test's channel: every published tick went unheard.
	if pub, unheard := value(before, "tickstock_ticks_published_total"+c1), value(before, "tickstock_ticks_unheard_total"+c1); unheard != pub {
		t.Errorf("before: unheard %v, want all %v published (no subscriber)", unheard, pub)
	}
	msgs0 := value(before, "tickstock_provider_messages_total"+c1)
	if msgs0 <= 0 || value(before, "tickstock_ticks_published_total"+c1) <= 0 || value(before, "tickstock_provider_last_message_age_seconds"+c1) > 2 {
		t.Errorf("before: messages %v published %v age %v", msgs0,
			value(before, "tickstock_ticks_published_total"+c1), value(before, "tickstock_provider_last_message_age_seconds"+c1))
	}
	if !regexp.MustCompile(`(?m)^tickstock_redis_info\{kind="standalone",node="127\.0\.0\.1:\d+"\} 1$`).MatchString(before) ||
		!strings.Contains(before, "go_goroutines ") || !strings.Contains(before, "process_resident_memory_bytes ") {
		t.Errorf("redis_info, Go or process metrics missing:\n%s", before)
	}
	promtest.CheckMetrics(t, before)

	if n := sim.Drop(""); n != 1 {
		t.Fatalf("dropped %d sessions", n)
	}
	wait.For(t, "the reconnect counted and the connection back", 10*time.Second, func() bool {
		s := in.Snapshot().Connections["connection_1"]
		return s.ReconnectCount == 1 && s.Status == wire.StatusConnected && float64(s.MessageCount) > msgs0+10
	})
	after := scrape(t, url)
	if got := value(after, "tickstock_provider_reconnects_total"+c1); got != 1 {
		t.Errorf("after: reconnects %v", got)
	}
	if got := value(after, `tickstock_connection_status{connection="connection_1",status="connected"}`); got != 1 {
		t.Errorf("after: connected %v", got)
	}
	if got := value(after, "tickstock_provider_messages_total"+c1); got <= msgs0 {
		t.Errorf("after: messages %v ≤ %v", got, msgs0)
	}
	promtest.CheckMetrics(t, after)
	t.Logf("scrape after the drop (tickstock_ series):\n%s", grepPrefix(after, "tickstock_"))
}

func grepPrefix(text, prefix string) string {
	var b strings.Builder
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, prefix) || strings.HasPrefix(l, "# HELP "+prefix) || strings.HasPrefix(l, "# TYPE "+prefix) {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

// The names and help follow the Prometheus conventions (client_golang's linter).
func TestMetricNamesLint(t *testing.T) {
	snap := func() wire.Snapshot {
		return wire.Snapshot{Connections: map[string]wire.Connection{
			"connection_1": {Name: "primary", Status: wire.StatusConnecting, MessageCount: 3, LastMessageTime: 1},
		}}
	}
	c := collector{Options{Snapshot: snap, Now: time.Now, Started: time.Now()}}
	problems, err := testutil.CollectAndLint(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("%s: %s", p.Metric, p.Text)
	}
	if n := testutil.CollectAndCount(c, "tickstock_connection_status"); n != len(wire.Statuses) {
		t.Errorf("%d status series, want one per status word (%d)", n, len(wire.Statuses))
	}
	text := gatherText(t, c)
	if !strings.Contains(text, `tickstock_connection_status{connection="connection_1",status="connecting"} 1`) ||
		strings.Count(text, `status="`) != len(wire.Statuses) || strings.Count(text, `,status="`+"") != len(wire.Statuses) {
		t.Errorf("status series:\n%s", grepPrefix(text, "tickstock_connection_status"))
	}
	if strings.Count(grepPrefix(text, "tickstock_connection_status{"), "} 1\n") != 1 {
		t.Errorf("more than one current status:\n%s", grepPrefix(text, "tickstock_connection_status"))
	}
}

func gatherText(t *testing.T, c collector) string {
	t.Helper()
	reg := NewRegistry(c.o)
	ln, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := Serve(ln, reg, nil)
	defer srv.Close()
	return scrape(t, "http://"+srv.Addr()+"/metrics")
}

func TestListenNamesTheVariable(t *testing.T) {
	ln, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if _, err := Listen(ln.Addr().String()); err == nil || !strings.Contains(err.Error(), "METRICS_LISTEN_ADDR=") {
		t.Fatalf("second listen on %s: %v", ln.Addr(), err)
	}
}

// tickstock_verdict: one series per level, 1 for the current one with its
// cause; promtool accepts the exposition.
func TestVerdictGauge(t *testing.T) {
	v := verdict.Verdict{Level: verdict.Down, Cause: verdict.CauseNotPublishing}
	c := collector{Options{Snapshot: func() wire.Snapshot { return wire.Snapshot{} }, Now: time.Now, Started: time.Now(),
		Verdict: func() verdict.Verdict { return v }}}
	text := gatherText(t, c)
	for series, want := range map[string]float64{
		`tickstock_verdict{cause="not_publishing",level="down"}`: 1,
		`tickstock_verdict{cause="",level="ok"}`:                 0,
		`tickstock_verdict{cause="",level="degraded"}`:           0,
		`tickstock_verdict{cause="",level="unknown"}`:            0,
	} {
		if got := value(text, series); got != want {
			t.Errorf("%s = %v, want %v\n%s", series, got, want, grepPrefix(text, "tickstock_verdict"))
		}
	}
	promtest.CheckMetrics(t, text)
	problems, err := testutil.CollectAndLint(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("%s: %s", p.Metric, p.Text)
	}
}
