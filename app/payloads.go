package app

import (
	"github.com/tickstock/monitor/backend/wire"
)

// Payloads is bound next to App only so that Wails' bindings generator
// writes the events' payload types into frontend/wailsjs/go/models.ts: it
// writes only types that a bound method takes or returns, and the tick
// batches and metrics travel as events (events.go), not as method results.
// The frontend never calls these methods; each returns the zero value.
type Payloads struct{}

// TicksBatch is the payload of EventTicks.
func (Payloads) TicksBatch() wire.Batch { return wire.Batch{} }

// AdminSession is the browser dashboard's answer to GET /api/admin/session
// (the same frontend, served by tickstock-ingest serve).
func (Payloads) AdminSession() wire.Session { return wire.Session{} }

// TicksMetrics is the payload of EventMetrics.
func (Payloads) TicksMetrics() wire.Metrics { return wire.Metrics{} }
