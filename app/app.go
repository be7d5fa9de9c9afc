// Package app is the bridge between Wails and backend/: methods bound to the
// frontend and events emitted to it. It translates; it decides nothing.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/tickstock/monitor/backend/manager"
)

// Backend is what the window observes.
type Backend interface {
	Snapshot() manager.Snapshot
	// Changed is signalled when a connection's status changes.
	Changed() <-chan struct{}
}

// App is bound to the frontend: its exported methods are callable from JS.
type App struct {
	backend  Backend
	info     Info
	interval time.Duration
	log      *slog.Logger

	mu     sync.Mutex
	cancel context.CancelFunc
	done   chan struct{}
}

// New returns an App observing b; info is what Info() reports.
func New(b Backend, info Info, log *slog.Logger) *App {
	return &App{backend: b, info: info, interval: time.Second, log: log}
}

// Snapshot returns the health of every connection.
func (a *App) Snapshot() (snap manager.Snapshot, err error) {
	defer a.recoverInto(&err, "Snapshot")
	return a.backend.Snapshot(), nil
}

// start begins emitting events through e until ctx ends or stop is called.
func (a *App) start(ctx context.Context, e Emitter) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.cancel != nil {
		return
	}
	ctx, a.cancel = context.WithCancel(ctx)
	a.done = make(chan struct{})
	go a.emitStatus(ctx, e, a.done)
}

// stop ends the event loops and waits for them.
func (a *App) stop() {
	a.mu.Lock()
	cancel, done := a.cancel, a.done
	a.cancel, a.done = nil, nil
	a.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
}

// emitStatus sends the snapshot at once, on every status change and at
// least every interval.
func (a *App) emitStatus(ctx context.Context, e Emitter, done chan struct{}) {
	defer close(done)
	t := time.NewTicker(a.interval)
	defer t.Stop()
	for {
		a.safeEmit(e, EventStatus, a.backend.Snapshot)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-a.backend.Changed():
			t.Reset(a.interval)
		}
	}
}

// safeEmit builds and emits one event; a panic is logged, not fatal, so one
// bad snapshot cannot close the operator's window.
func (a *App) safeEmit(e Emitter, name string, build func() manager.Snapshot) {
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
