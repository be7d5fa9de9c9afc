package wire

// The monitor's stream: what it sends the window (the Wails events
// tick_batch, tick_metrics, source_state) and each browser tab (the admin
// API's push), and what the service and the alerts read from it.

// Row is one tick as the dashboard shows it.
type Row struct {
	Symbol string  `json:"symbol"`
	Price  float64 `json:"price"`
	Volume int64   `json:"volume"`
	TS     float64 `json:"ts"`   // tick timestamp, Unix seconds, to the ms
	Recv   float64 `json:"recv"` // when the monitor received it, Unix seconds
	// Via is how long after its publish stamp the monitor received it, in
	// whole ms (the window adds its own hop to show Redis → screen). Sent
	// only for the newest monitor.ViaRowsPerBatch rows of each connection in a batch,
	// a sample that keeps the worst-case batch under 8 KiB; absent too when
	// the publisher does not stamp (TickStockAppV2).
	Via *int32 `json:"rd,omitempty"`
}

// Batch carries the newest ticks since the previous batch, at most
// the monitor's rows per batch per connection, newest first. More counts the ticks that
// arrived but were not sent (the UI shows only the newest anyway).
type Batch struct {
	Seq         uint64                `json:"seq"`
	Connections map[string]*ConnBatch `json:"connections"`
	Unassigned  *ConnBatch            `json:"unassigned,omitempty"`
	// Replace: the rows replace what is shown (after a pause or a new filter).
	Replace bool `json:"replace"`
	// Resumed: this batch ends a pause.
	Resumed bool `json:"resumed"`
	// Filter is the symbol filter the rows obey ("" = every symbol), and
	// FilterSays what it matches, in words (monitor.SymbolFilter.Says).
	Filter     string `json:"filter"`
	FilterSays string `json:"filter_says,omitempty"`
	// Paused: the rows are frozen until a Resumed batch (counters keep
	// moving). Pause sends a batch without rows that says so at once.
	Paused bool `json:"paused"`
	// Rows and UnassignedRows are how many rows the window keeps per
	// connection and in the unassigned strip: the monitor's limits, sent so
	// that the window does not repeat them.
	Rows           int `json:"rows"`
	UnassignedRows int `json:"unassigned_rows"`
}

// ConnBatch is one connection's part of a Batch.
type ConnBatch struct {
	Ticks []Row `json:"ticks"`
	More  int64 `json:"more"`
	// ArrivedWhilePaused is set on the resume batch.
	ArrivedWhilePaused int64 `json:"arrived_while_paused,omitempty"`
}

// Metrics is sent once a second.
type Metrics struct {
	At          float64                `json:"at"`
	Connections map[string]ConnMetrics `json:"connections"`
	Unassigned  UnassignedMetrics      `json:"unassigned"`
	Invalid     InvalidMetrics         `json:"invalid"`
	Total       int64                  `json:"total"` // valid ticks received
	Rate1s      float64                `json:"rate_1s"`
	Rate10s     float64                `json:"rate_10s"`
	Paused      bool                   `json:"paused"`
	PausedSince float64                `json:"paused_since"`
	// ArrivedWhilePaused counts ticks (all connections) since the pause began.
	ArrivedWhilePaused int64 `json:"arrived_while_paused"`
}

// ConnMetrics are one connection's figures.
type ConnMetrics struct {
	Received     int64   `json:"received"`
	Rate1s       float64 `json:"rate_1s"`
	Rate10s      float64 `json:"rate_10s"`
	LastTick     float64 `json:"last_tick"` // receive time of the newest tick, Unix s; 0 = none
	LatencyP50Ms float64 `json:"latency_p50_ms"`
	LatencyP99Ms float64 `json:"latency_p99_ms"` // -1 when no ticks in 10 s
	// ProviderP50Ms/P99Ms: tick timestamp → publish to Redis, over 10 s, for
	// ticks whose publisher stamps published_at; -1 when there were none.
	ProviderP50Ms float64  `json:"provider_p50_ms"`
	ProviderP99Ms float64  `json:"provider_p99_ms"`
	Spark         []int64  `json:"spark"`         // ticks per second, 60 s, oldest first
	Silent        int      `json:"silent"`        // assigned tickers without a tick for SilentAfter
	SilentSample  []string `json:"silent_sample"` // up to 10 of them, sorted
}

// UnassignedMetrics describe ticks of symbols that no connection carries.
type UnassignedMetrics struct {
	Count int64         `json:"count"`
	Top   []SymbolCount `json:"top"`
	// Other counts ticks of symbols beyond the tracked set (bounded memory).
	Other int64 `json:"other"`
}

// SymbolCount is a symbol and how many ticks it had.
type SymbolCount struct {
	Symbol string `json:"symbol"`
	Count  int64  `json:"count"`
}

// InvalidMetrics describe messages that were not valid ticks.
type InvalidMetrics struct {
	Count     int64   `json:"count"`
	LastError string  `json:"last_error"`
	Sample    string  `json:"sample"` // the start of the last invalid message, printable
	At        float64 `json:"at"`
}

// SubscriptionState describes the Redis subscription.
type SubscriptionState struct {
	State SubscriptionPhase `json:"state"`
	// Where is "localhost:6379 db 0", "Sentinel master mymaster (1 sentinel)
	// db 0 at 127.0.0.1:6380" (with the node that answers), or a label such
	// as "built-in demo Redis".
	Where   string  `json:"where"`
	Kind    string  `json:"kind"` // standalone, sentinel or cluster
	Node    string  `json:"node"` // the server subscribed to; "" before the first subscription
	Channel string  `json:"channel"`
	Pattern bool    `json:"pattern"` // PSUBSCRIBE
	Detail  string  `json:"detail"`  // a sentence: what is wrong and what to check
	Since   float64 `json:"since"`
	Gaps    int     `json:"gaps"`
	LastGap *Gap    `json:"last_gap,omitempty"`
	// Feed is what feeds the rows (RowFeeds): FeedRedis (this
	// subscription), FeedPush (a remote server's pushed ticks) or FeedNone
	// (not yet signed in to the remote server); Redis messages are skipped
	// unless FeedRedis.
	Feed       Feed   `json:"feed"`
	FeedDetail string `json:"feed_detail"`
	// Skipped counts Redis messages not used because the push fed the rows.
	Skipped int64 `json:"skipped"`
}

// Gap is a time when the subscription was down: ticks published then were
// not seen by this monitor (Redis pub/sub keeps nothing for absent subscribers).
type Gap struct {
	From    float64 `json:"from"`
	To      float64 `json:"to"`
	Seconds float64 `json:"seconds"`
	Reason  string  `json:"reason"`
}
