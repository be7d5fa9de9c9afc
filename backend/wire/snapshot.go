package wire

// Status is the state of one provider connection. It is exactly one of the
// seven contract words below; provider status messages (package massive's
// Provider* words) never become a Status. A Status decoded from
// TickStockAppV2 may hold other words: it shows what that server reported.
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

// Statuses are the seven contract words, in the order a connection's life
// usually passes them.
var Statuses = [...]Status{
	StatusDisabled, StatusConnecting, StatusConnected, StatusDisconnected,
	StatusError, StatusAuthFailed, StatusMaxConnections,
}

// Snapshot is the health of all connections, in the contract shape (a
// superset of TickStockAppV2's get_health_status()). Connections is keyed
// by slot ID (SlotID).
type Snapshot struct {
	TotalConnections   int                   `json:"total_connections"`
	EnabledConnections int                   `json:"enabled_connections"`
	ConnectedCount     int                   `json:"connected_count"`
	TotalTicksReceived int64                 `json:"total_ticks_received"`
	TotalErrors        int64                 `json:"total_errors"`
	Connections        map[string]Connection `json:"connections"`
}

// Connection is the health of one connection slot. Times are Unix seconds
// (0 = never).
type Connection struct {
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
