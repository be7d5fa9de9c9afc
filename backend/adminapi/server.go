// Package adminapi is the headless server's admin API, on the same routes as
// TickStockAppV2 so the desktop app (and the status command) can observe
// either: POST /login, GET /api/admin/websocket-status (and its /admin alias),
// GET /admin-ws (push stream), POST /logout, GET /health; and the browser
// dashboard at /admin/websockets with the calls only it makes (dashboard.go,
// stream.go).
//
// 401 means "not signed in" (no, expired or tampered session); 403 means
// "signed in, but not an admin" (or a POST sent by another site's page); 429
// too many failed sign-ins for the address or the account; 503 the server is
// busy (password checks or push streams at their cap). All are JSON, also
// before a WebSocket upgrade. A push stream lives only as long as its
// session: sign-out or expiry closes it (close code 1008) within a second.
package adminapi

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/tickstock/monitor/backend/verdict"
	"github.com/tickstock/monitor/backend/wire"
)

// CookieName is the session cookie (Flask's name, for TickStockAppV2 clients).
const CookieName = "session"

// Snapshotter is where the API's health comes from: the running manager.
type Snapshotter interface {
	Snapshot() wire.Snapshot
	Changed() <-chan struct{}
}

// Options configure a Server. Zero values take the defaults.
type Options struct {
	Users     Users
	Snapshots Snapshotter
	Log       *slog.Logger
	// TLS marks cookies Secure (set when serving HTTPS).
	TLS bool
	// Health adds fields to GET /health for a signed-in admin (e.g. which
	// Redis answers); nil = none. Anonymous callers never get them.
	Health func() map[string]any
	// Verdict is the server's judgement (health.go): /health answers 200
	// only when it is OK or degraded, and the status API carries it. Nil:
	// /health answers 200 "ok" (a server that judges nothing).
	Verdict func() verdict.Verdict
	// Sessions keeps the signing key and the sign-outs in files, so a
	// restarted server accepts the sessions of the one before; nil = a
	// random key per process (OpenSessionStore).
	Sessions *SessionStore

	SessionTTL  time.Duration // default 12 h
	LoginLimit  int           // failed logins per account and address per LoginWindow (4× per address), then the account's growing delay; default 5
	LoginWindow time.Duration // default 1 min
	// LoginConcurrency bounds the password checks (bcrypt) running at once,
	// so a flood of sign-ins from many addresses cannot take every core;
	// default GOMAXPROCS. A sign-in that waits LoginQueueWait for a slot
	// gets 503.
	LoginConcurrency int
	LoginQueueWait   time.Duration // default 5 s
	PushInterval     time.Duration // status to every viewer at least this often; default 5 s
	ViewerQueue      int           // messages queued per viewer before it is dropped; default 32
	PingInterval     time.Duration // default 25 s
	// MaxViewers and MaxViewersPerSession cap the push streams (defaults 256
	// and 8); past them /admin-ws answers 503.
	MaxViewers           int
	MaxViewersPerSession int
	// SessionCheck is how often open push streams re-check their session,
	// so a sign-out or an expiry closes them; default 250 ms.
	SessionCheck time.Duration
	Now          func() time.Time

	// Dashboard is the built frontend (index.html at its root), served at
	// /admin/websockets; nil or without index.html, that path says it was
	// not built (dashboard.go).
	Dashboard fs.FS
	// Info is the dashboard's header (GET /api/admin/info); Lookup says
	// which connection carries a symbol (GET /api/admin/lookup).
	Info   func() wire.Info
	Lookup func(symbol string) wire.Lookup
	// Reconnect cuts a connection's backoff wait short (POST
	// /api/admin/connections/{id}/reconnect); nil: 501.
	Reconnect func(id string) error
}

// Server serves the admin API.
type Server struct {
	opts     Options
	sessions *sessions
	limiter  *loginLimiter
	hub      *hub
	mux      *http.ServeMux
	// checking holds a slot per password check in progress (bcrypt).
	checking chan struct{}
	// verify checks a password; Users.check except in tests.
	verify func(email, password string) (User, bool)
	// crossSite refuses state-changing requests sent by other sites' pages.
	crossSite *http.CrossOriginProtection
}

// New returns a server; Run starts its push stream.
func New(o Options) *Server {
	if o.SessionTTL <= 0 {
		o.SessionTTL = 12 * time.Hour
	}
	if o.LoginLimit <= 0 {
		o.LoginLimit = 5
	}
	if o.LoginWindow <= 0 {
		o.LoginWindow = time.Minute
	}
	if o.LoginConcurrency <= 0 {
		o.LoginConcurrency = runtime.GOMAXPROCS(0)
	}
	if o.LoginQueueWait <= 0 {
		o.LoginQueueWait = 5 * time.Second
	}
	if o.MaxViewers <= 0 {
		o.MaxViewers = 256
	}
	if o.MaxViewersPerSession <= 0 {
		o.MaxViewersPerSession = 8
	}
	if o.SessionCheck <= 0 {
		o.SessionCheck = 250 * time.Millisecond
	}
	if o.PushInterval <= 0 {
		o.PushInterval = 5 * time.Second
	}
	if o.ViewerQueue <= 0 {
		o.ViewerQueue = 32
	}
	if o.PingInterval <= 0 {
		o.PingInterval = 25 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	s := &Server{
		opts:     o,
		sessions: o.sessions(),
		limiter:  newLoginLimiter(o.LoginLimit, o.LoginWindow, o.Now),
		checking: make(chan struct{}, o.LoginConcurrency),
		verify:   o.Users.check,
		// Sec-Fetch-Site, else Origin against Host; programs that send
		// neither (curl, the status command, the desktop app) pass.
		crossSite: http.NewCrossOriginProtection(),
	}
	s.hub = newHub(s)
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("POST /login", s.login)
	s.mux.HandleFunc("POST /logout", s.logout)
	s.mux.HandleFunc("GET /api/admin/websocket-status", s.status)
	s.mux.HandleFunc("GET /admin/api/admin/websocket-status", s.status)
	s.mux.HandleFunc("GET /admin-ws", s.hub.serve)
	s.mux.HandleFunc("POST /api/admin/connections/{id}/reconnect", s.reconnect)
	s.routeDashboard()
	s.mux.HandleFunc("GET /health", s.health)
	return s
}

// sessions signs with the store's key, or with a key of this process only.
func (o Options) sessions() *sessions {
	store := o.Sessions
	if store == nil {
		key := make([]byte, minKeyBytes)
		_, _ = rand.Read(key)
		store = &SessionStore{key: key, signedOut: &revocations{now: o.Now, m: map[string]int64{}}}
	}
	account := func(email string) (User, bool) {
		u, ok := o.Users.byEmail[email]
		return u, ok
	}
	return newSessions(store.key, o.SessionTTL, o.Now, store.signedOut, account)
}

// Handler is the API's http.Handler.
func (s *Server) Handler() http.Handler { return s.mux }

// Run pushes status and metrics to viewers until ctx ends, then closes them.
func (s *Server) Run(ctx context.Context) { s.hub.run(ctx) }

// Viewers is the number of connected push-stream clients.
func (s *Server) Viewers() int { return s.hub.count() }

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if !s.sameSite(w, r) {
		return
	}
	addr := clientAddr(r)
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	var req loginRequest
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			writeError(w, http.StatusBadRequest, "expected JSON {\"email\",\"password\"}")
			return
		}
	} else {
		if err := r.ParseForm(); err != nil {
			writeError(w, http.StatusBadRequest, "expected form fields email and password")
			return
		}
		req.Email, req.Password = r.PostFormValue("email"), r.PostFormValue("password")
	}
	// Counted before the password is checked: see loginLimiter.
	if wait := s.limiter.begin(addr, req.Email); wait > 0 {
		secs := int(wait.Seconds() + 0.999)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		writeError(w, http.StatusTooManyRequests, "too many failed sign-ins from your address or for this account; try again in "+strconv.Itoa(secs)+" s")
		return
	}
	u, ok, busy := s.checkPassword(r.Context(), req.Email, req.Password)
	if busy {
		s.limiter.undo(addr, req.Email) // not checked: no failure, no success
		w.Header().Set("Retry-After", "5")
		writeError(w, http.StatusServiceUnavailable, "too many sign-ins in progress; try again in a few seconds")
		return
	}
	s.limiter.end(addr, req.Email, ok)
	if !ok {
		s.opts.Log.Warn("failed sign-in", "from", addr)
		writeError(w, http.StatusUnauthorized, "wrong email or password")
		return
	}
	token, exp := s.sessions.create(u)
	// Secure follows TLS: on plain HTTP (loopback, or behind a TLS proxy)
	// a Secure cookie would never be sent back. HttpOnly and SameSite are set.
	http.SetCookie(w, &http.Cookie{ //nolint:gosec // G124: see above
		Name: CookieName, Value: token, Path: "/", Expires: exp,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: s.opts.TLS,
	})
	s.opts.Log.Info("signed in", "email", u.Email, "role", string(u.Role), "from", addr)
	writeJSON(w, http.StatusOK, map[string]any{"status": "success", "email": u.Email, "role": u.Role})
}

// checkPassword runs the password check in one of the LoginConcurrency
// slots; busy when no slot freed up within LoginQueueWait.
func (s *Server) checkPassword(ctx context.Context, email, password string) (u User, ok, busy bool) {
	wait := time.NewTimer(s.opts.LoginQueueWait)
	defer wait.Stop()
	select {
	case s.checking <- struct{}{}:
	case <-wait.C:
		return User{}, false, true
	case <-ctx.Done():
		return User{}, false, true
	}
	defer func() { <-s.checking }()
	u, ok = s.verify(email, password)
	return u, ok, false
}

// sameSite writes 403 and returns false for a state-changing request that a
// page of another site made a browser send (a form post that would lock the
// operator's address out, or sign them out).
func (s *Server) sameSite(w http.ResponseWriter, r *http.Request) bool {
	if err := s.crossSite.Check(r); err != nil {
		writeError(w, http.StatusForbidden, "cross-site request refused: sign in from this server's own page or from a program")
		return false
	}
	return true
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if !s.sameSite(w, r) {
		return
	}
	if c, err := r.Cookie(CookieName); err == nil {
		if err := s.sessions.delete(c.Value); err != nil {
			s.opts.Log.Warn("sign-out not saved", "err", err)
		}
		s.hub.endSession(c.Value, "signed out")
	}
	http.SetCookie(w, &http.Cookie{ //nolint:gosec // G124: Secure follows TLS, as at sign-in
		Name: CookieName, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: s.opts.TLS})
	writeJSON(w, http.StatusOK, map[string]string{"status": "success"})
}

// authorize writes 401/403 and returns false unless an admin is signed in;
// token is the session's.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) (token string, ok bool) {
	c, err := r.Cookie(CookieName)
	if err != nil {
		writeError(w, http.StatusUnauthorized, "not signed in: POST /login first")
		return "", false
	}
	if !s.adminSession(c.Value) {
		if _, why := s.sessions.check(c.Value); why == "" {
			writeError(w, http.StatusForbidden, "this account is not an admin")
		} else {
			writeError(w, http.StatusUnauthorized, why)
		}
		return "", false
	}
	return c.Value, true
}

// adminSession reports whether token is a live session of an admin.
func (s *Server) adminSession(token string) bool {
	ss, ok := s.sessions.get(token)
	return ok && ss.role.IsAdmin()
}

func (s *Server) status(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.authorize(w, r); !ok {
		return
	}
	env := statusEnvelope{Status: "success", Data: s.opts.Snapshots.Snapshot(), Timestamp: wire.Unix(s.opts.Now())}
	if s.opts.Verdict != nil {
		v := s.opts.Verdict()
		env.Verdict = &v
	}
	writeJSON(w, http.StatusOK, env)
}

// statusEnvelope is the status API's response: TickStockAppV2's, plus the
// server's verdict (what only it can see: whether its ticks reach Redis).
type statusEnvelope struct {
	Status    string           `json:"status"`
	Data      wire.Snapshot    `json:"data"`
	Timestamp float64          `json:"timestamp"`
	Verdict   *verdict.Verdict `json:"verdict,omitempty"`
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"status": "error", "error": http.StatusText(code), "message": msg})
}

func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// reconnect cuts connection {id}'s backoff wait short (an admin's POST, from
// this server's page or a program: the sign-in's cross-site rule).
func (s *Server) reconnect(w http.ResponseWriter, r *http.Request) {
	if !s.sameSite(w, r) {
		return
	}
	if _, ok := s.authorize(w, r); !ok {
		return
	}
	if s.opts.Reconnect == nil {
		writeError(w, http.StatusNotImplemented, "this server runs no connections of its own to reconnect")
		return
	}
	id := r.PathValue("id")
	if _, ok := wire.ParseSlot(id); !ok {
		writeError(w, http.StatusNotFound, fmt.Sprintf("%q is not a connection (connection_1 to connection_3)", id))
		return
	}
	if err := s.opts.Reconnect(id); err != nil {
		writeError(w, http.StatusConflict, err.Error())
		return
	}
	s.opts.Log.Info("reconnect now", "connection", id, "from", clientAddr(r))
	writeJSON(w, http.StatusOK, map[string]string{"status": "success", "message": wire.SlotLabel(id) + " reconnects now."})
}
