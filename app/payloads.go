package app

import (
	"github.com/tickstock/monitor/backend/monitor"
)

// Payloads is bound next to App only so that Wails' bindings generator
// writes the events' payload types into frontend/wailsjs/go/models.ts: it
// writes only types that a bound method takes or returns, and the tick
// batches and metrics travel as events (events.go), not as method results.
// The frontend never calls these methods; each returns the zero value.
type Payloads struct{}

// TicksBatch is the payload of EventTicks.
func (Payloads) TicksBatch() monitor.Batch { return monitor.Batch{} }

// TicksMetrics is the payload of EventMetrics.
func (Payloads) TicksMetrics() monitor.Metrics { return monitor.Metrics{} }
