package remote

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tickstock/monitor/backend/wire"
)

// maxMoves bounds the moves kept (one per ticker, the newest).
const maxMoves = 50

// TickSink takes the ticks of TickStockAppV2's tick_update (the Redis
// monitor), and is told what feeds its rows: "redis", "push" (tick_update)
// or "none" (nothing known yet of which connection carries which ticker).
type TickSink interface {
	Offer(payload []byte) bool
	UseFeed(feed wire.Feed, detail string)
	// Skipped counts the Redis messages not used because the push fed
	// the rows (forward.go: the push stopped forwarding them).
	Skipped() int64
}

// Options tune an Observer; zero values take the defaults.
type Options struct {
	Log          *slog.Logger
	PollInterval time.Duration // default 2 s
	// FirstRetry and MaxRetry bound the jittered backoff of re-sign-in and
	// reconnection; defaults 1 s and 60 s.
	FirstRetry, MaxRetry time.Duration
	// PushPeriod: the server pushes at least this often; default 5 s.
	PushPeriod time.Duration
	// MaxPushEvent caps one Socket.IO event in bytes; default 8 MiB.
	MaxPushEvent int64
	// QuickExpiries sessions in a row that end within StableAfter of their
	// sign-in stop the observer with wire.StateSessionFailing; defaults 3, 30 s.
	QuickExpiries int
	StableAfter   time.Duration
	// ForwardGap: TickStockAppV2's push without a tick this long while
	// Redis carries them feeds the rows from Redis (forward.go); default 5 s.
	ForwardGap time.Duration
}

func (o *Options) fill() {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.PollInterval <= 0 {
		o.PollInterval = 2 * time.Second
	}
	if o.FirstRetry < time.Second {
		o.FirstRetry = time.Second
	}
	if o.MaxRetry <= 0 {
		o.MaxRetry = time.Minute
	}
	if o.PushPeriod <= 0 {
		o.PushPeriod = 5 * time.Second
	}
	if o.QuickExpiries <= 0 {
		o.QuickExpiries = 3
	}
	if o.StableAfter <= 0 {
		o.StableAfter = 30 * time.Second
	}
	if o.ForwardGap <= 0 {
		o.ForwardGap = 5 * time.Second
	}
}

// Observer keeps a remote server's snapshot current. It implements what the
// window and the Redis monitor need of a manager: Snapshot, Changed,
// ConnectionOf and Assignment (from the snapshot's ticker lists, and from
// the connection_id of TickStockAppV2's tick_update).
type Observer struct {
	client *Client
	email  string
	opts   Options
	log    *slog.Logger
	sink   TickSink

	wake    chan struct{} // SignIn
	changed chan struct{}
	assign  atomic.Pointer[map[string]string] // from ticker lists
	learned atomic.Pointer[map[string]string] // from tick_update
	learnMu sync.Mutex
	moves   []wire.TickerMove // under learnMu
	dropped atomic.Int64
	linked  atomic.Bool // the current push stream has opened (Linked)
	// lastTick: when the newest tick_update arrived (Unix ns); it is data
	// from the server as much as a health update is.
	lastTick atomic.Int64
	// linkedAt: when the current push stream opened (Unix ns); onRedis:
	// its tick_update stopped while Redis carries the ticks (forward.go).
	linkedAt atomic.Int64
	onRedis  atomic.Bool

	mu       sync.Mutex
	password string // this run only; never written anywhere
	snap     wire.Snapshot
	lists    bool // the snapshot has ticker lists (serve)
	state    wire.RemoteState
	cancel   context.CancelFunc
	done     chan struct{}
}

// NewObserver observes serverURL as email. Sign in with SignIn (or pass the
// keyring's password to it before Start).
func NewObserver(serverURL, email string, opts Options) (*Observer, error) {
	c, err := NewClient(serverURL)
	if err != nil {
		return nil, err
	}
	opts.fill()
	c.PushPeriod = opts.PushPeriod
	c.MaxPushEvent = opts.MaxPushEvent
	o := &Observer{client: c, email: email, opts: opts, log: opts.Log,
		wake: make(chan struct{}, 1), changed: make(chan struct{}, 1)}
	empty, none := map[string]string{}, map[string]string{}
	o.assign.Store(&empty)
	o.learned.Store(&none)
	o.state = wire.RemoteState{State: wire.StateNeedsPassword, Server: c.URL(), Email: email,
		Detail: "Not signed in: enter the admin password for " + email + " to observe " + c.URL() + ".", Since: now()}
	o.snap = idleSnapshot()
	return o, nil
}

// SetTickSink hands tick_update ticks to sink; call before Start. Until the
// first answer of the server the sink shows no rows: no tick could be placed.
func (o *Observer) SetTickSink(sink TickSink) {
	o.sink = sink
	sink.UseFeed(wire.FeedNone, "Ticks show once signed in to "+o.client.URL()+": the server says which connection carries which ticker.")
}

// SignIn sets the password for this run and (re)starts signing in.
func (o *Observer) SignIn(password string) {
	o.mu.Lock()
	o.password = password
	o.mu.Unlock()
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// Start runs until ctx ends or Close.
func (o *Observer) Start(ctx context.Context) {
	ctx, o.cancel = context.WithCancel(ctx)
	o.done = make(chan struct{})
	go func() { defer close(o.done); o.loop(ctx) }()
}

// Close stops observing.
func (o *Observer) Close() {
	if o.cancel != nil {
		o.cancel()
		<-o.done
	}
}

// wire.RemoteState is the sign-in and link state.
func (o *Observer) State() wire.RemoteState {
	o.mu.Lock()
	defer o.mu.Unlock()
	st := o.state
	st.PushDropped = o.dropped.Load()
	if t := wire.UnixNano(o.lastTick.Load()); t > st.LastData {
		st.LastData = t
	}
	// Counts only: no ticker lists, and no tick_update either (polling).
	st.CountsOnly = st.LastData > 0 && !o.lists && st.Feed == wire.FeedPolling
	st.UncountedErrors = uncountedErrors(o.snap)
	if st.ServerError != "" && st.State == wire.StateObserving {
		st.Detail += fmt.Sprintf(" Its push namespace sent an error: %q.", st.ServerError)
	}
	o.learnMu.Lock()
	st.Moves = slices.Clone(o.moves)
	o.learnMu.Unlock()
	return st
}

// uncountedErrors: the enabled connections in "error" with no error counted.
func uncountedErrors(s wire.Snapshot) []string {
	ids := []string{}
	for _, id := range wire.SlotIDs {
		c := s.Connections[id]
		if c.Enabled && c.Status == wire.StatusError && c.ErrorCount == 0 {
			ids = append(ids, id)
		}
	}
	return ids
}

// Snapshot is the newest snapshot from the server. When the server sends
// no ticker lists (TickStockAppV2), each connection's list is the tickers
// its tick_update events carried, by their connection_id.
func (o *Observer) Snapshot() wire.Snapshot {
	o.mu.Lock()
	snap, lists := o.snap, o.lists
	o.mu.Unlock()
	learned := *o.learned.Load()
	if lists || len(learned) == 0 {
		return snap
	}
	byConn := map[string][]string{}
	for sym, id := range learned {
		if id != "" {
			byConn[id] = append(byConn[id], sym)
		}
	}
	out := snap
	out.Connections = maps.Clone(snap.Connections)
	for id, syms := range byConn {
		c, ok := out.Connections[id]
		if !ok {
			continue
		}
		sort.Strings(syms)
		c.Tickers = syms
		out.Connections[id] = c
	}
	return out
}

// Changed is signalled on a new snapshot or state.
func (o *Observer) Changed() <-chan struct{} { return o.changed }

// ConnectionOf is the connection whose ticker list holds symbol, or the one
// TickStockAppV2 named for it in tick_update.
func (o *Observer) ConnectionOf(symbol string) (string, bool) {
	if id, ok := (*o.assign.Load())[symbol]; ok {
		return id, true
	}
	id, ok := (*o.learned.Load())[symbol]
	return id, ok && id != ""
}

// Assignment is ticker → connection as far as known.
func (o *Observer) Assignment() map[string]string {
	out := maps.Clone(*o.learned.Load())
	maps.DeleteFunc(out, func(_, id string) bool { return id == "" })
	maps.Copy(out, *o.assign.Load())
	return out
}

func (o *Observer) loop(ctx context.Context) {
	bo := newBackoff(o.opts.FirstRetry, o.opts.MaxRetry)
	quick := 0
	for ctx.Err() == nil {
		o.mu.Lock()
		pw := o.password
		o.mu.Unlock()
		if pw == "" {
			if !o.waitForSignIn(ctx) {
				break
			}
			continue
		}
		select {
		case <-o.wake: // this password's SignIn: already taken
		default:
		}
		signedIn, err := o.session(ctx, pw)
		o.feedAfterSession()
		if ctx.Err() != nil {
			break
		}
		if !signedIn.IsZero() && time.Since(signedIn) >= o.opts.StableAfter {
			bo.reset() // a session that lasted: the next trouble starts afresh
			quick = 0
		}
		server := o.client.URL()
		if !signedIn.IsZero() {
			o.log.Warn("the session ended", "server", server, "lasted", time.Since(signedIn).Round(time.Millisecond), "err", err)
		}
		switch {
		case errors.Is(err, ErrUnauthorized) && signedIn.IsZero():
			// Never again by itself: TickStockAppV2 locks the account after
			// 5 failed sign-ins.
			o.forgetPassword()
			o.setState(wire.StateWrongCredentials, refusedDetail(err, o.email, server), time.Time{})
			bo.reset()
		case errors.Is(err, ErrSubscriptionExpired):
			o.forgetPassword()
			o.setState(wire.StateSubscriptionExpired, "The password for "+o.email+" is right, but the account's subscription on "+server+" has expired: TickStockAppV2 offers to renew it on its login page (a code is sent to the account's phone). Renew it there in a browser, then sign in again here.", time.Time{})
		case errors.Is(err, ErrForbidden):
			o.forgetPassword()
			o.setState(wire.StateForbidden, "Signed in, but "+o.email+" is not an admin on "+server+": sign in with an admin or super account.", time.Time{})
		case errors.Is(err, ErrUnauthorized):
			// Signed in, then the session was refused: the server restarted
			// or signed us out. Sign in again, after a backoff.
			quick++
			if quick >= o.opts.QuickExpiries {
				o.forgetPassword()
				o.setState(wire.StateSessionFailing, fmt.Sprintf("The server ended the session right after sign-in %d times in a row, so signing in again was stopped: check the account and the server's session settings, then sign in again.", quick), time.Time{})
				quick = 0
				bo.reset()
				continue
			}
			d := bo.next()
			// The delay is RetryAt's, which the window counts down: a number
			// here would be a second countdown, frozen at the start.
			o.setState(wire.StateSessionExpired, fmt.Sprintf("The session on %s ended (the server restarted or signed us out). Signing in again after a pause.", server), time.Now().Add(d))
			o.sleep(ctx, d)
		default:
			d := bo.next()
			o.setState(wire.StateUnreachable, sentence(errText(err))+". Retrying, with a longer pause after each failure.", time.Now().Add(d))
			o.sleep(ctx, d)
		}
	}
	o.setState(wire.StateStopped, "Stopped.", time.Time{})
}

func (o *Observer) forgetPassword() {
	o.mu.Lock()
	o.password = ""
	o.mu.Unlock()
}

func (o *Observer) sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	case <-o.wake: // a new password: try at once
	}
}

func (o *Observer) waitForSignIn(ctx context.Context) bool {
	select {
	case <-ctx.Done():
		return false
	case <-o.wake:
		return true
	}
}

// session signs in and follows the server until something breaks. It
// returns when the sign-in succeeded (zero if it did not) and why it ended.
func (o *Observer) session(ctx context.Context, password string) (time.Time, error) {
	detail := "Signing in to " + o.client.URL() + " as " + o.email + "…"
	o.mu.Lock()
	if prev := o.state; prev.LastData > 0 && (prev.State == wire.StateUnreachable || prev.State == wire.StateSessionExpired) {
		detail = "Signing in again to " + o.client.URL() + " (" + strings.TrimSuffix(firstSentence(prev.Detail), ".") + ")…"
	}
	o.mu.Unlock()
	o.setState(wire.StateSigningIn, detail, time.Time{})
	if err := o.client.Login(ctx, o.email, password); err != nil {
		return time.Time{}, err
	}
	signedIn := time.Now()
	o.mu.Lock()
	o.state.Kind = o.client.Kind()
	o.mu.Unlock()
	o.log.Info("signed in", "server", o.client.URL(), "kind", o.client.Kind())
	snap, err := o.client.Status(ctx)
	if errors.Is(err, ErrMonitorUnavailable) {
		snap, err = o.awaitMonitor(ctx, err)
	}
	if err != nil {
		return signedIn, err
	}
	o.Health(snap)
	// Observing by push is said once the stream is open (Linked), not
	// before: a server without one would read "following its push stream"
	// until its refusal arrived.
	err = o.stream(ctx)
	switch {
	case errors.Is(err, ErrNoPushStream):
		o.setObserving(false, "it has no push stream")
	case errors.Is(err, ErrPushRefused):
		// Refused for a lost session, a role, or a server without the
		// namespace: the status API tells which.
		if _, serr := o.client.Status(ctx); serr != nil {
			return signedIn, serr
		}
		o.setObserving(false, "its /admin-ws namespace refused the connection")
	default:
		// A broken or silent push link: shown stale at once; the next round
		// signs in again (a restarted server has forgotten the session).
		return signedIn, err
	}
	return signedIn, o.pollLoop(ctx)
}

// awaitMonitor: signed in, but the server's connection monitor is not
// available. The session is good, so the status API is asked again with
// backoff — never a new sign-in — until it answers or something else goes
// wrong.
func (o *Observer) awaitMonitor(ctx context.Context, err error) (wire.Snapshot, error) {
	bo := newBackoff(o.opts.FirstRetry, o.opts.MaxRetry)
	for errors.Is(err, ErrMonitorUnavailable) {
		d := bo.next()
		o.setState(wire.StateMonitorUnavailable, o.monitorUnavailable(err)+" Asking again after a pause.", time.Now().Add(d))
		o.log.Warn("the server's connection monitor is not available", "server", o.client.URL(), "err", err)
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return wire.Snapshot{}, ctx.Err()
		case <-t.C:
		}
		var snap wire.Snapshot
		if snap, err = o.client.Status(ctx); err == nil {
			return snap, nil
		}
	}
	return wire.Snapshot{}, err
}

// monitorUnavailable is the sentence of wire.StateMonitorUnavailable.
func (o *Observer) monitorUnavailable(err error) string {
	return "Signed in to " + o.client.URL() + " as " + o.email + "; " + err.Error() + ". " + o.client.MonitorUnavailableHint()
}

// MonitorUnavailableHint says what to do when the server's connection
// monitor is not available (ErrMonitorUnavailable), for the kind of server
// signed in to: the window's sentence and status's say the same.
func (c *Client) MonitorUnavailableHint() string {
	if c.Kind() == wire.KindTSV2 {
		return "TickStockAppV2 started with `python src/app.py` has this fault; see docs/operators.md."
	}
	return "See the server's log, and restart it."
}

func (o *Observer) pollLoop(ctx context.Context) error {
	t := time.NewTicker(o.opts.PollInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
		snap, err := o.client.Status(ctx)
		if err != nil {
			return err
		}
		o.Health(snap)
	}
}

// Health takes a full snapshot (Push).
func (o *Observer) Health(s wire.Snapshot) {
	a := map[string]string{}
	lists := false
	for id, c := range s.Connections {
		for _, t := range c.Tickers {
			a[t] = id
		}
		lists = lists || len(c.Tickers) > 0
	}
	o.assign.Store(&a)
	o.mu.Lock()
	o.snap = s
	o.state.LastData = now()
	o.lists = lists
	o.mu.Unlock()
	o.signal()
}

// Metrics merges TickStockAppV2's periodic per-connection metrics (Push).
func (o *Observer) Metrics(raw []byte) {
	o.mu.Lock()
	s, err := mergeMetrics(o.snap, raw)
	if err == nil {
		o.snap = s
		o.state.LastData = now()
	}
	o.mu.Unlock()
	if err != nil {
		o.log.Warn("metrics_update ignored", "err", err)
		return
	}
	o.signal()
}

// Tick takes one tick_update (Push): its connection_id is learned for the
// symbol, and the tick goes to the sink. A nil payload is a dropped one.
func (o *Observer) Tick(payload []byte, connectionID string) {
	o.lastTick.Store(time.Now().UnixNano())
	o.forwardingAgain()
	if payload == nil {
		o.dropped.Add(1)
		return
	}
	if sym := symbolOf(payload); sym != "" && (*o.learned.Load())[sym] != connectionID {
		o.learn(sym, connectionID)
	}
	if o.sink != nil && !o.sink.Offer(payload) {
		o.dropped.Add(1)
	}
}

// learn records that sym came on connectionID; a ticker that came on
// another connection before has moved (TickStockAppV2's subscribe() gives
// tickers to the first connected connection, taking them from others).
func (o *Observer) learn(sym, connectionID string) {
	o.learnMu.Lock()
	defer o.learnMu.Unlock()
	m := maps.Clone(*o.learned.Load())
	if from := m[sym]; from != "" && connectionID != "" {
		o.moves = slices.DeleteFunc(o.moves, func(mv wire.TickerMove) bool { return mv.Symbol == sym })
		o.moves = append(o.moves, wire.TickerMove{Symbol: sym, From: from, To: connectionID, At: now()})
		if len(o.moves) > maxMoves {
			o.moves = o.moves[len(o.moves)-maxMoves:]
		}
		o.log.Info("ticker moved", "symbol", sym, "from", from, "to", connectionID)
	}
	m[sym] = connectionID
	o.learned.Store(&m)
}

// Linked: the push stream is open; from now on it is followed (Push).
func (o *Observer) Linked() {
	o.linkedAt.Store(time.Now().UnixNano())
	o.onRedis.Store(false)
	o.linked.Store(true)
	o.setObserving(true, "")
}

// streamTries bounds how often a push stream that never opened is tried
// again within one session.
const streamTries = 3

// stream follows the server's push stream. One that never opened, while
// the status API still answers, is tried again in the same session: the
// session is good, and signing in again for it is what a busy or
// just-restarted TickStockAppV2 (whose first namespace CONNECT can go
// unanswered) does not need. One that opened and broke ends the session: a
// restarted server has forgotten it.
func (o *Observer) stream(ctx context.Context) error {
	stop := o.watchForwarding(ctx)
	defer stop()
	for try := 1; ; try++ {
		o.linked.Store(false)
		err := o.client.Stream(ctx, o)
		if err == nil || o.linked.Load() || try == streamTries || ctx.Err() != nil ||
			errors.Is(err, ErrNoPushStream) || errors.Is(err, ErrPushRefused) {
			return err
		}
		if _, serr := o.client.Status(ctx); serr != nil {
			return serr
		}
		o.log.Warn("the push stream did not open; trying it again in the same session", "server", o.client.URL(), "err", err, "try", try)
		o.sleep(ctx, o.opts.FirstRetry)
	}
}

// ServerError takes the push namespace's error event (Push).
func (o *Observer) ServerError(message string) {
	o.log.Warn("the server's push namespace sent an error", "message", message)
	o.mu.Lock()
	o.state.ServerError, o.state.ServerErrorAt = message, now()
	o.mu.Unlock()
	o.signal()
}

// Refused counts a push event skipped for its size (Push).
func (o *Observer) Refused(size int64) {
	o.log.Warn("a push event over the size cap was not read", "bytes", size)
	o.mu.Lock()
	o.state.PushRefused++
	o.state.PushRefusedMax = max(o.state.PushRefusedMax, size)
	o.mu.Unlock()
	o.signal()
}

func (o *Observer) useFeed(feed wire.Feed, detail string) {
	if o.sink != nil {
		o.sink.UseFeed(feed, detail)
	}
}

// feedAfterSession: with the server gone, Redis feeds the rows if what
// carries which ticker is known (ticker lists, or tick_update seen).
func (o *Observer) feedAfterSession() {
	if len(*o.assign.Load()) > 0 || len(*o.learned.Load()) > 0 {
		o.useFeed(wire.FeedRedis, "")
		return
	}
	o.useFeed(wire.FeedNone, "Ticks show once "+o.client.URL()+" answers: it says which connection carries which ticker.")
}

func (o *Observer) setObserving(push bool, why string) {
	feed := wire.FeedPush
	how := "following its push stream"
	if o.client.Kind() == wire.KindTSV2 {
		how = "following its Socket.IO push (/admin-ws)"
	}
	if !push {
		feed = wire.FeedPolling
		how = "polling its status API every " + o.opts.PollInterval.String() + " (" + why + ")"
	}
	o.mu.Lock()
	o.state.Push, o.state.Feed, o.state.Kind = push, feed, o.client.Kind()
	o.mu.Unlock()
	o.log.Info("observing", "server", o.client.URL(), "kind", o.client.Kind(), "feed", feed)
	if push && o.client.Kind() == wire.KindTSV2 {
		o.useFeed(wire.FeedPush, o.pushFeedDetail())
	} else {
		o.useFeed(wire.FeedRedis, "")
	}
	o.setState(wire.StateObserving, "Observing "+o.client.URL()+" ("+string(o.client.Kind())+") as "+o.email+", "+how+".", time.Time{})
}

func (o *Observer) setState(state wire.SignInState, detail string, retry time.Time) {
	o.mu.Lock()
	if o.state.State != state {
		o.state.Since = now()
	}
	o.state.State, o.state.Detail = state, detail
	if state != wire.StateObserving {
		o.state.Push = false
	}
	// Anything but observing, after figures arrived, leaves them stale.
	o.state.Stale = state != wire.StateObserving && o.state.LastData > 0
	o.state.RetryAt = 0
	if !retry.IsZero() {
		o.state.RetryAt = wire.Unix(retry)
	}
	o.mu.Unlock()
	o.signal()
}

func (o *Observer) signal() {
	select {
	case o.changed <- struct{}{}:
	default:
	}
}

// refusedDetail says why a sign-in was refused and what to do.
func refusedDetail(err error, email, server string) string {
	var r *SignInRefusedError
	if errors.As(err, &r) && r.Reason() != RefusedCredentials {
		return sentence(err.Error()) + " (" + email + " on " + server + "). Not retried by itself."
	}
	return sentence(err.Error()) + " (" + email + " on " + server + "). Enter the password again."
}

func errText(err error) string {
	var u *UnreachableError
	if errors.As(err, &u) {
		return "Cannot reach the server: " + u.Cause
	}
	var s *StaleError
	if errors.As(err, &s) {
		return "The push went silent: " + s.Error()
	}
	return err.Error()
}

// sentence capitalises the first letter.
func sentence(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// firstSentence is s up to its first ". ".
func firstSentence(s string) string {
	if i := strings.Index(s, ". "); i >= 0 {
		return s[:i+1]
	}
	return s
}

func now() float64 { return wire.Unix(time.Now()) }

// idleSnapshot: before the first answer nothing is known about the
// connections, so they have no status word (the window shows them neutral,
// never as an outage).
func idleSnapshot() wire.Snapshot {
	s := wire.Snapshot{Connections: map[string]wire.Connection{}}
	for _, id := range wire.SlotIDs {
		s.Connections[id] = wire.Connection{Tickers: []string{}, Enabled: true}
	}
	return s
}
