package manager

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tickstock/monitor/backend/simulator"
	"github.com/tickstock/monitor/backend/wire"
	"github.com/tickstock/monitor/internal/wait"
)

// After a provider outage the connection waits out its backoff (here 30 s);
// "reconnect now" cuts the wait short, and says why when there is none.
func TestReconnectNowEndsTheBackoffWait(t *testing.T) {
	sim := startFeed(t, simulator.Options{})
	addr, url := sim.Addr(), sim.URL()
	sim.Close() // the provider is down
	cfg := testConfig(t, url, 1)
	cfg.ReconnectDelay, cfg.MaxReconnectDelay = 30*time.Second, 30*time.Second
	m := startManager(t, cfg, Options{Jitter: func() float64 { return 0.999 }})
	wait.For(t, "a 30 s wait for the retry", 10*time.Second, func() bool {
		return m.Snapshot().Connections["connection_1"].RetryAt > float64(time.Now().Unix()+20)
	})
	if err := m.ReconnectNow("connection_2"); err == nil || !strings.Contains(err.Error(), "not enabled") {
		t.Errorf("a disabled connection: %v", err)
	}
	if err := m.ReconnectNow("connection_9"); err == nil {
		t.Error("an unknown connection: no error")
	}
	back, err := simulator.Start(addr, simulator.Options{Keys: []string{key}, Rate: 100, FrameInterval: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { back.Close() })
	if err := m.ReconnectNow("connection_1"); err != nil {
		t.Fatal(err)
	}
	wait.For(t, "connected well before the 30 s wait would end", 10*time.Second, func() bool { return status(m, "connection_1") == wire.StatusConnected })
	if err := m.ReconnectNow("connection_1"); !errors.Is(err, ErrNotWaiting) || !strings.Contains(err.Error(), "Connection 1") {
		t.Errorf("while connected: %v, want Connection 1 is not waiting for a retry", err)
	}
}
