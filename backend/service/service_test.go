package service

import (
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/tickstock/monitor/backend/redisbus"
	"github.com/tickstock/monitor/backend/wire"
	"github.com/tickstock/monitor/internal/redistest"
	"github.com/tickstock/monitor/internal/wait"
)

// The keyring's D-Bus session connection is process-wide by design (godbus
// shares it), and so is the Socket.IO client's network-status poller,
// started at init (IgnoreCurrent); everything else must end with the test.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		goleak.IgnoreCurrent(),
		redistest.IgnoreRedial,
		goleak.IgnoreAnyFunction("github.com/godbus/dbus/v5.(*Conn).inWorker"),
		goleak.IgnoreAnyFunction("github.com/godbus/dbus/v5.newConn.func1"))
}

type sources struct {
	mu  sync.Mutex
	all []wire.SubscriptionState
}

func (s *sources) Batch(*wire.Batch)     {}
func (s *sources) Metrics(*wire.Metrics) {}
func (s *sources) Subscription(st wire.SubscriptionState) {
	s.mu.Lock()
	s.all = append(s.all, st)
	s.mu.Unlock()
}

// open starts a demo service with env applied and no .env file.
func open(t *testing.T, env map[string]string, o Options) *Service {
	t.Helper()
	for k, v := range env {
		t.Setenv(k, v)
	}
	o.EnvDir = t.TempDir()
	s := Open(context.Background(), o)
	t.Cleanup(s.Close)
	return s
}

func closedPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// quiet waits until no tick moves: the simulator is at rate 0, the publisher's
// queue is empty and the monitor's total is stable.
func quiet(t *testing.T, s *Service) {
	t.Helper()
	last := int64(-1)
	wait.For(t, "the pipeline to drain", 20*time.Second, func() bool {
		time.Sleep(200 * time.Millisecond)
		total := metricsNow(t, s).Total
		stable := total == last && ingestOf(t, s).Publisher.Queued() == 0
		last = total
		return stable
	})
}

func counts(t *testing.T, s *Service) (sent, seen map[string]int64) {
	sent, seen = map[string]int64{}, map[string]int64{}
	for id, c := range s.Snapshot().Connections {
		sent[id] = c.MessageCount
	}
	for id, c := range metricsNow(t, s).Connections {
		seen[id] = c.Received
	}
	return sent, seen
}

// 100,000 ticks: simulator → manager → Redis → monitor, each counted on the
// connection that carried it, none lost.
func TestEndToEndHundredThousandTicksExact(t *testing.T) {
	srv := redistest.Start(t)
	s := open(t, map[string]string{"TICKSTOCK_MODE": "demo", "REDIS_URL": srv.URL, "TICK_CHANNEL": redistest.Channel(t)}, Options{})
	if s.info.Problem != "" {
		t.Fatal(s.info.Problem)
	}
	wait.For(t, "3 connected and subscribed", 10*time.Second, func() bool {
		return s.Snapshot().ConnectedCount == 3 && s.Subscription().State == wire.SubscriptionSubscribed
	})
	sim := ingestOf(t, s).Simulator
	sim.SetRate(0)
	quiet(t, s)
	sent0, seen0 := counts(t, s)
	base := s.Snapshot().TotalTicksReceived

	sim.SetRate(12_000) // per connection
	wait.For(t, "100,000 ticks sent", 60*time.Second, func() bool {
		return s.Snapshot().TotalTicksReceived-base >= 100_000
	})
	sim.SetRate(0)
	quiet(t, s)
	sent1, seen1 := counts(t, s)
	var total int64
	for _, id := range wire.SlotIDs {
		sent, seen := sent1[id]-sent0[id], seen1[id]-seen0[id]
		total += sent
		if sent != seen || sent == 0 {
			t.Errorf("%s: manager counted %d, monitor saw %d", id, sent, seen)
		}
	}
	m := metricsNow(t, s)
	if total < 100_000 || m.Unassigned.Count != 0 || m.Invalid.Count != 0 {
		t.Errorf("total %d, unassigned %d, invalid %d", total, m.Unassigned.Count, m.Invalid.Count)
	}
	for id, c := range s.Snapshot().Connections {
		if c.PublishDropped != 0 {
			t.Errorf("%s dropped %d", id, c.PublishDropped)
		}
	}
	if s.Subscription().Gaps != 0 {
		t.Errorf("gaps: %+v", s.Subscription())
	}
}

func TestDemoWithoutRedisUsesTheBuiltInOne(t *testing.T) {
	out := &sources{}
	s := open(t, map[string]string{"TICKSTOCK_MODE": "demo", "REDIS_URL": ""}, Options{Output: out})
	wait.For(t, "ticks through the built-in Redis", 10*time.Second, func() bool {
		return s.Subscription().State == wire.SubscriptionSubscribed && metricsNow(t, s).Total > 10
	})
	if w := s.Subscription().Where; w != redisbus.DemoLabel {
		t.Errorf("source where = %q", w)
	}
}

func TestConfiguredRedisDownIsShownNotReplaced(t *testing.T) {
	addr := closedPort(t)
	s := open(t, map[string]string{"TICKSTOCK_MODE": "demo", "REDIS_URL": "redis://" + addr + "/0"}, Options{})
	wait.For(t, "the outage shown", 10*time.Second, func() bool {
		src := s.Subscription()
		return src.State == wire.SubscriptionReconnecting && strings.Contains(src.Detail, "refused") && strings.Contains(src.Where, addr)
	})
	if ingestOf(t, s).RedisLabel != "" {
		t.Fatal("a configured REDIS_URL was silently replaced by the built-in Redis")
	}
	// The connections still run; only the Redis side waits.
	wait.For(t, "3 connected", 10*time.Second, func() bool { return s.Snapshot().ConnectedCount == 3 })
}

func TestBadConfigurationGivesAnIdleServiceThatSaysWhy(t *testing.T) {
	s := open(t, map[string]string{"WEBSOCKET_CONNECTIONS_MAX": "7"}, Options{})
	if !strings.Contains(s.Info().Problem, `WEBSOCKET_CONNECTIONS_MAX="7"`) {
		t.Fatalf("problem %q", s.Info().Problem)
	}
	snap := s.Snapshot()
	if snap.EnabledConnections != 0 || snap.Connections["connection_1"].Status != wire.StatusDisabled {
		t.Errorf("idle snapshot %+v", snap)
	}
	if src := s.Subscription(); src.State != wire.SubscriptionStopped || !strings.Contains(src.Detail, "WEBSOCKET_CONNECTIONS_MAX") {
		t.Errorf("source %+v", src)
	}
	s.Pause()
	s.Resume() // no panic without a monitor
}

func TestRemoteModeWithoutAServerSaysWhatToSet(t *testing.T) {
	s := open(t, map[string]string{"TICKSTOCK_MODE": "remote", "TICKSTOCK_REMOTE_URL": "", "TICKSTOCK_ADMIN_EMAIL": ""}, Options{})
	if p := s.Info().Problem; !strings.Contains(p, "TICKSTOCK_REMOTE_URL") || !strings.Contains(p, "remote profile") {
		t.Fatalf("problem %q", p)
	}
}

func TestLookupAndDemoFaultControls(t *testing.T) {
	srv := redistest.Start(t)
	s := open(t, map[string]string{"TICKSTOCK_MODE": "demo", "REDIS_URL": srv.URL, "TICK_CHANNEL": redistest.Channel(t)}, Options{})
	wait.For(t, "3 connected", 10*time.Second, func() bool { return s.Snapshot().ConnectedCount == 3 })
	if l := s.LookupSymbol(" aapl "); !l.Found || l.ConnectionID != "connection_1" || l.Message != "AAPL is on Connection 1 (primary)." {
		t.Errorf("lookup %+v", l)
	}
	if l := s.LookupSymbol("ZZZZ"); l.Found || !strings.Contains(l.Message, "no connection") {
		t.Errorf("lookup %+v", l)
	}
	if l := s.LookupSymbol("not a ticker"); l.Found || !strings.Contains(l.Message, "is not a ticker") {
		t.Errorf("lookup %+v", l)
	}
	// "Connected" is authenticated; the simulator knows the session once it
	// has read the subscribe frame that follows, and refuses a drop before.
	wait.For(t, "connection_2 dropped at the simulator", 10*time.Second, func() bool { return s.DropConnection("connection_2") == nil })
	wait.For(t, "connection_2 to reconnect", 10*time.Second, func() bool {
		c := s.Snapshot().Connections["connection_2"]
		return c.ReconnectCount == 1 && c.Status == wire.StatusConnected
	})
	if err := s.StallConnection("connection_9", time.Second); err == nil {
		t.Error("stalled a connection that does not exist")
	}
}

func TestFaultControlsNeedTheDemo(t *testing.T) {
	s := open(t, map[string]string{"WEBSOCKET_CONNECTIONS_MAX": "7"}, Options{})
	if err := s.DropConnection("connection_1"); err == nil || !strings.Contains(err.Error(), "only in the embedded demo") {
		t.Fatalf("err = %v", err)
	}
}
