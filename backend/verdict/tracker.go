package verdict

import (
	"sync"
	"time"

	"github.com/tickstock/monitor/backend/wire"
)

// Tracker turns successive observations into evidence: which connections'
// counters move, which say connected and have been silent past the stall
// threshold. It keeps a verdict's Since at the start of the incident (its
// level and cause), so a retry does not reset "down since". Safe for
// concurrent use; one per session.
type Tracker struct {
	mu    sync.Mutex
	conns map[string]*track
	last  Verdict
	seen  bool
	// ended is the last incident (a verdict not OK) that another verdict
	// replaced, at endedAt: the same one back within IncidentGap is the
	// same incident, its Since kept.
	ended   Verdict
	endedAt time.Time
}

// IncidentGap: a verdict that comes back within this long after it was
// replaced is the same incident, not a new one, so "down since" does not
// move when a retry connects for a moment before it fails again.
const IncidentGap = 3 * time.Second

// track is what the tracker remembers of one connection.
type track struct {
	count int64       // message_count last seen
	word  wire.Status // status last seen
	rose  time.Time   // when the counters last moved, or one of its ticks arrived
	// counted is when message_count last rose; heard when this monitor
	// last received one of its ticks (Evidence.Received); base the count
	// of the first rise seen over a second after it (based: taken), so a
	// rise past base counts ticks the server counted after its last tick
	// arrived here.
	counted, heard time.Time
	base           int64
	based          bool
	undelivered    bool // held until one of its ticks arrives (ConnEvidence.Undelivered)
	// risesUnderWord counts consecutive observations in which the count
	// rose while the word stayed the same.
	risesUnderWord int
	aliveSince     time.Time // when the word last became an alive one
}

// NewTracker starts with nothing seen.
func NewTracker() *Tracker { return &Tracker{conns: map[string]*track{}} }

// Judge adds the counters' evidence of ev.Snapshot (and ev.Received) to
// ev, judges it, and keeps Since at the start of the incident.
func (t *Tracker) Judge(ev Evidence) Verdict {
	t.mu.Lock()
	defer t.mu.Unlock()
	if ev.Snapshot != nil {
		ev.Conns = t.observe(*ev.Snapshot, ev.At, stallOf(ev), ev.Received)
	}
	v := Judge(ev)
	switch {
	case t.seen && same(t.last, v):
		v.Since = t.last.Since
	case v.Level != OK && same(t.ended, v) && ev.At.Sub(t.endedAt) <= IncidentGap:
		v.Since = t.ended.Since
	}
	if t.seen && t.last.Level != OK && !same(t.last, v) {
		t.ended, t.endedAt = t.last, ev.At
	}
	t.last, t.seen = v, true
	return v
}

// same: the same level for the same cause.
func same(a, b Verdict) bool { return a.Level == b.Level && a.Cause == b.Cause }

// Last is the newest verdict judged (zero before the first).
func (t *Tracker) Last() Verdict {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.last
}

func stallOf(ev Evidence) time.Duration {
	if ev.StallAfter > 0 {
		return ev.StallAfter
	}
	return DefaultStallAfter
}

// observe updates each connection's track and returns the evidence.
func (t *Tracker) observe(s wire.Snapshot, at time.Time, stall time.Duration, received map[string]float64) map[string]ConnEvidence {
	out := make(map[string]ConnEvidence, len(s.Connections))
	for id, c := range s.Connections {
		tr, ok := t.conns[id]
		if !ok {
			tr = &track{count: c.MessageCount, word: c.Status}
			if c.LastMessageTime > 0 {
				tr.rose = minTime(wire.Time(c.LastMessageTime), at)
			}
			t.conns[id] = tr
		} else {
			tr.move(c, at)
		}
		if r := received[id]; r > 0 {
			got := minTime(wire.Time(r), at)
			if got.After(tr.rose) {
				tr.rose = got
			}
			if got.After(tr.heard) {
				tr.heard, tr.based = got, false
			}
		}
		tr.alive(c, at)
	}
	heard := t.heardAny(at, stall)
	for id, c := range s.Connections {
		tr := t.conns[id]
		tr.deliveries(at, stall, heard)
		out[id] = tr.evidence(c, at, stall)
	}
	return out
}

// move records a new observation of the counters.
func (tr *track) move(c wire.Connection, at time.Time) {
	rose := c.MessageCount > tr.count
	switch {
	case c.Status != tr.word:
		tr.risesUnderWord = 0
	case rose:
		tr.risesUnderWord++
	default:
		tr.risesUnderWord = 0
	}
	if rose {
		tr.rose, tr.counted = at, at
	}
	tr.count, tr.word = c.MessageCount, c.Status
}

// alive keeps when the word last became one that claims a live link.
func (tr *track) alive(c wire.Connection, at time.Time) {
	if !aliveWord(c.Status) {
		tr.aliveSince = time.Time{}
		return
	}
	if tr.aliveSince.IsZero() {
		tr.aliveSince = at
	}
	if c.ConnectedSince > 0 {
		if cs := wire.Time(c.ConnectedSince); cs.Before(tr.aliveSince) {
			tr.aliveSince = cs
		}
	}
}

// evidence: an alive word streams while the counters moved within the
// stall threshold; a word of the contract that says the link is down
// (disconnected, connecting, error, …) is believed unless the count keeps
// rising under it (twice in a row: the last ticks before a drop arrive
// with the drop).
func (tr *track) evidence(c wire.Connection, at time.Time, stall time.Duration) ConnEvidence {
	fresh := !tr.rose.IsZero() && at.Sub(tr.rose) <= stall
	if !aliveWord(c.Status) {
		return ConnEvidence{Streaming: fresh && tr.risesUnderWord >= 2, Undelivered: tr.undelivered && tr.risesUnderWord >= 2}
	}
	return ConnEvidence{Streaming: fresh, Silent: !fresh && at.Sub(tr.aliveSince) > stall, Undelivered: tr.undelivered}
}

// heardAny: a tick of some connection reached this monitor within the
// stall threshold.
func (t *Tracker) heardAny(at time.Time, stall time.Duration) bool {
	for _, tr := range t.conns {
		if !tr.heard.IsZero() && at.Sub(tr.heard) <= stall {
			return true
		}
	}
	return false
}

// deliveries: ticks counted after the last one heard (a rise past base),
// nothing heard for the stall threshold and no connection heard starts
// "undelivered"; a tick heard ends it. The base is the count of the first
// rise seen over a second after that tick: a server's figures count what
// it read up to when it sent them (TickStockAppV2: every 5 s), so the first
// figures after the last tick may still rise for ticks that arrived, and
// only a rise past them counts ticks that did not. Not while another
// connection is heard: one Redis carries them all, and TickStockAppV2
// labels a tick with the connection its ticker is assigned to, not the
// one that counted it. A monitor that never heard the connection knows
// nothing of its ticks, and a provider that goes quiet counts nothing
// more: neither starts it.
func (tr *track) deliveries(at time.Time, stall time.Duration, heardAny bool) {
	if tr.heard.IsZero() {
		return
	}
	if at.Sub(tr.heard) <= stall {
		tr.undelivered = false
	}
	if tr.based && tr.count < tr.base { // the server's counters restarted
		tr.base = tr.count
	}
	if !tr.based && tr.counted.Sub(tr.heard) > time.Second {
		tr.base, tr.based = tr.count, true
	}
	if !heardAny && at.Sub(tr.heard) > stall && tr.based && tr.count > tr.base {
		tr.undelivered = true
	}
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
