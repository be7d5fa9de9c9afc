package service

import (
	"sync"
	"testing"
	"time"

	"github.com/tickstock/monitor/backend/verdict"
	"github.com/tickstock/monitor/backend/wire"
	"github.com/tickstock/monitor/internal/redistest"
	"github.com/tickstock/monitor/internal/wait"
)

// The window's verdict under the faults of the matrix (issue 22), through
// the real pipeline: simulator → manager → redis-server → monitor. Each row
// injects its fault into a healthy demo session publishing to a private
// redis-server, and waits for the verdict, the title and the badge it must
// give; then it lifts the fault and waits for OK again.
func TestWindowVerdictUnderFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a redis-server and the demo per row")
	}
	type fault struct {
		name   string
		inject func(t *testing.T, s *Service, srv *redistest.Server) (lift func())
		within time.Duration
		level  verdict.Level
		cause  verdict.Cause
		title  string
		// conn: the badge label of connection_1 during the fault.
		conn string
	}
	rows := []fault{
		{name: "healthy", inject: func(*testing.T, *Service, *redistest.Server) func() { return func() {} },
			within: 5 * time.Second, level: verdict.OK, cause: verdict.CauseHealthy, title: "OK · 3/3 connected", conn: "connected"},
		{name: "Redis frozen (SIGSTOP)", inject: func(t *testing.T, _ *Service, srv *redistest.Server) func() {
			srv.Freeze(t)
			return func() { srv.Thaw(t) }
			// The publisher says so within 2 s (redisbus's TestFrozenRedisIsNotPublishingWithinTwoSeconds);
			// 3 s here leaves room for a loaded machine's scheduling.
		}, within: 3 * time.Second, level: verdict.Down, cause: verdict.CauseNotPublishing, title: "DOWN · not publishing", conn: "connected · not publishing"},
		{name: "Redis killed and restarted", inject: func(t *testing.T, _ *Service, srv *redistest.Server) func() {
			srv.Kill(t)
			return func() { srv.Restart(t) }
		}, within: 2 * time.Second, level: verdict.Down, cause: verdict.CauseNotPublishing, title: "DOWN · not publishing", conn: "connected · not publishing"},
		{name: "one provider connection dropped", inject: func(t *testing.T, s *Service, _ *redistest.Server) func() {
			if err := s.DropConnectionFor("connection_1", 4*time.Second); err != nil {
				t.Fatal(err)
			}
			return func() {}
		}, within: 3 * time.Second, level: verdict.Degraded, cause: verdict.CauseProviderDown, title: "DEGRADED · 2/3 connected · provider down"},
		{name: "key refused", inject: func(t *testing.T, s *Service, _ *redistest.Server) func() {
			sim := ingestOf(t, s).Simulator
			sim.SetRefuseAuth(true)
			sim.Drop("")
			return nil // a refused key is retried after manager.AuthRetryFloor, not within a test

		}, within: 5 * time.Second, level: verdict.Down, cause: verdict.CauseKeyRefused, title: "DOWN · 0/3 connected · key refused"},
		{name: "provider stall", inject: func(t *testing.T, s *Service, _ *redistest.Server) func() {
			if err := s.StallConnection("connection_1", 4*time.Second); err != nil {
				t.Fatal(err)
			}
			return func() {}
		}, within: 3 * time.Second, level: verdict.Degraded, cause: verdict.CauseSilent, title: "DEGRADED · 2/3 connected · silent", conn: "connected · silent"},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			srv := redistest.Start(t)
			s := open(t, map[string]string{"TICKSTOCK_MODE": "demo", "REDIS_URL": srv.URL, "TICK_CHANNEL": redistest.Channel(t)},
				Options{StallAfter: time.Second})
			waitVerdict(t, s, 15*time.Second, verdict.OK, verdict.CauseHealthy)
			lift := onceCleanup(t, row.inject(t, s, srv))
			injected := time.Now()
			v := waitVerdict(t, s, row.within, row.level, row.cause)
			t.Logf("%s/%s after %v: %q", v.Level, v.Cause, time.Since(injected).Round(10*time.Millisecond), v.Sentence)
			if got := verdict.Title(v); got != row.title {
				t.Errorf("title %q, want %q", got, row.title)
			}
			if row.conn != "" && v.Connections["connection_1"].Label != row.conn {
				t.Errorf("connection_1's badge %q, want %q", v.Connections["connection_1"].Label, row.conn)
			}
			if row.level == verdict.Down && row.cause == verdict.CauseNotPublishing {
				notPublishing(t, s, v)
			}
			since := v.Since
			time.Sleep(1500 * time.Millisecond) // retries happen meanwhile
			if v := s.Verdict(); v.Level == row.level && v.Cause == row.cause && v.Since != since {
				t.Errorf("Since moved from %v to %v during one incident", since, v.Since)
			}
			if lift == nil {
				return
			}
			lift()
			waitVerdict(t, s, 20*time.Second, verdict.OK, verdict.CauseHealthy)
		})
	}
}

// notPublishing: no connection counts as connected, and the ticks that
// could not be published show as lost.
func notPublishing(t *testing.T, s *Service, v verdict.Verdict) {
	t.Helper()
	if v.Connected != 0 || v.Enabled != 3 {
		t.Errorf("connected %d/%d while nothing is published", v.Connected, v.Enabled)
	}
	// A pipeline Redis does not answer fails at the client's timeouts (about
	// 6 s against a stopped server), and only then are its ticks lost: they
	// may be from any connection, so the count is awaited over all of them.
	wait.For(t, "lost ticks counted per connection", 15*time.Second, func() bool {
		lost := int64(0)
		for _, c := range s.Verdict().Connections {
			lost += c.Lost
		}
		return lost > 0
	})
	for id, c := range s.Verdict().Connections {
		if c.Publishing {
			t.Errorf("%s says publishing", id)
		}
	}
}

func waitVerdict(t *testing.T, s *Service, within time.Duration, l verdict.Level, c verdict.Cause) verdict.Verdict {
	t.Helper()
	var v verdict.Verdict
	wait.For(t, string(l)+"/"+string(c), within, func() bool {
		v = s.Verdict()
		return v.Level == l && v.Cause == c
	})
	return v
}

func TestIdleIsUnknown(t *testing.T) {
	idle := open(t, map[string]string{"WEBSOCKET_CONNECTIONS_MAX": "7"}, Options{})
	if v := idle.Verdict(); v.Level != verdict.Unknown || v.Cause != verdict.CauseConfiguration || verdict.Title(v) != "UNKNOWN · configuration problem" {
		t.Errorf("idle: %s/%s %q", v.Level, v.Cause, v.Sentence)
	}
}

// Before sign-in nothing is judged, however long it takes to type the
// password; after it, serve's connections are judged by their evidence.
func TestRemoteIsUnknownUntilSignedIn(t *testing.T) {
	srv := redistest.Start(t)
	ch := redistest.Channel(t)
	url, _ := ingestServer(t, srv.URL, ch)
	s := open(t, map[string]string{"TICKSTOCK_MODE": "remote", "TICKSTOCK_REMOTE_URL": url, "TICKSTOCK_ADMIN_EMAIL": "admin@x.io",
		"REDIS_URL": srv.URL, "TICK_CHANNEL": ch}, Options{})
	time.Sleep(1500 * time.Millisecond) // not signed in for a while: still nothing judged
	if v := s.Verdict(); v.Level != verdict.Unknown || v.Cause != verdict.CauseNotSignedIn || verdict.Title(v) != "UNKNOWN · not signed in" {
		t.Errorf("before sign-in: %s/%s %q", v.Level, v.Cause, verdict.Title(v))
	}
	if err := s.SignIn(adminPassword("admin"), false); err != nil {
		t.Fatal(err)
	}
	v := waitVerdict(t, s, 15*time.Second, verdict.OK, verdict.CauseHealthy)
	if v.Connected != 3 {
		t.Errorf("observing serve: connected %d", v.Connected)
	}
}

// The window observing serve: serve's own verdict says whether its ticks
// reach Redis (only it can see that); the window's own subscription is
// judged apart; a server that stops answering is down.
func TestRemoteWindowVerdictUnderFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("runs serve's parts, two redis-servers and a window session")
	}
	published := redistest.Start(t) // where serve publishes
	watched := redistest.Start(t)   // where the window subscribes (another Redis: its own subscription)
	ch := redistest.Channel(t)
	url, stop := ingestServer(t, published.URL, ch)
	s := open(t, map[string]string{"TICKSTOCK_MODE": "remote", "TICKSTOCK_REMOTE_URL": url, "TICKSTOCK_ADMIN_EMAIL": "admin@x.io",
		"REDIS_URL": watched.URL, "TICK_CHANNEL": ch}, Options{})
	if err := s.SignIn(adminPassword("admin"), false); err != nil {
		t.Fatal(err)
	}
	waitVerdict(t, s, 15*time.Second, verdict.OK, verdict.CauseHealthy)

	// The window's own subscription lost while the server publishes.
	watched.Kill(t)
	v := waitVerdict(t, s, 10*time.Second, verdict.Degraded, verdict.CauseSubscriptionLost)
	if v.Connected != 3 || verdict.Title(v) != "DEGRADED · monitor's subscription lost" {
		t.Errorf("subscription lost: connected %d, title %q", v.Connected, verdict.Title(v))
	}
	watched.Restart(t)
	waitVerdict(t, s, 15*time.Second, verdict.OK, verdict.CauseHealthy)

	// serve's Redis frozen: serve says its ticks are not published.
	published.Freeze(t)
	thaw := onceCleanup(t, func() { published.Thaw(t) })
	v = waitVerdict(t, s, 10*time.Second, verdict.Down, verdict.CauseNotPublishing)
	if c := v.Connections["connection_1"]; c.Label != "connected · not publishing" || c.Publishing || v.Connected != 0 {
		t.Errorf("serve not publishing: connection_1 %+v, connected %d", c, v.Connected)
	}
	thaw()
	waitVerdict(t, s, 15*time.Second, verdict.OK, verdict.CauseHealthy)

	// The server killed.
	stop()
	v = waitVerdict(t, s, 15*time.Second, verdict.Down, verdict.CauseServerUnreachable)
	if verdict.Title(v) != "DOWN · server unreachable" {
		t.Errorf("title %q", verdict.Title(v))
	}
}

// onceCleanup makes lift run once, and at the latest when the test ends:
// a row that fails while Redis is frozen must not leave it frozen (its
// clients' Close would wait on it).
func onceCleanup(t *testing.T, lift func()) func() {
	if lift == nil {
		return nil
	}
	var once sync.Once
	f := func() { once.Do(lift) }
	t.Cleanup(f)
	return f
}

// Every sign-in state word of the observer means one thing for judging:
// before sign-in (or refused) nothing is judged; unreachable is down; the
// server's monitor unavailable cannot be judged.
func TestAccessOfEveryRemoteState(t *testing.T) {
	for state, want := range map[wire.SignInState]verdict.Access{
		wire.StateNeedsPassword: verdict.AccessNotSignedIn, wire.StateSigningIn: verdict.AccessNotSignedIn,
		wire.StateWrongCredentials: verdict.AccessNotSignedIn, wire.StateForbidden: verdict.AccessNotSignedIn,
		wire.StateSubscriptionExpired: verdict.AccessNotSignedIn, wire.StateSessionExpired: verdict.AccessNotSignedIn,
		wire.StateSessionFailing: verdict.AccessNotSignedIn, wire.StateStopped: verdict.AccessNotSignedIn,
		wire.StateObserving: verdict.AccessObserving, wire.StateUnreachable: verdict.AccessUnreachable,
		wire.StateMonitorUnavailable: verdict.AccessMonitorUnavailable,
	} {
		if got := access(state); got != want {
			t.Errorf("access(%q) = %q, want %q", state, got, want)
		}
	}
}
