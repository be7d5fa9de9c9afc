package app

import (
	"context"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/tickstock/monitor/backend/wire"
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

// monitorOutput forwards what the Redis monitor produces as events.
type monitorOutput struct{ e Emitter }

func (o monitorOutput) Batch(b *wire.Batch)                   { o.e.Emit(EventTicks, b) }
func (o monitorOutput) Metrics(m *wire.Metrics)               { o.e.Emit(EventMetrics, m) }
func (o monitorOutput) Subscription(s wire.SubscriptionState) { o.e.Emit(EventSource, s) }
func (o monitorOutput) Entry(x wire.Entry)                    { o.e.Emit(EventIncident, x) }
