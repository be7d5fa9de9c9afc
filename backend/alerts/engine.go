// Package alerts turns what the monitor already observes (the health
// snapshot, the tick metrics, the Redis subscription's and the remote
// sign-in's state) into incident timeline entries and desktop
// notifications. It works on those observations alone, so it behaves the
// same in every mode: demo, embedded, or observing a remote server.
//
// An Engine is not safe for concurrent use: one goroutine feeds it.
package alerts

import (
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/tickstock/monitor/backend/health"
	"github.com/tickstock/monitor/backend/monitor"
	"github.com/tickstock/monitor/backend/remote"
)

// Observation is everything the engine looks at, at one moment. At comes
// from the caller, so tests drive the engine with a fake clock.
type Observation struct {
	At           time.Time
	Snapshot     health.Snapshot
	Metrics      *monitor.Metrics           // nil: no subscription runs
	Subscription *monitor.SubscriptionState // nil: no subscription runs
	Remote       *remote.State              // nil: not remote mode
}

// ThrottleFor is the least time between two notifications of one kind about
// one connection.
const ThrottleFor = time.Minute

// Engine follows observations and decides what is recorded and notified.
type Engine struct {
	settings Settings
	notifier Notifier
	log      *slog.Logger

	conns    map[string]*connTrack
	redis    outage
	gapsSeen int
	remote   string // last remote state
	remoteAt time.Time
	remoteDn outage
	lastSent map[string]time.Time // kind|connection → last notification
}

// connTrack is what the engine remembers of one connection.
type connTrack struct {
	status     health.Status
	since      time.Time
	reconnects int64
	down       outage
	silent     outage
}

// outage is a condition that began at since and was alerted or not.
type outage struct {
	since   time.Time // zero: not in it
	alerted bool
	back    time.Time // connected again at; the outage ends after Settle
}

// Settle is how long a connection must stay connected for its outage to
// end: one that connects and drops again at once (a provider that accepts
// the key and then cuts the subscription) is still down.
const Settle = 3 * time.Second

// New returns an engine that notifies through n (nil: record only).
func New(s Settings, n Notifier, log *slog.Logger) *Engine {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Engine{settings: s, notifier: n, log: log, conns: map[string]*connTrack{}, lastSent: map[string]time.Time{}}
}

// SetSettings replaces the settings; they apply from the next observation.
func (e *Engine) SetSettings(s Settings) { e.settings = s }

// Settings returns the settings in force.
func (e *Engine) Settings() Settings { return e.settings }

// Observe compares o with the previous observation and returns the new
// timeline entries, oldest first, after sending their notifications.
func (e *Engine) Observe(o Observation) []Entry {
	var out []Entry
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
	e.notify(o.At, out)
	return out
}

// connection follows one connection's status, outage and silence.
func (e *Engine) connection(o Observation, id string, c health.Connection) []Entry {
	now := o.At
	t, seen := e.conns[id]
	if !seen {
		t = &connTrack{status: c.Status, since: now, reconnects: c.ReconnectCount}
		e.conns[id] = t
		if isDown(c) {
			t.down.since = now
		}
		if isFatal(c.Status) {
			return []Entry{e.fatalAlert(now, id, c, t)}
		}
		return nil
	}
	var out []Entry
	if c.Status != t.status {
		out = append(out, e.transition(changedAt(c, t.since, now), id, c, t)...)
	} else if c.Status == health.StatusConnected && c.ReconnectCount > t.reconnects {
		// A drop and reconnect too quick for two observations to see.
		out = append(out, Entry{At: health.Unix(now), Connection: id, Kind: EntryTransition, From: string(c.Status), To: string(c.Status),
			Cause: c.LastError, Reconnects: c.ReconnectCount,
			Message: fmt.Sprintf("%s dropped and reconnected at once (%s)", label(id, c), soFar(c.ReconnectCount))})
	}
	t.reconnects = c.ReconnectCount
	if b := t.down.back; !b.IsZero() && c.Status == health.StatusConnected && now.Sub(b) >= Settle {
		d := b.Sub(t.down.since)
		if t.down.alerted {
			out = append(out, Entry{At: health.Unix(b), Connection: id, Kind: EntryAlert, Alert: KindRecovered, To: string(c.Status),
				Duration: d.Seconds(), Reconnects: c.ReconnectCount,
				Message: fmt.Sprintf("%s is connected again after an outage of %s (%s)", label(id, c), human(d), soFar(c.ReconnectCount))})
		}
		t.down = outage{}
	}
	if !t.down.since.IsZero() && t.down.back.IsZero() && !t.down.alerted && now.Sub(t.down.since) >= e.settings.OutageAfter() {
		t.down.alerted = true
		out = append(out, Entry{At: health.Unix(now), Connection: id, Kind: EntryAlert, Alert: KindOutage, To: string(c.Status),
			Cause: c.LastError, Duration: now.Sub(t.down.since).Seconds(), Reconnects: c.ReconnectCount,
			Message: fmt.Sprintf("%s has been down for %s (now %s)%s", label(id, c), human(now.Sub(t.down.since)), c.Status, because(c.LastError))})
	}
	return append(out, e.silence(o, id, c, t)...)
}

// changedAt is when c's status changed: the snapshot's status_since when it
// has one (the manager's own clock, so an outage lasts what it lasted and not
// what two observations a second apart make of it), else the observation.
func changedAt(c health.Connection, prev, now time.Time) time.Time {
	if c.StatusSince <= 0 {
		return now
	}
	at := health.Time(c.StatusSince)
	if at.Before(prev) || at.After(now) {
		return now
	}
	return at
}

// transition records a status change and the alerts it starts or ends.
func (e *Engine) transition(now time.Time, id string, c health.Connection, t *connTrack) []Entry {
	tr := Entry{At: health.Unix(now), Connection: id, Kind: EntryTransition, From: string(t.status), To: string(c.Status),
		Duration: now.Sub(t.since).Seconds(), Reconnects: c.ReconnectCount}
	if c.Status != health.StatusConnected {
		tr.Cause = c.LastError
	}
	tr.Message = fmt.Sprintf("%s: %s → %s after %s%s", label(id, c), t.status, c.Status, human(now.Sub(t.since)), because(tr.Cause))
	out := []Entry{tr}
	inPrev := now.Sub(t.since)
	t.status, t.since = c.Status, now
	switch {
	case c.Status == health.StatusConnected && !t.down.since.IsZero():
		d := now.Sub(t.down.since)
		out[0].Duration = d.Seconds()
		// Whether it holds is known only after Settle; say what is known now.
		out[0].Message = fmt.Sprintf("%s: %s → connected after %s; down %s in all (%s)", label(id, c), out[0].From, human(inPrev), human(d), soFar(c.ReconnectCount))
		t.down.back = now // the outage ends once the connection holds (settled)
	case c.Status == health.StatusDisabled:
		t.down = outage{}
	case isDown(c) && t.down.since.IsZero():
		t.down.since = now
	case isDown(c):
		t.down.back = time.Time{} // dropped again before it settled: one outage
	}
	if isFatal(c.Status) {
		out = append(out, e.fatalAlert(now, id, c, t))
	}
	return out
}

// fatalAlert is the at-once alert of auth_failed and max_connections:
// retrying does not mend them, so nobody should wait for the threshold.
func (e *Engine) fatalAlert(now time.Time, id string, c health.Connection, t *connTrack) Entry {
	t.down.alerted = true // the outage is alerted; its end will be too
	what := "the provider refused the API key"
	if c.Status == health.StatusMaxConnections {
		what = "the provider refused another connection for this key (max_connections)"
	}
	return Entry{At: health.Unix(now), Connection: id, Kind: EntryAlert, Alert: Kind(c.Status), To: string(c.Status),
		Cause: c.LastError, Reconnects: c.ReconnectCount,
		Message: fmt.Sprintf("%s: %s", label(id, c), fatalWhat(what, c.LastError))}
}

// fatalWhat is what happened and why, without saying it twice: the
// manager's own sentence for a rejected key already names the key.
func fatalWhat(what, cause string) string {
	if strings.Contains(cause, "API key") {
		return cause
	}
	return what + because(cause)
}

// soFar is "(1 reconnect so far)", "(3 reconnects so far)".
func soFar(n int64) string {
	if n == 1 {
		return "1 reconnect so far"
	}
	return fmt.Sprintf("%d reconnects so far", n)
}

// silence alerts a connected connection without ticks while others flow,
// and records the silence when ticks come back.
func (e *Engine) silence(o Observation, id string, c health.Connection, t *connTrack) []Entry {
	if o.Metrics == nil || c.Status != health.StatusConnected {
		t.silent = outage{}
		return nil
	}
	limit := e.settings.SilentAfter()
	last := t.since // connected at
	if lt := health.Time(o.Metrics.Connections[id].LastTick); o.Metrics.Connections[id].LastTick > 0 && lt.After(last) {
		last = lt
	}
	quiet := o.At.Sub(last)
	if t.silent.alerted && quiet < limit {
		d := last.Sub(t.silent.since)
		t.silent = outage{}
		return []Entry{{At: health.Unix(o.At), Connection: id, Kind: EntrySilence, Duration: d.Seconds(), Reconnects: c.ReconnectCount,
			Message: fmt.Sprintf("%s: ticks again after %s without any", label(id, c), human(d))}}
	}
	if t.silent.alerted || quiet < limit || !e.othersFlow(o, id, limit) {
		return nil
	}
	t.silent = outage{since: last, alerted: true}
	return []Entry{{At: health.Unix(o.At), Connection: id, Kind: EntryAlert, Alert: KindSilent, To: string(c.Status),
		Duration: quiet.Seconds(), Reconnects: c.ReconnectCount,
		Message: fmt.Sprintf("%s is connected but has had no tick for %s while the other connections receive ticks", label(id, c), human(quiet))}}
}

// othersFlow: another connected connection had a tick within limit.
func (e *Engine) othersFlow(o Observation, id string, limit time.Duration) bool {
	for other, c := range o.Snapshot.Connections {
		if other == id || c.Status != health.StatusConnected {
			continue
		}
		if lt := o.Metrics.Connections[other].LastTick; lt > 0 && o.At.Sub(health.Time(lt)) < limit {
			return true
		}
	}
	return false
}

// source follows the Redis subscription: its outages and its gaps.
func (e *Engine) source(o Observation) []Entry {
	s := o.Subscription
	if s == nil || s.State == monitor.SubscriptionStopped {
		e.redis = outage{}
		return nil
	}
	var out []Entry
	if s.Gaps > e.gapsSeen && s.LastGap != nil {
		g := s.LastGap
		out = append(out, Entry{At: g.To, Connection: ConnRedis, Kind: EntryGap, Cause: g.Reason, Duration: g.Seconds,
			Message: fmt.Sprintf("Redis subscription gap of %s: ticks published then were not seen%s", human(secs(g.Seconds)), because(g.Reason))})
		if !e.redis.alerted { // an alerted outage is reported by its recovery
			out = append(out, Entry{At: health.Unix(o.At), Connection: ConnRedis, Kind: EntryAlert, Alert: KindRedisGap, Cause: g.Reason, Duration: g.Seconds,
				Message: fmt.Sprintf("Redis subscription gap of %s: ticks in it are lost to this monitor%s", human(secs(g.Seconds)), because(g.Reason))})
		}
	}
	e.gapsSeen = s.Gaps
	switch {
	case s.State == monitor.SubscriptionSubscribed:
		if e.redis.alerted {
			d := o.At.Sub(e.redis.since)
			out = append(out, Entry{At: health.Unix(o.At), Connection: ConnRedis, Kind: EntryAlert, Alert: KindRecovered, Duration: d.Seconds(),
				Message: fmt.Sprintf("Redis subscription is back after %s", human(d))})
		}
		e.redis = outage{}
	case e.redis.since.IsZero():
		e.redis.since = o.At
	case !e.redis.alerted && o.At.Sub(e.redis.since) >= e.settings.OutageAfter():
		e.redis.alerted = true
		d := o.At.Sub(e.redis.since)
		out = append(out, Entry{At: health.Unix(o.At), Connection: ConnRedis, Kind: EntryAlert, Alert: KindRedisGap, Cause: s.Detail, Duration: d.Seconds(),
			Message: fmt.Sprintf("Redis subscription down for %s: no ticks are seen%s", human(d), because(s.Detail))})
	}
	return out
}

// remoteState follows the remote server's sign-in state.
func (e *Engine) remoteState(o Observation) []Entry {
	r := o.Remote
	if r == nil {
		return nil
	}
	var out []Entry
	prev := e.remote
	if r.State != prev {
		if prev != "" {
			out = append(out, Entry{At: health.Unix(o.At), Connection: ConnRemote, Kind: EntryRemote, From: prev, To: r.State,
				Cause: r.Detail, Duration: o.At.Sub(e.remoteAt).Seconds(),
				Message: fmt.Sprintf("Remote server %s: %s → %s%s", r.Server, prev, r.State, because(r.Detail))})
		}
		e.remote, e.remoteAt = r.State, o.At
		lost := r.State == remote.StateSessionExpired || r.State == remote.StateWrongCredentials || r.State == remote.StateForbidden
		if lost && prev == remote.StateObserving {
			e.remoteDn = outage{since: o.At, alerted: true}
			out = append(out, Entry{At: health.Unix(o.At), Connection: ConnRemote, Kind: EntryAlert, Alert: KindRemote, To: r.State, Cause: r.Detail,
				Message: fmt.Sprintf("Sign-in to %s lost (%s)%s", r.Server, r.State, because(r.Detail))})
		}
	}
	switch {
	case r.State == remote.StateObserving:
		if e.remoteDn.alerted {
			d := o.At.Sub(e.remoteDn.since)
			out = append(out, Entry{At: health.Unix(o.At), Connection: ConnRemote, Kind: EntryAlert, Alert: KindRecovered, Duration: d.Seconds(),
				Message: fmt.Sprintf("Observing %s again after %s", r.Server, human(d))})
		}
		e.remoteDn = outage{}
	case r.State == remote.StateUnreachable:
		if e.remoteDn.since.IsZero() {
			e.remoteDn.since = o.At
		}
		if d := o.At.Sub(e.remoteDn.since); !e.remoteDn.alerted && d >= e.settings.OutageAfter() {
			e.remoteDn.alerted = true
			out = append(out, Entry{At: health.Unix(o.At), Connection: ConnRemote, Kind: EntryAlert, Alert: KindRemote, To: r.State, Cause: r.Detail, Duration: d.Seconds(),
				Message: fmt.Sprintf("Remote server %s unreachable for %s%s", r.Server, human(d), because(r.Detail))})
		}
	}
	return out
}

func isDown(c health.Connection) bool {
	return c.Status != health.StatusConnected && c.Status != health.StatusDisabled && (c.Enabled || c.Status != "")
}

func isFatal(s health.Status) bool {
	return s == health.StatusAuthFailed || s == health.StatusMaxConnections
}

// label names a connection for people: "Connection 2 (secondary)".
func label(id string, c health.Connection) string {
	l := health.SlotLabel(id)
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
