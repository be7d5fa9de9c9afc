// Package app is the bridge between Wails and backend/: methods bound to the
// frontend and events emitted to it. It translates; it decides nothing.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tickstock/monitor/backend/monitor"
	"github.com/tickstock/monitor/backend/profiles"
	"github.com/tickstock/monitor/backend/service"
	"github.com/tickstock/monitor/backend/verdict"
	"github.com/tickstock/monitor/backend/wire"
)

// Backend is what the window observes (backend/service in the product).
type Backend interface {
	Info() service.Info
	Snapshot() wire.Snapshot
	// Changed is signalled when a connection's status changes.
	Changed() <-chan struct{}
	Subscription() wire.SubscriptionState
	Pause()
	Resume()
	SetFilter(symbol string)
	LookupSymbol(symbol string) service.Lookup
	DropConnection(id string) error
	StallConnection(id string, d time.Duration) error
	// Verdict is the session's judgement; VerdictChanged is signalled when
	// it changes.
	Verdict() verdict.Verdict
	VerdictChanged() <-chan struct{}
	// ReconnectNow cuts a connection's backoff wait short.
	ReconnectNow(id string) error
	// Remote is the sign-in state in remote mode, nil otherwise.
	Remote() *wire.RemoteState
	SignIn(password string, remember bool) error
	ForgetPassword() error
	Close()
}

// Opener starts the backend once the window exists with the chosen profile;
// out receives the monitor's batches, metrics and source changes.
type Opener func(ctx context.Context, out monitor.Output, profile service.Choice) Backend

// errStarting answers calls that arrive before the backend is open.
var errStarting = errors.New("the monitor is still starting; try again in a moment")

// App is bound to the frontend: its exported methods are callable from JS.
type App struct {
	open     Opener
	profiles *profiles.Store
	interval time.Duration
	log      *slog.Logger
	started  time.Time
	painted  sync.Once
	hidden   atomic.Bool   // the window is hidden: only its title is kept current
	shown    chan struct{} // the window was shown again: emit everything at once

	mu      sync.Mutex
	backend Backend
	choice  *service.Choice // the profile to open; nil: the last used one
	ctx     context.Context // the window's, kept to reopen the backend
	emitter Emitter
	cancel  context.CancelFunc
	done    chan struct{}
}

// New returns an App that opens its backend with open at start-up; store
// holds the saved profiles (nil: none).
func New(open Opener, store *profiles.Store, log *slog.Logger) *App {
	return &App{open: open, profiles: store, interval: time.Second, log: log, started: time.Now(), shown: make(chan struct{}, 1)}
}

// Snapshot returns the health of every connection.
func (a *App) Snapshot() (snap wire.Snapshot, err error) {
	defer a.recoverInto(&err, "Snapshot")
	b, err := a.current()
	if err != nil {
		return snap, err
	}
	return b.Snapshot(), nil
}

// Verdict returns the session's judgement (OK, degraded, down, unknown) with
// its sentence and each connection's part; also emitted as verdict:state.
func (a *App) Verdict() (v verdict.Verdict, err error) {
	defer a.recoverInto(&err, "Verdict")
	b, err := a.current()
	if err != nil {
		return v, err
	}
	return b.Verdict(), nil
}

// Info returns version, mode and configuration problems for the header.
func (a *App) Info() (info service.Info, err error) {
	defer a.recoverInto(&err, "Info")
	b, err := a.current()
	if err != nil {
		return info, err
	}
	return b.Info(), nil
}

// Source returns the state of the Redis subscription.
func (a *App) Source() (s wire.SubscriptionState, err error) {
	defer a.recoverInto(&err, "Source")
	b, err := a.current()
	if err != nil {
		return s, err
	}
	return b.Subscription(), nil
}

// Pause freezes the live rows; counters keep moving.
func (a *App) Pause() (err error) {
	defer a.recoverInto(&err, "Pause")
	b, err := a.current()
	if err == nil {
		b.Pause()
	}
	return err
}

// Resume shows the newest rows and how many arrived during the pause.
func (a *App) Resume() (err error) {
	defer a.recoverInto(&err, "Resume")
	b, err := a.current()
	if err == nil {
		b.Resume()
	}
	return err
}

// SetFilter shows only rows whose symbol contains symbol ("" = all).
func (a *App) SetFilter(symbol string) (err error) {
	defer a.recoverInto(&err, "SetFilter")
	b, err := a.current()
	if err == nil {
		b.SetFilter(symbol)
	}
	return err
}

// LookupSymbol says which connection carries symbol.
func (a *App) LookupSymbol(symbol string) (l service.Lookup, err error) {
	defer a.recoverInto(&err, "LookupSymbol")
	b, err := a.current()
	if err != nil {
		return l, err
	}
	return b.LookupSymbol(symbol), nil
}

// DropConnection (demo only) cuts a connection at the simulator.
func (a *App) DropConnection(id string) (err error) {
	defer a.recoverInto(&err, "DropConnection")
	b, err := a.current()
	if err != nil {
		return err
	}
	return b.DropConnection(id)
}

// ReconnectNow makes a connection that waits for its retry dial at once
// (demo, embedded; remote through serve's admin API).
func (a *App) ReconnectNow(id string) (err error) {
	defer a.recoverInto(&err, "ReconnectNow")
	b, err := a.current()
	if err != nil {
		return err
	}
	return b.ReconnectNow(id)
}

// StallConnection (demo only) silences a connection for seconds.
func (a *App) StallConnection(id string, seconds float64) (err error) {
	defer a.recoverInto(&err, "StallConnection")
	b, err := a.current()
	if err != nil {
		return err
	}
	if seconds <= 0 || seconds > 600 {
		return fmt.Errorf("stall for %v s: choose 0 to 600 seconds", seconds)
	}
	return b.StallConnection(id, time.Duration(seconds*float64(time.Second)))
}

// MarkPainted is called by the frontend once the first status is on screen;
// it logs the time from start-up, the figure operators feel at launch, and
// returns it in ms (0 after the first call). Milliseconds, not a
// time.Duration, because the bindings generator has no TypeScript type for
// time.Duration.
func (a *App) MarkPainted() (ms float64) {
	a.painted.Do(func() {
		d := time.Since(a.started)
		a.log.Info("first status painted", "after_ms", d.Milliseconds())
		ms = float64(d) / float64(time.Millisecond)
	})
	return ms
}

func (a *App) current() (Backend, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.backend == nil {
		return nil, errStarting
	}
	return a.backend, nil
}

// start opens the backend and emits events through e until stop.
func (a *App) start(ctx context.Context, e Emitter) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.cancel != nil {
		return
	}
	a.ctx, a.emitter = ctx, e
	ctx, a.cancel = context.WithCancel(ctx)
	if a.choice == nil {
		c := service.LastUsed(a.profiles)
		a.choice = &c
	}
	a.backend = a.open(ctx, monitorOutput{e}, *a.choice)
	a.done = make(chan struct{})
	go a.emitStatus(ctx, e, a.backend, a.done)
}

// reopen closes the backend and opens it again with another profile.
func (a *App) reopen(choice service.Choice) {
	a.mu.Lock()
	ctx, e := a.ctx, a.emitter
	a.choice = &choice
	a.mu.Unlock()
	if ctx == nil {
		return
	}
	a.stop()
	a.start(ctx, e)
	// No payload: the window reloads and asks for everything again.
	a.safeEmit(e, EventReopened, func() any { return nil })
}

// stop ends the event loop and closes the backend.
func (a *App) stop() {
	a.mu.Lock()
	cancel, done, b := a.cancel, a.done, a.backend
	a.cancel, a.done, a.backend = nil, nil, nil
	a.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
		b.Close()
	}
}

// emitStatus sends the snapshot and the verdict at once, on every status
// or verdict change and at least every interval. A hidden window is sent
// none of them (it would only handle events that nobody sees); its title,
// which the task bar shows, still follows the verdict, and shown again it
// gets everything at once.
func (a *App) emitStatus(ctx context.Context, e Emitter, b Backend, done chan struct{}) {
	defer close(done)
	t := time.NewTicker(a.interval)
	defer t.Stop()
	var title string
	for {
		if !a.hidden.Load() {
			a.safeEmit(e, EventStatus, func() any { return b.Snapshot() })
			a.safeEmit(e, EventVerdict, func() any { return b.Verdict() })
			if r := b.Remote(); r != nil {
				a.safeEmit(e, EventRemote, func() any { return r })
			}
		}
		a.setTitle(e, b, &title)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-a.shown:
			t.Reset(a.interval)
		case <-b.Changed():
			t.Reset(a.interval)
		case <-b.VerdictChanged():
			t.Reset(a.interval)
		}
	}
}

// safeEmit builds and emits one event; a panic is logged, not fatal, so one
// bad snapshot cannot close the operator's window.
func (a *App) safeEmit(e Emitter, name string, build func() any) {
	defer func() {
		if r := recover(); r != nil {
			a.log.Error("event dropped after a panic", "event", name, "panic", r, "stack", string(debug.Stack()))
		}
	}()
	e.Emit(name, build())
}

func (a *App) recoverInto(err *error, method string) {
	if r := recover(); r != nil {
		a.log.Error("bound method panicked", "method", method, "panic", r, "stack", string(debug.Stack()))
		*err = fmt.Errorf("%s failed inside the app (%v); the window keeps running — please report this with the log", method, r)
	}
}
