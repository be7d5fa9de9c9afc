package alerts

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/tickstock/monitor/backend/health"
	"github.com/tickstock/monitor/backend/monitor"
	"github.com/tickstock/monitor/backend/remote"
)

// clock is the fake clock the tests drive the engine with.
type clock struct{ t time.Time }

func (c *clock) step(d time.Duration) time.Time { c.t = c.t.Add(d); return c.t }

func newClock() *clock { return &clock{t: time.Date(2026, 3, 10, 3, 10, 0, 0, time.UTC)} }

// world is a three-connection snapshot the tests mutate.
type world struct {
	snap health.Snapshot
	met  monitor.Metrics
	src  monitor.SubscriptionState
}

func newWorld() *world {
	w := &world{snap: health.Snapshot{Connections: map[string]health.Connection{}}, met: monitor.Metrics{Connections: map[string]monitor.ConnMetrics{}},
		src: monitor.SubscriptionState{State: monitor.SubscriptionSubscribed}}
	for i, n := range []string{"primary", "secondary", "tertiary"} {
		id := health.SlotIDs[i]
		w.snap.Connections[id] = health.Connection{Name: n, Enabled: true, Status: health.StatusConnected}
	}
	return w
}

func (w *world) set(id string, s health.Status, lastErr string) {
	c := w.snap.Connections[id]
	if c.Status == health.StatusConnected && s != health.StatusConnected {
		c.ReconnectCount++
	}
	c.Status, c.LastError = s, lastErr
	w.snap.Connections[id] = c
}

// ticks marks every connected connection but the skipped ones as ticking now.
func (w *world) ticks(now time.Time, skip ...string) {
	for id, c := range w.snap.Connections {
		if c.Status == health.StatusConnected && !strings.Contains(strings.Join(skip, ","), id) {
			w.met.Connections[id] = monitor.ConnMetrics{LastTick: health.Unix(now)}
		}
	}
}

func (w *world) obs(now time.Time) Observation {
	src := w.src
	return Observation{At: now, Snapshot: w.snap, Metrics: &w.met, Subscription: &src}
}

func alertsOf(es []Entry) []Entry {
	var out []Entry
	for _, e := range es {
		if e.Kind == EntryAlert {
			out = append(out, e)
		}
	}
	return out
}

// run observes once a second for d, ticking on every connected connection
// except skip, and returns all entries.
func run(e *Engine, w *world, c *clock, d time.Duration, skip ...string) []Entry {
	var out []Entry
	for end := c.t.Add(d); c.t.Before(end); {
		now := c.step(time.Second)
		w.ticks(now, skip...)
		out = append(out, e.Observe(w.obs(now))...)
	}
	return out
}

func TestQuickReconnectPagesNobody(t *testing.T) {
	c, w, rec := newClock(), newWorld(), &Recorder{}
	e := New(Settings{}, rec, nil)
	run(e, w, c, 5*time.Second)
	w.set("connection_2", health.StatusDisconnected, "read tcp: connection reset by peer")
	got := run(e, w, c, 9*time.Second)
	w.set("connection_2", health.StatusConnected, "")
	got = append(got, run(e, w, c, 2*time.Second)...)
	if len(rec.Sent()) != 0 || len(alertsOf(got)) != 0 {
		t.Fatalf("a 9 s outage under the 10 s threshold was alerted: %+v", rec.Sent())
	}
	if len(got) != 2 || got[0].To != "disconnected" || got[0].Cause != "read tcp: connection reset by peer" || got[1].To != "connected" {
		t.Fatalf("want two transitions with the cause, got %+v", got)
	}
	if got[1].Duration != 9 || got[1].Reconnects != 1 {
		t.Fatalf("recovery duration %v reconnects %d, want the 9 s outage and 1", got[1].Duration, got[1].Reconnects)
	}
}

// An outage lasts what the manager says it lasted (status_since), not what
// observations a second apart make of it: a drop 0.3 s after one look and a
// reconnect 0.6 s after another are a 9.3 s outage, not 9 s.
func TestOutageIsTimedByTheStatusChangeNotTheObservation(t *testing.T) {
	c, w, rec := newClock(), newWorld(), &Recorder{}
	e := New(Settings{}, rec, nil)
	run(e, w, c, 2*time.Second)
	down := c.t.Add(300 * time.Millisecond)
	w.set("connection_2", health.StatusDisconnected, "dropped")
	setSince(w, "connection_2", down)
	got := run(e, w, c, 9*time.Second)
	up := c.t.Add(-400 * time.Millisecond)
	w.set("connection_2", health.StatusConnected, "")
	setSince(w, "connection_2", up)
	got = append(got, run(e, w, c, 2*time.Second)...)
	if len(got) != 2 || got[0].At != health.Unix(down) || got[1].At != health.Unix(up) {
		t.Fatalf("transitions at %v and %v, want the status changes at %v and %v (%+v)", got[0].At, got[1].At, health.Unix(down), health.Unix(up), got)
	}
	if d := got[1].Duration; math.Abs(d-up.Sub(down).Seconds()) > 1e-6 {
		t.Fatalf("outage %v s, want %v s", d, up.Sub(down).Seconds())
	}
	// A status_since outside the last observation and now (another clock) is not believed.
	w.set("connection_2", health.StatusDisconnected, "dropped")
	setSince(w, "connection_2", c.t.Add(time.Hour))
	if got := run(e, w, c, time.Second); len(got) == 0 || got[0].Kind != EntryTransition || got[0].At != health.Unix(c.t) {
		t.Fatalf("a status_since in the future: %+v", got)
	}
}

func setSince(w *world, id string, at time.Time) {
	cs := w.snap.Connections[id]
	cs.StatusSince = health.Unix(at)
	w.snap.Connections[id] = cs
}

func TestOutageAlertedAfterThresholdThenRecovery(t *testing.T) {
	c, w, rec := newClock(), newWorld(), &Recorder{}
	e := New(Settings{}, rec, nil)
	run(e, w, c, 2*time.Second)
	w.set("connection_1", health.StatusDisconnected, "simulated drop")
	// Down is first seen at the next observation; 10 s from there is the threshold.
	got := run(e, w, c, 10*time.Second)
	if len(alertsOf(got)) != 0 {
		t.Fatalf("alerted before 10 s: %+v", alertsOf(got))
	}
	got = run(e, w, c, time.Second)
	a := alertsOf(got)
	if len(a) != 1 || a[0].Alert != KindOutage || !a[0].Notified || a[0].Duration != 10 || a[0].Cause != "simulated drop" {
		t.Fatalf("want one notified outage alert at 10 s, got %+v", got)
	}
	w.set("connection_1", health.StatusConnected, "")
	got = run(e, w, c, 2*time.Second)
	if len(alertsOf(got)) != 0 {
		t.Fatalf("recovery alerted before the connection settled: %+v", got)
	}
	got = run(e, w, c, 3*time.Second)
	a = alertsOf(got)
	if len(a) != 1 || a[0].Alert != KindRecovered || a[0].Duration != 11 || !strings.Contains(a[0].Message, "11.0 s") {
		t.Fatalf("want a recovery alert with the 11 s outage, got %+v", got)
	}
	sent := rec.Sent()
	if len(sent) != 2 || !strings.Contains(sent[0].Body, "Connection 1 (primary)") || !strings.Contains(sent[1].Title, "recovered") {
		t.Fatalf("notifications %+v", sent)
	}
}

func TestConnectThenDropAgainIsOneOutage(t *testing.T) {
	c, w, rec := newClock(), newWorld(), &Recorder{}
	e := New(Settings{}, rec, nil)
	run(e, w, c, time.Second)
	w.set("connection_2", health.StatusDisconnected, "cut")
	run(e, w, c, 6*time.Second)
	// The provider accepts the key, then cuts the subscription: connected
	// for a moment only.
	w.set("connection_2", health.StatusConnected, "")
	run(e, w, c, time.Second)
	w.set("connection_2", health.StatusDisconnected, "cut again")
	got := run(e, w, c, 4*time.Second)
	if a := alertsOf(got); len(a) != 1 || a[0].Alert != KindOutage || a[0].Duration != 10 || a[0].Cause != "cut again" {
		t.Fatalf("want one outage alert 10 s after the first drop, got %+v", got)
	}
	w.set("connection_2", health.StatusConnected, "")
	got = run(e, w, c, 4*time.Second)
	if a := alertsOf(got); len(a) != 1 || a[0].Alert != KindRecovered || a[0].Duration != 11 || a[0].Reconnects != 2 {
		t.Fatalf("want one recovery covering the whole 11 s, got %+v", got)
	}
}

func TestOutageThresholdFromSettings(t *testing.T) {
	c, w, rec := newClock(), newWorld(), &Recorder{}
	e := New(Settings{OutageAfterS: 30}, rec, nil)
	run(e, w, c, time.Second)
	w.set("connection_3", health.StatusError, "gave up")
	if a := alertsOf(run(e, w, c, 30*time.Second)); len(a) != 0 {
		t.Fatalf("alerted before the 30 s threshold: %+v", a)
	}
	if a := alertsOf(run(e, w, c, time.Second)); len(a) != 1 {
		t.Fatalf("no alert at 30 s: %+v", a)
	}
}

func TestAuthFailedAndMaxConnectionsAtOnce(t *testing.T) {
	c, w, rec := newClock(), newWorld(), &Recorder{}
	e := New(Settings{}, rec, nil)
	run(e, w, c, time.Second)
	w.set("connection_1", health.StatusAuthFailed, "auth_failed: invalid key")
	got := run(e, w, c, time.Second)
	a := alertsOf(got)
	if len(a) != 1 || a[0].Alert != KindAuthFailed || !a[0].Notified {
		t.Fatalf("auth_failed not alerted at once: %+v", got)
	}
	// No second alert for the same outage after the threshold.
	if a := alertsOf(run(e, w, c, 20*time.Second)); len(a) != 0 {
		t.Fatalf("auth_failed alerted again as an outage: %+v", a)
	}
	w.set("connection_2", health.StatusMaxConnections, "max_connections")
	a = alertsOf(run(e, w, c, time.Second))
	if len(a) != 1 || a[0].Alert != KindMaxConnections {
		t.Fatalf("max_connections: %+v", a)
	}
}

func TestSeveralAtOnceMakeOneSummary(t *testing.T) {
	c, w, rec := newClock(), newWorld(), &Recorder{}
	e := New(Settings{}, rec, nil)
	run(e, w, c, time.Second)
	for _, id := range []string{"connection_1", "connection_2", "connection_3"} {
		w.set(id, health.StatusDisconnected, "network down")
	}
	got := run(e, w, c, 11*time.Second)
	if a := alertsOf(got); len(a) != 3 {
		t.Fatalf("want 3 outage alerts, got %+v", a)
	}
	sent := rec.Sent()
	if len(sent) != 1 || !strings.Contains(sent[0].Title, "3 alerts") || strings.Count(sent[0].Body, "•") != 3 {
		t.Fatalf("want one summary of 3, got %+v", sent)
	}
}

func TestThrottleOnePerKindAndConnectionPerMinute(t *testing.T) {
	c, w, rec := newClock(), newWorld(), &Recorder{}
	e := New(Settings{OutageAfterS: 1}, rec, nil)
	run(e, w, c, time.Second)
	flap := func() []Entry {
		w.set("connection_2", health.StatusDisconnected, "flap")
		got := run(e, w, c, 2*time.Second)
		w.set("connection_2", health.StatusConnected, "")
		return append(got, run(e, w, c, Settle+time.Second)...)
	}
	first := alertsOf(flap())
	if len(first) != 2 || !first[0].Notified || !first[1].Notified {
		t.Fatalf("first flap: %+v", first)
	}
	second := alertsOf(flap()) // 3 s later: within the minute
	if len(second) != 2 || second[0].Notified || !strings.Contains(second[0].Note, "per minute") {
		t.Fatalf("second flap within a minute was notified: %+v", second)
	}
	if len(rec.Sent()) != 2 {
		t.Fatalf("sent %d, want 2", len(rec.Sent()))
	}
	run(e, w, c, time.Minute)
	third := alertsOf(flap())
	if !third[0].Notified {
		t.Fatalf("a flap after a minute was throttled: %+v", third)
	}
	// Another connection is not throttled by connection_2's alerts.
	w.set("connection_1", health.StatusDisconnected, "x")
	if a := alertsOf(run(e, w, c, 2*time.Second)); len(a) != 1 || !a[0].Notified {
		t.Fatalf("connection_1 throttled by connection_2: %+v", a)
	}
}

func TestQuietAndKindsOff(t *testing.T) {
	c, w, rec := newClock(), newWorld(), &Recorder{}
	e := New(Settings{Quiet: true}, rec, nil)
	run(e, w, c, time.Second)
	w.set("connection_1", health.StatusAuthFailed, "bad key")
	a := alertsOf(run(e, w, c, time.Second))
	if len(a) != 1 || a[0].Notified || a[0].Note != "quiet mode" || len(rec.Sent()) != 0 {
		t.Fatalf("quiet mode notified: %+v %+v", a, rec.Sent())
	}
	e.SetSettings(Settings{Off: []Kind{KindMaxConnections}})
	w.set("connection_2", health.StatusMaxConnections, "")
	a = alertsOf(run(e, w, c, time.Second))
	if len(a) != 1 || a[0].Notified || !strings.Contains(a[0].Note, "off") {
		t.Fatalf("kind off notified: %+v", a)
	}
}

func TestNotifierErrorIsNotedAndRetried(t *testing.T) {
	c, w, rec := newClock(), newWorld(), &Recorder{Err: errors.New("no notification service")}
	e := New(Settings{}, rec, nil)
	run(e, w, c, time.Second)
	w.set("connection_1", health.StatusAuthFailed, "")
	a := alertsOf(run(e, w, c, time.Second))
	if a[0].Notified || !strings.Contains(a[0].Note, "no notification service") {
		t.Fatalf("failure not noted: %+v", a)
	}
	// A failed send does not count for the throttle.
	rec.Err = nil
	w.set("connection_1", health.StatusConnected, "")
	run(e, w, c, time.Second)
	w.set("connection_1", health.StatusAuthFailed, "")
	if a := alertsOf(run(e, w, c, time.Second)); !a[0].Notified {
		t.Fatalf("throttled after a failed send: %+v", a)
	}
}

func TestSilentConnectionWhileOthersFlow(t *testing.T) {
	c, w, rec := newClock(), newWorld(), &Recorder{}
	e := New(Settings{SilentAfterS: 20}, rec, nil)
	run(e, w, c, time.Second)
	got := run(e, w, c, 19*time.Second, "connection_3")
	if len(alertsOf(got)) != 0 {
		t.Fatalf("silent alerted before 20 s: %+v", got)
	}
	a := alertsOf(run(e, w, c, time.Second, "connection_3"))
	if len(a) != 1 || a[0].Alert != KindSilent || a[0].Connection != "connection_3" || a[0].Duration != 20 {
		t.Fatalf("want a silent alert for connection_3 at 20 s, got %+v", a)
	}
	got = run(e, w, c, time.Second)
	if len(got) != 1 || got[0].Kind != EntrySilence || got[0].Duration != 21 {
		t.Fatalf("want the silence recorded when ticks return, got %+v", got)
	}
}

func TestNoSilentAlertWhenNothingFlows(t *testing.T) {
	c, w, rec := newClock(), newWorld(), &Recorder{}
	e := New(Settings{}, rec, nil)
	run(e, w, c, time.Second)
	// The market is closed: no connection ticks. Nobody is paged.
	got := run(e, w, c, 5*time.Minute, "connection_1", "connection_2", "connection_3")
	if len(got) != 0 {
		t.Fatalf("a quiet market was alerted: %+v", got)
	}
}

func TestRedisOutageGapAndRecovery(t *testing.T) {
	c, w, rec := newClock(), newWorld(), &Recorder{}
	e := New(Settings{}, rec, nil)
	run(e, w, c, time.Second)
	// A short gap: recorded and alerted once.
	t0 := c.t
	w.src = monitor.SubscriptionState{State: monitor.SubscriptionSubscribed, Gaps: 1, LastGap: &monitor.Gap{From: health.Unix(t0.Add(-2 * time.Second)), To: health.Unix(t0), Seconds: 2, Reason: "Redis closed the connection"}}
	got := run(e, w, c, time.Second)
	if len(got) != 2 || got[0].Kind != EntryGap || got[0].Duration != 2 || got[1].Alert != KindRedisGap || !got[1].Notified {
		t.Fatalf("gap: %+v", got)
	}
	// A long outage: alerted at the threshold, then its recovery.
	w.src = monitor.SubscriptionState{State: monitor.SubscriptionReconnecting, Gaps: 1, Detail: "dial tcp 127.0.0.1:6379: connection refused"}
	got = run(e, w, c, 11*time.Second)
	if a := alertsOf(got); len(a) != 1 || a[0].Alert != KindRedisGap || !strings.Contains(a[0].Message, "connection refused") {
		t.Fatalf("redis outage: %+v", got)
	}
	w.src = monitor.SubscriptionState{State: monitor.SubscriptionSubscribed, Gaps: 2, LastGap: &monitor.Gap{Seconds: 11, Reason: "refused"}}
	got = run(e, w, c, time.Second)
	a := alertsOf(got)
	if len(got) != 2 || got[0].Kind != EntryGap || len(a) != 1 || a[0].Alert != KindRecovered {
		t.Fatalf("want the gap and one recovery alert (no second gap alert), got %+v", got)
	}
}

func TestRemoteUnreachableAndSignInLost(t *testing.T) {
	c, w, rec := newClock(), newWorld(), &Recorder{}
	e := New(Settings{}, rec, nil)
	r := remote.State{State: remote.StateObserving, Server: "http://127.0.0.1:8765"}
	step := func(d time.Duration) []Entry {
		var out []Entry
		for end := c.t.Add(d); c.t.Before(end); {
			o := w.obs(c.step(time.Second))
			rr := r
			o.Remote = &rr
			out = append(out, e.Observe(o)...)
		}
		return out
	}
	step(time.Second)
	r.State, r.Detail = remote.StateUnreachable, "connection refused"
	got := step(10 * time.Second)
	if len(got) != 1 || got[0].Kind != EntryRemote || len(alertsOf(got)) != 0 {
		t.Fatalf("unreachable under the threshold: %+v", got)
	}
	if a := alertsOf(step(time.Second)); len(a) != 1 || a[0].Alert != KindRemote {
		t.Fatalf("unreachable for 10 s not alerted: %+v", a)
	}
	r.State, r.Detail = remote.StateObserving, ""
	if a := alertsOf(step(time.Second)); len(a) != 1 || a[0].Alert != KindRecovered {
		t.Fatalf("no recovery: %+v", a)
	}
	step(time.Minute)
	r.State, r.Detail = remote.StateSessionExpired, "the session expired"
	if a := alertsOf(step(time.Second)); len(a) != 1 || a[0].Alert != KindRemote || !strings.Contains(a[0].Message, "lost") {
		t.Fatalf("sign-in lost not alerted at once: %+v", a)
	}
}

func TestQuickFlapBetweenObservationsIsRecorded(t *testing.T) {
	c, w, rec := newClock(), newWorld(), &Recorder{}
	e := New(Settings{}, rec, nil)
	run(e, w, c, time.Second)
	cs := w.snap.Connections["connection_1"]
	cs.ReconnectCount = 1
	w.snap.Connections["connection_1"] = cs
	got := run(e, w, c, time.Second)
	if len(got) != 1 || got[0].Reconnects != 1 || !strings.Contains(got[0].Message, "reconnected at once") {
		t.Fatalf("flap: %+v", got)
	}
}

func TestTitle(t *testing.T) {
	s := health.Snapshot{EnabledConnections: 3, ConnectedCount: 2, Connections: map[string]health.Connection{"a": {}}}
	if got := Title(s, false); got != "TickStock Monitor — 2/3 connected" {
		t.Fatalf("title %q", got)
	}
	if got := Title(s, true); !strings.Contains(got, "not running") {
		t.Fatalf("title %q", got)
	}
	// TickStockAppV2 lists only enabled connections and no enabled count.
	s = health.Snapshot{ConnectedCount: 1, Connections: map[string]health.Connection{"a": {}, "b": {}}}
	if got := Title(s, false); got != "TickStock Monitor — 1/2 connected" {
		t.Fatalf("title %q", got)
	}
}

func TestSettingsCheck(t *testing.T) {
	for _, s := range []Settings{{Off: []Kind{"nope"}}, {OutageAfterS: 0.5}, {SilentAfterS: 99999}} {
		if s.Check() == nil {
			t.Errorf("%+v accepted", s)
		}
	}
	if err := (Settings{Off: []Kind{KindSilent}, OutageAfterS: 15}).Check(); err != nil {
		t.Fatal(err)
	}
	if f := (Settings{}).Filled(); f.OutageAfterS != 10 || f.SilentAfterS != 30 {
		t.Fatalf("defaults %+v", f)
	}
}
