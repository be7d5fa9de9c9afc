// Package simulator is a protocol simulator of the Massive (Polygon.io) stocks
// WebSocket: a real gorilla/websocket server on loopback that does the
// handshake, authenticates keys, confirms every subscribed channel, enforces a
// per-key connection limit, and streams random-walk ticks for the subscribed
// symbols in multi-event frames. Fault knobs (drop, stall, garbage, refuse
// auth, rate) let tests and the demo show how the manager recovers.
//
// It is the embedded demo's provider and the only provider tests ever dial.
package simulator

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// Options configure a Server. Zero values take the defaults.
type Options struct {
	Keys           []string      // accepted API keys (required)
	MaxConnsPerKey int           // authenticated connections per key; default 3
	Rate           float64       // events per second per connection; default 20
	FrameInterval  time.Duration // how often a connection sends a frame; default 50 ms
	AuthTimeout    time.Duration // default 10 s
	Log            *slog.Logger  // default: discard
}

// Server is a running simulator.
type Server struct {
	opts     Options
	ln       net.Listener
	http     *http.Server
	upgrader websocket.Upgrader

	rate       atomic.Uint64 // math.Float64bits of events/s per connection
	refuseAuth atomic.Bool
	sent       atomic.Int64
	nextID     atomic.Int64
	closed     atomic.Bool
	sessionsWG sync.WaitGroup

	mu       sync.Mutex
	sessions map[int64]*session
	perKey   map[string]int       // authenticated sessions per key
	blocked  map[string]time.Time // symbol → until when subscribing to it is cut (DropFor)
}

// Start listens on addr (e.g. "127.0.0.1:0") and serves until Close.
func Start(addr string, opts Options) (*Server, error) {
	if len(opts.Keys) == 0 {
		return nil, errors.New("feed: at least one API key is required")
	}
	if opts.MaxConnsPerKey <= 0 {
		opts.MaxConnsPerKey = 3
	}
	if opts.Rate <= 0 {
		opts.Rate = 20
	}
	if opts.FrameInterval <= 0 {
		opts.FrameInterval = 50 * time.Millisecond
	}
	if opts.AuthTimeout <= 0 {
		opts.AuthTimeout = 10 * time.Second
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &Server{
		opts:     opts,
		ln:       ln,
		sessions: map[int64]*session{},
		perKey:   map[string]int{},
		upgrader: websocket.Upgrader{
			HandshakeTimeout: 5 * time.Second,
			CheckOrigin:      func(*http.Request) bool { return true },
		},
	}
	s.SetRate(opts.Rate)
	mux := http.NewServeMux()
	mux.HandleFunc("/", s.serveWS)
	s.http = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = s.http.Serve(ln) }()
	return s, nil
}

// URL is the WebSocket endpoint, e.g. ws://127.0.0.1:41234/stocks.
func (s *Server) URL() string { return "ws://" + s.ln.Addr().String() + "/stocks" }

// Addr is the listening address.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Close stops accepting, ends every session and waits for their goroutines.
func (s *Server) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	err := s.http.Shutdown(context.Background())
	s.mu.Lock()
	for _, ss := range s.sessions {
		ss.kill()
	}
	s.mu.Unlock()
	s.sessionsWG.Wait()
	return err
}

func (s *Server) serveWS(w http.ResponseWriter, r *http.Request) {
	if s.closed.Load() {
		http.Error(w, "closing", http.StatusServiceUnavailable)
		return
	}
	conn, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader already answered
	}
	ss := newSession(s, conn)
	s.mu.Lock()
	s.sessions[ss.id] = ss
	s.sessionsWG.Add(1)
	s.mu.Unlock()
	go func() {
		defer s.sessionsWG.Done()
		ss.run()
		s.mu.Lock()
		delete(s.sessions, ss.id)
		if ss.authedKey != "" {
			s.perKey[ss.authedKey]--
		}
		s.mu.Unlock()
	}()
}

// authorize checks key and the per-key limit; it returns the provider status
// word to answer with.
func (s *Server) authorize(ss *session, key string) string {
	if s.refuseAuth.Load() || !s.validKey(key) {
		return statusAuthFailed
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.perKey[key] >= s.opts.MaxConnsPerKey {
		return statusMaxConnections
	}
	s.perKey[key]++
	ss.authedKey = key
	return statusAuthSuccess
}

func (s *Server) validKey(key string) bool {
	for _, k := range s.opts.Keys {
		if k == key {
			return true
		}
	}
	return false
}
