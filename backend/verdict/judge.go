package verdict

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/tickstock/monitor/backend/wire"
)

// Mode is what the session runs, as far as judging goes.
type Mode string

const (
	// ModeLocal: this process runs the connections and publishes their
	// ticks (demo, embedded, serve, run).
	ModeLocal Mode = "local"
	// ModeRemote: a server is observed over its admin API.
	ModeRemote Mode = "remote"
	// ModeIdle: nothing runs, the configuration is wrong (Evidence.Problem).
	ModeIdle Mode = "idle"
)

// Access is the remote sign-in, reduced to what it means for judging.
type Access string

const (
	AccessObserving Access = "observing"
	// AccessNotSignedIn: no password yet, signing in, wrong credentials,
	// not an admin, subscription expired, session failing or stopped.
	AccessNotSignedIn        Access = "not_signed_in"
	AccessUnreachable        Access = "unreachable"
	AccessMonitorUnavailable Access = "monitor_unavailable"
)

// Remote is the evidence of a remote session.
type Remote struct {
	Access Access
	// Detail is the observer's sentence (what is wrong, what happens next).
	Detail string
	// LastData is when the newest figures arrived (Unix s); 0 = never.
	LastData float64
}

// Publishing is the evidence of the publisher (local mode only): whether
// its last pipeline reached Redis and none has hung since.
type Publishing struct {
	OK bool
	// Detail says why not, and may name where Redis is: it goes to
	// Verdict.Detail, never into a sentence.
	Detail string
	// Since is when the publisher's state last changed.
	Since  time.Time
	Queued int
	// Unheard: per connection, ticks Redis accepted while nobody was
	// subscribed (lost to every consumer), added to Conn.Lost.
	Unheard map[string]int64
}

// Subscription is the evidence of the monitor's own Redis subscription.
type Subscription struct {
	OK     bool
	Detail string // may name where Redis is: goes to Verdict.Detail
}

// ConnEvidence is what the counters say of one connection (Tracker).
type ConnEvidence struct {
	// Streaming: its counters move (message_count rising, or the last
	// message younger than the stall threshold).
	Streaming bool
	// Silent: it says it is connected, but nothing has arrived for longer
	// than the stall threshold.
	Silent bool
	// Undelivered: its server counted ticks after the last one that
	// reached this monitor, and no connection's tick has reached it for
	// longer than the stall threshold (Tracker.deliveries): what a server
	// that does not say whether it publishes (TickStockAppV2) shows when
	// its Redis is gone. It holds until one of its ticks arrives again.
	Undelivered bool
}

// Evidence is everything a verdict rests on, gathered by the caller.
type Evidence struct {
	At   time.Time
	Mode Mode
	// Problem: why nothing runs (ModeIdle), a sentence.
	Problem string
	// Snapshot is the newest health; nil = nothing received yet.
	Snapshot *wire.Snapshot
	// Conns: the counters' evidence per slot; a slot without an entry is
	// judged from the snapshot alone (last_message_time against At).
	Conns map[string]ConnEvidence
	// Received: when the monitor last received a tick of each connection
	// from Redis (Unix s); the Tracker counts it as the counters moving.
	Received map[string]float64
	// Publishing: nil when this process does not publish (remote mode).
	Publishing *Publishing
	// Subscription: nil when there is no subscription of its own to judge
	// (serve's /health, status).
	Subscription *Subscription
	// Remote: nil outside remote mode.
	Remote *Remote
	// StallAfter: a connected connection silent this long is silent;
	// default DefaultStallAfter.
	StallAfter time.Duration
	// StaleAfter: remote figures older than this are stale; default
	// DefaultStaleAfter.
	StaleAfter time.Duration
}

// Defaults of the thresholds.
const (
	// DefaultStallAfter: real providers send per-second or per-minute
	// aggregates; a connection that says connected and has sent nothing
	// for 10 s is worth a look (or the market is closed).
	DefaultStallAfter = 10 * time.Second
	// DefaultStaleAfter: the observer polls every 2 s and the push stream
	// sends at least every 5 s; three missed pushes are not current.
	DefaultStaleAfter = 15 * time.Second
)

// Judge decides the verdict from ev. Pure: the same evidence gives the same
// verdict. Since is At (Tracker keeps it at the incident's start).
func Judge(ev Evidence) Verdict {
	if ev.StallAfter <= 0 {
		ev.StallAfter = DefaultStallAfter
	}
	if ev.StaleAfter <= 0 {
		ev.StaleAfter = DefaultStaleAfter
	}
	at := wire.Unix(ev.At)
	v := Verdict{At: at, Since: at, Connections: map[string]Conn{}}
	if ev.Mode == ModeIdle {
		return v.set(Unknown, CauseConfiguration, "Nothing runs: "+strings.TrimSuffix(ev.Problem, ".")+". Fix the configuration and start again.")
	}
	if ev.Remote != nil {
		if out, done := judgeAccess(v, ev); done {
			return out
		}
	}
	if ev.Snapshot == nil {
		return v.set(Unknown, CauseStarting, "Nothing is known yet: waiting for the first health figures.")
	}
	judgeConns(&v, ev)
	if ev.Publishing != nil {
		v.Queued = ev.Publishing.Queued
	}
	if v.Enabled == 0 {
		return v.set(Unknown, CauseNoneEnabled, "No connection is enabled, so there is nothing to judge: enable a connection (WEBSOCKET_CONNECTION_N_ENABLED).")
	}
	if ev.Publishing != nil && !ev.Publishing.OK {
		v.Detail = ev.Publishing.Detail
		return v.set(Down, CauseNotPublishing, notPublishingSentence(v))
	}
	return judgeLevels(v, ev)
}

// judgeAccess decides when the remote sign-in leaves nothing to judge.
func judgeAccess(v Verdict, ev Evidence) (Verdict, bool) {
	r := ev.Remote
	v.Detail = r.Detail
	switch r.Access {
	case AccessNotSignedIn:
		return v.set(Unknown, CauseNotSignedIn, "Not signed in to the server, so nothing is judged: "+sentence(r.Detail, "sign in as an admin")), true
	case AccessUnreachable:
		// The observer's words (and its next retry) are in Detail: the
		// sentence stays the same through the retries of one outage.
		return v.set(Down, CauseServerUnreachable, "The server does not answer: check that it runs and that this machine can reach it."), true
	case AccessMonitorUnavailable:
		return v.set(Unknown, CauseMonitorUnavailable, "Signed in, but the server's connection monitor is not available, so nothing can be judged: restart the server (TickStockAppV2 started as `python src/app.py` never has one)."), true
	}
	if r.LastData <= 0 { // signed in, no figures yet
		v.Detail = ""
		return v.set(Unknown, CauseStarting, "Signed in; waiting for the server's first health figures."), true
	}
	if ev.At.Sub(wire.Time(r.LastData)) > ev.StaleAfter {
		return v.set(Unknown, CauseStale, fmt.Sprintf("The server's figures are more than %s old, so nothing current can be judged: check the server and the network.", ev.StaleAfter)), true
	}
	v.Detail = ""
	return v, false
}

// sentence is detail as the end of a sentence, or fallback.
func sentence(detail, fallback string) string {
	d := strings.TrimSpace(detail)
	if d == "" {
		d = fallback
	}
	d = strings.TrimSuffix(d, ".")
	return d + "."
}

// judgeConns fills v.Connections, Enabled and Connected.
func judgeConns(v *Verdict, ev Evidence) {
	publishing := ev.Publishing == nil || ev.Publishing.OK
	// Ticks that stop arriving say they are not published only where no
	// publisher says otherwise and this monitor's own view is sound.
	hearing := ev.Publishing == nil && ev.Subscription != nil && ev.Subscription.OK
	for id, c := range ev.Snapshot.Connections {
		if !enabled(ev, c) {
			continue
		}
		v.Enabled++
		e, ok := ev.Conns[id]
		if !ok {
			e = oneShot(c, ev.At, ev.StallAfter)
		}
		e.Undelivered = e.Undelivered && hearing
		conn := judgeConn(c, e, publishing, ev.StallAfter)
		conn.Lost = c.PublishDropped
		if ev.Publishing != nil {
			conn.Lost += ev.Publishing.Unheard[id]
		}
		if conn.Level == OK {
			v.Connected++
		}
		v.Connections[id] = conn
	}
}

// enabled: serve says so; TickStockAppV2 lists only its enabled
// connections and has no such field.
func enabled(ev Evidence, c wire.Connection) bool {
	return c.Enabled || (ev.Mode == ModeRemote && c.Status != wire.StatusDisabled && c.Status != "")
}

// oneShot is the evidence of a single snapshot: the last message's age.
func oneShot(c wire.Connection, at time.Time, stall time.Duration) ConnEvidence {
	if c.LastMessageTime <= 0 {
		alive := aliveWord(c.Status) && c.ConnectedSince > 0 && at.Sub(wire.Time(c.ConnectedSince)) > stall
		return ConnEvidence{Silent: alive}
	}
	fresh := at.Sub(wire.Time(c.LastMessageTime)) <= stall
	if downWord(c.Status) { // the last ticks before a drop are fresh too
		return ConnEvidence{}
	}
	return ConnEvidence{Streaming: fresh, Silent: !fresh && aliveWord(c.Status)}
}

// downWord: one of the contract's words for a link that is not up.
func downWord(s wire.Status) bool {
	return s != wire.StatusConnected && slices.Contains(wire.Statuses[:], s)
}

// aliveWord: the word claims a live link: connected, or TickStockAppV2's
// status_update (its client stores the provider's status-message type
// after the "subscribed to" confirmations, while the link streams). Any
// other word outside the contract is judged by the evidence alone.
func aliveWord(s wire.Status) bool {
	return s == wire.StatusConnected || s == StatusUpdate
}

// StatusUpdate is the word TickStockAppV2 reports for a streaming
// connection.
const StatusUpdate wire.Status = "status_update"

// judgeConn is one connection's part: the evidence first, then the word.
func judgeConn(c wire.Connection, e ConnEvidence, publishing bool, stall time.Duration) Conn {
	word := string(c.Status)
	out := Conn{Status: word, Label: word, Streaming: e.Streaming, Publishing: publishing}
	switch {
	case e.Undelivered && publishing && (e.Streaming || aliveWord(c.Status)):
		out.Level, out.Cause, out.Publishing = Down, CauseNotPublishing, false
		out.Label = word + " · not publishing"
		out.Sentence = fmt.Sprintf("Its ticks stopped reaching Redis over %s ago while its server still counted them: the server does not publish them.", stall)
	case e.Streaming || (aliveWord(c.Status) && !e.Silent):
		out.Level, out.Cause = OK, CauseHealthy
		out.Sentence = "Streaming."
		if !e.Streaming {
			out.Sentence = "Connected; no tick yet."
		}
		if c.Status != wire.StatusConnected && e.Streaming {
			out.Label = word + " · streaming"
		}
		if !publishing {
			out.Level, out.Cause = Down, CauseNotPublishing
			out.Label = word + " · not publishing"
			out.Sentence = "Receives ticks from the provider, but they cannot be published to Redis: they are lost."
		}
	case e.Silent:
		out.Level, out.Cause, out.Label = Degraded, CauseSilent, word+" · silent"
		out.Sentence = "Says connected, but has received nothing for longer than the stall threshold."
	case c.Status == wire.StatusAuthFailed:
		out.Level, out.Cause = Down, CauseKeyRefused
		out.Sentence = "The provider refused the API key: check MASSIVE_API_KEY."
	case c.Status == wire.StatusMaxConnections:
		out.Level, out.Cause = Down, CauseConnectionLimit
		out.Sentence = "The provider's connection limit for this key is reached: close other sessions using the key."
	default:
		out.Level, out.Cause = Down, CauseProviderDown
		out.Sentence = "Not connected to the provider" + lastError(c) + "."
	}
	return out
}

func lastError(c wire.Connection) string {
	if c.LastError == "" {
		return ""
	}
	return ": " + strings.TrimSuffix(c.LastError, ".")
}

// notPublishingSentence stays the same for the whole incident (the lost
// counts are in Connections, the duration in Since), so a notification
// built from it does not change every second.
func notPublishingSentence(v Verdict) string {
	return fmt.Sprintf("No tick reaches Redis: %d of %d enabled connections receive ticks that cannot be published, so every consumer misses them. Check that Redis runs and that this server can reach it.",
		countLevel(v, Down, CauseNotPublishing), v.Enabled)
}

func countLevel(v Verdict, l Level, c Cause) int {
	n := 0
	for _, conn := range v.Connections {
		if conn.Level == l && conn.Cause == c {
			n++
		}
	}
	return n
}

// judgeLevels rolls the connections up into the session's level and its
// root cause.
func judgeLevels(v Verdict, ev Evidence) Verdict {
	var down, silent []string
	for id, c := range v.Connections {
		switch c.Level {
		case Down:
			down = append(down, id)
		case Degraded:
			silent = append(silent, id)
		}
	}
	sort.Strings(down)
	sort.Strings(silent)
	switch {
	case len(down) == 0 && len(silent) == 0:
		if ev.Subscription != nil && !ev.Subscription.OK {
			v.Detail = ev.Subscription.Detail
			return v.set(Degraded, CauseSubscriptionLost, subscriptionLostSentence(v, ev))
		}
		return v.set(OK, CauseHealthy, fmt.Sprintf("All %d enabled connections stream%s.", v.Enabled, publishedWords(ev)))
	case len(down) == 0:
		return v.set(Degraded, CauseSilent, fmt.Sprintf("%s %s connected but silent for over %s: check the provider's feed (or whether the market is open).",
			names(silent), isAre(silent), stall(ev)))
	}
	cause := rootCause(v, down)
	level := Degraded
	if v.Connected == 0 && len(silent) == 0 {
		level = Down
	}
	return v.set(level, cause, fmt.Sprintf("%d of %d enabled connections deliver: %s %s %s.", v.Connected, v.Enabled, names(down), isAre(down), causeWords(cause)))
}

// subscriptionLostSentence: only a publisher that says so (local, serve)
// is said to publish; of TickStockAppV2's ticks nothing is known without
// the monitor's own subscription.
func subscriptionLostSentence(v Verdict, ev Evidence) string {
	if ev.Publishing == nil {
		return fmt.Sprintf("All %d enabled connections stream, but this monitor's own Redis subscription is down, so its rows and rates are not current and whether their ticks reach Redis cannot be seen: check the Redis address and password of this profile.", v.Enabled)
	}
	return fmt.Sprintf("All %d enabled connections stream and publish, but this monitor's own Redis subscription is down, so its rows and rates are not current: check the Redis address and password of this profile.", v.Enabled)
}

func publishedWords(ev Evidence) string {
	if ev.Publishing != nil {
		return " and their ticks are published to Redis"
	}
	return ""
}

func stall(ev Evidence) time.Duration {
	if ev.StallAfter <= 0 {
		return DefaultStallAfter
	}
	return ev.StallAfter
}

// rootCause: one refused key or connection limit explains the others'
// retries; ticks that do not reach Redis come next (a server's Redis gone).
func rootCause(v Verdict, down []string) Cause {
	for _, c := range []Cause{CauseKeyRefused, CauseConnectionLimit, CauseNotPublishing} {
		for _, id := range down {
			if v.Connections[id].Cause == c {
				return c
			}
		}
	}
	return CauseProviderDown
}

func causeWords(c Cause) string {
	switch c {
	case CauseKeyRefused:
		return "refused by the provider: the API key was not accepted; check MASSIVE_API_KEY"
	case CauseConnectionLimit:
		return "refused by the provider's connection limit for this key; close other sessions using the key"
	case CauseNotPublishing:
		return "receiving ticks that do not reach Redis; check the server's Redis and its log"
	}
	return "not connected to the provider; it retries by itself, check the provider's status and the network if this lasts"
}

func names(ids []string) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = wire.SlotLabel(id)
	}
	if len(out) <= 1 {
		return strings.Join(out, "")
	}
	return strings.Join(out[:len(out)-1], ", ") + " and " + out[len(out)-1]
}

func isAre(ids []string) string {
	if len(ids) == 1 {
		return "is"
	}
	return "are"
}

func (v Verdict) set(l Level, c Cause, s string) Verdict {
	v.Level, v.Cause, v.Sentence = l, c, s
	return v
}
