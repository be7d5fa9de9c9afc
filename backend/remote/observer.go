package remote

import (
	"context"
	"errors"
	"log/slog"
	"maps"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tickstock/monitor/backend/manager"
)

// Sign-in states, as the window shows them.
const (
	StateNeedsPassword    = "needs_password"
	StateSigningIn        = "signing_in"
	StateObserving        = "observing"
	StateWrongCredentials = "wrong_credentials"
	StateForbidden        = "forbidden"
	StateUnreachable      = "unreachable"
	StateSessionExpired   = "session_expired"
	StateStopped          = "stopped"
)

// State is the observer's sign-in and link state.
type State struct {
	State   string  `json:"state"`
	Server  string  `json:"server"`
	Email   string  `json:"email"`
	Detail  string  `json:"detail"` // a sentence
	RetryAt float64 `json:"retry_at"`
	Since   float64 `json:"since"`
	// Push: following /admin-ws; otherwise polling the status API every 2 s.
	Push bool `json:"push"`
	// CountsOnly: the server gives counts but no ticker lists (TickStockAppV2),
	// so ticks cannot be placed in columns.
	CountsOnly bool `json:"counts_only"`
}

// Observer keeps a remote server's snapshot current. It implements what the
// window and the Redis monitor need of a manager: Snapshot, Changed,
// ConnectionOf and Assignment (from the snapshot's ticker lists).
type Observer struct {
	client *Client
	email  string
	poll   time.Duration
	log    *slog.Logger

	wake    chan struct{} // SignIn
	changed chan struct{}
	assign  atomic.Pointer[map[string]string]

	mu       sync.Mutex
	password string // this run only; never written anywhere
	snap     manager.Snapshot
	state    State
	cancel   context.CancelFunc
	done     chan struct{}
}

// NewObserver observes serverURL as email. Sign in with SignIn (or pass the
// keyring's password to it before Start).
func NewObserver(serverURL, email string, log *slog.Logger) (*Observer, error) {
	c, err := NewClient(serverURL)
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	o := &Observer{client: c, email: email, poll: 2 * time.Second, log: log,
		wake: make(chan struct{}, 1), changed: make(chan struct{}, 1)}
	empty := map[string]string{}
	o.assign.Store(&empty)
	o.state = State{State: StateNeedsPassword, Server: c.URL(), Email: email,
		Detail: "Enter the admin password for " + email + " to observe " + c.URL() + ".", Since: now()}
	o.snap = idleSnapshot()
	return o, nil
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

// State is the sign-in and link state.
func (o *Observer) State() State {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.state
}

// Snapshot is the newest snapshot from the server.
func (o *Observer) Snapshot() manager.Snapshot {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.snap
}

// Changed is signalled on a new snapshot or state.
func (o *Observer) Changed() <-chan struct{} { return o.changed }

// ConnectionOf is the connection whose ticker list holds symbol.
func (o *Observer) ConnectionOf(symbol string) (string, bool) {
	id, ok := (*o.assign.Load())[symbol]
	return id, ok
}

// Assignment is ticker → connection from the newest snapshot.
func (o *Observer) Assignment() map[string]string { return maps.Clone(*o.assign.Load()) }

func (o *Observer) loop(ctx context.Context) {
	backoff := time.Second
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
		err := o.session(ctx, pw)
		if ctx.Err() != nil {
			break
		}
		switch {
		case errors.Is(err, ErrUnauthorized):
			o.mu.Lock()
			o.password = ""
			o.mu.Unlock()
			o.setState(StateWrongCredentials, "Wrong email or password for "+o.client.URL()+". Enter it again.", time.Time{})
			if !o.waitForSignIn(ctx) {
				return
			}
			backoff = time.Second
		case errors.Is(err, ErrForbidden):
			o.setState(StateForbidden, "This account is not an admin on "+o.client.URL()+": sign in with an admin or super account.", time.Time{})
			if !o.waitForSignIn(ctx) {
				return
			}
		case errors.Is(err, errSessionExpired):
			o.setState(StateSessionExpired, "The session expired; signing in again.", time.Time{})
			backoff = time.Second
		default:
			retry := time.Now().Add(backoff)
			o.setState(StateUnreachable, errText(err)+". Retrying in "+backoff.String()+"; the last view stays on screen.", retry)
			select {
			case <-ctx.Done():
			case <-time.After(backoff):
			case <-o.wake:
			}
			backoff = min(backoff*2, 30*time.Second)
		}
	}
	o.setState(StateStopped, "Stopped.", time.Time{})
}

func (o *Observer) waitForSignIn(ctx context.Context) bool {
	select {
	case <-ctx.Done():
		return false
	case <-o.wake:
		return true
	}
}

var errSessionExpired = errors.New("session expired")

// session signs in and follows the server until something breaks.
func (o *Observer) session(ctx context.Context, password string) error {
	o.setState(StateSigningIn, "Signing in to "+o.client.URL()+" as "+o.email+"…", time.Time{})
	if err := o.client.Login(ctx, o.email, password); err != nil {
		return err
	}
	snap, err := o.client.Status(ctx)
	if err != nil {
		return err
	}
	o.apply(snap)
	o.log.Info("observing", "server", o.client.URL())
	o.setObserving(true)
	err = o.client.Stream(ctx, o.apply)
	if errors.Is(err, ErrNoPushStream) {
		o.setObserving(false)
		err = o.pollLoop(ctx)
	}
	if errors.Is(err, ErrUnauthorized) {
		return errSessionExpired // the next round signs in again with the same password
	}
	return err
}

func (o *Observer) pollLoop(ctx context.Context) error {
	t := time.NewTicker(o.poll)
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
		o.apply(snap)
	}
}

func (o *Observer) apply(s manager.Snapshot) {
	a := map[string]string{}
	countsOnly := false
	for id, c := range s.Connections {
		if c.Enabled && c.AssignedTickers > 0 && len(c.Tickers) == 0 {
			countsOnly = true
		}
		for _, t := range c.Tickers {
			a[t] = id
		}
		if c.Tickers == nil {
			c.Tickers = []string{}
			s.Connections[id] = c
		}
	}
	o.assign.Store(&a)
	o.mu.Lock()
	o.snap = s
	o.state.CountsOnly = countsOnly
	o.mu.Unlock()
	o.signal()
}

func (o *Observer) setObserving(push bool) {
	how := "following its push stream"
	if !push {
		how = "polling its status API every 2 s (no push stream)"
	}
	o.mu.Lock()
	o.state.Push = push
	o.mu.Unlock()
	o.setState(StateObserving, "Observing "+o.client.URL()+" as "+o.email+", "+how+".", time.Time{})
}

func (o *Observer) setState(state, detail string, retry time.Time) {
	o.mu.Lock()
	if o.state.State != state {
		o.state.Since = now()
	}
	o.state.State, o.state.Detail = state, detail
	o.state.RetryAt = 0
	if !retry.IsZero() {
		o.state.RetryAt = float64(retry.UnixNano()) / 1e9
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

func errText(err error) string {
	var u *UnreachableError
	if errors.As(err, &u) {
		return "Cannot reach the server: " + u.Cause
	}
	return err.Error()
}

func now() float64 { return float64(time.Now().UnixNano()) / 1e9 }

// idleSnapshot shows three columns "disconnected" until the first snapshot.
func idleSnapshot() manager.Snapshot {
	s := manager.Snapshot{TotalConnections: 3, Connections: map[string]manager.ConnectionSnapshot{}}
	for i, name := range []string{"primary", "secondary", "tertiary"} {
		s.Connections["connection_"+string(rune('1'+i))] = manager.ConnectionSnapshot{Name: name, Status: manager.StatusDisconnected, Tickers: []string{}, Enabled: true}
	}
	return s
}
