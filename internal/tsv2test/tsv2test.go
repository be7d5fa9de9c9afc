// Package tsv2test runs a TickStockAppV2 stand-in for tests: standin.py, a
// Flask app on TickStockAppV2's own stack (Flask, Flask-Login, Flask-WTF
// with CSRF, Flask-SocketIO on eventlet) written from its source, started
// with /usr/bin/python3 on a free loopback port. Tests can Kill and Restart
// it on the same port, steer a connection's status and count sign-ins.
//
// Missing Python packages skip the test, except under CI=true, where they
// fail it (the Debian packages come from scripts/setup).
package tsv2test

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/tickstock/monitor/backend/wire"
	"github.com/tickstock/monitor/internal/testproc"
)

//go:embed standin.py
var script []byte

// Python is the interpreter with Debian's Flask stack (a pyenv python3 on
// PATH has none of it).
const Python = "/usr/bin/python3"

// User is an account of the stand-in.
type User struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	Role     string `json:"role"` // user, moderator, admin, super
	// SubscriptionExpired: right credentials get the login page again with
	// the renewal modal (TickStockAppV2's AuthenticationManager).
	SubscriptionExpired bool `json:"subscription_expired,omitempty"`
	// ExpiredMode "redirect": the redirect to the renewal page instead, a
	// branch of auth.py that is dead code at HEAD.
	ExpiredMode string `json:"expired_mode,omitempty"`
	// Unverified and Disabled accounts are refused with their own flashed
	// messages.
	Unverified bool `json:"-"`
	Disabled   bool `json:"disabled,omitempty"`
}

// MarshalJSON writes Unverified as the stand-in's "verified" (default true).
func (u User) MarshalJSON() ([]byte, error) {
	type plain User
	return json.Marshal(struct {
		plain
		Verified bool `json:"verified"`
	}{plain(u), !u.Unverified})
}

// Connection is an enabled connection; one not listed is disabled.
type Connection struct {
	Name    string   `json:"name"`
	Status  string   `json:"status"`
	Tickers []string `json:"tickers"`
}

// Options configure the stand-in.
type Options struct {
	Users       []User                `json:"users"`
	Connections map[string]Connection `json:"connections"`
	// RedisURL: the namespace forwards this Redis's ticks as tick_update.
	RedisURL string `json:"redis_url,omitempty"`
	Channel  string `json:"channel,omitempty"`
	// TickRate > 0 publishes that many ticks/s of the assigned tickers.
	TickRate        float64 `json:"tick_rate,omitempty"`
	MetricsInterval float64 `json:"metrics_interval,omitempty"` // seconds; default 5 as TickStockAppV2
	// NoNamespace: a server without /admin-ws (older TickStockAppV2).
	NoNamespace bool `json:"no_namespace,omitempty"`
	// Launch LaunchScript is TickStockAppV2 started as `python src/app.py`:
	// its status API answers 500 "WebSocket connection manager not
	// available" and /admin-ws never emits. "" is a module launch.
	Launch string `json:"launch,omitempty"`
	// CSRFTimeLimit is WTF_CSRF_TIME_LIMIT in seconds; 0 is 3,600.
	CSRFTimeLimit float64 `json:"csrf_time_limit,omitempty"`
	// LockoutSeconds: how long 5 failed sign-ins lock an account; 0 is 20 min.
	LockoutSeconds float64 `json:"lockout_seconds,omitempty"`
}

// LaunchScript: started as TickStockAppV2's own scripts start it.
const LaunchScript = "script"

// Admin is the default admin account of Users().
const (
	AdminEmail    = "admin@example.com"
	AdminPassword = "admin-pw-1"
)

// DefaultUsers: an admin, a super, a user, a moderator, expired admins
// (the renewal modal and the dead redirect), an unverified and a disabled
// admin.
func DefaultUsers() []User {
	return []User{
		{Email: AdminEmail, Password: AdminPassword, Role: "admin"},
		{Email: "super@example.com", Password: "super-pw-1", Role: "super"},
		{Email: "user@example.com", Password: "user-pw-1", Role: "user"},
		{Email: "mod@example.com", Password: "mod-pw-1", Role: "moderator"},
		{Email: "expired@example.com", Password: "expired-pw-1", Role: "admin", SubscriptionExpired: true},
		{Email: "expired-redirect@example.com", Password: "expired-pw-1", Role: "admin", SubscriptionExpired: true, ExpiredMode: "redirect"},
		{Email: "unverified@example.com", Password: "unverified-pw-1", Role: "admin", Unverified: true},
		{Email: "disabled@example.com", Password: "disabled-pw-1", Role: "admin", Disabled: true},
	}
}

// Server is one stand-in process.
type Server struct {
	URL  string
	port int
	dir  string

	mu   sync.Mutex
	proc *testproc.Proc
}

// Available says whether the stand-in's Python packages are installed.
func Available() error {
	out, err := exec.Command(Python, "-c", "import flask, flask_login, flask_wtf, flask_socketio, eventlet, redis, email_validator").CombinedOutput()
	if err != nil {
		return fmt.Errorf("the TickStockAppV2 stand-in needs %s with Flask, Flask-Login, Flask-WTF, Flask-SocketIO, eventlet, redis and email-validator: run scripts/setup (%w: %s)", Python, err, bytes.TrimSpace(out))
	}
	return nil
}

// Start runs a stand-in for tb, stopped when tb ends.
func Start(tb testing.TB, o Options) *Server {
	tb.Helper()
	if testing.Short() {
		tb.Skip("-short: TickStockAppV2's Python stack starts in make test, not in make check")
	}
	if err := Available(); err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatal(err)
		}
		tb.Skip(err)
	}
	s, err := Launch(tb.TempDir(), o)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Stop)
	return s
}

// Launch starts a stand-in outside a test (the e2e run); the caller must
// Stop it. dir holds its files.
func Launch(dir string, o Options) (*Server, error) {
	if o.Users == nil {
		o.Users = DefaultUsers()
	}
	cfg, _ := json.Marshal(o)
	if err := os.WriteFile(filepath.Join(dir, "standin.json"), cfg, 0o600); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "standin.py"), script, 0o600); err != nil {
		return nil, err
	}
	port, err := testproc.FreePort()
	if err != nil {
		return nil, err
	}
	s := &Server{port: port, dir: dir, URL: "http://127.0.0.1:" + strconv.Itoa(port)}
	return s, s.launch()
}

func (s *Server) launch() error {
	cmd := exec.Command(Python, filepath.Join(s.dir, "standin.py"), "--port", strconv.Itoa(s.port), "--config", filepath.Join(s.dir, "standin.json"))
	logf, err := os.OpenFile(filepath.Join(s.dir, "standin.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd.Stdout, cmd.Stderr = logf, logf
	ready := func() error {
		resp, err := http.Get(s.URL + "/_standin/stats")
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	// A start-up, not a measurement: Python, eventlet and Flask starting
	// beside the race-built tests of other packages, four stand-ins at once
	// (the verdict matrix), took over 20 s here.
	proc, err := testproc.Start(cmd, ready, time.Minute, 50*time.Millisecond)
	if err != nil {
		return fmt.Errorf("the stand-in on %s did not start: %w: %s", s.URL, err, s.Log())
	}
	s.mu.Lock()
	s.proc = proc
	s.mu.Unlock()
	return nil
}

// Log is the stand-in's output so far.
func (s *Server) Log() string {
	b, _ := os.ReadFile(filepath.Join(s.dir, "standin.log"))
	return string(b)
}

// Kill stops the process at once (SIGKILL), as a crash would.
func (s *Server) Kill(tb testing.TB) {
	tb.Helper()
	s.Stop()
}

// Restart starts a new process on the same port: sessions are gone (a new
// secret key), as after TickStockAppV2 restarts.
func (s *Server) Restart(tb testing.TB) {
	tb.Helper()
	var err error
	for i := 0; i < 40; i++ {
		if err = s.launch(); err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	tb.Fatal(err)
}

// Stop ends the process; safe to call twice.
func (s *Server) Stop() {
	s.mu.Lock()
	proc := s.proc
	s.proc = nil
	s.mu.Unlock()
	if proc != nil {
		proc.Stop(0)
	}
}

// Stats are the stand-in's counters since this process started.
type Stats struct {
	LoginPosts int `json:"login_posts"` // POST /login, any outcome
	LoginsOK   int `json:"logins_ok"`
	WSConnects int `json:"ws_connects"` // accepted /admin-ws connects
	WSRefused  int `json:"ws_refused"`
	StatusGets int `json:"status_gets"` // GET of the status API by an admin
}

// Stats reads the counters.
func (s *Server) Stats(tb testing.TB) Stats {
	tb.Helper()
	var st Stats
	if err := s.get("/_standin/stats", &st); err != nil {
		tb.Fatal(err)
	}
	return st
}

// SetStatus sets a connection's status word, as its provider client would.
func (s *Server) SetStatus(tb testing.TB, connectionID, status string) {
	tb.Helper()
	if err := s.post("/_standin/status", map[string]string{"connection_id": connectionID, "status": status}); err != nil {
		tb.Fatal(err)
	}
}

// SetStatusUncounted sets a connection's status as TickStockAppV2's
// connect() does when the provider does not answer: "error" without
// counting an error.
func (s *Server) SetStatusUncounted(tb testing.TB, connectionID, status string) {
	tb.Helper()
	if err := s.post("/_standin/status", map[string]any{"connection_id": connectionID, "status": status, "counted": false}); err != nil {
		tb.Fatal(err)
	}
}

// Subscribe is TickStockAppV2 subscribing tickers (nil: its 8 fallback
// tickers) once a connection is up: they go to the first connected
// connection, taken from any other.
func (s *Server) Subscribe(tb testing.TB, tickers []string) {
	tb.Helper()
	if err := s.post("/_standin/subscribe", map[string]any{"tickers": tickers}); err != nil {
		tb.Fatal(err)
	}
}

// Emit sends event with data to the admins on /admin-ws, padded with a
// "pad" field of pad bytes when pad > 0.
func (s *Server) Emit(tb testing.TB, event string, data map[string]any, pad int) {
	tb.Helper()
	if err := s.post("/_standin/emit", map[string]any{"event": event, "data": data, "pad": pad}); err != nil {
		tb.Fatal(err)
	}
}

// Tick counts a tick on its connection and publishes it to the Redis (the
// namespace then sends it as tick_update).
func (s *Server) Tick(tb testing.TB, symbol string, price float64) {
	tb.Helper()
	body := map[string]any{"type": "market_tick", "symbol": symbol, "price": price, "volume": 100,
		"timestamp": wire.Unix(time.Now()), "source": "massive"}
	if err := s.post("/_standin/tick", body); err != nil {
		tb.Fatal(err)
	}
}

func (s *Server) get(path string, v any) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", s.URL+path, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(v)
}

func (s *Server) post(path string, v any) error {
	b, _ := json.Marshal(v)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "POST", s.URL+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return fmt.Errorf("stand-in %s: %s", path, resp.Status)
	}
	return nil
}

// Freeze stops the process (SIGSTOP): it holds its sockets but answers
// nothing, as a hung server does. Thaw resumes it.
func (s *Server) Freeze(tb testing.TB) { s.signal(tb, syscall.SIGSTOP) }

// Thaw resumes a frozen process.
func (s *Server) Thaw(tb testing.TB) { s.signal(tb, syscall.SIGCONT) }

func (s *Server) signal(tb testing.TB, sig syscall.Signal) {
	tb.Helper()
	s.mu.Lock()
	proc := s.proc
	s.mu.Unlock()
	if proc == nil {
		tb.Fatal("the stand-in is not running")
	}
	if err := proc.Signal(sig); err != nil {
		tb.Fatal(err)
	}
}
