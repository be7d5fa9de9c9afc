package monitor

import "github.com/tickstock/monitor/backend/wire"

// Output receives what the monitor produces. Calls come from one goroutine.
type Output interface {
	Batch(*wire.Batch)
	Metrics(*wire.Metrics)
	Subscription(wire.SubscriptionState)
}

// Assigner says which connection carries a ticker.
type Assigner interface {
	ConnectionOf(symbol string) (string, bool)
	Assignment() map[string]string
}
