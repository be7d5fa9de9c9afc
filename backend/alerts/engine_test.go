package alerts

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/tickstock/monitor/backend/verdict"
	"github.com/tickstock/monitor/backend/wire"
)

// fakeClock is the clock the tests drive the engine with.
type fakeClock struct{ t time.Time }

func (c *fakeClock) step(d time.Duration) time.Time { c.t = c.t.Add(d); return c.t }

func newClock() *fakeClock { return &fakeClock{t: time.Date(2026, 3, 10, 3, 10, 0, 0, time.UTC)} }

// world is a three-connection session the tests mutate; its verdict is a
// small stand-in of verdict.Judge (the engine only reads verdicts).
type world struct {
	snap     wire.Snapshot
	met      wire.Metrics
	src      wire.SubscriptionState
	remote   *wire.RemoteState
	unpub    bool            // ticks cannot be published
	silent   map[string]bool // connections the verdict calls silent
	unjudged bool            // not signed in: UNKNOWN
}

func newWorld() *world {
	w := &world{snap: wire.Snapshot{Connections: map[string]wire.Connection{}}, met: wire.Metrics{Connections: map[string]wire.ConnMetrics{}},
		src: wire.SubscriptionState{State: wire.SubscriptionSubscribed}, silent: map[string]bool{}}
	for i, n := range []string{"primary", "secondary", "tertiary"} {
		id := wire.SlotIDs[i]
		w.snap.Connections[id] = wire.Connection{Name: n, Enabled: true, Status: wire.StatusConnected}
	}
	return w
}

func (w *world) set(id string, s wire.Status, lastErr string) {
	c := w.snap.Connections[id]
	if c.Status == wire.StatusConnected && s != wire.StatusConnected {
		c.ReconnectCount++
	}
	c.Status, c.LastError = s, lastErr
	w.snap.Connections[id] = c
}

// verdict judges the world the way verdict.Judge would, in small.
func (w *world) verdict() *verdict.Verdict {
	v := &verdict.Verdict{Level: verdict.OK, Cause: verdict.CauseHealthy, Sentence: "All 3 connections stream and publish.", Connections: map[string]verdict.Conn{}}
	if w.unjudged {
		return &verdict.Verdict{Level: verdict.Unknown, Cause: verdict.CauseNotSignedIn, Sentence: "Not signed in: enter the password."}
	}
	down, refused := 0, 0
	for id, c := range w.snap.Connections {
		vc := verdict.Conn{Level: verdict.OK, Status: string(c.Status), Label: string(c.Status), Streaming: true, Publishing: !w.unpub, Cause: verdict.CauseHealthy}
		switch {
		case c.Status == wire.StatusAuthFailed:
			vc.Level, vc.Cause = verdict.Down, verdict.CauseKeyRefused
			refused++
		case c.Status != wire.StatusConnected:
			vc.Level, vc.Cause = verdict.Down, verdict.CauseProviderDown
		case w.unpub:
			vc.Level, vc.Cause, vc.Label = verdict.Down, verdict.CauseNotPublishing, "connected · not publishing"
		case w.silent[id]:
			vc.Level, vc.Cause, vc.Label, vc.Sentence = verdict.Degraded, verdict.CauseSilent, "connected · silent", "no tick for 10 s"
		}
		if vc.Level != verdict.OK {
			down++
		} else {
			v.Connected++
		}
		v.Enabled++
		v.Connections[id] = vc
	}
	switch {
	case w.unpub:
		v.Level, v.Cause, v.Sentence = verdict.Down, verdict.CauseNotPublishing, "Redis not reachable: ticks are not published."
	case refused > 0:
		v.Level, v.Cause, v.Sentence = verdict.Degraded, verdict.CauseKeyRefused, "The provider refused the API key."
	case down > 0 && len(w.silent) > 0:
		v.Level, v.Cause, v.Sentence = verdict.Degraded, verdict.CauseSilent, "Connected, no ticks."
	case down > 0:
		v.Level, v.Cause, v.Sentence = verdict.Degraded, verdict.CauseProviderDown, "A connection is down: it reconnects."
	}
	if down == 3 && v.Level == verdict.Degraded && v.Cause != verdict.CauseSilent {
		v.Level = verdict.Down
	}
	return v
}

func (w *world) obs(now time.Time) Observation {
	src := w.src
	return Observation{At: now, Snapshot: w.snap, Metrics: &w.met, Subscription: &src, Remote: w.remote, Verdict: w.verdict()}
}

func alertsOf(es []wire.Entry) []wire.Entry { return ofKind(es, wire.EntryAlert) }

func ofKind(es []wire.Entry, kind wire.EntryKind) []wire.Entry {
	var out []wire.Entry
	for _, e := range es {
		if e.Kind == kind {
			out = append(out, e)
		}
	}
	return out
}

// run observes once a second for d and returns all entries.
func run(e *Engine, w *world, c *fakeClock, d time.Duration) []wire.Entry {
	var out []wire.Entry
	for end := c.t.Add(d); c.t.Before(end); {
		out = append(out, e.Observe(w.obs(c.step(time.Second)))...)
	}
	return out
}

func TestQuickReconnectPagesNobody(t *testing.T) {
	c, w, rec := newClock(), newWorld(), &Recorder{}
	e := New(Settings{}, rec, nil)
	run(e, w, c, 5*time.Second)
	w.set("connection_2", wire.StatusDisconnected, "read tcp: connection reset by peer")
	got := run(e, w, c, 9*time.Second)
	w.set("connection_2", wire.StatusConnected, "")
	got = append(got, run(e, w, c, 4*time.Second)...)
	if len(rec.Sent()) != 0 || len(alertsOf(got)) != 0 {
		t.Fatalf("a 9 s outage under the 10 s threshold was notified: %+v", rec.Sent())
	}
	tr := ofKind(got, wire.EntryTransition)
	if len(tr) != 2 || tr[0].To != "disconnected" || tr[0].Cause != "read tcp: connection reset by peer" || tr[1].To != "connected" {
		t.Fatalf("want two transitions with the cause, got %+v", got)
	}
	if in := ofKind(got, wire.EntryIncident); len(in) != 2 || in[1].To != string(verdict.CauseHealthy) || in[1].Duration != 9 {
		t.Fatalf("want the incident opened and closed after 9 s, got %+v", in)
	}
	if tr[0].Incident != ofKind(got, wire.EntryIncident)[0].Incident || tr[0].Incident == 0 {
		t.Fatalf("the transition is not a detail of its incident: %+v", got)
	}
}

// The figure: one 15 s outage gives exactly one notification that
// it is down and one that it recovered, naming the verdict's cause.
func TestOneOutageIsOneDownAndOneRecoveredNotification(t *testing.T) {
	c, w, rec := newClock(), newWorld(), &Recorder{}
	e := New(Settings{}, rec, nil)
	run(e, w, c, 2*time.Second)
	w.set("connection_1", wire.StatusDisconnected, "simulated drop")
	got := run(e, w, c, 15*time.Second)
	w.set("connection_1", wire.StatusConnected, "")
	got = append(got, run(e, w, c, 10*time.Second)...)
	sent := rec.Sent()
	if len(sent) != 2 {
		t.Fatalf("want 2 notifications, got %d: %+v", len(sent), sent)
	}
	if sent[0].Title != "TickStock Monitor: DEGRADED · 2/3 connected · provider down" || !strings.Contains(sent[0].Body, "A connection is down") {
		t.Fatalf("down notification %+v", sent[0])
	}
	if sent[1].Title != "TickStock Monitor: recovered" || !strings.Contains(sent[1].Body, "15.0 s") {
		t.Fatalf("recovered notification %+v", sent[1])
	}
	for _, n := range sent {
		t.Logf("notified: %s — %s", n.Title, n.Body)
	}
	a := alertsOf(got)
	if len(a) != 2 || a[0].Connection != "connection_1" || a[0].Duration != 10 || a[1].Alert != wire.AlertRecovered || a[1].Duration != 15 {
		t.Fatalf("alerts %+v", a)
	}
}

// An outage lasts what the manager says it lasted (status_since), not what
// observations a second apart make of it: a drop 0.3 s after one look and a
// reconnect 0.6 s after another are a 9.3 s outage, not 9 s.
func TestTransitionIsTimedByTheStatusChangeNotTheObservation(t *testing.T) {
	c, w, rec := newClock(), newWorld(), &Recorder{}
	e := New(Settings{}, rec, nil)
	run(e, w, c, 2*time.Second)
	down := c.t.Add(300 * time.Millisecond)
	w.set("connection_2", wire.StatusDisconnected, "dropped")
	setSince(w, "connection_2", down)
	got := ofKind(run(e, w, c, 9*time.Second), wire.EntryTransition)
	up := c.t.Add(-400 * time.Millisecond)
	w.set("connection_2", wire.StatusConnected, "")
	setSince(w, "connection_2", up)
	got = append(got, ofKind(run(e, w, c, 2*time.Second), wire.EntryTransition)...)
	if len(got) != 2 || got[0].At != wire.Unix(down) || got[1].At != wire.Unix(up) {
		t.Fatalf("transitions at %v and %v, want the status changes at %v and %v (%+v)", got[0].At, got[1].At, wire.Unix(down), wire.Unix(up), got)
	}
	if d := got[1].Duration; math.Abs(d-up.Sub(down).Seconds()) > 1e-6 {
		t.Fatalf("time disconnected %v s, want %v s", d, up.Sub(down).Seconds())
	}
	// A status_since outside the last observation and now (another clock) is not believed.
	w.set("connection_2", wire.StatusDisconnected, "dropped")
	setSince(w, "connection_2", c.t.Add(time.Hour))
	if got := run(e, w, c, time.Second); len(got) == 0 || got[0].Kind != wire.EntryTransition || got[0].At != wire.Unix(c.t) {
		t.Fatalf("a status_since in the future: %+v", got)
	}
}

func setSince(w *world, id string, at time.Time) {
	cs := w.snap.Connections[id]
	cs.StatusSince = wire.Unix(at)
	w.snap.Connections[id] = cs
}

// Connecting for a moment and dropping again does not end the incident:
// the verdict must be OK for Settle.
func TestConnectThenDropAgainIsOneIncident(t *testing.T) {
	c, w, rec := newClock(), newWorld(), &Recorder{}
	e := New(Settings{}, rec, nil)
	run(e, w, c, time.Second)
	w.set("connection_2", wire.StatusDisconnected, "cut")
	got := run(e, w, c, 6*time.Second)
	w.set("connection_2", wire.StatusConnected, "")
	got = append(got, run(e, w, c, time.Second)...)
	w.set("connection_2", wire.StatusDisconnected, "cut again")
	got = append(got, run(e, w, c, 4*time.Second)...)
	w.set("connection_2", wire.StatusConnected, "")
	got = append(got, run(e, w, c, 4*time.Second)...)
	if in := ofKind(got, wire.EntryIncident); len(in) != 2 || in[1].Duration != 11 {
		t.Fatalf("want one incident of 11 s, got %+v", in)
	}
	if a := alertsOf(got); len(a) != 2 || a[0].Duration != 10 || a[1].Alert != wire.AlertRecovered || a[1].Duration != 11 {
		t.Fatalf("want one down and one recovery covering the whole 11 s, got %+v", a)
	}
}

func TestOutageThresholdFromSettings(t *testing.T) {
	c, w, rec := newClock(), newWorld(), &Recorder{}
	e := New(Settings{OutageAfterS: 30}, rec, nil)
	run(e, w, c, time.Second)
	w.set("connection_3", wire.StatusError, "gave up")
	if a := alertsOf(run(e, w, c, 30*time.Second)); len(a) != 0 {
		t.Fatalf("alerted before the 30 s threshold: %+v", a)
	}
	if a := alertsOf(run(e, w, c, time.Second)); len(a) != 1 || !a[0].Notified {
		t.Fatalf("no alert at 30 s: %+v", a)
	}
}

// Dropped, then the key refused on every retry: the incident's root cause
// becomes the refused key, it is notified as an update, and it stays the
// cause while the connection retries between two refusals.
func TestCauseChangeUpdatesTheIncident(t *testing.T) {
	c, w, rec := newClock(), newWorld(), &Recorder{}
	e := New(Settings{}, rec, nil)
	run(e, w, c, time.Second)
	w.set("connection_1", wire.StatusDisconnected, "dropped")
	got := run(e, w, c, 12*time.Second)
	for range 3 { // the retry loop: refused, connecting, refused…
		w.set("connection_1", wire.StatusAuthFailed, "auth_failed: invalid key")
		got = append(got, run(e, w, c, 2*time.Second)...)
		w.set("connection_1", wire.StatusConnecting, "")
		got = append(got, run(e, w, c, time.Second)...)
	}
	in := ofKind(got, wire.EntryIncident)
	if len(in) != 2 || in[0].Cause != string(verdict.CauseProviderDown) || in[1].From != string(verdict.CauseProviderDown) || in[1].To != string(verdict.CauseKeyRefused) {
		t.Fatalf("want the incident opened as provider_down and changed once to key_refused, got %+v", in)
	}
	sent := rec.Sent()
	if len(sent) != 2 || !strings.Contains(sent[1].Title, "key refused") || !strings.Contains(sent[1].Body, "refused the API key") {
		t.Fatalf("want the down notification and one update naming the key, got %+v", sent)
	}
	if !strings.Contains(sent[1].Body, "down since 03:10:02") && !strings.Contains(sent[1].Body, "down since "+clock(in[0].Time())) {
		t.Fatalf("the update does not say since when: %q", sent[1].Body)
	}
	w.set("connection_1", wire.StatusConnected, "")
	got = run(e, w, c, 4*time.Second)
	if in := ofKind(got, wire.EntryIncident); len(in) != 1 || in[0].Cause != string(verdict.CauseKeyRefused) || in[0].Duration != 21 {
		t.Fatalf("closed %+v", in)
	}
	if s := rec.Sent(); len(s) != 3 || !strings.Contains(s[2].Body, "key refused") {
		t.Fatalf("recovery %+v", s)
	}
}

// The same key refused by all three connections is one incident and one
// notification, at once (waiting does not mend a key), and one recovery.
func TestKeyRefusedOnThreeConnectionsIsOneIncident(t *testing.T) {
	c, w, rec := newClock(), newWorld(), &Recorder{}
	e := New(Settings{}, rec, nil)
	run(e, w, c, time.Second)
	for _, id := range wire.SlotIDs {
		w.set(id, wire.StatusAuthFailed, "auth_failed: invalid key")
	}
	got := run(e, w, c, time.Second)
	a := alertsOf(got)
	if len(a) != 1 || a[0].Alert != wire.AlertAuthFailed || !a[0].Notified || a[0].Connection != "" {
		t.Fatalf("want one notified key alert for all connections, got %+v", got)
	}
	got = run(e, w, c, 30*time.Second)
	for _, id := range wire.SlotIDs {
		w.set(id, wire.StatusConnected, "")
	}
	got = append(got, run(e, w, c, 5*time.Second)...)
	sent := rec.Sent()
	if len(sent) != 2 || sent[0].Title != "TickStock Monitor: DOWN · 0/3 connected · key refused" || sent[1].Title != "TickStock Monitor: recovered" {
		t.Fatalf("want one key notification and one recovery, got %+v", sent)
	}
	if in := ofKind(got, wire.EntryIncident); len(in) != 1 {
		t.Fatalf("incident entries after the first %+v", in)
	}
}

// Two Redis outages a few seconds apart: the second one's opening is held
// back (one new incident a minute), but the desktop is never left saying
// "down" while it is up — the first recovery is sent, the second incident
// is notified when the minute is over while it is still open, and its
// recovery is sent too.
func TestRecoveryIsNeverThrottledAway(t *testing.T) {
	c, w, rec := newClock(), newWorld(), &Recorder{}
	e := New(Settings{}, rec, nil)
	run(e, w, c, time.Second)
	w.unpub = true
	run(e, w, c, 12*time.Second)
	w.unpub = false
	run(e, w, c, 5*time.Second)
	w.unpub = true
	got := run(e, w, c, 12*time.Second)
	if a := alertsOf(got); len(a) != 1 || a[0].Notified || !strings.Contains(a[0].Note, "held back") {
		t.Fatalf("want the second opening held back within the minute, got %+v", a)
	}
	if s := rec.Sent(); len(s) != 2 || s[1].Title != "TickStock Monitor: recovered" {
		t.Fatalf("the first recovery: %+v", s)
	}
	got = run(e, w, c, 45*time.Second)
	if a := alertsOf(got); len(a) != 1 || !a[0].Notified || a[0].Alert != wire.AlertRedisGap {
		t.Fatalf("want the still-open incident notified when the minute is over, got %+v", a)
	}
	w.unpub = false
	run(e, w, c, 5*time.Second)
	s := rec.Sent()
	if len(s) != 4 || s[2].Title != "TickStock Monitor: DOWN · not publishing" || s[3].Title != "TickStock Monitor: recovered" {
		t.Fatalf("want down, recovered, down, recovered: %+v", s)
	}
	// A third incident that opens and closes within the minute is never
	// notified, and neither is its recovery: the desktop's last word, "recovered", stays true.
	w.unpub = true
	run(e, w, c, 12*time.Second)
	w.unpub = false
	run(e, w, c, 5*time.Second)
	if s := rec.Sent(); len(s) != 4 {
		t.Fatalf("an incident within the minute: %+v", s[4:])
	}
}

// Before sign-in nothing is judged: connections without a status, an
// UNKNOWN verdict for 30 s, then signing in — no notification, no incident,
// no transition from nothing ("undefined → connected").
func TestNothingIsAlertedOrRecordedBeforeSignIn(t *testing.T) {
	c, w, rec := newClock(), newWorld(), &Recorder{}
	w.unjudged = true
	w.remote = &wire.RemoteState{State: wire.StateNeedsPassword, Server: "http://127.0.0.1:8765"}
	for _, id := range wire.SlotIDs {
		w.snap.Connections[id] = wire.Connection{Enabled: true}
	}
	e := New(Settings{}, rec, nil)
	got := run(e, w, c, 30*time.Second)
	w.remote = &wire.RemoteState{State: wire.StateObserving, Server: "http://127.0.0.1:8765"}
	w.unjudged = false
	for _, id := range wire.SlotIDs {
		w.set(id, wire.StatusConnected, "")
	}
	got = append(got, run(e, w, c, 10*time.Second)...)
	if len(rec.Sent()) != 0 {
		t.Fatalf("notified before sign-in: %+v", rec.Sent())
	}
	for _, x := range got {
		if x.Kind != wire.EntryRemote {
			t.Fatalf("want only the sign-in's own change, got %+v", got)
		}
	}
	if len(got) != 1 || got[0].From != string(wire.StateNeedsPassword) || got[0].To != string(wire.StateObserving) {
		t.Fatalf("sign-in entries %+v", got)
	}
}

// A mistyped password is the operator's typing, not an incident of the
// ingest: refused twice over a minute, then right — no alert (the Incidents
// badge counts alerts), no incident, only the sign-in's own changes.
func TestAMistypedPasswordIsNoIncident(t *testing.T) {
	c, w, rec := newClock(), newWorld(), &Recorder{}
	const server = "http://127.0.0.1:8765"
	w.unjudged = true
	w.remote = &wire.RemoteState{State: wire.StateNeedsPassword, Server: server}
	e := New(Settings{}, rec, nil)
	got := run(e, w, c, 5*time.Second)
	w.remote = &wire.RemoteState{State: wire.StateWrongCredentials, Server: server, Detail: "The server refused the email or the password."}
	got = append(got, run(e, w, c, 40*time.Second)...)
	w.remote = &wire.RemoteState{State: wire.StateSigningIn, Server: server}
	got = append(got, run(e, w, c, time.Second)...)
	w.remote = &wire.RemoteState{State: wire.StateWrongCredentials, Server: server, Detail: "The server refused the email or the password."}
	got = append(got, run(e, w, c, 30*time.Second)...)
	w.unjudged = false
	w.remote = &wire.RemoteState{State: wire.StateObserving, Server: server}
	got = append(got, run(e, w, c, 10*time.Second)...)
	if a := alertsOf(got); len(a) != 0 || len(rec.Sent()) != 0 {
		t.Fatalf("a mistyped password alerted: %+v, sent %+v", a, rec.Sent())
	}
	if in := ofKind(got, wire.EntryIncident); len(in) != 0 {
		t.Fatalf("a mistyped password opened an incident: %+v", in)
	}
}

// Once observed, losing the sign-in is an incident (the monitor can no
// longer judge), notified after the threshold, and so is its end.
func TestSignInLostAfterObservingIsAnIncident(t *testing.T) {
	c, w, rec := newClock(), newWorld(), &Recorder{}
	w.remote = &wire.RemoteState{State: wire.StateObserving, Server: "http://127.0.0.1:8765"}
	e := New(Settings{}, rec, nil)
	run(e, w, c, 2*time.Second)
	w.unjudged = true
	w.remote = &wire.RemoteState{State: wire.StateSessionExpired, Server: "http://127.0.0.1:8765", Detail: "the session expired"}
	got := run(e, w, c, 11*time.Second)
	if a := alertsOf(got); len(a) != 1 || a[0].Alert != wire.AlertRemote || a[0].Level != string(verdict.Unknown) || !a[0].Notified {
		t.Fatalf("sign-in lost: %+v", got)
	}
	if r := ofKind(got, wire.EntryRemote); len(r) != 1 || r[0].Incident == 0 {
		t.Fatalf("the sign-in change is not a detail of the incident: %+v", got)
	}
	w.unjudged = false
	w.remote = &wire.RemoteState{State: wire.StateObserving, Server: "http://127.0.0.1:8765"}
	if a := alertsOf(run(e, w, c, 5*time.Second)); len(a) != 1 || a[0].Alert != wire.AlertRecovered {
		t.Fatalf("no recovery: %+v", a)
	}
}

func TestQuietAndKindsOff(t *testing.T) {
	c, w, rec := newClock(), newWorld(), &Recorder{}
	e := New(Settings{Quiet: true}, rec, nil)
	run(e, w, c, time.Second)
	w.set("connection_1", wire.StatusAuthFailed, "bad key")
	a := alertsOf(run(e, w, c, time.Second))
	if len(a) != 1 || a[0].Notified || a[0].Note != "quiet mode" || len(rec.Sent()) != 0 {
		t.Fatalf("quiet mode notified: %+v %+v", a, rec.Sent())
	}
	w.set("connection_1", wire.StatusConnected, "")
	run(e, w, c, 5*time.Second)
	e.SetSettings(Settings{Off: []wire.AlertKind{wire.AlertAuthFailed}})
	w.set("connection_2", wire.StatusAuthFailed, "")
	a = alertsOf(run(e, w, c, 5*time.Second))
	if len(a) != 1 || a[0].Notified || !strings.Contains(a[0].Note, "off") {
		t.Fatalf("kind off notified: %+v", a)
	}
}

func TestNotifierErrorIsNoted(t *testing.T) {
	c, w, rec := newClock(), newWorld(), &Recorder{Err: errors.New("no notification service")}
	e := New(Settings{}, rec, nil)
	run(e, w, c, time.Second)
	w.set("connection_1", wire.StatusAuthFailed, "")
	a := alertsOf(run(e, w, c, time.Second))
	if len(a) != 1 || a[0].Notified || !strings.Contains(a[0].Note, "no notification service") {
		t.Fatalf("failure not noted: %+v", a)
	}
	// Nothing reached the desktop, so nothing is to be taken back; the
	// next incident is not throttled by a send that failed.
	rec.Err = nil
	w.set("connection_1", wire.StatusConnected, "")
	if a := alertsOf(run(e, w, c, 5*time.Second)); len(a) != 0 {
		t.Fatalf("a recovery of an incident the desktop never heard of: %+v", a)
	}
	w.set("connection_1", wire.StatusAuthFailed, "")
	if a := alertsOf(run(e, w, c, time.Second)); len(a) != 1 || !a[0].Notified {
		t.Fatalf("throttled after a failed send: %+v", a)
	}
}

// A stall (connected, no tick for the verdict's stall threshold) is on the
// timeline: the connection's silence and the incident, also when every
// connection is silent.
func TestStallIsRecorded(t *testing.T) {
	c, w, rec := newClock(), newWorld(), &Recorder{}
	e := New(Settings{}, rec, nil)
	run(e, w, c, time.Second)
	for _, id := range wire.SlotIDs {
		w.silent[id] = true
	}
	got := run(e, w, c, 10*time.Second)
	w.silent = map[string]bool{}
	got = append(got, run(e, w, c, 5*time.Second)...)
	if s := ofKind(got, wire.EntrySilence); len(s) != 6 || s[0].To != "silent" || s[3].Duration != 10 {
		t.Fatalf("want each connection's silence begun and ended, got %+v", s)
	}
	if in := ofKind(got, wire.EntryIncident); len(in) != 2 || in[0].Cause != string(verdict.CauseSilent) || in[0].Level != string(verdict.Degraded) || in[1].Duration != 10 {
		t.Fatalf("want a 10 s silent incident, got %+v", in)
	}
	if len(rec.Sent()) != 0 {
		t.Fatalf("a 10 s stall under the 30 s threshold notified: %+v", rec.Sent())
	}
}

// A Redis gap while ticks could not be published says they are lost, not
// merely unseen by this monitor.
func TestGapWhileNotPublishingSaysLost(t *testing.T) {
	c, w, rec := newClock(), newWorld(), &Recorder{}
	e := New(Settings{}, rec, nil)
	run(e, w, c, time.Second)
	w.src = wire.SubscriptionState{State: wire.SubscriptionReconnecting, Detail: "i/o timeout"}
	w.unpub = true
	run(e, w, c, 8*time.Second)
	w.unpub = false
	w.src = wire.SubscriptionState{State: wire.SubscriptionSubscribed, Gaps: 1, LastGap: &wire.Gap{From: wire.Unix(c.t.Add(-8 * time.Second)), To: wire.Unix(c.t), Seconds: 8, Reason: "i/o timeout"}}
	got := ofKind(run(e, w, c, time.Second), wire.EntryGap)
	if len(got) != 1 || !strings.Contains(got[0].Message, "lost") || strings.Contains(got[0].Message, "not seen") {
		t.Fatalf("gap %+v", got)
	}
	// A gap of the monitor's own subscription while publishing went on.
	w.src = wire.SubscriptionState{State: wire.SubscriptionSubscribed, Gaps: 2, LastGap: &wire.Gap{To: wire.Unix(c.t), Seconds: 2, Reason: "closed"}}
	got = ofKind(run(e, w, c, time.Second), wire.EntryGap)
	if len(got) != 1 || !strings.Contains(got[0].Message, "not seen by this monitor") {
		t.Fatalf("gap %+v", got)
	}
}

func TestRemoteChangesAreRecorded(t *testing.T) {
	c, w, rec := newClock(), newWorld(), &Recorder{}
	e := New(Settings{}, rec, nil)
	w.remote = &wire.RemoteState{State: wire.StateObserving, Server: "http://127.0.0.1:8765"}
	run(e, w, c, time.Second)
	w.remote = &wire.RemoteState{State: wire.StateUnreachable, Server: "http://127.0.0.1:8765", Detail: "connection refused"}
	got := ofKind(run(e, w, c, 2*time.Second), wire.EntryRemote)
	if len(got) != 1 || got[0].From != string(wire.StateObserving) || got[0].Cause != "connection refused" {
		t.Fatalf("remote %+v", got)
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
	for _, tc := range []struct {
		v    verdict.Verdict
		want string
	}{
		{verdict.Verdict{Level: verdict.OK, Cause: verdict.CauseHealthy, Connected: 3, Enabled: 3}, "OK · 3/3 connected — TickStock Monitor"},
		{verdict.Verdict{Level: verdict.Down, Cause: verdict.CauseNotPublishing, Connected: 0, Enabled: 3}, "DOWN · not publishing — TickStock Monitor"},
		{verdict.Verdict{Level: verdict.Degraded, Cause: verdict.CauseProviderDown, Connected: 2, Enabled: 3}, "DEGRADED · 2/3 connected · provider down — TickStock Monitor"},
		{verdict.Verdict{Level: verdict.Unknown, Cause: verdict.CauseNotSignedIn}, "UNKNOWN · not signed in — TickStock Monitor"},
		{verdict.Verdict{Level: verdict.Unknown, Cause: verdict.CauseConfiguration}, "UNKNOWN · configuration problem — TickStock Monitor"},
	} {
		if got := Title(tc.v); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.v, got, tc.want)
		}
	}
}

func TestSettingsCheck(t *testing.T) {
	for _, s := range []Settings{{Off: []wire.AlertKind{"nope"}}, {OutageAfterS: 0.5}, {SilentAfterS: 99999}} {
		if s.Check() == nil {
			t.Errorf("%+v accepted", s)
		}
	}
	if err := (Settings{Off: []wire.AlertKind{wire.AlertSilent}, OutageAfterS: 15}).Check(); err != nil {
		t.Fatal(err)
	}
	if f := (Settings{}).Filled(); f.OutageAfterS != 10 || f.SilentAfterS != 30 {
		t.Fatalf("defaults %+v", f)
	}
}

// A refused key mended: the connections come back one by one, so the
// verdict eases from DOWN to DEGRADED before it is OK. That is the
// incident closing, not news: the desktop gets the key's notification and
// the recovery, which names what it was told (the matrix's "key refused"
// row found a "Now DEGRADED" sent at once in between, naming 0 of 3).
func TestConnectionsComingBackAreNoUpdate(t *testing.T) {
	c, w, rec := newClock(), newWorld(), &Recorder{}
	e := New(Settings{}, rec, nil)
	run(e, w, c, time.Second)
	for _, id := range wire.SlotIDs {
		w.set(id, wire.StatusAuthFailed, "auth_failed: invalid key")
	}
	run(e, w, c, 5*time.Second)
	for _, id := range wire.SlotIDs {
		w.set(id, wire.StatusConnected, "")
		run(e, w, c, time.Second)
	}
	run(e, w, c, 5*time.Second)
	sent := rec.Sent()
	if len(sent) != 2 || sent[0].Title != "TickStock Monitor: DOWN · 0/3 connected · key refused" || sent[1].Title != "TickStock Monitor: recovered" ||
		!strings.Contains(sent[1].Body, "(it was DOWN · 0/3 connected · key refused, since ") {
		t.Fatalf("want the key's notification and its recovery, got %+v", sent)
	}
}
