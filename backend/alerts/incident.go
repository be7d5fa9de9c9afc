package alerts

import (
	"fmt"
	"time"

	"github.com/tickstock/monitor/backend/verdict"
	"github.com/tickstock/monitor/backend/wire"
)

// incident is the open incident: the verdict has not been OK since start.
type incident struct {
	start    time.Time
	level    verdict.Level
	cause    verdict.Cause // its root cause, as the timeline and the notifications name it
	sentence string
	v        verdict.Verdict // the newest verdict not OK: what the notifications' titles say
	where    string          // the entries' Connection: one slot, redis, remote, or "" for several
	causeAt  time.Time       // when the root cause last changed
	levelAt  time.Time       // when the level last changed
	back     time.Time       // the verdict OK again since; the incident ends after Settle

	// notified: a notification opened it on the desktop, so its recovery
	// goes there too. shown is the level and cause the desktop last heard.
	notified bool
	shown    verdict.Cause
	shownLvl verdict.Level
	told     string // the title of the desktop's last notification of it, which its recovery names
	// tried is the cause whose opening notification was decided (sent,
	// refused by the settings or by the notifier): it is not tried again.
	tried    verdict.Cause
	heldBack bool // the throttle's note is recorded once
}

// judge follows the verdict: it opens, updates and closes the incident and
// returns its entries and the alerts to notify.
func (e *Engine) judge(o Observation) []wire.Entry {
	v := o.Verdict
	if v == nil {
		return nil
	}
	if v.Level != verdict.Unknown {
		e.judged = true
	}
	in := e.incident
	switch {
	case v.Level == verdict.OK:
		return e.settle(o.At)
	case in == nil && !e.opensIncident(v):
		return nil
	case in == nil:
		return e.open(o.At, v)
	}
	in.back = time.Time{} // not OK again before it settled: the same incident
	out := e.update(o.At, v)
	in.v = *v
	in.v.Cause = in.cause // the root cause, which a retry between two refusals does not replace
	return append(out, e.alertOpen(o.At)...)
}

// opensIncident: an UNKNOWN verdict before anything was judged (starting,
// not signed in yet) is no incident: nothing was lost. Once the session
// has been judged, losing the means to judge it (the sign-in lost, the
// server's monitor gone) is one.
func (e *Engine) opensIncident(v *verdict.Verdict) bool {
	return v.Level != verdict.Unknown || (e.judged && v.Cause != verdict.CauseStarting)
}

// open starts an incident at now, or at the verdict's Since when that is
// earlier and after the last observation (the verdict's own clock).
func (e *Engine) open(now time.Time, v *verdict.Verdict) []wire.Entry {
	start := now
	if s := wire.Time(v.Since); v.Since > 0 && s.Before(now) && now.Sub(s) < 2*time.Second {
		start = s
	}
	in := &incident{start: start, level: v.Level, cause: v.Cause, sentence: v.Sentence, v: *v, where: where(v), causeAt: start}
	e.incident = in
	out := []wire.Entry{{At: wire.Unix(start), Connection: in.where, Kind: wire.EntryIncident, Incident: wire.Unix(start),
		To: string(v.Cause), Level: string(v.Level), Cause: string(v.Cause),
		Message: fmt.Sprintf("%s: %s", verdict.Word(v.Level), v.Sentence)}}
	return append(out, e.alertOpen(now)...)
}

// update follows the verdict inside an open incident: a new root cause or
// level is recorded (and notified once it holds, see alertUpdate).
func (e *Engine) update(now time.Time, v *verdict.Verdict) []wire.Entry {
	in := e.incident
	cause := rootCause(in.cause, v.Cause)
	if cause == in.cause && v.Level == in.level {
		if cause == v.Cause {
			in.sentence = v.Sentence // the same cause in fresher words (counts, ages)
		}
		return e.alertUpdate(now)
	}
	prev, prevLvl := in.cause, in.level
	in.level, in.cause, in.where = v.Level, cause, where(v)
	if cause == v.Cause {
		in.sentence = v.Sentence
	}
	if cause != prev {
		in.causeAt = now
	}
	if v.Level != prevLvl {
		in.levelAt = now
	}
	out := []wire.Entry{{At: wire.Unix(now), Connection: in.where, Kind: wire.EntryIncident, Incident: wire.Unix(in.start),
		From: string(prev), To: string(cause), Level: string(v.Level), Cause: string(cause), Duration: now.Sub(in.start).Seconds(),
		Message: fmt.Sprintf("%s: %s (incident since %s, %s)", verdict.Word(v.Level), in.sentence, clock(in.start), human(now.Sub(in.start)))}}
	return append(out, e.alertUpdate(now)...)
}

// rootCause keeps a cause that names what holds the incident (the key
// refused, the connection limit) while the connections merely retry
// between two refusals: "provider_down" then says less than the cause
// before it.
func rootCause(held, now verdict.Cause) verdict.Cause {
	sticky := held == verdict.CauseKeyRefused || held == verdict.CauseConnectionLimit
	if sticky && (now == verdict.CauseProviderDown || now == verdict.CauseStarting) {
		return held
	}
	return now
}

// settle closes the incident once the verdict has been OK for Settle.
func (e *Engine) settle(now time.Time) []wire.Entry {
	in := e.incident
	if in == nil {
		return nil
	}
	if in.back.IsZero() {
		in.back = now
	}
	if now.Sub(in.back) < Settle {
		return nil
	}
	e.incident = nil
	d := in.back.Sub(in.start)
	id := wire.Unix(in.start)
	out := []wire.Entry{{At: wire.Unix(in.back), Connection: in.where, Kind: wire.EntryIncident, Incident: id,
		From: string(in.cause), To: string(verdict.CauseHealthy), Level: string(verdict.OK), Cause: string(in.cause), Duration: d.Seconds(),
		Message: fmt.Sprintf("OK again after %s (it was %s, since %s)", human(d), verdict.Title(in.v), clock(in.start))}}
	if in.notified { // the desktop said it was down: it must hear it is back, throttle or not
		out = append(out, wire.Entry{At: wire.Unix(now), Connection: in.where, Kind: wire.EntryAlert, Alert: wire.AlertRecovered, Incident: id,
			Level: string(verdict.OK), Cause: string(in.cause), Duration: d.Seconds(),
			Message: fmt.Sprintf("Recovered after an outage of %s (it was %s, since %s)", human(d), in.told, clock(in.start))})
	}
	return out
}

// alertOpen is the notification that opens the incident: once it has
// lasted its threshold (at once for a refused key or the connection limit:
// waiting does not mend them), and not within ThrottleFor of the previous
// one — then when that minute is over, if the incident is still open.
func (e *Engine) alertOpen(now time.Time) []wire.Entry {
	in := e.incident
	if in.notified || in.tried == in.cause || now.Sub(in.start) < e.threshold(in.cause) {
		return nil
	}
	id := wire.Unix(in.start)
	if !e.lastOpen.IsZero() && now.Sub(e.lastOpen) < ThrottleFor {
		if in.heldBack {
			return nil
		}
		in.heldBack = true
		return []wire.Entry{{At: wire.Unix(now), Connection: in.where, Kind: wire.EntryAlert, Alert: KindOf(in.cause), Incident: id,
			Level: string(in.level), Cause: string(in.cause), Duration: now.Sub(in.start).Seconds(),
			Message: fmt.Sprintf("%s: %s", verdict.Word(in.level), in.sentence),
			Note:    fmt.Sprintf("held back: one new incident is notified per minute (the last %s ago); this one is notified then if it is still open", human(now.Sub(e.lastOpen)))}}
	}
	in.tried = in.cause
	return []wire.Entry{{At: wire.Unix(now), Connection: in.where, Kind: wire.EntryAlert, Alert: KindOf(in.cause), Incident: id,
		Level: string(in.level), Cause: string(in.cause), Duration: now.Sub(in.start).Seconds(),
		Message: fmt.Sprintf("%s since %s: %s", verdict.Word(in.level), clock(in.start), in.sentence)}}
}

// alertUpdate tells the desktop the incident's new root cause or level once
// it has held for Settle (a retry loop between two words is not news, nor
// is a level that eases while the connections come back one by one), at
// once when the new cause is one that waiting does not mend.
func (e *Engine) alertUpdate(now time.Time) []wire.Entry {
	in := e.incident
	if !in.notified || (in.shown == in.cause && in.shownLvl == in.level) {
		return nil
	}
	newMendless := in.shown != in.cause && e.threshold(in.cause) == 0
	if !newMendless && (now.Sub(in.causeAt) < Settle || now.Sub(in.levelAt) < Settle) {
		return nil
	}
	in.shown, in.shownLvl = in.cause, in.level
	return []wire.Entry{{At: wire.Unix(now), Connection: in.where, Kind: wire.EntryAlert, Alert: KindOf(in.cause), Incident: wire.Unix(in.start),
		Level: string(in.level), Cause: string(in.cause), Duration: now.Sub(in.start).Seconds(),
		Message: fmt.Sprintf("Now %s: %s (down since %s, %s)", verdict.Word(in.level), in.sentence, clock(in.start), human(now.Sub(in.start)))}}
}

// delivered is told which alert reached the desktop (see notify).
func (e *Engine) delivered(a *wire.Entry, at time.Time) {
	in := e.incident
	if in == nil || a.Alert == wire.AlertRecovered || a.Incident != wire.Unix(in.start) {
		return
	}
	if !in.notified {
		e.lastOpen = at
	}
	in.notified = true
	in.shown, in.shownLvl = verdict.Cause(a.Cause), verdict.Level(a.Level)
	in.told = verdict.Title(in.v) // what titleOf showed
}

// threshold is how long an incident of cause lasts before it is notified.
func (e *Engine) threshold(c verdict.Cause) time.Duration {
	switch c {
	case verdict.CauseKeyRefused, verdict.CauseConnectionLimit:
		return 0
	case verdict.CauseSilent:
		return e.settings.SilentAfter()
	}
	return e.settings.OutageAfter()
}

// where names what an incident is about, for the timeline's connection
// column and filter: the one connection that is not OK, Redis or the
// remote server for their causes, "" when it is several.
func where(v *verdict.Verdict) string {
	switch v.Cause {
	case verdict.CauseNotPublishing, verdict.CauseSubscriptionLost:
		return wire.ConnRedis
	case verdict.CauseNotSignedIn, verdict.CauseServerUnreachable, verdict.CauseMonitorUnavailable, verdict.CauseStale:
		return wire.ConnRemote
	}
	one := ""
	for id, c := range v.Connections {
		if c.Level == verdict.OK {
			continue
		}
		if one != "" {
			return ""
		}
		one = id
	}
	return one
}

// clock is a time as a person reads it in a notification: 15:04:05, local.
func clock(t time.Time) string { return t.Local().Format("15:04:05") }
