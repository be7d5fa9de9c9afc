// Package alerts turns what the monitor observes into the incident
// timeline and desktop notifications. An incident is the time the session's
// verdict (backend/verdict) is not OK: it opens when the verdict leaves OK,
// names its root cause (kept up to date as the cause changes) and closes
// when the verdict is OK again, so several connections failing for one
// cause are one incident and one notification, and its recovery is another.
// The per-connection transitions, Redis gaps and sign-in changes are kept as
// the incident's details. It works on observations alone, so it behaves the
// same in every mode: demo, embedded, or observing a remote server.
//
// An Engine is not safe for concurrent use: one goroutine feeds it.
package alerts

import (
	"fmt"
	"log/slog"
	"sort"
	"time"

	"github.com/tickstock/monitor/backend/verdict"
	"github.com/tickstock/monitor/backend/wire"
)

// Observation is everything the engine looks at, at one moment. At comes
// from the caller, so tests drive the engine with a fake clock.
type Observation struct {
	At           time.Time
	Snapshot     wire.Snapshot
	Metrics      *wire.Metrics           // nil: no subscription runs
	Subscription *wire.SubscriptionState // nil: no subscription runs
	Remote       *wire.RemoteState       // nil: not remote mode
	// Verdict is the session's judgement at At; nil: none (no incident
	// opens or closes, the details are still recorded).
	Verdict *verdict.Verdict
}

// ThrottleFor is the least time between two notifications that open an
// incident: a flapping network opens one a minute at most. An incident
// that opens within it is notified when the minute is over, if it is still
// open then. Recoveries are never throttled.
const ThrottleFor = time.Minute

// Engine follows observations and decides what is recorded and notified.
type Engine struct {
	settings Settings
	notifier Notifier
	log      *slog.Logger

	conns    map[string]*connTrack
	gapsSeen int
	remote   wire.SignInState // last remote state
	remoteAt time.Time

	judged   bool      // a verdict other than UNKNOWN was seen: there is something to lose
	incident *incident // the open incident; nil while OK
	lastOpen time.Time // the last notification that opened an incident
	// publishFailed: ticks could not be published while the Redis
	// subscription was down, so its gap lost them for everyone.
	publishFailed bool
}

// connTrack is what the engine remembers of one connection.
type connTrack struct {
	status     wire.Status
	since      time.Time
	reconnects int64
	silent     time.Time // the verdict calls it silent since; zero: not silent
}

// Settle is how long the verdict must stay OK (and a connection connected)
// for an incident (an outage) to end: one that connects and drops again at
// once (a provider that accepts the key and then cuts the subscription) is
// still down.
const Settle = 3 * time.Second

// New returns an engine that notifies through n (nil: record only).
func New(s Settings, n Notifier, log *slog.Logger) *Engine {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Engine{settings: s, notifier: n, log: log, conns: map[string]*connTrack{}}
}

// SetSettings replaces the settings; they apply from the next observation.
func (e *Engine) SetSettings(s Settings) { e.settings = s }

// Settings returns the settings in force.
func (e *Engine) Settings() Settings { return e.settings }

// Observe compares o with the previous observation and returns the new
// timeline entries, oldest first, after sending their notifications.
func (e *Engine) Observe(o Observation) []wire.Entry {
	var out []wire.Entry
	ids := make([]string, 0, len(o.Snapshot.Connections))
	for id := range o.Snapshot.Connections {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		out = append(out, e.connection(o, id, o.Snapshot.Connections[id])...)
	}
	out = append(out, e.source(o)...)
	out = append(out, e.remoteState(o)...)
	judged := e.judge(o)
	if in := e.incident; in != nil { // the details of the open incident
		for i := range out {
			out[i].Incident = wire.Unix(in.start)
		}
	}
	out = append(out, judged...)
	e.notify(o.At, out)
	return out
}

// connection follows one connection's status and silence. A connection
// without a status word (a remote server not signed in to yet) is not
// known: nothing is recorded until it has one, and that one is where its
// record starts, not a transition from nothing.
func (e *Engine) connection(o Observation, id string, c wire.Connection) []wire.Entry {
	now := o.At
	t, seen := e.conns[id]
	if c.Status == "" {
		delete(e.conns, id)
		return nil
	}
	if !seen {
		e.conns[id] = &connTrack{status: c.Status, since: now, reconnects: c.ReconnectCount}
		return e.silence(o, id, c, e.conns[id])
	}
	var out []wire.Entry
	if c.Status != t.status {
		out = append(out, e.transition(changedAt(c, t.since, now), id, c, t))
	} else if c.Status == wire.StatusConnected && c.ReconnectCount > t.reconnects {
		// A drop and reconnect too quick for two observations to see.
		out = append(out, wire.Entry{At: wire.Unix(now), Connection: id, Kind: wire.EntryTransition, From: string(c.Status), To: string(c.Status),
			Cause: c.LastError, Reconnects: c.ReconnectCount,
			Message: fmt.Sprintf("%s dropped and reconnected at once (%s)", label(id, c), soFar(c.ReconnectCount))})
	}
	t.reconnects = c.ReconnectCount
	return append(out, e.silence(o, id, c, t)...)
}

// changedAt is when c's status changed: the snapshot's status_since when it
// has one (the manager's own clock, so an outage lasts what it lasted and not
// what two observations a second apart make of it), else the observation.
func changedAt(c wire.Connection, prev, now time.Time) time.Time {
	if c.StatusSince <= 0 {
		return now
	}
	at := wire.Time(c.StatusSince)
	if at.Before(prev) || at.After(now) {
		return now
	}
	return at
}

// transition records a status change.
func (e *Engine) transition(now time.Time, id string, c wire.Connection, t *connTrack) wire.Entry {
	tr := wire.Entry{At: wire.Unix(now), Connection: id, Kind: wire.EntryTransition, From: string(t.status), To: string(c.Status),
		Duration: now.Sub(t.since).Seconds(), Reconnects: c.ReconnectCount}
	if c.Status != wire.StatusConnected {
		tr.Cause = c.LastError
	}
	tr.Message = fmt.Sprintf("%s: %s → %s after %s%s", label(id, c), t.status, c.Status, human(now.Sub(t.since)), because(tr.Cause))
	t.status, t.since = c.Status, now
	return tr
}

// silence records a connection the verdict calls silent (connected, no
// tick for its stall threshold), when it begins and when ticks return.
func (e *Engine) silence(o Observation, id string, c wire.Connection, t *connTrack) []wire.Entry {
	silent := false
	var sentence string
	if o.Verdict != nil {
		vc, ok := o.Verdict.Connections[id]
		silent, sentence = ok && vc.Cause == verdict.CauseSilent, vc.Sentence
	}
	switch {
	case silent && t.silent.IsZero():
		t.silent = o.At
		return []wire.Entry{{At: wire.Unix(o.At), Connection: id, Kind: wire.EntrySilence, From: string(c.Status), To: string(verdict.CauseSilent),
			Reconnects: c.ReconnectCount, Message: fmt.Sprintf("%s is %s but silent: %s", label(id, c), c.Status, sentence)}}
	case !silent && !t.silent.IsZero():
		d := o.At.Sub(t.silent)
		t.silent = time.Time{}
		return []wire.Entry{{At: wire.Unix(o.At), Connection: id, Kind: wire.EntrySilence, From: string(verdict.CauseSilent), To: string(c.Status),
			Duration: d.Seconds(), Reconnects: c.ReconnectCount,
			Message: fmt.Sprintf("%s: silent for %s, now %s", label(id, c), human(d), c.Status)}}
	}
	return nil
}

// source follows the Redis subscription's gaps. When the ticks could not
// be published either, the gap lost them for every consumer, not only for
// this monitor, and the entry says so.
func (e *Engine) source(o Observation) []wire.Entry {
	s := o.Subscription
	if s == nil || s.State == wire.SubscriptionStopped {
		return nil
	}
	if s.State != wire.SubscriptionSubscribed && notPublishing(o.Verdict) {
		e.publishFailed = true
	}
	var out []wire.Entry
	if s.Gaps > e.gapsSeen && s.LastGap != nil {
		g := s.LastGap
		what := "ticks published then were not seen by this monitor"
		if e.publishFailed || notPublishing(o.Verdict) {
			what = "ticks received then could not be published either: they are lost"
		}
		out = append(out, wire.Entry{At: g.To, Connection: wire.ConnRedis, Kind: wire.EntryGap, Cause: g.Reason, Duration: g.Seconds,
			Message: fmt.Sprintf("Redis subscription gap of %s: %s%s", human(secs(g.Seconds)), what, because(g.Reason))})
	}
	e.gapsSeen = s.Gaps
	if s.State == wire.SubscriptionSubscribed {
		e.publishFailed = false
	}
	return out
}

// notPublishing: the verdict says some connection's ticks are not published.
func notPublishing(v *verdict.Verdict) bool {
	if v == nil {
		return false
	}
	if v.Cause == verdict.CauseNotPublishing {
		return true
	}
	for _, c := range v.Connections {
		if c.Cause == verdict.CauseNotPublishing {
			return true
		}
	}
	return false
}

// remoteState records the remote server's sign-in state changes.
func (e *Engine) remoteState(o Observation) []wire.Entry {
	r := o.Remote
	if r == nil || r.State == e.remote {
		return nil
	}
	var out []wire.Entry
	if prev := e.remote; prev != "" {
		out = append(out, wire.Entry{At: wire.Unix(o.At), Connection: wire.ConnRemote, Kind: wire.EntryRemote, From: string(prev), To: string(r.State),
			Cause: r.Detail, Duration: o.At.Sub(e.remoteAt).Seconds(),
			Message: fmt.Sprintf("Remote server %s: %s → %s%s", r.Server, prev, r.State, because(r.Detail))})
	}
	e.remote, e.remoteAt = r.State, o.At
	return out
}

// label names a connection for people: "Connection 2 (secondary)".
func label(id string, c wire.Connection) string {
	l := wire.SlotLabel(id)
	if c.Name != "" {
		l += " (" + c.Name + ")"
	}
	return l
}

func because(cause string) string {
	if cause == "" {
		return ""
	}
	return ": " + cause
}

func secs(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// human writes a duration the way ops people say it: 850 ms, 12.3 s, 4 min 5 s, 2 h 3 min.
func human(d time.Duration) string {
	switch {
	case d < time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	case d < time.Minute:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d < time.Hour:
		return fmt.Sprintf("%d min %d s", int(d.Minutes()), int(d.Seconds())%60)
	default:
		return fmt.Sprintf("%d h %d min", int(d.Hours()), int(d.Minutes())%60)
	}
}

// soFar is "1 reconnect so far", "3 reconnects so far".
func soFar(n int64) string {
	if n == 1 {
		return "1 reconnect so far"
	}
	return fmt.Sprintf("%d reconnects so far", n)
}
