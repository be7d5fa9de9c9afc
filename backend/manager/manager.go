// Package manager runs up to three provider WebSocket connections, spreads the
// configured tickers over them, passes every tick to a Sink and reports the
// connections' health as a Snapshot.
//
// Each enabled connection is one goroutine-owned gorilla/websocket client with
// one reader and one writer. After every reconnect it authenticates again and
// subscribes every ticker assigned to it.
package manager

import (
	"context"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tickstock/monitor/backend/config"
	"github.com/tickstock/monitor/backend/redact"
	"github.com/tickstock/monitor/backend/wire"
)

// Manager owns the connection slots of one configuration.
type Manager struct {
	cfg     *config.Config
	opts    Options
	conns   [config.MaxConnections]*connState
	runners [config.MaxConnections]*runner

	assignment atomic.Pointer[map[string]string] // ticker → connection ID; replaced, never mutated
	changed    chan struct{}                     // coalesced status-change signal

	mu     sync.Mutex
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// New prepares the connections of cfg; nothing is dialed until Start.
func New(cfg *config.Config, opts Options) *Manager {
	opts.fill()
	m := &Manager{cfg: cfg, opts: opts, changed: make(chan struct{}, 1)}
	now := time.Now()
	for i, c := range cfg.Connections {
		m.conns[i] = newConnState(c, now)
		m.runners[i] = &runner{m: m, st: m.conns[i], resync: make(chan struct{}, 1), now: make(chan struct{}, 1)}
	}
	a := cfg.Assignment()
	m.assignment.Store(&a)
	return m
}

// Start dials every enabled connection; they run until ctx ends or Close.
func (m *Manager) Start(ctx context.Context) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.cancel != nil {
		return
	}
	ctx, m.cancel = context.WithCancel(ctx)
	for _, r := range m.runners {
		if !r.st.enabled {
			continue
		}
		m.wg.Add(1)
		go func() {
			defer m.wg.Done()
			r.run(ctx)
		}()
	}
}

// Close stops every connection and waits until they have ended.
func (m *Manager) Close() {
	m.mu.Lock()
	cancel := m.cancel
	m.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	m.wg.Wait()
}

// Changed is signalled (coalesced) whenever a connection's status changes.
func (m *Manager) Changed() <-chan struct{} { return m.changed }

func (m *Manager) setStatus(st *connState, s wire.Status) {
	if st.setStatus(s, time.Now()) {
		m.opts.Log.Info("status", "connection", st.id, "status", string(s))
		m.signalChange()
	}
}

func (m *Manager) signalChange() {
	select {
	case m.changed <- struct{}{}:
	default:
	}
}

// redact removes the API key (and any credentials in the provider URL) from
// text that may reach a log or the UI, and clips it (redact.MaxError).
func (m *Manager) redact(s string) string {
	if k := m.cfg.APIKey; len(k) >= 4 {
		s = strings.ReplaceAll(s, k, "[redacted]")
	}
	return redact.Error(redact.Scrub(s, redact.URLSecrets(m.cfg.WebSocketURL)...))
}

// Snapshot returns the health of every connection. Safe for concurrent use.
func (m *Manager) Snapshot() wire.Snapshot {
	s := wire.Snapshot{
		TotalConnections: m.cfg.ConnectionsMax,
		Connections:      make(map[string]wire.Connection, len(m.conns)),
	}
	for _, c := range m.conns {
		cs := c.snapshot()
		s.Connections[c.id] = cs
		if cs.Enabled {
			s.EnabledConnections++
		}
		if cs.Status == wire.StatusConnected {
			s.ConnectedCount++
		}
		s.TotalTicksReceived += cs.MessageCount
		s.TotalErrors += cs.ErrorCount
	}
	return s
}

// ConnectionOf returns the connection a ticker is assigned to. It takes no
// lock, so the Redis monitor can call it for every tick.
func (m *Manager) ConnectionOf(symbol string) (string, bool) {
	id, ok := (*m.assignment.Load())[symbol]
	return id, ok
}

// Assignment returns a copy of the ticker → connection map.
func (m *Manager) Assignment() map[string]string {
	return maps.Clone(*m.assignment.Load())
}

func sortedCopy(s []string) []string {
	c := slices.Clone(s)
	slices.Sort(c)
	return c
}
