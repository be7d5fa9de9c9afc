package app

import (
	"context"

	"github.com/wailsapp/wails/v2/pkg/runtime"
)

// Emitter sends one event to the frontend. The Wails runtime implements it in
// the window; tests use a recorder. It exists because runtime.EventsEmit with
// a context that Wails did not create ends the process.
type Emitter interface {
	Emit(name string, data any)
}

// wailsEmitter emits through the Wails runtime of the window's context.
type wailsEmitter struct{ ctx context.Context }

func (w wailsEmitter) Emit(name string, data any) { runtime.EventsEmit(w.ctx, name, data) }
