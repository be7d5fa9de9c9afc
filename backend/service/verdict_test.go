package service

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tickstock/monitor/backend/adminapi"
	"github.com/tickstock/monitor/backend/alerts"
	"github.com/tickstock/monitor/backend/profiles"
	"github.com/tickstock/monitor/backend/verdict"
	"github.com/tickstock/monitor/backend/wire"
	"github.com/tickstock/monitor/internal/redistest"
	"github.com/tickstock/monitor/internal/tsv2test"
	"github.com/tickstock/monitor/internal/wait"
)

// The window's verdict under the faults of the matrix (issue 22), through
// the real pipeline: simulator → manager → redis-server → monitor. Each row
// injects its fault into a healthy demo session publishing to a private
// redis-server, and waits for the verdict, the title, the header's sentence
// and the badge it must give, and for the incident's notification; then it
// lifts the fault, waits for OK again and for the recovery's notification,
// and checks that these were all the notifications the row sent.
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
		// sentence: the header's sentence during the fault (a prefix).
		sentence string
		// conn: the badge label of connection_1 during the fault.
		conn string
		// notes: every desktop notification the row sends, in order.
		notes []note
		// bus: the notifications go through the real desktop notifier
		// and a session bus, as the app sends them; else to a recorder.
		bus bool
		// outageAfter: the alert settings' outage threshold (default 2 s).
		outageAfter float64
	}
	notPublishingSentence := "No tick reaches Redis: 3 of 3 enabled connections receive ticks that cannot be published, so every consumer misses them."
	rows := []fault{
		{name: "healthy", inject: func(*testing.T, *Service, *redistest.Server) func() { return func() {} },
			within: 5 * time.Second, level: verdict.OK, cause: verdict.CauseHealthy, title: "OK · 3/3 connected", conn: "connected",
			sentence: "All 3 enabled connections stream and their ticks are published to Redis."},
		{name: "Redis frozen (SIGSTOP)", inject: func(t *testing.T, _ *Service, srv *redistest.Server) func() {
			srv.Freeze(t)
			return func() { srv.Thaw(t) }
			// The publisher says so within 2 s (redisbus's TestFrozenRedisIsNotPublishingWithinTwoSeconds);
			// 3 s here leaves room for a loaded machine's scheduling.
		}, within: 3 * time.Second, level: verdict.Down, cause: verdict.CauseNotPublishing, title: "DOWN · not publishing", conn: "connected · not publishing",
			sentence: notPublishingSentence, notes: incident("DOWN · not publishing", "No tick reaches Redis: ")},
		{name: "Redis killed and restarted", inject: func(t *testing.T, _ *Service, srv *redistest.Server) func() {
			srv.Kill(t)
			return func() { srv.Restart(t) }
		}, within: 2 * time.Second, level: verdict.Down, cause: verdict.CauseNotPublishing, title: "DOWN · not publishing", conn: "connected · not publishing",
			sentence: notPublishingSentence, notes: incident("DOWN · not publishing", "No tick reaches Redis: ")},
		{name: "one provider connection dropped", inject: func(t *testing.T, s *Service, _ *redistest.Server) func() {
			if err := s.DropConnectionFor("connection_1", 6*time.Second); err != nil {
				t.Fatal(err)
			}
			return func() {}
		}, within: 3 * time.Second, level: verdict.Degraded, cause: verdict.CauseProviderDown, title: "DEGRADED · 2/3 connected · provider down",
			sentence: "2 of 3 enabled connections deliver: Connection 1 is not connected to the provider;",
			notes:    incident("DEGRADED · 2/3 connected · provider down", "2 of 3 enabled connections deliver: Connection 1 is not connected"), bus: true},
		{name: "key refused", inject: func(t *testing.T, s *Service, _ *redistest.Server) func() {
			sim := ingestOf(t, s).Simulator
			sim.SetRefuseAuth(true)
			sim.Drop("")
			return func() { // as the operator does once the key is mended: reconnect now
				sim.SetRefuseAuth(false)
				for _, id := range []string{"connection_1", "connection_2", "connection_3"} {
					if err := s.ReconnectNow(id); err != nil {
						t.Error(err)
					}
				}
			}
		}, within: 5 * time.Second, level: verdict.Down, cause: verdict.CauseKeyRefused, title: "DOWN · 0/3 connected · key refused",
			sentence: "0 of 3 enabled connections deliver: Connection 1, Connection 2 and Connection 3 are refused by the provider: the API key was not accepted; check MASSIVE_API_KEY.",
			notes:    incident("DOWN · 0/3 connected · key refused", "0 of 3 enabled connections deliver: Connection 1, Connection 2 and Connection 3 are refused"),
			// A refused key is notified at once; the outage threshold is
			// the default, so the retries' "provider down" before the
			// first refusal is not notified on its own.
			outageAfter: alerts.DefaultOutageAfter.Seconds()},
		{name: "provider stall", inject: func(t *testing.T, s *Service, _ *redistest.Server) func() {
			// Silent after StallAfter (1 s), notified after SilentAfterS (5 s).
			if err := s.StallConnection("connection_1", 9*time.Second); err != nil {
				t.Fatal(err)
			}
			return func() {}
		}, within: 3 * time.Second, level: verdict.Degraded, cause: verdict.CauseSilent, title: "DEGRADED · 2/3 connected · silent", conn: "connected · silent",
			sentence: "Connection 1 is connected but silent for over 1s: check the provider's feed",
			notes:    incident("DEGRADED · 2/3 connected · silent", "Connection 1 is connected but silent for over 1s")},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			srv := redistest.Start(t)
			outage := row.outageAfter
			if outage == 0 {
				outage = 2
			}
			store := profiles.Open(t.TempDir() + "/profiles.json")
			if err := store.SetAlertSettings(profiles.SessionKey("", "demo"), alerts.Settings{OutageAfterS: outage, SilentAfterS: 5}); err != nil {
				t.Fatal(err)
			}
			desk := recorded()
			if row.bus {
				desk = onTheBus(t)
			}
			// Retries within 1–2 s: the default backoff (5 s doubling to 60 s,
			// full jitter) can leave a connection down 20 s past a 6 s block.
			s := open(t, map[string]string{"TICKSTOCK_MODE": "demo", "REDIS_URL": srv.URL, "TICK_CHANNEL": redistest.Channel(t),
				"MASSIVE_WEBSOCKET_RECONNECT_DELAY": "1", "MASSIVE_WEBSOCKET_MAX_RECONNECT_DELAY": "2"},
				Options{StallAfter: time.Second, Profiles: store, Notifier: desk.notifier})
			waitVerdict(t, s, 15*time.Second, verdict.OK, verdict.CauseHealthy)
			if sent := desk.sent(); len(sent) != 0 {
				t.Fatalf("notified while starting: %+v", sent)
			}
			lift := onceCleanup(t, row.inject(t, s, srv))
			injected := time.Now()
			v := waitVerdict(t, s, row.within, row.level, row.cause)
			t.Logf("%s/%s after %v: %q", v.Level, v.Cause, time.Since(injected).Round(10*time.Millisecond), v.Sentence)
			if got := verdict.Title(v); got != row.title {
				t.Errorf("title %q, want %q", got, row.title)
			}
			// The sentence can say more a moment after the level (healthy:
			// "and their ticks are published" once the publisher has).
			wait.For(t, "the header's sentence to begin "+row.sentence, row.within, func() bool {
				v = s.Verdict()
				return v.Level == row.level && v.Cause == row.cause && strings.HasPrefix(v.Sentence, row.sentence)
			})
			if row.conn != "" && v.Connections["connection_1"].Label != row.conn {
				t.Errorf("connection_1's badge %q, want %q", v.Connections["connection_1"].Label, row.conn)
			}
			if row.level == verdict.Down && row.cause == verdict.CauseNotPublishing {
				notPublishing(t, s, v)
			}
			since := v.Since
			if len(row.notes) > 0 { // retries happen meanwhile
				wait.For(t, "the incident's notification", 20*time.Second, func() bool { return len(desk.sent()) > 0 })
			} else {
				time.Sleep(time.Duration(outage*float64(time.Second)) + time.Second) // past the threshold: still nothing
			}
			if v := s.Verdict(); v.Level == row.level && v.Cause == row.cause && v.Since != since {
				t.Errorf("Since moved from %v to %v during one incident", since, v.Since)
			}
			lift()
			waitVerdict(t, s, 20*time.Second, verdict.OK, verdict.CauseHealthy)
			desk.expect(t, row.notes)
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

// remoteWorld is what a remote row of the matrix runs: the server the
// window observes (serve's parts publishing to one redis-server, or the
// TickStockAppV2 stand-in), and the window's session, whose own Redis
// subscription is on another redis-server.
type remoteWorld struct {
	published, watched *redistest.Server
	channel            string
	url                string
	stop               func() // serve taken away
	standIn            *tsv2test.Server
	s                  *Service
}

// The window observing a remote server, under the remote rows of the fault
// matrix (issue 22): serve's own verdict says whether its ticks reach Redis
// (only it can see that); the window's own subscription is judged apart; a
// server that stops answering is down until it is back; before sign-in, and
// when the server cannot say, nothing is judged and nothing is notified; a
// TickStockAppV2 connection is judged by its counters. Each row asserts the
// verdict, the title, the header's sentence and every notification sent.
func TestRemoteWindowVerdictUnderFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("runs serve's parts or the TickStockAppV2 stand-in, two redis-servers and a window session per row")
	}
	type fault struct {
		name string
		// standIn: observe the TickStockAppV2 stand-in; nil: serve.
		standIn *tsv2test.Options
		// publishes: the stand-in publishes 20 ticks/s to the window's Redis.
		publishes bool
		// signedIn: sign in and wait for OK before the fault.
		signedIn bool
		inject   func(t *testing.T, w *remoteWorld) (lift func())
		within   time.Duration
		level    verdict.Level
		cause    verdict.Cause
		title    string
		sentence string // the header's sentence (a prefix)
		// connected: the verdict's count of connected connections (-1: any).
		connected int
		conn      string // connection_1's badge ("": any)
		notes     []note
	}
	subscriptionLost := "All 3 enabled connections stream and publish, but this monitor's own Redis subscription is down, so its rows and rates are not current:"
	unreachable := "The server does not answer: check that it runs and that this machine can reach it."
	streaming := map[string]tsv2test.Connection{"connection_1": {Name: "primary", Status: "status_update", Tickers: []string{"AAPL"}}}
	notPublishingSentence := "No tick reaches Redis: 3 of 3 enabled connections receive ticks that cannot be published, so every consumer misses them."
	tsv2NotPublishing := "0 of 1 enabled connections deliver: Connection 1 is receiving ticks that do not reach Redis; check the server's Redis and its log."
	rows := []fault{
		{name: "remote not signed in", inject: func(t *testing.T, w *remoteWorld) func() {
			wait.For(t, "asked for the password", 10*time.Second, func() bool { return remoteState(w.s) == wire.StateNeedsPassword })
			return func() { signIn(t, w.s, adminPassword(adminapi.RoleAdmin)) } // however late: no recovery either
		}, within: 10 * time.Second, level: verdict.Unknown, cause: verdict.CauseNotSignedIn, title: "UNKNOWN · not signed in",
			sentence: "Not signed in to the server, so nothing is judged: ", connected: -1},
		{name: "the window's own subscription lost while the server publishes", signedIn: true, inject: func(t *testing.T, w *remoteWorld) func() {
			w.watched.Kill(t)
			return func() { w.watched.Restart(t) }
		}, within: 10 * time.Second, level: verdict.Degraded, cause: verdict.CauseSubscriptionLost, title: "DEGRADED · monitor's subscription lost",
			sentence: subscriptionLost, connected: 3, conn: "connected", notes: incident("DEGRADED · monitor's subscription lost", subscriptionLost)},
		{name: "serve's Redis frozen (SIGSTOP)", signedIn: true, inject: func(t *testing.T, w *remoteWorld) func() {
			w.published.Freeze(t)
			return func() { w.published.Thaw(t) }
		}, within: 10 * time.Second, level: verdict.Down, cause: verdict.CauseNotPublishing, title: "DOWN · not publishing",
			sentence: notPublishingSentence, connected: 0, conn: "connected · not publishing", notes: incident("DOWN · not publishing", notPublishingSentence)},
		{name: "remote server killed and restarted", signedIn: true, inject: func(t *testing.T, w *remoteWorld) func() {
			w.stop()
			return func() {
				w.url, w.stop = ingestServerAt(t, strings.TrimPrefix(w.url, "http://"), w.published.URL, w.channel)
			}
		}, within: 15 * time.Second, level: verdict.Down, cause: verdict.CauseServerUnreachable, title: "DOWN · server unreachable",
			sentence: unreachable, connected: -1, notes: incident("DOWN · server unreachable", unreachable)},
		// SIGSTOP: the server holds its sockets and answers nothing, and its
		// ingest (in the same process) publishes nothing: DOWN once the push
		// has been silent for two periods, and still DOWN (not "not signed
		// in") while the sign-ins of the retries go unanswered.
		{name: "TickStockAppV2 frozen (SIGSTOP)", standIn: &tsv2test.Options{Connections: streaming, MetricsInterval: 1},
			inject: func(t *testing.T, w *remoteWorld) func() {
				stop := ticking(t, w.standIn, "AAPL")
				signIn(t, w.s, tsv2test.AdminPassword)
				waitVerdict(t, w.s, 20*time.Second, verdict.OK, verdict.CauseHealthy)
				stop()
				w.standIn.Freeze(t)
				return func() {
					w.standIn.Thaw(t)
					ticking(t, w.standIn, "AAPL")
				}
			}, within: 20 * time.Second, level: verdict.Down, cause: verdict.CauseServerUnreachable, title: "DOWN · server unreachable",
			sentence: unreachable, connected: -1, notes: incident("DOWN · server unreachable", unreachable)},
		// Its Redis gone: TickStockAppV2 still counts what the provider
		// sends and says nothing of publishing, but no tick reaches Redis
		// (nor its own push, which reads Redis). Back, its push does not
		// forward again until an admin connects (the reader thread died),
		// so the rows and the evidence come from the window's own Redis.
		{name: "TickStockAppV2's Redis killed and restarted", publishes: true,
			standIn: &tsv2test.Options{Connections: map[string]tsv2test.Connection{"connection_1": {Name: "primary", Status: "status_update", Tickers: []string{"AAPL", "MSFT"}}}, MetricsInterval: 1},
			inject: func(t *testing.T, w *remoteWorld) func() {
				signIn(t, w.s, tsv2test.AdminPassword)
				waitVerdict(t, w.s, 20*time.Second, verdict.OK, verdict.CauseHealthy)
				// OK comes from its counters; its ticks must have been heard
				// too, or nothing is known of them to miss.
				wait.For(t, "connection_1's ticks heard", 20*time.Second, func() bool {
					return metricsNow(t, w.s).Connections["connection_1"].Received > 20
				})
				w.watched.Kill(t)
				return func() { w.watched.Restart(t) }
			}, within: 20 * time.Second, level: verdict.Down, cause: verdict.CauseNotPublishing, title: "DOWN · not publishing",
			sentence: tsv2NotPublishing, connected: 0, conn: "status_update · not publishing", notes: incident("DOWN · not publishing", tsv2NotPublishing)},
		{name: "remote server answering 500 after sign-in", standIn: &tsv2test.Options{Connections: streaming, Launch: tsv2test.LaunchScript},
			inject: func(t *testing.T, w *remoteWorld) func() {
				signIn(t, w.s, tsv2test.AdminPassword)
				return nil // the server cannot say until it is launched otherwise
			}, within: 15 * time.Second, level: verdict.Unknown, cause: verdict.CauseMonitorUnavailable, title: "UNKNOWN · server's monitor unavailable",
			sentence: "Signed in, but the server's connection monitor is not available, so nothing can be judged: restart the server", connected: -1},
		{name: "TickStockAppV2 reporting status_update with moving counters", standIn: &tsv2test.Options{Connections: streaming, MetricsInterval: 1},
			inject: func(t *testing.T, w *remoteWorld) func() {
				stop := ticking(t, w.standIn, "AAPL")
				signIn(t, w.s, tsv2test.AdminPassword)
				return stop
			}, within: 20 * time.Second, level: verdict.OK, cause: verdict.CauseHealthy, title: "OK · 1/1 connected",
			sentence: "All 1 enabled connections stream.", connected: 1, conn: "status_update · streaming"},
	}
	channel := redistest.Channel(t) // each row has its own redis-servers
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			// The rows wait on servers and sign-ins, not on the CPU: they run
			// side by side (their configuration in .env, not the process's).
			t.Parallel()
			w := &remoteWorld{watched: redistest.Start(t), channel: channel}
			email := tsv2test.AdminEmail
			if row.standIn != nil {
				o := *row.standIn
				if row.publishes {
					o.RedisURL, o.Channel, o.TickRate = w.watched.URL, w.channel, 20
				}
				w.standIn = tsv2test.Start(t, o)
				w.url = w.standIn.URL
			} else {
				email = "admin@x.io"
				w.published = redistest.Start(t)
				w.url, w.stop = ingestServer(t, w.published.URL, w.channel)
			}
			store := profiles.Open(t.TempDir() + "/profiles.json")
			if err := store.SetAlertSettings(profiles.SessionKey("", "remote"), alerts.Settings{OutageAfterS: 2}); err != nil {
				t.Fatal(err)
			}
			desk := recorded()
			w.s = openDotEnv(t, map[string]string{"TICKSTOCK_MODE": "remote", "TICKSTOCK_REMOTE_URL": w.url, "TICKSTOCK_ADMIN_EMAIL": email,
				"REDIS_URL": w.watched.URL, "TICK_CHANNEL": w.channel}, Options{Profiles: store, Notifier: desk.notifier})
			if row.signedIn {
				signIn(t, w.s, adminPassword(adminapi.RoleAdmin))
				waitVerdict(t, w.s, 15*time.Second, verdict.OK, verdict.CauseHealthy)
				if sent := desk.sent(); len(sent) != 0 {
					t.Fatalf("notified while signing in: %+v", sent)
				}
			}
			lift := onceCleanup(t, row.inject(t, w))
			// The badge is awaited too: "status_update · streaming" says the
			// counters were seen moving (the word alone is OK already).
			var v verdict.Verdict
			defer func() {
				if t.Failed() {
					t.Logf("last verdict %s/%s %q, connection_1 %+v; remote %+v; source %+v", v.Level, v.Cause, v.Sentence, v.Connections["connection_1"], w.s.Remote(), w.s.Subscription())
				}
			}()
			wait.For(t, string(row.level)+"/"+string(row.cause)+" "+row.conn, row.within, func() bool {
				v = w.s.Verdict()
				return v.Level == row.level && v.Cause == row.cause && (row.conn == "" || v.Connections["connection_1"].Label == row.conn)
			})
			t.Logf("%s/%s: %q", v.Level, v.Cause, v.Sentence)
			if got := verdict.Title(v); got != row.title {
				t.Errorf("title %q, want %q", got, row.title)
			}
			// The sentence can say more a moment after the level (healthy:
			// "and their ticks are published" once the publisher has).
			wait.For(t, "the header's sentence to begin "+row.sentence, row.within, func() bool {
				v = w.s.Verdict()
				return v.Level == row.level && v.Cause == row.cause && strings.HasPrefix(v.Sentence, row.sentence)
			})
			if row.connected >= 0 && v.Connected != row.connected {
				t.Errorf("connected %d, want %d", v.Connected, row.connected)
			}
			if c := v.Connections["connection_1"]; row.conn != "" && c.Label != row.conn {
				t.Errorf("connection_1's badge %q, want %q", c.Label, row.conn)
			}
			if len(row.notes) > 0 {
				wait.For(t, "the incident's notification", 20*time.Second, func() bool { return len(desk.sent()) > 0 })
			} else {
				time.Sleep(3 * time.Second) // past the 2 s threshold: still nothing
			}
			if lift != nil {
				lift()
				if row.level != verdict.OK {
					waitVerdict(t, w.s, 20*time.Second, verdict.OK, verdict.CauseHealthy)
				}
			}
			desk.expect(t, row.notes)
		})
	}
}

// openDotEnv is open with the configuration in the session's .env instead
// of the process environment, so that sessions can run side by side.
func openDotEnv(t *testing.T, env map[string]string, o Options) *Service {
	t.Helper()
	o.EnvDir = t.TempDir()
	var lines []string
	for k, v := range env {
		lines = append(lines, k+"="+v)
	}
	if err := os.WriteFile(filepath.Join(o.EnvDir, ".env"), []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := Open(context.Background(), o)
	t.Cleanup(s.Close)
	return s
}

func signIn(t *testing.T, s *Service, password string) {
	t.Helper()
	if err := s.SignIn(password, false); err != nil {
		t.Fatal(err)
	}
}

// ticking sends the stand-in a tick of symbol every 50 ms, as a streaming
// provider connection would, until the returned stop (or the test's end).
func ticking(t *testing.T, srv *tsv2test.Server, symbol string) (stop func()) {
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; ; i++ {
			select {
			case <-quit:
				return
			case <-time.After(50 * time.Millisecond):
				srv.Tick(t, symbol, 100+float64(i%10))
			}
		}
	}()
	var once sync.Once
	stop = func() { once.Do(func() { close(quit); <-done }) }
	t.Cleanup(stop)
	return stop
}

// The observer signing in again by itself after the server was unreachable
// is still "unreachable" until the server answers (the matrix's "killed and
// restarted" row, on a loaded machine, notified "Now UNKNOWN · not signed
// in" while the restarted server checked the password); a first sign-in,
// or one after the session ended, is not signed in.
func TestSigningInAgainMeansWhatItWas(t *testing.T) {
	r := &observed{}
	for _, step := range []struct {
		state    wire.SignInState
		lastData float64
		want     verdict.Access
	}{
		{wire.StateSigningIn, 0, verdict.AccessNotSignedIn},
		{wire.StateObserving, 1, verdict.AccessObserving},
		{wire.StateUnreachable, 1, verdict.AccessUnreachable},
		{wire.StateSigningIn, 1, verdict.AccessUnreachable},
		{wire.StateObserving, 2, verdict.AccessObserving},
		{wire.StateSigningIn, 2, verdict.AccessNotSignedIn},
		{wire.StateSessionExpired, 2, verdict.AccessNotSignedIn},
		{wire.StateSigningIn, 2, verdict.AccessNotSignedIn},
	} {
		if got := r.accessOf(wire.RemoteState{State: step.state, LastData: step.lastData}); got != step.want {
			t.Errorf("%s after data %v: %q, want %q", step.state, step.lastData, got, step.want)
		}
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
