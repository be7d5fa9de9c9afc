//go:build soak

package soak

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/redis/go-redis/v9"
	"golang.org/x/crypto/bcrypt"

	"github.com/tickstock/monitor/backend/adminapi"
	"github.com/tickstock/monitor/backend/config"
	"github.com/tickstock/monitor/backend/ingest"
	"github.com/tickstock/monitor/backend/manager"
	"github.com/tickstock/monitor/backend/monitor"
	"github.com/tickstock/monitor/backend/simulator"
	"github.com/tickstock/monitor/backend/wire"
	"github.com/tickstock/monitor/internal/procstat"
	"github.com/tickstock/monitor/internal/redistest"
)

// SOAK_DURATION (default 30m) and SOAK_RATE (default 10000 ticks/s in all)
// size the run; SOAK_OUT (default docs/soak.md) is where the table goes.
func settings(t *testing.T) (time.Duration, float64, string) {
	d, rate, out := 30*time.Minute, 10_000.0, "../../docs/soak.md"
	if v := os.Getenv("SOAK_DURATION"); v != "" {
		var err error
		if d, err = time.ParseDuration(v); err != nil {
			t.Fatalf("SOAK_DURATION=%q: %v", v, err)
		}
	}
	if v := os.Getenv("SOAK_RATE"); v != "" {
		var err error
		if rate, err = strconv.ParseFloat(v, 64); err != nil {
			t.Fatalf("SOAK_RATE=%q: %v", v, err)
		}
	}
	if v := os.Getenv("SOAK_OUT"); v != "" {
		out = v
	}
	return d, rate, out
}

var ids = []string{"connection_1", "connection_2", "connection_3"}

// rig is the running pipeline.
type rig struct {
	t     *testing.T
	redis *redistest.Server
	sim   *simulator.Server
	in    *ingest.Ingest
	mon   *monitor.Monitor
	api   *adminapi.Server
	base  string // http://127.0.0.1:PORT of the admin API
	rate  float64
}

// counts are the per-connection counters at one quiet moment.
type counts struct {
	received, queueDrop, redisDrop, unheard, seen [3]int64
}

func (r *rig) counts() counts {
	var c counts
	snap := r.in.Manager.Snapshot()
	pub := r.in.Publisher.Dropped()
	unheard, _ := r.in.Publisher.Unheard()
	mt := r.mon.MetricsAt(time.Now())
	for i, id := range ids {
		c.received[i] = snap.Connections[id].MessageCount
		c.queueDrop[i] = snap.Connections[id].PublishDropped
		c.redisDrop[i] = pub[id]
		c.unheard[i] = unheard[id]
		c.seen[i] = mt.Connections[id].Received
	}
	return c
}

// quiesce stops the simulator's ticks and waits until every tick taken from
// the provider has either reached the monitor or been counted as dropped
// (the publisher queue is empty and the monitor's count has stopped moving).
func (r *rig) quiesce() counts {
	r.sim.SetRate(0)
	deadline := time.Now().Add(30 * time.Second)
	var last counts
	stable := 0
	for time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
		c := r.counts()
		if r.in.Publisher.Queued() == 0 && c == last {
			if stable++; stable >= 5 {
				return c
			}
		} else {
			stable = 0
		}
		last = c
	}
	r.t.Logf("quiesce: counters still moving after 30 s")
	return last
}

func (r *rig) resume() { r.sim.SetRate(r.rate / 3) }

// fault is one injected failure.
type fault struct {
	name  string
	redis bool                // a Redis fault: the accounting cannot close (see the report)
	do    func(r *rig) string // returns what was observed
}

func faults() []fault {
	return []fault{
		{"provider drop (all connections closed without a close frame)", false, func(r *rig) string {
			before := r.reconnects()
			n := r.sim.Drop("")
			time.Sleep(100 * time.Millisecond)
			return fmt.Sprintf("%d connections dropped; %s; reconnects +%d", n, r.waitConnected(30*time.Second), r.reconnects()-before)
		}},
		{"provider stall 20 s (no frames, no pongs)", false, func(r *rig) string {
			before := r.reconnects()
			start := time.Now()
			n := r.sim.Stall("", 20*time.Second)
			for r.reconnects() == before && time.Since(start) < 60*time.Second {
				time.Sleep(50 * time.Millisecond)
			}
			noticed := time.Since(start)
			time.Sleep(time.Until(start.Add(21 * time.Second)))
			return fmt.Sprintf("%d connections stalled; first reconnect after %.1f s (ping/pong noticed the stall); %s; reconnects +%d",
				n, noticed.Seconds(), r.waitConnected(60*time.Second), r.reconnects()-before)
		}},
		{"garbage frames (5 per connection)", false, func(r *rig) string {
			before := r.in.Manager.Snapshot().TotalErrors
			for k := 0; k < 5; k++ {
				r.sim.SendGarbage("")
				time.Sleep(200 * time.Millisecond)
			}
			time.Sleep(time.Second)
			return fmt.Sprintf("provider errors counted +%d; %s", r.in.Manager.Snapshot().TotalErrors-before, r.waitConnected(30*time.Second))
		}},
		{"slow viewer on /admin-ws (stops reading)", false, func(r *rig) string { return r.slowViewer() }},
		{"Redis freeze 10 s (SIGSTOP, then SIGCONT)", true, func(r *rig) string {
			r.redis.Freeze(r.t)
			time.Sleep(10 * time.Second)
			r.redis.Thaw(r.t)
			return r.waitSubscribed(30 * time.Second)
		}},
		{"Redis kill (SIGKILL), restarted after 5 s", true, func(r *rig) string {
			r.redis.Kill(r.t)
			time.Sleep(5 * time.Second)
			r.redis.Restart(r.t)
			return r.waitSubscribed(30 * time.Second)
		}},
	}
}

func (r *rig) reconnects() int64 {
	var n int64
	for _, c := range r.in.Manager.Snapshot().Connections {
		n += c.ReconnectCount
	}
	return n
}

func (r *rig) waitConnected(d time.Duration) string {
	start := time.Now()
	for time.Since(start) < d {
		if r.in.Manager.Snapshot().ConnectedCount == 3 {
			return fmt.Sprintf("3/3 connected again after %.1f s", time.Since(start).Seconds())
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Sprintf("NOT reconnected within %v (%d/3)", d, r.in.Manager.Snapshot().ConnectedCount)
}

func (r *rig) waitSubscribed(d time.Duration) string {
	start := time.Now()
	for time.Since(start) < d {
		if r.mon.Subscription().State == wire.SubscriptionSubscribed && r.in.Publisher.State().Connected {
			return fmt.Sprintf("publisher and monitor back after %.1f s", time.Since(start).Seconds())
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Sprintf("NOT back within %v (monitor %s, publisher %q)", d, r.mon.Subscription().State, r.in.Publisher.State().Detail)
}

// slowViewer signs in, opens /admin-ws with a tiny receive buffer and never
// reads: the server must drop it (no pong, full queue) while the steady
// viewer keeps getting its pushes.
func (r *rig) slowViewer() string {
	before := r.api.Viewers()
	c := r.dial(func(conn net.Conn) { _ = conn.(*net.TCPConn).SetReadBuffer(4096) })
	defer c.Close()
	start := time.Now()
	for time.Since(start) < 90*time.Second {
		if r.api.Viewers() == before && time.Since(start) > time.Second {
			return fmt.Sprintf("server dropped the slow viewer after %.0f s", time.Since(start).Seconds())
		}
		time.Sleep(500 * time.Millisecond)
	}
	return "slow viewer NOT dropped within 90 s"
}

func (r *rig) dial(tune func(net.Conn)) *websocket.Conn {
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	resp, err := hc.PostForm(r.base+"/login", url.Values{"email": {"soak@example.test"}, "password": {"soak-password-1"}})
	if err != nil || resp.StatusCode != 200 {
		r.t.Fatalf("login: %v %v", err, resp)
	}
	resp.Body.Close()
	u, _ := url.Parse(r.base)
	d := websocket.Dialer{Jar: jar, NetDial: func(network, addr string) (net.Conn, error) {
		conn, err := net.Dial(network, addr)
		if err == nil && tune != nil {
			tune(conn)
		}
		return conn, err
	}}
	c, _, err := d.Dial("ws://"+u.Host+"/admin-ws", nil)
	if err != nil {
		r.t.Fatalf("dial /admin-ws: %v", err)
	}
	return c
}

// viewer reads the push stream and records the longest silence.
type viewer struct {
	msgs      atomic.Int64
	status    atomic.Int64
	lastNs    atomic.Int64
	maxGapNs  atomic.Int64
	closedErr atomic.Value
}

func (v *viewer) run(c *websocket.Conn) {
	v.lastNs.Store(time.Now().UnixNano())
	for {
		_, b, err := c.ReadMessage()
		if err != nil {
			v.closedErr.Store(err.Error())
			return
		}
		now := time.Now().UnixNano()
		if gap := now - v.lastNs.Swap(now); gap > v.maxGapNs.Load() {
			v.maxGapNs.Store(gap)
		}
		v.msgs.Add(1)
		if strings.Contains(string(b[:min(len(b), 40)]), adminapi.EventStatus) {
			v.status.Add(1)
		}
	}
}

type sample struct {
	at                 time.Duration
	rssMiB, redisMiB   float64
	goroutines         int
	received, seen     int64
	viewers, connected int
	source             string
}

func TestSoak(t *testing.T) {
	dur, rate, out := settings(t)
	t.Setenv("REDIS_URL", "") // a private redis-server, which the run may kill
	r := &rig{t: t, rate: rate}
	r.redis = redistest.Start(t)
	key := "soak-key-0123456789"
	var err error
	r.sim, err = simulator.Start("127.0.0.1:0", simulator.Options{Keys: []string{key}, Rate: rate / 3})
	if err != nil {
		t.Fatal(err)
	}
	defer r.sim.Close()
	env := map[string]string{
		"TICKSTOCK_MODE": "embedded", "MASSIVE_API_KEY": key, "MASSIVE_WEBSOCKET_URL": r.sim.URL(),
		"USE_MULTI_CONNECTION": "true", "REDIS_URL": r.redis.URL,
		"MASSIVE_WEBSOCKET_RECONNECT_DELAY": "1", "MASSIVE_WEBSOCKET_MAX_RECONNECT_DELAY": "5",
	}
	for i, k := range []string{"demo_megacap", "demo_growth", "demo_value"} {
		env[fmt.Sprintf("WEBSOCKET_CONNECTION_%d_ENABLED", i+1)] = "true"
		env[fmt.Sprintf("WEBSOCKET_CONNECTION_%d_UNIVERSE_KEY", i+1)] = k
	}
	cfg, err := config.FromLookup(func(n string) (string, bool) { v, ok := env[n]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r.in, err = ingest.Start(ctx, cfg, ingest.Options{RedisURL: r.redis.URL,
		Manager: manager.Options{PingInterval: 5 * time.Second, PongWait: 3 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	defer r.in.Close()
	r.mon = monitor.New(monitor.Options{URL: r.redis.URL, Channel: cfg.TickChannel, Assigner: r.in.Manager})
	r.mon.Start(ctx)
	defer r.mon.Close()

	hash, _ := bcrypt.GenerateFromPassword([]byte("soak-password-1"), bcrypt.DefaultCost)
	users, err := adminapi.ParseUsers([]byte(`[{"email":"soak@example.test","password_bcrypt":"` + string(hash) + `","role":"admin"}]`))
	if err != nil {
		t.Fatal(err)
	}
	r.api = adminapi.New(adminapi.Options{Users: users, Snapshots: r.in, PingInterval: 5 * time.Second})
	apiCtx, stopAPI := context.WithCancel(ctx)
	apiDone := make(chan struct{})
	go func() { r.api.Run(apiCtx); close(apiDone) }()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := adminapi.NewHTTPServer(r.api.Handler())
	go func() { _ = srv.Serve(ln) }()
	defer func() { stopAPI(); <-apiDone; _ = srv.Close() }()
	r.base = "http://" + ln.Addr().String()

	t.Logf("waiting for 3 connections and the subscription…")
	t.Logf("%s; %s", r.waitConnected(30*time.Second), r.waitSubscribed(30*time.Second))
	view := &viewer{}
	vc := r.dial(nil)
	defer vc.Close()
	go view.run(vc)

	// Baseline: counters at a quiet moment, then the run.
	startCounts := r.quiesce()
	r.resume()
	start := time.Now()
	var samples []sample
	var phases []phase
	sampleEvery := 30 * time.Second
	fs := faults()
	faultEvery := dur / time.Duration(len(fs)+1)
	nextFault, nextSample := faultEvery, time.Duration(0)
	prev := startCounts
	for fi := 0; ; {
		el := time.Since(start)
		if el >= nextSample {
			samples = append(samples, r.sample(el))
			nextSample += sampleEvery
		}
		if el >= dur {
			break
		}
		if fi < len(fs) && el >= nextFault {
			f := fs[fi]
			t.Logf("%6.0f s  fault: %s", el.Seconds(), f.name)
			note := f.do(r)
			t.Logf("          %s", note)
			// Close the phase at a quiet moment so its accounting is exact.
			c := r.quiesce()
			phases = append(phases, newPhase(f.name, note, f.redis, prev, c))
			prev = c
			r.resume()
			fi++
			nextFault += faultEvery
			continue
		}
		time.Sleep(time.Second)
	}
	end := r.quiesce()
	phases = append(phases, newPhase("final stretch (no fault)", "", false, prev, end))
	samples = append(samples, r.sample(time.Since(start)))
	total := newPhase("whole run", "", true, startCounts, end)
	report := render(dur, rate, time.Since(start), samples, phases, total, view, r)
	if err := os.WriteFile(out, []byte(report), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + report)
	if e, _ := view.closedErr.Load().(string); e != "" {
		t.Errorf("the steady viewer's stream ended: %s", e)
	}
	for _, p := range phases {
		if !p.redisFault && p.unexplained() != [3]int64{} {
			t.Errorf("phase %q: published ≠ seen + counted drops: %v", p.name, p.unexplained())
		}
	}
}

func (r *rig) sample(at time.Duration) sample {
	c := r.counts()
	var rec, seen int64
	for i := range ids {
		rec += c.received[i]
		seen += c.seen[i]
	}
	return sample{at: at, rssMiB: procstat.RSSMiB(os.Getpid()), redisMiB: procstat.RSSMiB(r.redisPid()),
		goroutines: runtime.NumGoroutine(), received: rec, seen: seen,
		viewers: r.api.Viewers(), connected: r.in.Manager.Snapshot().ConnectedCount, source: string(r.mon.Subscription().State)}
}

func (r *rig) redisPid() int {
	c := redis.NewClient(&redis.Options{Addr: r.redis.Addr, DisableIdentity: true, MaxRetries: -1})
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	info, err := c.Info(ctx, "server").Result()
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(l, "process_id:"); ok {
			pid, _ := strconv.Atoi(v)
			return pid
		}
	}
	return 0
}

// phase is the accounting between two quiet moments.
type phase struct {
	name, note string
	redisFault bool
	d          counts
}

func newPhase(name, note string, redisFault bool, a, b counts) phase {
	p := phase{name: name, note: note, redisFault: redisFault}
	for i := range ids {
		p.d.received[i] = b.received[i] - a.received[i]
		p.d.queueDrop[i] = b.queueDrop[i] - a.queueDrop[i]
		p.d.redisDrop[i] = b.redisDrop[i] - a.redisDrop[i]
		p.d.unheard[i] = b.unheard[i] - a.unheard[i]
		p.d.seen[i] = b.seen[i] - a.seen[i]
	}
	return p
}

// unexplained is published − seen − counted drops − unheard per connection,
// where published is what the manager took from the provider and unheard
// what Redis accepted while the monitor was not subscribed.
func (p phase) unexplained() [3]int64 {
	var u [3]int64
	for i := range ids {
		u[i] = p.d.received[i] - p.d.seen[i] - p.d.queueDrop[i] - p.d.redisDrop[i] - p.d.unheard[i]
	}
	return u
}
