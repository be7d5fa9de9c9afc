package service

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tickstock/monitor/backend/adminapi"
	"github.com/tickstock/monitor/backend/config"
	"github.com/tickstock/monitor/backend/ingest"
	"github.com/tickstock/monitor/backend/profiles"
	"github.com/tickstock/monitor/backend/secrets"
	"github.com/tickstock/monitor/backend/verdict"
	"github.com/tickstock/monitor/backend/wire"
	"github.com/tickstock/monitor/internal/admintest"
	"github.com/tickstock/monitor/internal/keyringtest"
	"github.com/tickstock/monitor/internal/redistest"
	"github.com/tickstock/monitor/internal/tsv2test"
	"github.com/tickstock/monitor/internal/wait"
)

// ingestServer runs what `tickstock-ingest serve` runs: the demo's
// connections publishing to redisURL on channel, behind the admin API. It
// returns the server's URL and a stop for tests that take the server away
// in the middle (the test's cleanup stops it otherwise).
func ingestServer(t *testing.T, redisURL, channel string) (string, func()) {
	t.Helper()
	return ingestServerAt(t, "127.0.0.1:0", redisURL, channel)
}

// ingestServerAt is ingestServer listening on addr: the same address again
// is the server restarted (a new process: its sessions are gone).
func ingestServerAt(t *testing.T, addr, redisURL, channel string) (string, func()) {
	t.Helper()
	cfg, err := config.FromLookup(func(k string) (string, bool) {
		// Both set explicitly: only then does a demo publish to that Redis.
		v, ok := map[string]string{"TICKSTOCK_MODE": "demo", "REDIS_URL": redisURL, "TICK_CHANNEL": channel}[k]
		return v, ok
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	in, err := ingest.Start(ctx, cfg, ingest.Options{RedisURL: redisURL})
	if err != nil {
		t.Fatal(err)
	}
	users, err := adminapi.ParseUsers(admintest.UsersJSON(t,
		admintest.User{Email: "admin@x.io", Password: adminPassword(adminapi.RoleAdmin), Role: string(adminapi.RoleAdmin)},
		admintest.User{Email: "mod@x.io", Password: adminPassword(adminapi.RoleModerator), Role: string(adminapi.RoleModerator)}))
	if err != nil {
		t.Fatal(err)
	}
	tracker := verdict.NewTracker()
	judge := func() verdict.Verdict { // as serve judges itself
		ev := verdict.Evidence{At: time.Now()}
		in.Evidence(&ev)
		return tracker.Judge(ev)
	}
	api := adminapi.New(adminapi.Options{Users: users, Snapshots: in, Verdict: judge})
	runDone := make(chan struct{})
	go func() { api.Run(ctx); close(runDone) }()
	l, err := net.Listen("tcp", addr)
	if err != nil {
		cancel()
		<-runDone
		in.Close()
		t.Fatal(err)
	}
	hs := &http.Server{Handler: api.Handler()}
	go hs.Serve(l)
	var once sync.Once
	stop := func() { once.Do(func() { cancel(); <-runDone; hs.Close(); in.Close() }) }
	t.Cleanup(stop)
	return "http://" + l.Addr().String(), stop
}

func adminPassword(r adminapi.Role) string { return "Adm1n-Secret-XYZZY-" + string(r) }

func remoteState(s *Service) wire.SignInState {
	if r := s.Remote(); r != nil {
		return r.State
	}
	return ""
}

func TestRemoteObservationEndToEnd(t *testing.T) {
	srv := redistest.Start(t)
	ch := redistest.Channel(t)
	url, _ := ingestServer(t, srv.URL, ch)
	s := open(t, map[string]string{"TICKSTOCK_MODE": "remote", "TICKSTOCK_REMOTE_URL": url, "TICKSTOCK_ADMIN_EMAIL": "admin@x.io",
		"REDIS_URL": srv.URL, "TICK_CHANNEL": ch}, Options{})
	if s.Info().Problem != "" || s.Info().Remote != url || len(s.Info().Warnings) != 0 {
		t.Fatalf("info %+v (local connection warnings do not apply when observing)", s.Info())
	}
	if err := s.SignIn(adminPassword(adminapi.RoleAdmin), false); err != nil {
		t.Fatal(err)
	}
	wait.For(t, "observing 3 connected connections", 10*time.Second, func() bool {
		return remoteState(s) == wire.StateObserving && s.Snapshot().ConnectedCount == 3
	})
	// Ticks from Redis land in the columns through the remote ticker lists.
	// (Ticks that arrived before the first snapshot were rightly unassigned:
	// the map was not known yet. From now on none may be.)
	before := metricsNow(t, s)
	wait.For(t, "enriched ticks on every connection", 10*time.Second, func() bool {
		m := metricsNow(t, s)
		for _, id := range wire.SlotIDs {
			if m.Connections[id].Received < before.Connections[id].Received+5 {
				return false
			}
		}
		return true
	})
	if after := metricsNow(t, s); after.Unassigned.Count != before.Unassigned.Count {
		t.Errorf("%d ticks went unassigned while observing", after.Unassigned.Count-before.Unassigned.Count)
	}
	if l := s.LookupSymbol("AAPL"); !l.Found || l.ConnectionID != "connection_1" {
		t.Errorf("lookup %+v", l)
	}
}

func TestRemoteWrongRoleIsForbidden(t *testing.T) {
	srv := redistest.Start(t)
	url, _ := ingestServer(t, srv.URL, redistest.Channel(t))
	s := open(t, map[string]string{"TICKSTOCK_MODE": "remote", "TICKSTOCK_REMOTE_URL": url, "TICKSTOCK_ADMIN_EMAIL": "mod@x.io", "REDIS_URL": srv.URL}, Options{})
	s.SignIn(adminPassword(adminapi.RoleModerator), false)
	wait.For(t, "forbidden", 10*time.Second, func() bool { return remoteState(s) == wire.StateForbidden })
	if s.Snapshot().ConnectedCount != 0 {
		t.Error("a forbidden observer shows a snapshot")
	}
}

// capture keeps everything the service emits, as JSON text.
type capture struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (c *capture) add(v any) {
	b, _ := json.Marshal(v)
	c.mu.Lock()
	c.buf.Write(b)
	c.buf.WriteByte('\n')
	c.mu.Unlock()
}
func (c *capture) Batch(b *wire.Batch)                    { c.add(b) }
func (c *capture) Metrics(m *wire.Metrics)                { c.add(m) }
func (c *capture) Subscription(st wire.SubscriptionState) { c.add(st) }
func (c *capture) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.Write(p)
}
func (c *capture) String() string { c.mu.Lock(); defer c.mu.Unlock(); return c.buf.String() }

// Distinctive secrets go through every path (wrong and right admin password,
// remembered in the keyring, a Redis password from the keyring, a provider
// key); none may appear in logs, events, the profile file or error strings.
func TestNoSecretInLogsEventsProfilesOrErrors(t *testing.T) {
	keyringtest.Require(t)
	const redisPW, wrongPW, apiKey = "R3dis-Secret-PLUGH", "Wr0ng-Secret-FROTZ", "Mass1ve-Key-FROBOZZ"
	rightPW := adminPassword(adminapi.RoleAdmin)
	secretsAll := []string{redisPW, wrongPW, rightPW, apiKey}

	srv := redistest.Start(t)
	if r, err := srv.Do(context.Background(), "CONFIG", "SET", "requirepass", redisPW); err != nil || r != "+OK\r\n" {
		t.Fatalf("requirepass: %q %v", r, err)
	}
	ch := redistest.Channel(t)
	url, _ := ingestServer(t, "redis://:"+redisPW+"@"+srv.Addr+"/15", ch)

	store := profiles.Open(t.TempDir() + "/profiles.json")
	prof := profiles.Profile{Name: "prod", Mode: "remote", ServerURL: url, AdminEmail: "admin@x.io", RedisURL: "redis://" + srv.Addr + "/15", TickChannel: ch}
	if err := store.Save(prof); err != nil {
		t.Fatal(err)
	}
	store.SetLast("prod")
	secrets.Set("prod", secrets.RedisPassword, redisPW)
	secrets.Set("prod", secrets.APIKey, apiKey)
	key := secrets.RemoteProfile(url, "admin@x.io")
	t.Cleanup(func() {
		secrets.Delete("prod", secrets.RedisPassword)
		secrets.Delete("prod", secrets.APIKey)
		secrets.Delete(key, secrets.AdminPassword)
	})

	out := &capture{}
	log := slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{Level: slog.LevelDebug}))
	t.Setenv("TICKSTOCK_MODE", "")
	s := Open(context.Background(), Options{EnvDir: t.TempDir(), Log: log, Output: out, Profile: LastUsed(store), Profiles: store})
	defer s.Close()
	if s.Info().Profile != "prod" {
		t.Fatalf("profile not applied: %+v", s.Info())
	}
	var errs []string
	note := func(err error) {
		if err != nil {
			errs = append(errs, err.Error())
		}
	}
	note(s.SignIn(wrongPW, false))
	wait.For(t, "wrong credentials", 10*time.Second, func() bool { return remoteState(s) == wire.StateWrongCredentials })
	out.add(s.Remote())
	note(s.SignIn(rightPW, true))
	wait.For(t, "observing with ticks through the password-protected Redis", 15*time.Second, func() bool {
		return remoteState(s) == wire.StateObserving && metricsNow(t, s).Total > 20
	})
	if pw, err := secrets.Get(key, secrets.AdminPassword); err != nil || pw != rightPW {
		t.Fatalf("the password was not remembered: %v", err)
	}
	note(s.ForgetPassword())
	if _, err := secrets.Get(key, secrets.AdminPassword); err == nil {
		t.Fatal("Forget left the password in the keyring")
	}
	out.add(s.Info())
	out.add(s.Snapshot())
	out.add(s.Subscription())
	out.add(s.Remote())
	time.Sleep(1100 * time.Millisecond) // a metrics event
	profileFile, _ := os.ReadFile(store.Path())
	everything := out.String() + string(profileFile) + strings.Join(errs, "\n")
	if !strings.Contains(everything, "observing") || !strings.Contains(out.String(), `"ticks"`) {
		t.Fatal("the capture missed the events it should hold")
	}
	for _, secret := range secretsAll {
		if strings.Contains(everything, secret) {
			i := strings.Index(everything, secret)
			t.Errorf("secret %q leaked: …%s…", secret, everything[max(0, i-80):min(len(everything), i+40)])
		}
	}
}

// Observing the TickStockAppV2 stand-in with a Redis configured as well: the
// push feeds the rows (the header says so) and each tick is counted once.
func TestRemoteTickStockAppV2PushFeedsTheRows(t *testing.T) {
	rds := redistest.Start(t)
	ch := redistest.Channel(t)
	tsv2 := tsv2test.Start(t, tsv2test.Options{RedisURL: rds.URL, Channel: ch, Connections: map[string]tsv2test.Connection{
		"connection_2": {Name: "secondary", Status: "connected", Tickers: []string{"TSLA", "NFLX"}},
	}})
	s := open(t, map[string]string{"TICKSTOCK_MODE": "remote", "TICKSTOCK_REMOTE_URL": tsv2.URL, "TICKSTOCK_ADMIN_EMAIL": tsv2test.AdminEmail,
		"REDIS_URL": rds.URL, "TICK_CHANNEL": ch}, Options{})
	if src := s.Subscription(); src.Feed != wire.FeedNone {
		t.Errorf("before sign-in the rows are fed by %q", src.Feed)
	}
	if err := s.SignIn(tsv2test.AdminPassword, false); err != nil {
		t.Fatal(err)
	}
	wait.For(t, "observing by push", 20*time.Second, func() bool { r := s.Remote(); return r.State == wire.StateObserving && r.Push })
	wait.For(t, "the stand-in and the monitor subscribed", 30*time.Second, func() bool {
		out, err := rds.Do(context.Background(), "PUBLISH", ch, "not a tick") // answers the subscriber count
		return err == nil && strings.TrimSpace(out) == ":2"
	})
	if src := s.Subscription(); src.Feed != wire.FeedPush || !strings.Contains(src.FeedDetail, "tick_update") {
		t.Errorf("source %+v", src)
	}
	if c := s.Snapshot().Connections; c["connection_1"].Enabled || !c["connection_2"].Enabled || c["connection_3"].Status != "disabled" {
		t.Errorf("connections %+v", c)
	}
	for i := 0; i < 6; i++ {
		tsv2.Tick(t, "TSLA", 200+float64(i))
	}
	wait.For(t, "6 ticks in connection_2", 10*time.Second, func() bool {
		return metricsNow(t, s).Connections["connection_2"].Received == 6
	})
	time.Sleep(300 * time.Millisecond)
	if m := metricsNow(t, s); m.Total != 6 || m.Unassigned.Count != 0 {
		t.Errorf("total %d, unassigned %d: each tick once, in its column", m.Total, m.Unassigned.Count)
	}
}
