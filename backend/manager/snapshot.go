package manager

// Status is the state of one provider connection. It is exactly one of the
// contract words below; provider status messages never become a Status.
type Status string

const (
	StatusDisabled       Status = "disabled"
	StatusConnecting     Status = "connecting"
	StatusConnected      Status = "connected"
	StatusDisconnected   Status = "disconnected"
	StatusError          Status = "error"
	StatusAuthFailed     Status = "auth_failed"
	StatusMaxConnections Status = "max_connections"
)

// Snapshot is the health of all connections, in the contract shape (a
// superset of TickStockAppV2's get_health_status()).
type Snapshot struct {
	TotalConnections   int                           `json:"total_connections"`
	EnabledConnections int                           `json:"enabled_connections"`
	ConnectedCount     int                           `json:"connected_count"`
	TotalTicksReceived int64                         `json:"total_ticks_received"`
	TotalErrors        int64                         `json:"total_errors"`
	Connections        map[string]ConnectionSnapshot `json:"connections"`
}

// ConnectionSnapshot is the health of one connection. Times are Unix seconds
// (0 = never).
type ConnectionSnapshot struct {
	Name            string   `json:"name"`
	Enabled         bool     `json:"enabled"`
	Status          Status   `json:"status"`
	UniverseKey     string   `json:"universe_key"`
	AssignedTickers int      `json:"assigned_tickers"`
	Tickers         []string `json:"tickers"`
	MessageCount    int64    `json:"message_count"`
	ErrorCount      int64    `json:"error_count"`
	ReconnectCount  int64    `json:"reconnect_count"`
	LastMessageTime float64  `json:"last_message_time"`
	ConnectedSince  float64  `json:"connected_since"`
	LastError       string   `json:"last_error"`
	StatusSince     float64  `json:"status_since"`
	RetryAt         float64  `json:"retry_at"` // next attempt, Unix s; 0 when not waiting
	PublishDropped  int64    `json:"publish_dropped"`
	// SubscribedChannels is how many channels the provider has confirmed on
	// the current connection ("subscribed to: …").
	SubscribedChannels int64  `json:"subscribed_channels"`
	Warning            string `json:"warning,omitempty"`
}
