package manager

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/tickstock/monitor/backend/massive"
	"github.com/tickstock/monitor/backend/redact"
	"github.com/tickstock/monitor/backend/simulator"
	"github.com/tickstock/monitor/backend/wire"
	"github.com/tickstock/monitor/internal/wait"
)

// Defect 6: a rejected key was retried at the configured ceiling with no
// floor: MASSIVE_WEBSOCKET_MAX_RECONNECT_DELAY=0.001 gave 3,225
// authentication attempts in 5 s.
func TestRejectedKeyIsRetriedNoFasterThanOncePerSecond(t *testing.T) {
	sim := startFeed(t, simulator.Options{Keys: []string{"another-key"}})
	cfg := testConfig(t, sim.URL(), 1)
	cfg.ReconnectDelay, cfg.MaxReconnectDelay = time.Millisecond, time.Millisecond
	m := startManager(t, cfg, Options{})
	wait.For(t, "auth_failed", 10*time.Second, func() bool { return status(m, "connection_1") == wire.StatusAuthFailed })
	time.Sleep(2500 * time.Millisecond)
	if n := m.Snapshot().Connections["connection_1"].ReconnectCount; n > 3 {
		t.Fatalf("%d retries in 2.5 s after a rejected key, want at most one a second", n)
	}
}

// Defect 6: after a rejected key, even a retry for another reason (the
// provider dropped us during the next attempt) waits the floor.
func TestRetryDelayAfterARejectedKeyHasAFloor(t *testing.T) {
	cfg := testConfig(t, "ws://127.0.0.1:1/x", 1)
	cfg.ReconnectDelay, cfg.MaxReconnectDelay = time.Millisecond, 2*time.Millisecond
	m := New(cfg, Options{Jitter: func() float64 { return 0.5 }})
	r := m.runners[0]
	if d := r.retryDelay(outcomeAuthFailed, 1); d < AuthRetryFloor {
		t.Fatalf("after auth_failed: %v", d)
	}
	if d := r.retryDelay(outcomeLost, 1); d >= AuthRetryFloor {
		t.Fatalf("a plain loss with a good key: %v, want the configured backoff", d)
	}
	r.keyRejected = true
	if d := r.retryDelay(outcomeLost, 1); d < AuthRetryFloor {
		t.Fatalf("a loss after a rejected key: %v, want at least %v", d, AuthRetryFloor)
	}
}

// Defect 8: a provider error message was kept whole; 900 KB ended up in
// last_error, the status JSON and every push.
func TestProviderErrorIsClipped(t *testing.T) {
	m := New(testConfig(t, "ws://127.0.0.1:1/x", 1), Options{})
	huge := strings.Repeat("ä", 900_000)
	if _, err := m.runners[0].handleStatus(massive.Status{Status: massive.ProviderError, Message: huge}); err != nil {
		t.Fatal(err)
	}
	le := m.Snapshot().Connections["connection_1"].LastError
	if n := utf8.RuneCountInString(le); n > redact.MaxError+1 || !strings.HasPrefix(le, "provider: ä") || !utf8.ValidString(le) {
		t.Fatalf("last_error of %d characters (%d bytes)", n, len(le))
	}
}

// Issue 25 item 4: a provider's error message carried its escapes through
// serve into LAST ERROR of status's table (ESC]0;… set the terminal title).
func TestProviderErrorLosesControlCharacters(t *testing.T) {
	m := New(testConfig(t, "ws://127.0.0.1:1/x", 1), Options{})
	if _, err := m.runners[0].handleStatus(massive.Status{Status: massive.ProviderError, Message: "\x1b]0;pwned\x07bad\x1b[2K\rconnected (all good)"}); err != nil {
		t.Fatal(err)
	}
	le := m.Snapshot().Connections["connection_1"].LastError
	if strings.ContainsAny(le, "\x1b\x07\r") || !strings.Contains(le, "connected (all good)") {
		t.Fatalf("last_error %q", le)
	}
}

// Issue 25 item 8: one 1 MiB frame of 349,523 bad events added 349,523 to
// the error counter at once. A bad frame now counts once.
func TestABadFrameCountsOneError(t *testing.T) {
	sim := startFeed(t, simulator.Options{})
	m := startManager(t, testConfig(t, sim.URL(), 1), Options{Sink: &recordingSink{}})
	wait.For(t, "connected", 10*time.Second, allConnected(m, 1))
	frame := []byte("[" + strings.Repeat(`{"ev":"T","sym":"not a symbol!"},`, 1000) + `{}]`)
	subscribedAt(t, sim, "AAPL")
	if n := sim.SendFrame("AAPL", frame); n != 1 {
		t.Fatalf("frame sent on %d sessions", n)
	}
	wait.For(t, "the bad frame to be counted", 10*time.Second, func() bool { return m.Snapshot().TotalErrors > 0 })
	// A frame's errors are added in one step: the first count seen is whole.
	if n := m.Snapshot().TotalErrors; n != 1 {
		t.Fatalf("errors %d, want 1 for one bad frame", n)
	}
}
