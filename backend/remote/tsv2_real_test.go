package remote

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tickstock/monitor/backend/wire"
	"github.com/tickstock/monitor/internal/redistest"
	"github.com/tickstock/monitor/internal/tsv2test"
	"github.com/tickstock/monitor/internal/wait"
)

// TickStockAppV2 as it really runs (issue 23): each case against the
// stand-in, through the real client and observer.

type testWriter struct{ t *testing.T }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

// recordPush keeps what a stream hands on.
type recordPush struct {
	mu      sync.Mutex
	healths int
	errs    []string
	refused []int64
	ticks   []string // connection ids
}

func (r *recordPush) Health(wire.Snapshot) { r.mu.Lock(); r.healths++; r.mu.Unlock() }
func (r *recordPush) Metrics([]byte)       {}
func (r *recordPush) Tick(_ []byte, id string) {
	r.mu.Lock()
	r.ticks = append(r.ticks, id)
	r.mu.Unlock()
}
func (r *recordPush) ServerError(m string) { r.mu.Lock(); r.errs = append(r.errs, m); r.mu.Unlock() }
func (r *recordPush) Refused(n int64)      { r.mu.Lock(); r.refused = append(r.refused, n); r.mu.Unlock() }
func (r *recordPush) Linked()              {}

func TestScriptLaunchStatusIsMonitorUnavailableNotUnreachable(t *testing.T) {
	srv := tsv2test.Start(t, tsv2test.Options{Connections: tsv2Connections(), Launch: tsv2test.LaunchScript, MetricsInterval: 0.5})
	c, err := login(t, srv, tsv2test.AdminEmail, tsv2test.AdminPassword)
	if err != nil {
		t.Fatalf("an admin signs in fine: %v", err)
	}
	_, err = c.Status(context.Background())
	var mu *MonitorUnavailableError
	if !errors.As(err, &mu) || !errors.Is(err, ErrMonitorUnavailable) || mu.Code != 500 || mu.Message != "WebSocket connection manager not available" {
		t.Fatalf("status: %v (%T), want a MonitorUnavailableError 500", err, err)
	}
	var unreachable *UnreachableError
	if errors.As(err, &unreachable) {
		t.Errorf("the monitor fault reads as unreachable: %v", err)
	}

	// /admin-ws accepts the admin and never sends the three events; its
	// answer to request_metrics is an error event.
	rec := &recordPush{}
	c.PushPeriod = 5 * time.Second
	ctx, cancel := context.WithCancel(context.Background())
	ended := make(chan error, 1)
	go func() {
		// A just-started stand-in can leave the first namespace CONNECT
		// unanswered; the stream then ends as silent, and, as the observer
		// does within a session, it is tried again.
		var err error
		for range 3 {
			if err = c.Stream(ctx, rec); ctx.Err() != nil {
				break
			}
		}
		ended <- err
	}()
	wait.For(t, "the error event", 30*time.Second, func() bool {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		return len(rec.errs) > 0
	})
	time.Sleep(2 * time.Second) // a module launch sends metrics_update every 0.5 s here
	cancel()
	if err := <-ended; !errors.Is(err, context.Canceled) {
		t.Errorf("stream ended with %v before it was cancelled", err)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if rec.healths != 0 || !slices.Equal(rec.errs, []string{"Failed to fetch metrics"}) {
		t.Errorf("healths %d, error events %q", rec.healths, rec.errs)
	}
	if st := srv.Stats(t); st.WSConnects < 1 {
		t.Errorf("/admin-ws connects %d, want it accepted", st.WSConnects)
	}
}

func TestMonitorUnavailableIsItsOwnStatePolledWithoutSigningInAgain(t *testing.T) {
	srv := tsv2test.Start(t, tsv2test.Options{Connections: tsv2Connections(), Launch: tsv2test.LaunchScript})
	o := fastObserver(t, srv, tsv2test.AdminEmail)
	o.Start(context.Background())
	defer o.Close()
	o.SignIn(tsv2test.AdminPassword)
	wait.For(t, "monitor unavailable", 20*time.Second, stateIs(o, wire.StateMonitorUnavailable))
	st := o.State()
	want := "Signed in to " + srv.URL + " as " + tsv2test.AdminEmail + "; its connection monitor is not available: 500 WebSocket connection manager not available. TickStockAppV2 started with `python src/app.py` has this fault; see docs/operators.md."
	if !strings.HasPrefix(st.Detail, want) || st.RetryAt == 0 || st.Kind != wire.KindTSV2 {
		t.Errorf("state %+v\nwant the detail to start %q", st, want)
	}
	// Polling goes on with backoff (1 s, then about 2 s), on the same session.
	wait.For(t, "the status API asked again", 20*time.Second, func() bool { return srv.Stats(t).StatusGets >= 3 })
	if o.State().State != wire.StateMonitorUnavailable {
		t.Errorf("state %q while the monitor is still broken", o.State().State)
	}
	if st := srv.Stats(t); st.LoginPosts != 1 {
		t.Errorf("%d sign-ins while polling a broken monitor, want 1", st.LoginPosts)
	}
}

func TestStatusWordsAsTheServerReportsThem(t *testing.T) {
	srv := tsv2test.Start(t, tsv2test.Options{Connections: map[string]tsv2test.Connection{
		"connection_1": {Name: "primary", Status: "connected", Tickers: []string{"AAPL"}},
		"connection_2": {Name: "secondary", Status: "connected", Tickers: []string{"TSLA"}},
		"connection_3": {Name: "tertiary", Status: "connected", Tickers: []string{"PLTR"}},
	}})
	// After the provider's "subscribed to" confirmations the client stores
	// the status message's type; connecting and disconnected come as well.
	srv.SetStatus(t, "connection_1", "status_update")
	srv.SetStatus(t, "connection_2", "connecting")
	srv.SetStatus(t, "connection_3", "disconnected")
	c, err := login(t, srv, tsv2test.AdminEmail, tsv2test.AdminPassword)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := c.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]wire.Status{"connection_1": "status_update", "connection_2": wire.StatusConnecting, "connection_3": wire.StatusDisconnected} {
		if got := snap.Connections[id].Status; got != want {
			t.Errorf("%s: %q, want %q as sent", id, got, want)
		}
	}
	if snap.ConnectedCount != 0 {
		t.Errorf("connected_count %d: the server counts only \"connected\"", snap.ConnectedCount)
	}
}

func TestATimedOutConnectionIsAnUncountedError(t *testing.T) {
	srv := tsv2test.Start(t, tsv2test.Options{Connections: map[string]tsv2test.Connection{
		"connection_1": {Name: "primary", Status: "connected", Tickers: []string{"AAPL"}},
		"connection_2": {Name: "secondary", Status: "connected", Tickers: []string{"TSLA"}},
	}, MetricsInterval: 0.5})
	o := fastObserver(t, srv, tsv2test.AdminEmail)
	o.Start(context.Background())
	defer o.Close()
	o.SignIn(tsv2test.AdminPassword)
	wait.For(t, "observing", 20*time.Second, stateIs(o, wire.StateObserving))
	if got := o.State().UncountedErrors; len(got) != 0 {
		t.Fatalf("uncounted errors %v before any error", got)
	}
	srv.SetStatusUncounted(t, "connection_2", "error") // connect() timed out
	wait.For(t, "connection_2 in error", 10*time.Second, func() bool {
		return o.Snapshot().Connections["connection_2"].Status == wire.StatusError
	})
	snap := o.Snapshot()
	if snap.TotalErrors != 0 || snap.Connections["connection_2"].ErrorCount != 0 {
		t.Fatalf("the stand-in counted the timeout: %+v", snap)
	}
	if got := o.State().UncountedErrors; !slices.Equal(got, []string{"connection_2"}) {
		t.Errorf("uncounted errors %v, want [connection_2]", got)
	}
	srv.SetStatus(t, "connection_1", "error") // a counted error
	wait.For(t, "connection_1 counted", 10*time.Second, func() bool {
		return o.Snapshot().Connections["connection_1"].ErrorCount == 1
	})
	if got := o.State().UncountedErrors; !slices.Equal(got, []string{"connection_2"}) {
		t.Errorf("uncounted errors %v, want only connection_2", got)
	}
}

// TickStockAppV2 subscribes its universe (or 8 fallback tickers) on the
// first connected connection, taking tickers from the others: TSLA moves
// from connection_2 to connection_1. Each tick's connection_id is the truth.
func TestTickersMoveWithTheirConnectionID(t *testing.T) {
	rds := redistest.Start(t)
	srv := tsv2test.Start(t, tsv2test.Options{Connections: map[string]tsv2test.Connection{
		"connection_1": {Name: "primary", Status: "connected", Tickers: []string{"AAPL"}},
		"connection_2": {Name: "secondary", Status: "connected", Tickers: []string{"TSLA", "PLTR"}},
	}, RedisURL: rds.URL, MetricsInterval: 0.5})
	o, mon := observeWithMonitor(t, srv, rds)
	// The stand-in subscribes to Redis when the first admin connects.
	tickUntil := func(what, sym string, cond func() bool) {
		t.Helper()
		wait.For(t, what, 15*time.Second, func() bool {
			srv.Tick(t, sym, 100)
			time.Sleep(100 * time.Millisecond)
			return cond()
		})
	}
	tickUntil("TSLA on connection_2", "TSLA", func() bool { id, _ := o.ConnectionOf("TSLA"); return id == "connection_2" })
	tickUntil("PLTR on connection_2", "PLTR", func() bool { id, _ := o.ConnectionOf("PLTR"); return id == "connection_2" })
	if l := o.Snapshot().Connections["connection_2"].Tickers; !slices.Equal(l, []string{"PLTR", "TSLA"}) {
		t.Errorf("connection_2's ticker list learned from its ticks: %v", l)
	}
	if mv := o.State().Moves; len(mv) != 0 {
		t.Fatalf("moves before any move: %+v", mv)
	}
	before := mon.MetricsAt(time.Now()).Connections["connection_1"].Received

	srv.Subscribe(t, nil) // the 8 fallback tickers, TSLA among them
	tickUntil("TSLA on connection_1", "TSLA", func() bool { id, _ := o.ConnectionOf("TSLA"); return id == "connection_1" })
	st := o.State()
	if len(st.Moves) != 1 || st.Moves[0].Symbol != "TSLA" || st.Moves[0].From != "connection_2" || st.Moves[0].To != "connection_1" || st.Moves[0].At == 0 {
		t.Errorf("moves %+v, want TSLA connection_2 → connection_1 with its time", st.Moves)
	}
	snap := o.Snapshot()
	if l1, l2 := snap.Connections["connection_1"].Tickers, snap.Connections["connection_2"].Tickers; !slices.Contains(l1, "TSLA") || slices.Contains(l2, "TSLA") {
		t.Errorf("ticker lists after the move: connection_1 %v, connection_2 %v", l1, l2)
	}
	if got := mon.MetricsAt(time.Now()).Connections["connection_1"].Received; got <= before {
		t.Errorf("connection_1's column did not get TSLA's ticks (%d → %d)", before, got)
	}
}

// countPosts signs in with an observer and waits long enough for any
// automatic retry to show.
func countPosts(t *testing.T, srv *tsv2test.Server, email, password string, wantState wire.SignInState) wire.RemoteState {
	t.Helper()
	before := srv.Stats(t).LoginPosts
	o := fastObserver(t, srv, email)
	o.Start(context.Background())
	defer o.Close()
	o.SignIn(password)
	wait.For(t, string(wantState), 20*time.Second, stateIs(o, wantState))
	time.Sleep(2500 * time.Millisecond) // longer than the first retry (1–2 s)
	st := o.State()
	if st.State != wantState {
		t.Errorf("%s: moved on to %q by itself", email, st.State)
	}
	if n := srv.Stats(t).LoginPosts - before; n != 1 {
		t.Errorf("%s: %d sign-ins posted, want exactly 1 until the user acts", email, n)
	}
	return st
}

func TestRefusedSignInsAreOnePostEachAndSayWhy(t *testing.T) {
	srv := tsv2test.Start(t, tsv2test.Options{Connections: tsv2Connections()})

	st := countPosts(t, srv, tsv2test.AdminEmail, "wrong", wire.StateWrongCredentials)
	if !strings.Contains(st.Detail, "Failure to authenticate") {
		t.Errorf("wrong password: %q", st.Detail)
	}
	st = countPosts(t, srv, "expired@example.com", "expired-pw-1", wire.StateSubscriptionExpired)
	if !strings.Contains(st.Detail, "renew") || !strings.Contains(st.Detail, "phone") {
		t.Errorf("renewal modal: %q", st.Detail)
	}
	st = countPosts(t, srv, "unverified@example.com", "unverified-pw-1", wire.StateWrongCredentials)
	if !strings.Contains(st.Detail, "not verified") {
		t.Errorf("unverified: %q", st.Detail)
	}
	st = countPosts(t, srv, "disabled@example.com", "disabled-pw-1", wire.StateWrongCredentials)
	if !strings.Contains(st.Detail, "disabled") {
		t.Errorf("disabled: %q", st.Detail)
	}

	// Five failed sign-ins lock the account; then the right password is
	// refused too, and the observer says so once and waits.
	for i := 1; i <= 4; i++ {
		if _, err := login(t, srv, "super@example.com", "wrong"); err == nil || strings.Contains(err.Error(), "locked") {
			t.Fatalf("failed sign-in %d: %v", i, err)
		}
	}
	_, err := login(t, srv, "super@example.com", "wrong")
	var refused *SignInRefusedError
	if !errors.As(err, &refused) || refused.Reason() != RefusedLocked {
		t.Fatalf("the fifth failed sign-in: %v, want the lockout", err)
	}
	st = countPosts(t, srv, "super@example.com", "super-pw-1", wire.StateWrongCredentials)
	if !strings.Contains(st.Detail, "locked") || !strings.Contains(st.Detail, "Not retried") {
		t.Errorf("locked: %q", st.Detail)
	}
}

func TestEverySignInReadsAFreshCSRFToken(t *testing.T) {
	srv := tsv2test.Start(t, tsv2test.Options{Connections: tsv2Connections(), CSRFTimeLimit: 1})
	// The stand-in enforces the limit: a token older than it is refused.
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Get(srv.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	token, ok := csrfToken(page)
	if !ok {
		t.Fatal("no csrf_token")
	}
	c, err := login(t, srv, tsv2test.AdminEmail, tsv2test.AdminPassword)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(2500 * time.Millisecond) // itsdangerous counts whole seconds: the age must reach 2
	resp, err = hc.PostForm(srv.URL+"/login", url.Values{"csrf_token": {token}, "email": {tsv2test.AdminEmail}, "password": {tsv2test.AdminPassword},
		"terms_accepted": {"y"}, "captcha_response": {"y"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("an expired token got %s, want 400", resp.Status)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := c.Login(ctx, tsv2test.AdminEmail, tsv2test.AdminPassword); err != nil {
		t.Errorf("a second sign-in after the token's time limit: %v", err)
	}
}

func TestAnonymousAPIGoesToLoginWithoutNextAndAFlash(t *testing.T) {
	srv := tsv2test.Start(t, tsv2test.Options{Connections: tsv2Connections()})
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Get(srv.URL + "/admin/api/admin/websocket-status")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound || strings.TrimPrefix(loc, srv.URL) != "/login" {
		t.Fatalf("anonymous status: %s Location %q, want 302 /login (no next)", resp.Status, loc)
	}
	resp, err = hc.Get(srv.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if got := flashed(page); got != "Please log in to access this page." {
		t.Errorf("flashed %q", got)
	}
	anon, _ := NewClient(srv.URL)
	anon.kind = wire.KindTSV2
	if _, err := anon.Status(context.Background()); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("the client reads it as %v", err)
	}
}

func TestAnotherHostThanServerNameIsA404ThatSaysSo(t *testing.T) {
	srv := tsv2test.Start(t, tsv2test.Options{Connections: tsv2Connections()})
	resp, err := http.Get(srv.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if ck := resp.Header.Get("Set-Cookie"); !strings.Contains(ck, "Domain=127.0.0.1") {
		t.Errorf("session cookie %q, want Domain=127.0.0.1 (from SERVER_NAME)", ck)
	}
	other := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
	c, err := NewClient(other)
	if err != nil {
		t.Fatal(err)
	}
	err = c.Login(context.Background(), tsv2test.AdminEmail, tsv2test.AdminPassword)
	if err == nil || !strings.Contains(err.Error(), "404") || !strings.Contains(err.Error(), "SERVER_NAME") {
		t.Errorf("sign-in through localhost: %v", err)
	}
	if n := srv.Stats(t).LoginPosts; n != 0 {
		t.Errorf("%d sign-ins posted to a host the server does not answer", n)
	}
}

// Four 64 MiB tick_update events took the window to 974 MB: events over the
// cap are skipped before the library reads them, counted, and the link
// stays up.
func TestOversizedPushEventsAreRefusedAndCounted(t *testing.T) {
	srv := tsv2test.Start(t, tsv2test.Options{Connections: tsv2Connections(), MetricsInterval: 0.5})
	// The default push period: the stand-in is busy for a while building
	// and sending the big events, which must not read as a silent link.
	o, err := NewObserver(srv.URL, tsv2test.AdminEmail, Options{MaxPushEvent: 1 << 20, Log: slog.New(slog.NewTextHandler(testWriter{t}, nil))})
	if err != nil {
		t.Fatal(err)
	}
	o.Start(context.Background())
	defer o.Close()
	o.SignIn(tsv2test.AdminPassword)
	// Observing by push is said as the link opens: the events below need
	// the namespace joined.
	wait.For(t, "the /admin-ws namespace joined", 20*time.Second, func() bool { return srv.Stats(t).WSConnects == 1 })
	for range 2 {
		srv.Emit(t, "tick_update", map[string]any{"symbol": "AAPL", "price": 1, "connection_id": "connection_1"}, 2<<20)
	}
	srv.Emit(t, "tick_update", map[string]any{"symbol": "MSFT", "price": 1, "connection_id": "connection_3"}, 0)
	defer func() {
		if t.Failed() {
			t.Logf("state %+v; stand-in %+v", o.State(), srv.Stats(t))
		}
	}()
	wait.For(t, "two refused, the next tick read", 30*time.Second, func() bool {
		id, _ := o.ConnectionOf("MSFT")
		return o.State().PushRefused == 2 && id == "connection_3"
	})
	st := o.State()
	if st.PushRefusedMax <= 2<<20 || st.State != wire.StateObserving || !st.Push {
		t.Errorf("state %+v", st)
	}
	if _, ok := o.ConnectionOf("AAPL"); ok {
		t.Error("a refused event was read")
	}
	if n := srv.Stats(t).WSConnects; n != 1 {
		t.Errorf("%d /admin-ws connects: the link did not stay up", n)
	}
}

func TestThePushNamespacesErrorEventIsShown(t *testing.T) {
	srv := tsv2test.Start(t, tsv2test.Options{Connections: tsv2Connections(), MetricsInterval: 0.5})
	o := fastObserver(t, srv, tsv2test.AdminEmail)
	o.Start(context.Background())
	defer o.Close()
	o.SignIn(tsv2test.AdminPassword)
	wait.For(t, "observing by push", 20*time.Second, func() bool { st := o.State(); return st.State == wire.StateObserving && st.Push })
	// Observing by push is said as the link opens, before the namespace is
	// joined; and under load the 0.5 s push period can drop and reopen the
	// link. An event sent in between reaches no one: sent again until seen.
	wait.For(t, "the error shown", 20*time.Second, func() bool {
		srv.Emit(t, "error", map[string]any{"message": "Failed to fetch metrics"}, 0)
		time.Sleep(200 * time.Millisecond)
		return o.State().ServerError == "Failed to fetch metrics"
	})
	if st := o.State(); !strings.Contains(st.Detail, `"Failed to fetch metrics"`) || st.ServerErrorAt == 0 {
		t.Errorf("state %+v", st)
	}
}
