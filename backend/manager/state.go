package manager

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/tickstock/monitor/backend/config"
	"github.com/tickstock/monitor/backend/redact"
	"github.com/tickstock/monitor/backend/wire"
)

// connState is the observable state of one connection. Counters are atomics
// so the read loop never takes a lock per event; the rest is guarded by mu.
type connState struct {
	id          string
	name        string
	universeKey string
	enabled     bool
	warning     string

	messages   atomic.Int64
	errors     atomic.Int64
	reconnects atomic.Int64
	dropped    atomic.Int64 // ticks the sink could not take
	confirmed  atomic.Int64 // channels the provider confirmed on this session
	lastMsgNs  atomic.Int64 // Unix ns of the newest event

	mu             sync.Mutex
	status         wire.Status
	statusSince    time.Time
	connectedSince time.Time
	lastError      string
	retryAt        time.Time // when the next attempt starts; zero while trying
	tickers        []string  // sorted copy handed out by snapshot; replaced, never mutated
}

func newConnState(c config.Connection, now time.Time) *connState {
	st := &connState{
		id:          c.ID,
		name:        c.Name,
		universeKey: c.UniverseKey,
		enabled:     c.Enabled,
		warning:     c.Warning,
		status:      wire.StatusDisabled,
		statusSince: now,
	}
	if c.Enabled {
		st.status = wire.StatusDisconnected
		st.tickers = sortedCopy(c.Tickers)
	}
	return st
}

// setStatus records a status change and reports whether it was one;
// connected also stamps connected_since.
func (s *connState) setStatus(st wire.Status, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.status == st {
		return false
	}
	s.status, s.statusSince = st, now
	if st == wire.StatusConnecting || st == wire.StatusConnected {
		s.retryAt = time.Time{}
	}
	if st == wire.StatusConnected {
		s.connectedSince = now
	} else {
		s.connectedSince = time.Time{}
	}
	return true
}

// setError counts one error and keeps msg as the last one.
func (s *connState) setError(msg string) { s.addErrors(1, msg) }

// The text is clipped: a provider's status message can be any size, and
// last_error goes into every snapshot and push.
func (s *connState) addErrors(n int64, msg string) {
	msg = redact.Error(msg)
	s.errors.Add(n)
	s.mu.Lock()
	s.lastError = msg
	s.mu.Unlock()
}

func (s *connState) setRetryAt(t time.Time) {
	s.mu.Lock()
	s.retryAt = t
	s.mu.Unlock()
}

// tickerList returns the assigned tickers (sorted; do not modify).
func (s *connState) tickerList() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tickers
}

func (s *connState) snapshot() wire.Connection {
	s.mu.Lock()
	cs := wire.Connection{
		Name:            s.name,
		Enabled:         s.enabled,
		Status:          s.status,
		UniverseKey:     s.universeKey,
		AssignedTickers: len(s.tickers),
		Tickers:         s.tickers,
		ConnectedSince:  wire.Unix(s.connectedSince),
		StatusSince:     wire.Unix(s.statusSince),
		LastError:       s.lastError,
		RetryAt:         wire.Unix(s.retryAt),
		Warning:         s.warning,
	}
	s.mu.Unlock()
	if cs.Tickers == nil {
		cs.Tickers = []string{}
	}
	cs.MessageCount = s.messages.Load()
	cs.ErrorCount = s.errors.Load()
	cs.ReconnectCount = s.reconnects.Load()
	cs.PublishDropped = s.dropped.Load()
	cs.SubscribedChannels = s.confirmed.Load()
	if ns := s.lastMsgNs.Load(); ns != 0 {
		cs.LastMessageTime = wire.UnixNano(ns)
	}
	return cs
}
