package ticks

// Tick is one price update, as it travels from the provider connection to
// Redis and from Redis to the dashboard.
type Tick struct {
	Symbol    string
	Price     float64
	Volume    int64
	Timestamp float64 // Unix seconds
	Source    string  // "massive" for ticks from the provider
	// ConnectionID is the connection that carried the tick. It is not part of
	// the published JSON; the monitor adds it back from the assignment map.
	ConnectionID string
}
