package service

import (
	"reflect"
	"sync"
	"time"

	"github.com/tickstock/monitor/backend/verdict"
	"github.com/tickstock/monitor/backend/wire"
)

// verdicts keeps the session's verdict: judged on every change and every
// second (incidents.observe calls judge), read by the window.
type verdicts struct {
	tracker    *verdict.Tracker
	stallAfter time.Duration
	changed    chan struct{} // capacity 1: a pending change is enough

	mu   sync.Mutex
	last verdict.Verdict // without At: what the window would show
}

func newVerdicts(stallAfter time.Duration) *verdicts {
	return &verdicts{tracker: verdict.NewTracker(), stallAfter: stallAfter, changed: make(chan struct{}, 1)}
}

// judge gathers the mode's evidence, judges it and signals a change (any
// but the time it was computed at).
func (s *Service) judge(now time.Time) verdict.Verdict {
	ev := verdict.Evidence{At: now, StallAfter: s.verdicts.stallAfter}
	s.mode.evidence(&ev)
	v := s.verdicts.tracker.Judge(ev)
	shown := v
	shown.At = 0
	s.verdicts.mu.Lock()
	changed := !reflect.DeepEqual(shown, s.verdicts.last)
	s.verdicts.last = shown
	s.verdicts.mu.Unlock()
	if changed {
		select {
		case s.verdicts.changed <- struct{}{}:
		default:
		}
	}
	return v
}

// Verdict is the session's judgement now: OK, degraded, down or unknown,
// with the sentence every surface shows. (It is also judged every second
// and on every change, which signals VerdictChanged.)
func (s *Service) Verdict() verdict.Verdict { return s.judge(time.Now()) }

// VerdictChanged is signalled when the verdict changes (level, cause,
// sentence, counts, a connection's label or lost ticks).
func (s *Service) VerdictChanged() <-chan struct{} { return s.verdicts.changed }

// evidence of the modes.

func (l *local) evidence(ev *verdict.Evidence) {
	l.Ingest.Evidence(ev)
	l.withMonitor.evidence(ev)
}

func (r *observed) evidence(ev *verdict.Evidence) {
	ev.Mode = verdict.ModeRemote
	st := r.Observer.State()
	ev.Remote = &verdict.Remote{Access: r.accessOf(st), Detail: st.Detail, LastData: st.LastData}
	snap := r.Observer.Snapshot()
	ev.Snapshot = &snap
	if sv, ok := r.Observer.ServerVerdict(); ok && st.State == wire.StateObserving {
		ev.Publishing = serverPublishing(sv)
	}
	r.withMonitor.evidence(ev)
}

// serverPublishing: what serve's own verdict says of its publishing, which
// only serve can see. A verdict on other grounds says its ticks are
// published as far as it knows.
func serverPublishing(sv verdict.Verdict) *verdict.Publishing {
	if sv.Cause != verdict.CauseNotPublishing {
		return &verdict.Publishing{OK: true, Queued: sv.Queued}
	}
	return &verdict.Publishing{OK: false, Detail: sv.Detail, Queued: sv.Queued}
}

func (i *idle) evidence(ev *verdict.Evidence) {
	ev.Mode, ev.Problem = verdict.ModeIdle, i.problem
}

// evidence of the monitor: its own subscription, and when it last received
// a tick of each connection.
func (m withMonitor) evidence(ev *verdict.Evidence) {
	sub := m.Monitor.Subscription()
	ev.Subscription = &verdict.Subscription{OK: subscriptionOK(sub), Detail: sub.Detail}
	ev.Received = map[string]float64{}
	for id, c := range m.MetricsAt(ev.At).Connections {
		ev.Received[id] = c.LastTick
	}
}

// subscriptionOK: subscribed, or still connecting for the first time, or
// not needed because the server's push feeds the rows.
func subscriptionOK(s wire.SubscriptionState) bool {
	switch {
	case s.Feed == wire.FeedPush:
		return true
	case s.State == wire.SubscriptionConnecting && s.Gaps == 0:
		return true
	}
	return s.State == wire.SubscriptionSubscribed
}

// accessOf is what the observer's state means for judging. Signing in
// again by itself after the server was unreachable (once figures had
// arrived) is still unreachable until the server answers: a server back
// after an outage is still down while the sign-in takes its seconds, not
// "not signed in" (which would be news on the desktop under a loaded
// bcrypt).
func (r *observed) accessOf(st wire.RemoteState) verdict.Access {
	r.mu.Lock()
	defer r.mu.Unlock()
	if st.State == wire.StateSigningIn && st.LastData > 0 && r.settled == verdict.AccessUnreachable {
		return r.settled
	}
	r.settled = access(st.State)
	return r.settled
}

// access reduces the observer's state words to what they mean for judging.
func access(state wire.SignInState) verdict.Access {
	switch state {
	case wire.StateObserving:
		return verdict.AccessObserving
	case wire.StateUnreachable:
		return verdict.AccessUnreachable
	case wire.StateMonitorUnavailable:
		return verdict.AccessMonitorUnavailable
	}
	// needs_password, signing_in, wrong_credentials, forbidden,
	// subscription_expired, session_expired, session_failing, stopped.
	return verdict.AccessNotSignedIn
}
