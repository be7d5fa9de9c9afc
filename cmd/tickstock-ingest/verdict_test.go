package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tickstock/monitor/backend/remote"
	"github.com/tickstock/monitor/backend/simulator"
	"github.com/tickstock/monitor/backend/verdict"
	"github.com/tickstock/monitor/internal/redistest"
	"github.com/tickstock/monitor/internal/tsv2test"
	"github.com/tickstock/monitor/internal/wait"
)

// served is `serve` in embedded mode against a test-owned provider
// simulator (three connections: AAPL, MSFT, NVDA) and redis-server.
type served struct {
	api, metrics string
	sim          *simulator.Server
	redis        *redistest.Server
	dir          string // its env dir: the users file
	stop         func()
}

func startServed(t *testing.T) *served {
	t.Helper()
	s := &served{redis: redistest.Start(t)}
	sim, err := simulator.Start("127.0.0.1:0", simulator.Options{Keys: []string{"k"}, Rate: 50, FrameInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	s.sim = sim
	dir := t.TempDir()
	s.dir = dir
	usersFile := filepath.Join(dir, "users.json")
	os.WriteFile(usersFile, usersJSON(t), 0o600)
	env := map[string]string{"TICKSTOCK_MODE": "embedded", "MASSIVE_API_KEY": "k", "MASSIVE_WEBSOCKET_URL": sim.URL(),
		"USE_MULTI_CONNECTION": "true", "MASSIVE_WEBSOCKET_RECONNECT_DELAY": "0.1", "MASSIVE_WEBSOCKET_MAX_RECONNECT_DELAY": "0.2",
		"REDIS_URL": s.redis.URL, "TICK_CHANNEL": redistest.Channel(t),
		"ADMIN_LISTEN_ADDR": "127.0.0.1:0", "ADMIN_USERS_FILE": usersFile, "METRICS_LISTEN_ADDR": "127.0.0.1:0"}
	for n, sym := range []string{"AAPL", "MSFT", "NVDA"} {
		env[fmt.Sprintf("WEBSOCKET_CONNECTION_%d_ENABLED", n+1)] = "true"
		env[fmt.Sprintf("WEBSOCKET_CONNECTION_%d_SYMBOLS", n+1)] = sym
	}
	for k, v := range env {
		t.Setenv(k, v)
	}
	s.serve(t)
	return s
}

// serve starts `serve`; again after stop, on the same admin address (a
// restarted server: its sessions are gone, its metrics on a new port).
func (s *served) serve(t *testing.T) {
	t.Helper()
	if s.api != "" {
		t.Setenv("ADMIN_LISTEN_ADDR", strings.TrimPrefix(s.api, "http://"))
	}
	ctx, cancel := context.WithCancel(context.Background())
	var logs syncBuffer
	pr, pw := io.Pipe()
	done := make(chan int)
	go func() { done <- run(ctx, []string{"serve", "--env-dir", s.dir, "--stall-after", "1s"}, nil, pw, &logs) }()
	line, _ := bufio.NewReader(pr).ReadString('\n')
	go io.Copy(io.Discard, pr)
	s.api = strings.Fields(strings.TrimPrefix(line, "admin API on "))[0]
	wait.For(t, "the metrics address in the log", 10*time.Second, func() bool { return metricsLine.MatchString(logs.String()) })
	s.metrics = metricsLine.FindStringSubmatch(logs.String())[1]
	var once sync.Once
	s.stop = func() {
		once.Do(func() {
			cancel()
			if rc := <-done; rc != 0 {
				t.Errorf("serve exited %d", rc)
			}
			pw.Close()
		})
	}
	t.Cleanup(s.stop)
}

// surfaces is what every surface says at one moment.
type surfaces struct {
	code   int    // status's exit code
	first  string // status's first line
	health int    // GET /health
	metric string // the tickstock_verdict series at 1
}

func (s *served) read(t *testing.T) surfaces {
	var out surfaces
	var stdout string
	out.code, stdout, _ = status(t, s.api, "admin@x.io", "pw-admin", "--sample", "300ms")
	out.first, _, _ = strings.Cut(stdout, "\n")
	resp, err := http.Get(s.api + "/health")
	if err == nil {
		out.health = resp.StatusCode
		resp.Body.Close()
	}
	for _, l := range strings.Split(scrape(s.metrics), "\n") {
		if strings.HasPrefix(l, "tickstock_verdict{") && strings.HasSuffix(l, "} 1") {
			out.metric = l
		}
	}
	return out
}

// scrape is the metrics text, "" when serve does not answer.
func scrape(url string) string {
	resp, err := http.Get(url)
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// The fault matrix of issue 22 for serve's surfaces (status, /health, the
// metrics), through the real components: provider simulator → serve's
// manager → redis-server. Each row starts healthy, injects its fault, waits
// until every surface says the same, then lifts it and waits for OK. The
// faults last as long as the (a 15 s drop, a 10 s stall): a status
// check signs in with bcrypt, which a loaded machine under -race can stretch
// to seconds, and a shorter fault can end between two reads.
func TestServeSurfacesUnderFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("runs serve, a simulator and a redis-server per row")
	}
	okFirst := "TICKSTOCK OK - All 3 enabled connections stream and their ticks are published to Redis. | connected=3;;;0;3 enabled=3 ticks_per_second="
	okMetric := `tickstock_verdict{cause="healthy",level="ok"} 1`
	rows := []struct {
		name   string
		inject func(t *testing.T, s *served) (lift func())
		want   surfaces
	}{
		{"healthy", func(*testing.T, *served) func() { return func() {} },
			surfaces{0, okFirst, 200, okMetric}},
		{"Redis frozen (SIGSTOP)", func(t *testing.T, s *served) func() { s.redis.Freeze(t); return func() { s.redis.Thaw(t) } },
			surfaces{2, "TICKSTOCK CRITICAL - No tick reaches Redis: 3 of 3 enabled connections receive ticks that cannot be published", 503, `tickstock_verdict{cause="not_publishing",level="down"} 1`}},
		{"Redis killed and restarted", func(t *testing.T, s *served) func() { s.redis.Kill(t); return func() { s.redis.Restart(t) } },
			surfaces{2, "TICKSTOCK CRITICAL - No tick reaches Redis", 503, `tickstock_verdict{cause="not_publishing",level="down"} 1`}},
		{"one provider connection dropped", func(t *testing.T, s *served) func() { s.sim.DropFor("MSFT", 15*time.Second); return func() {} },
			surfaces{1, "TICKSTOCK WARNING - 2 of 3 enabled connections deliver: Connection 2 is not connected to the provider", 200, `tickstock_verdict{cause="provider_down",level="degraded"} 1`}},
		{"key refused", func(t *testing.T, s *served) func() {
			s.sim.SetRefuseAuth(true)
			s.sim.Drop("")
			return func() { s.sim.SetRefuseAuth(false) } // retried after manager.AuthRetryFloor
		},
			surfaces{2, "TICKSTOCK CRITICAL - 0 of 3 enabled connections deliver: Connection 1, Connection 2 and Connection 3 are refused by the provider", 503, `tickstock_verdict{cause="key_refused",level="down"} 1`}},
		{"provider stall", func(t *testing.T, s *served) func() { s.sim.Stall("NVDA", 10*time.Second); return func() {} },
			surfaces{1, "TICKSTOCK WARNING - Connection 3 is connected but silent for over 1s", 200, `tickstock_verdict{cause="silent",level="degraded"} 1`}},
		// Killed, serve answers nothing: status says so (CRITICAL), /health
		// and the metrics have no answer (0, no series) — which a scraper
		// or a load balancer takes as down. Restarted, all is OK again.
		{"server killed and restarted", func(t *testing.T, s *served) func() { s.stop(); return func() { s.serve(t) } },
			surfaces{2, "TICKSTOCK CRITICAL - The server does not answer", 0, ""}},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			s := startServed(t)
			s.await(t, "healthy", surfaces{0, okFirst, 200, okMetric}, 30*time.Second)
			lift := onceCleanup(t, row.inject(t, s))
			s.await(t, row.name, row.want, 15*time.Second)
			lift()
			s.await(t, "healthy again", surfaces{0, okFirst, 200, okMetric}, 30*time.Second)
		})
	}
}

// await waits until every surface says want (first: a prefix).
func (s *served) await(t *testing.T, what string, want surfaces, within time.Duration) {
	t.Helper()
	var got surfaces
	deadline := time.Now().Add(within)
	for {
		got = s.read(t)
		if got.code == want.code && strings.HasPrefix(got.first, want.first) && got.health == want.health && got.metric == want.metric {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v:\n got  %+v\n want %+v", what, within, got, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// A TickStockAppV2 that reports its streaming connection as status_update
// with moving counters (and its own connected_count of 0): OK, the word
// shown as sent.
func TestStatusJudgesTickStockAppV2ByItsCounters(t *testing.T) {
	var mu sync.Mutex
	count := 100
	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "session", Value: "flask-token", Path: "/"})
		http.Redirect(w, r, "/", http.StatusFound)
	})
	mux.HandleFunc("GET /login", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "<html>login page</html>") })
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "<html>home</html>") })
	mux.HandleFunc("GET /admin/api/admin/websocket-status", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		count += 40
		n := count
		mu.Unlock()
		fmt.Fprintf(w, `{"status":"success","data":{"total_connections":3,"connected_count":0,"total_ticks_received":%d,"total_errors":0,
			"connections":{"connection_1":{"name":"primary","status":"status_update","assigned_tickers":8,"message_count":%d,"error_count":0,"last_message_time":0}}},"timestamp":1}`, n, n)
	})
	hs := httptest.NewServer(mux)
	defer hs.Close()
	code, out, errs := status(t, hs.URL, "ops@x.io", "flask-pw")
	first, _, _ := strings.Cut(out, "\n")
	if code != 0 || !strings.HasPrefix(first, "TICKSTOCK OK - All 1 enabled connections stream. | connected=1;;;0;1") ||
		!strings.Contains(out, "status_update · streaming") {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
}

// The server's monitor unavailable is UNKNOWN (3), not CRITICAL: the server
// answers, it cannot say.
func TestMonitorUnavailableIsUnknown(t *testing.T) {
	var out, errb strings.Builder
	err := fmt.Errorf("status: %w", remote.ErrMonitorUnavailable)
	c, cerr := remote.NewClient("http://h")
	if cerr != nil {
		t.Fatal(cerr)
	}
	if code := failed(&out, &errb, explain(c, err, "a@x.io"), err); code != verdict.ExitUnknown ||
		!strings.HasPrefix(out.String(), "TICKSTOCK UNKNOWN - signed in to http://h, but") {
		t.Fatalf("exit %d %q", code, out.String())
	}
	unreachable := &remote.UnreachableError{Cause: "connection refused"}
	if code := failed(&out, &errb, unreachable.Error(), unreachable); code != verdict.ExitCritical {
		t.Fatalf("unreachable: exit %d", code)
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

// The fault matrix's TickStockAppV2 rows, against the stand-in on its real
// stack: a connection that reports status_update while its counters move
// streams (OK, exit 0), though the server's connected_count says 0; the
// server launched as `python src/app.py` answers its status API with 500,
// which is UNKNOWN (exit 3) with the server's own words, not "unreachable".
func TestStatusAgainstTheStandInAsItReallyRuns(t *testing.T) {
	conns := map[string]tsv2test.Connection{"connection_1": {Name: "primary", Status: "status_update", Tickers: []string{"AAPL"}}}
	t.Run("status_update with moving counters", func(t *testing.T) {
		srv := tsv2test.Start(t, tsv2test.Options{Connections: conns})
		stop := make(chan struct{})
		ticked := make(chan struct{})
		go func() {
			defer close(ticked)
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				case <-time.After(50 * time.Millisecond):
					srv.Tick(t, "AAPL", 100+float64(i%10))
				}
			}
		}()
		code, out, errs := status(t, srv.URL, tsv2test.AdminEmail, tsv2test.AdminPassword)
		close(stop)
		<-ticked
		first, _, _ := strings.Cut(out, "\n")
		if code != verdict.ExitOK || !strings.HasPrefix(first, "TICKSTOCK OK - ") || !strings.Contains(out, "status_update · streaming") ||
			!strings.Contains(out, "1 of 1 enabled connections connected;") || !strings.Contains(out, "(the server's own count: 0 connected)") {
			t.Fatalf("exit %d, want 0 (streaming by its counters), and the summing-up line by the verdict\n%s%s", code, out, errs)
		}
		t.Logf("exit %d\n%s", code, out)
	})
	t.Run("launched as python src/app.py", func(t *testing.T) {
		srv := tsv2test.Start(t, tsv2test.Options{Connections: conns, Launch: tsv2test.LaunchScript})
		code, out, errs := status(t, srv.URL, tsv2test.AdminEmail, tsv2test.AdminPassword)
		first, _, _ := strings.Cut(out, "\n")
		if code != verdict.ExitUnknown || !strings.HasPrefix(first, "TICKSTOCK UNKNOWN - ") ||
			!strings.Contains(first, "WebSocket connection manager not available") || !strings.Contains(first, "`python src/app.py` has this fault") ||
			strings.Contains(first, "unreachable") {
			t.Fatalf("exit %d, want 3 (its monitor unavailable, in its own words)\n%s%s", code, out, errs)
		}
		t.Logf("exit %d\n%s", code, out)
	})
}
