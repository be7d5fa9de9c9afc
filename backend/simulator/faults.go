package simulator

import (
	"math"
	"slices"
	"strings"
	"time"
)

// SessionInfo describes one client connection of the simulator.
type SessionInfo struct {
	ID            int64
	Authenticated bool
	Symbols       []string // subscribed, sorted
	EventsSent    int64
}

// Sessions lists the open client connections, oldest first.
func (s *Server) Sessions() []SessionInfo {
	s.mu.Lock()
	list := make([]*session, 0, len(s.sessions))
	for _, ss := range s.sessions {
		list = append(list, ss)
	}
	s.mu.Unlock()
	slices.SortFunc(list, func(a, b *session) int { return int(a.id - b.id) })
	out := make([]SessionInfo, len(list))
	for i, ss := range list {
		ss.mu.Lock()
		syms := slices.Clone(ss.symbols)
		ss.mu.Unlock()
		slices.Sort(syms)
		out[i] = SessionInfo{ID: ss.id, Authenticated: ss.authed.Load(), Symbols: syms, EventsSent: ss.sent.Load()}
	}
	return out
}

// Sent is the number of market events sent on all connections so far.
func (s *Server) Sent() int64 { return s.sent.Load() }

// Rate is the current events per second per connection.
func (s *Server) Rate() float64 { return math.Float64frombits(s.rate.Load()) }

// SetRate changes the events per second of every connection (slow down with
// a small value, load-test with a large one).
func (s *Server) SetRate(perConnection float64) {
	s.rate.Store(math.Float64bits(max(perConnection, 0)))
}

// SetRefuseAuth makes every following auth fail (true) or behave (false).
func (s *Server) SetRefuseAuth(refuse bool) { s.refuseAuth.Store(refuse) }

// Drop closes, without a close frame, the connections subscribed to symbol
// ("" = every connection), and returns how many it closed.
func (s *Server) Drop(symbol string) int {
	return s.each(symbol, func(ss *session) { ss.kill() })
}

// DropFor drops the connections subscribed to symbol and, for d, cuts every
// new connection as soon as it subscribes to it: the client authenticates,
// then loses the connection, so it stays down for d (plus its backoff).
func (s *Server) DropFor(symbol string, d time.Duration) int {
	s.mu.Lock()
	if s.blocked == nil {
		s.blocked = map[string]time.Time{}
	}
	s.blocked[symbol] = time.Now().Add(d)
	s.mu.Unlock()
	return s.Drop(symbol)
}

// isBlocked: params subscribe to a symbol that DropFor cuts right now.
func (s *Server) isBlocked(params string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	for sym, until := range s.blocked {
		if now.After(until) {
			delete(s.blocked, sym)
			continue
		}
		for _, ch := range strings.Split(params, ",") {
			if _, got, _ := strings.Cut(strings.TrimSpace(ch), "."); got == sym {
				return true
			}
		}
	}
	return false
}

// Stall makes the matching connections send no frames and answer no pings
// for d, as a hung server or a black-holed path would.
func (s *Server) Stall(symbol string, d time.Duration) int {
	until := time.Now().Add(d).UnixNano()
	return s.each(symbol, func(ss *session) { ss.stallUntil.Store(until) })
}

// SendGarbage makes the matching connections send one frame that is not JSON.
func (s *Server) SendGarbage(symbol string) int {
	return s.each(symbol, func(ss *session) { ss.garbage.Add(1) })
}

// SendFrame makes the sessions subscribed to symbol send frame once, as it
// is: a hostile frame of the provider's (one of many bad events, say).
func (s *Server) SendFrame(symbol string, frame []byte) int {
	return s.each(symbol, func(ss *session) { ss.raw.Store(&frame) })
}

func (s *Server) each(symbol string, f func(*session)) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, ss := range s.sessions {
		if symbol != "" {
			ss.mu.Lock()
			_, ok := ss.channels[symbol]
			ss.mu.Unlock()
			if !ok {
				continue
			}
		}
		f(ss)
		n++
	}
	return n
}
