package remote

import (
	"context"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/tickstock/monitor/backend/adminapi"
	"github.com/tickstock/monitor/backend/wire"
	"github.com/tickstock/monitor/internal/admintest"
	"github.com/tickstock/monitor/internal/wait"
)

// IgnoreCurrent: the Socket.IO client library starts one network-status
// poller per process at init (clients/engine/v3 setupNetworkHandling); every
// goroutine of a connection must still end. utils.SetTimeout: when a dial
// fails inside NewManager, the library arms its connect timer after the
// failure (Manager.Open) and it ends by itself after the 10 s timeout.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.IgnoreCurrent(),
		goleak.IgnoreTopFunction("github.com/zishang520/socket.io/v3/pkg/utils.SetTimeout.func1"))
}

func snapshot(connected int) wire.Snapshot {
	return wire.Snapshot{TotalConnections: 3, EnabledConnections: 2, ConnectedCount: connected, Connections: map[string]wire.Connection{
		"connection_1": {Name: "primary", Enabled: true, Status: wire.StatusConnected, Tickers: []string{"AAPL", "MSFT"}, AssignedTickers: 2},
		"connection_2": {Name: "secondary", Enabled: true, Status: wire.StatusConnected, Tickers: []string{"PLTR"}, AssignedTickers: 1},
	}}
}

// server is an admin API on a fixed loopback port that can be restarted.
type server struct {
	t    *testing.T
	addr string
	src  *admintest.Health
	stop func()
}

func users(t *testing.T) adminapi.Users {
	u, err := adminapi.ParseUsers(admintest.UsersJSON(t,
		admintest.User{Email: "admin@x.io", Password: "pw-" + string(adminapi.RoleAdmin), Role: string(adminapi.RoleAdmin)},
		admintest.User{Email: "mod@x.io", Password: "pw-" + string(adminapi.RoleModerator), Role: string(adminapi.RoleModerator)}))
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func newServer(t *testing.T) *server {
	s := &server{t: t, src: admintest.NewHealth(snapshot(2))}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = l.Addr().String()
	s.serve(l)
	t.Cleanup(func() { s.stop() })
	return s
}

func (s *server) serve(l net.Listener) {
	api := adminapi.New(adminapi.Options{Users: users(s.t), Snapshots: s.src, PushInterval: 50 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	runDone := make(chan struct{})
	go func() { api.Run(ctx); close(runDone) }()
	hs := &http.Server{Handler: api.Handler()}
	go hs.Serve(l)
	s.stop = func() { cancel(); <-runDone; hs.Close() }
}

func (s *server) restart() {
	s.stop()
	var l net.Listener
	var err error
	for i := 0; i < 50; i++ {
		if l, err = net.Listen("tcp", s.addr); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		s.t.Fatal(err)
	}
	s.serve(l)
}

func observer(t *testing.T, url, email string) *Observer {
	o, err := NewObserver(url, email, Options{PollInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	o.Start(context.Background())
	t.Cleanup(o.Close)
	return o
}

func stateIs(o *Observer, s string) func() bool { return func() bool { return o.State().State == s } }

func TestObservesThroughThePushStream(t *testing.T) {
	srv := newServer(t)
	o := observer(t, "http://"+srv.addr, "admin@x.io")
	if st := o.State(); st.State != StateNeedsPassword || !strings.Contains(st.Detail, "admin@x.io") {
		t.Fatalf("before sign-in: %+v", st)
	}
	o.SignIn("pw-admin")
	wait.For(t, "observing", 10*time.Second, stateIs(o, StateObserving))
	if st := o.State(); !st.Push || st.CountsOnly {
		t.Errorf("state %+v", st)
	}
	if id, ok := o.ConnectionOf("PLTR"); !ok || id != "connection_2" {
		t.Errorf("ConnectionOf(PLTR) = %q %v", id, ok)
	}
	srv.src.SetSilently(snapshot(1))
	wait.For(t, "the pushed change", 10*time.Second, func() bool { return o.Snapshot().ConnectedCount == 1 })
}

func TestWrongPasswordAndForbidden(t *testing.T) {
	srv := newServer(t)
	o := observer(t, "http://"+srv.addr, "admin@x.io")
	o.SignIn("nope")
	wait.For(t, "wrong credentials", 10*time.Second, stateIs(o, StateWrongCredentials))
	o.SignIn("pw-admin")
	wait.For(t, "observing after a retry", 10*time.Second, stateIs(o, StateObserving))

	m := observer(t, "http://"+srv.addr, "mod@x.io")
	m.SignIn("pw-moderator")
	wait.For(t, "forbidden", 10*time.Second, stateIs(m, StateForbidden))
	if !strings.Contains(m.State().Detail, "not an admin") {
		t.Errorf("detail %q", m.State().Detail)
	}
}

func TestServerRestartIsSurvived(t *testing.T) {
	srv := newServer(t)
	o := observer(t, "http://"+srv.addr, "admin@x.io")
	o.SignIn("pw-admin")
	wait.For(t, "observing", 10*time.Second, stateIs(o, StateObserving))
	srv.stop()
	wait.For(t, "unreachable", 10*time.Second, stateIs(o, StateUnreachable))
	if st := o.State(); st.RetryAt == 0 || !strings.Contains(st.Detail, "Retrying in") {
		t.Errorf("state %+v", st)
	}
	// The last view stays while the server is away.
	if o.Snapshot().ConnectedCount != 2 {
		t.Error("the snapshot was cleared")
	}
	srv.restart() // new process: old sessions are gone, the observer signs in again
	wait.For(t, "observing again", 10*time.Second, stateIs(o, StateObserving))
}

func TestUnreachableFromTheStart(t *testing.T) {
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close()
	o := observer(t, "http://"+addr, "admin@x.io")
	o.SignIn("pw")
	wait.For(t, "unreachable", 10*time.Second, stateIs(o, StateUnreachable))
	if d := o.State().Detail; !strings.Contains(d, "connection refused") {
		t.Errorf("detail %q", d)
	}
}

// A server without /admin-ws and without ticker lists (TickStockAppV2).
func TestPollingAndCountsOnly(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "session", Value: "ok", Path: "/"})
	})
	mux.HandleFunc("GET /admin/api/admin/websocket-status", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"status":"success","data":{"enabled_connections":1,"connected_count":1,"connections":{"connection_1":{"name":"primary","enabled":true,"status":"connected","assigned_tickers":150}}}}`))
	})
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	hs := &http.Server{Handler: mux}
	go hs.Serve(l)
	defer hs.Close()
	o := observer(t, "http://"+l.Addr().String(), "ops@x.io")
	o.SignIn("pw")
	wait.For(t, "observing", 10*time.Second, stateIs(o, StateObserving))
	st := o.State()
	if st.Push || !st.CountsOnly || !strings.Contains(st.Detail, "polling") {
		t.Fatalf("state %+v", st)
	}
	if _, ok := o.ConnectionOf("AAPL"); ok {
		t.Error("a ticker was guessed into a connection")
	}
}

// A server that takes the password and then refuses the session at once:
// the observer signs in again with a backoff, and after three such sessions
// in a row it stops and says so instead of signing in forever.
func TestRepeatedSessionExpiryIsAnErrorNotALoop(t *testing.T) {
	var mu sync.Mutex
	logins := 0
	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		logins++
		mu.Unlock()
		http.SetCookie(w, &http.Cookie{Name: "session", Value: "ok", Path: "/"})
	})
	mux.HandleFunc("GET /api/admin/websocket-status", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"error":"login required"}`, http.StatusUnauthorized)
	})
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	hs := &http.Server{Handler: mux}
	go hs.Serve(l)
	defer hs.Close()
	o := observer(t, "http://"+l.Addr().String(), "ops@x.io")
	o.SignIn("pw")
	wait.For(t, "session expired, retrying later", 10*time.Second, stateIs(o, StateSessionExpired))
	if st := o.State(); st.RetryAt-st.Since < 0.99 {
		t.Errorf("signs in again after %.2f s, want ≥ 1 s", st.RetryAt-st.Since)
	}
	wait.For(t, "session failing", 30*time.Second, stateIs(o, StateSessionFailing))
	time.Sleep(1500 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	if logins != 3 {
		t.Errorf("%d sign-ins, want 3", logins)
	}
}

func TestBackoffIsJitteredAndBounded(t *testing.T) {
	b := newBackoff(time.Second, time.Minute)
	seen := map[time.Duration]bool{}
	for i := 0; i < 40; i++ {
		d := b.next()
		if d < time.Second || d > time.Minute {
			t.Fatalf("attempt %d: %v", i, d)
		}
		seen[d] = true
		if i == 0 && d > 2*time.Second {
			t.Errorf("first retry %v, want within [1 s, 2 s]", d)
		}
	}
	if len(seen) < 10 {
		t.Errorf("only %d distinct delays: no jitter", len(seen))
	}
	b.reset()
	if d := b.next(); d > 2*time.Second {
		t.Errorf("after reset %v", d)
	}
}
