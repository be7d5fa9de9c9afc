package wire

// RemoteState is a remote observer's sign-in and link state (the window's
// bound method Remote and the event remote:state; the browser shell builds
// the same shape for its own tab).
type RemoteState struct {
	State   SignInState `json:"state"`
	Server  string      `json:"server"`
	Email   string      `json:"email"`
	Kind    ServerKind  `json:"kind"`   // KindServe or KindTSV2 once known
	Detail  string      `json:"detail"` // a sentence: what is wrong and what happens next
	RetryAt float64     `json:"retry_at"`
	Since   float64     `json:"since"`
	// Push: following the server's push stream; otherwise polling the
	// status API every 2 s (Feed says which).
	Push bool `json:"push"`
	Feed Feed `json:"feed"` // RemoteFeeds
	// CountsOnly: the server gives counts but no ticker lists and sends no
	// tick_update, so ticks cannot be placed in columns.
	CountsOnly bool `json:"counts_only"`
	// Stale: the figures shown are the last ones received, at LastData
	// (Unix s); nothing current comes from the server.
	Stale    bool    `json:"stale"`
	LastData float64 `json:"last_data"`
	// PushDropped counts tick_update events dropped because the window fell
	// behind (never silently).
	PushDropped int64 `json:"push_dropped"`
	// PushRefused counts push events not read for being over the size cap
	// (PushRefusedMax: the largest, in bytes).
	PushRefused    int64 `json:"push_refused,omitempty"`
	PushRefusedMax int64 `json:"push_refused_max,omitempty"`
	// ServerError is the last error event of the server's push namespace
	// (TickStockAppV2: "Failed to fetch metrics"), at ServerErrorAt (Unix s).
	ServerError   string  `json:"server_error,omitempty"`
	ServerErrorAt float64 `json:"server_error_at,omitempty"`
	// UncountedErrors: connections in "error" whose error_count is 0 — the
	// server does not count that error (TickStockAppV2 when a connection
	// times out), so totals must not read "0 errors" beside them.
	UncountedErrors []string `json:"uncounted_errors,omitempty"`
	// Moves: tickers seen on a connection other than the one they were
	// first seen on (tick_update's connection_id), newest last.
	Moves []TickerMove `json:"moves,omitempty"`
}

// TickerMove: Symbol, first seen on From, arrived on To at At (Unix s).
type TickerMove struct {
	Symbol string  `json:"symbol"`
	From   string  `json:"from"`
	To     string  `json:"to"`
	At     float64 `json:"at"`
}
