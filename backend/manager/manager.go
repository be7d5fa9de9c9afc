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
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tickstock/monitor/backend/config"
	"github.com/tickstock/monitor/backend/redact"
	"github.com/tickstock/monitor/backend/ticks"
)

// Manager owns the connection slots of one configuration.
type Manager struct {
	cfg     *config.Config
	opts    Options
	conns   [config.MaxConnections]*connState
	runners [config.MaxConnections]*runner

	assignMu   sync.Mutex                        // serialises ticker changes
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
		m.runners[i] = &runner{m: m, st: m.conns[i], resync: make(chan struct{}, 1)}
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

func (m *Manager) setStatus(st *connState, s Status) {
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
func (m *Manager) Snapshot() Snapshot {
	s := Snapshot{
		TotalConnections: m.cfg.ConnectionsMax,
		Connections:      make(map[string]ConnectionSnapshot, len(m.conns)),
	}
	for _, c := range m.conns {
		cs := c.snapshot()
		s.Connections[c.id] = cs
		if cs.Enabled {
			s.EnabledConnections++
		}
		if cs.Status == StatusConnected {
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

// AddTickers assigns tickers to connection id, or to the least-loaded
// connected (else enabled) connection when id is "", subscribes them at once
// if it is connected, and returns the connection used.
func (m *Manager) AddTickers(id string, tickers []string) (string, error) {
	m.assignMu.Lock()
	defer m.assignMu.Unlock()
	clean, err := normalize(tickers)
	if err != nil {
		return "", err
	}
	cur := *m.assignment.Load()
	target := m.pick(id)
	if target < 0 {
		if id != "" {
			return "", fmt.Errorf("%s is not an enabled connection", id)
		}
		return "", errors.New("no enabled connection to add tickers to")
	}
	tid := m.conns[target].id
	for _, t := range clean {
		if owner, ok := cur[t]; ok && owner != tid {
			return "", fmt.Errorf("ticker %s is already on %s: remove it there first", t, owner)
		}
	}
	next := maps.Clone(cur)
	list := slices.Clone(m.conns[target].tickerList())
	for _, t := range clean {
		if _, ok := next[t]; !ok {
			next[t] = tid
			list = append(list, t)
		}
	}
	m.conns[target].setTickers(list)
	m.assignment.Store(&next)
	m.runners[target].signalResync()
	return tid, nil
}

// RemoveTickers unassigns tickers from whatever connection carries them and
// unsubscribes them there.
func (m *Manager) RemoveTickers(tickers []string) error {
	m.assignMu.Lock()
	defer m.assignMu.Unlock()
	clean, err := normalize(tickers)
	if err != nil {
		return err
	}
	next := maps.Clone(*m.assignment.Load())
	touched := map[int]bool{}
	for _, t := range clean {
		owner, ok := next[t]
		if !ok {
			return fmt.Errorf("ticker %s is not on any connection", t)
		}
		delete(next, t)
		touched[m.index(owner)] = true
	}
	for i := range touched {
		var list []string
		for _, t := range m.conns[i].tickerList() {
			if next[t] == m.conns[i].id {
				list = append(list, t)
			}
		}
		m.conns[i].setTickers(list)
		m.runners[i].signalResync()
	}
	m.assignment.Store(&next)
	return nil
}

// pick returns the slot for id, or the least-loaded connected (else enabled) one.
func (m *Manager) pick(id string) int {
	if id != "" {
		i := m.index(id)
		if i < 0 || !m.conns[i].enabled {
			return -1
		}
		return i
	}
	best := -1
	for _, wantConnected := range []bool{true, false} {
		for i, c := range m.conns {
			if !c.enabled || (wantConnected && c.currentStatus() != StatusConnected) {
				continue
			}
			if best < 0 || len(c.tickerList()) < len(m.conns[best].tickerList()) {
				best = i
			}
		}
		if best >= 0 {
			return best
		}
	}
	return -1
}

func (m *Manager) index(id string) int {
	for i, c := range m.conns {
		if c.id == id {
			return i
		}
	}
	return -1
}

func normalize(tickers []string) ([]string, error) {
	out := make([]string, 0, len(tickers))
	for _, t := range tickers {
		s, ok := ticks.NormalizeSymbol(strings.TrimSpace(t))
		if !ok {
			return nil, fmt.Errorf("invalid ticker %q (1–12 of A–Z 0–9 . : -)", t)
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return nil, errors.New("no tickers given")
	}
	return out, nil
}

func sortedCopy(s []string) []string {
	c := slices.Clone(s)
	slices.Sort(c)
	return c
}
