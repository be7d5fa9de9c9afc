package ticks

// Tick is one price update, as it travels from the provider connection to
// Redis and from Redis to the dashboard.
type Tick struct {
	Symbol    string
	Price     float64
	Volume    int64
	Timestamp float64 // Unix seconds
	Source    string  // "massive" for ticks from the provider
	// Published is when our publisher sent the tick to Redis (Unix seconds; 0
	// when not stamped, as by TickStockAppV2). With Timestamp it splits the
	// delay into provider → Redis and Redis → screen.
	Published float64
	// ConnectionID is the connection that carried the tick. It is not part of
	// the published JSON; the monitor adds it back from the assignment map.
	ConnectionID string
}
