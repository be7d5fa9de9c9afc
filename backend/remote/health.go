package remote

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/tickstock/monitor/backend/redact"
	"github.com/tickstock/monitor/backend/wire"
)

// maxHealthBytes bounds a health document (three connections with ticker
// lists of a few thousand symbols fit many times over).
const maxHealthBytes = 8 << 20

// wireConnection is one connection as either server sends it. Pointers tell
// a missing field from a zero one: TickStockAppV2 sends no "enabled" (a
// connection it lists is enabled), no "universe_key" and no ticker list.
type wireConnection struct {
	wire.Connection
	Enabled *bool `json:"enabled"`
}

type wireHealth struct {
	TotalConnections   int                        `json:"total_connections"`
	EnabledConnections *int                       `json:"enabled_connections"`
	ConnectedCount     *int                       `json:"connected_count"`
	TotalTicksReceived int64                      `json:"total_ticks_received"`
	TotalErrors        int64                      `json:"total_errors"`
	Connections        map[string]*wireConnection `json:"connections"`
}

// DecodeHealth reads a health document of this project's serve (the
// contract snapshot) or of TickStockAppV2 (get_health_status(), which lists
// only the enabled connections) into the contract snapshot:
//   - a connection absent from "connections" is disabled; a present one
//     without "enabled" is enabled;
//   - the status word is kept as sent, even outside the contract's seven
//     (TickStockAppV2 reports whatever its provider client said);
//   - enabled_connections, when not sent, counts the enabled ones, and
//     connected_count, when not sent, those whose status is "connected".
//
// Connections other than connection_1..3 are an error: the window has no
// column for them, and dropping them silently would hide a connection.
func DecodeHealth(b []byte) (wire.Snapshot, error) {
	if len(b) > maxHealthBytes {
		return wire.Snapshot{}, fmt.Errorf("the health document is %d bytes, over the %d limit", len(b), maxHealthBytes)
	}
	var w wireHealth
	if err := json.Unmarshal(b, &w); err != nil {
		return wire.Snapshot{}, fmt.Errorf("the health document is not the expected JSON: %w", err)
	}
	if w.Connections == nil {
		return wire.Snapshot{}, fmt.Errorf("the health document has no \"connections\"")
	}
	return normalize(w)
}

// Bounds of a connection's name and status word as a server sends them.
const (
	maxName = 80
	maxWord = 40
)

// printable cleans the texts of c that a server chose and that are printed
// (status's table, the window, logs): no control characters, bounded.
func printable(c wire.Connection) wire.Connection {
	c.Name = redact.Clip(redact.Text(c.Name), maxName)
	c.UniverseKey = redact.Clip(redact.Text(c.UniverseKey), maxName)
	c.Status = wire.Status(redact.Clip(redact.Text(string(c.Status)), maxWord))
	c.LastError = redact.Error(c.LastError)
	return c
}

func normalize(w wireHealth) (wire.Snapshot, error) {
	s := wire.Snapshot{TotalConnections: w.TotalConnections, TotalTicksReceived: w.TotalTicksReceived,
		TotalErrors: w.TotalErrors, Connections: map[string]wire.Connection{}}
	var unknown []string
	enabled, connected := 0, 0
	for id, wc := range w.Connections {
		if !wire.IsSlot(id) {
			unknown = append(unknown, id)
			continue
		}
		if wc == nil {
			wc = &wireConnection{}
		}
		c := wc.Connection
		c.Enabled = wc.Enabled == nil || *wc.Enabled
		if c.Tickers == nil {
			c.Tickers = []string{}
		}
		if c.Enabled {
			enabled++
			if c.Status == wire.StatusConnected {
				connected++
			}
		}
		s.Connections[id] = printable(c)
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return wire.Snapshot{}, fmt.Errorf("the server reports %d connection(s) this window has no column for: %s", len(unknown), redact.List(unknown, 5))
	}
	for _, id := range wire.SlotIDs {
		if _, ok := s.Connections[id]; !ok {
			s.Connections[id] = wire.Connection{Status: wire.StatusDisabled, Tickers: []string{}}
		}
	}
	for _, n := range []*int{w.EnabledConnections, w.ConnectedCount} {
		if n != nil && *n < 0 {
			return wire.Snapshot{}, fmt.Errorf("the health document has a negative count (%d)", *n)
		}
	}
	s.EnabledConnections = enabled
	if w.EnabledConnections != nil {
		s.EnabledConnections = *w.EnabledConnections
	}
	s.ConnectedCount = connected
	if w.ConnectedCount != nil {
		s.ConnectedCount = *w.ConnectedCount
	}
	if s.TotalConnections == 0 {
		s.TotalConnections = len(w.Connections)
	}
	return s, nil
}

// connMetrics is one entry of TickStockAppV2's periodic metrics_update:
// {connection_id: {message_count, messages_per_second, error_count, status}}.
// Its messages_per_second is message_count / 5 (a total, not a rate), so it
// is not used: rates come from the ticks themselves.
type connMetrics struct {
	MessageCount *int64       `json:"message_count"`
	ErrorCount   *int64       `json:"error_count"`
	Status       *wire.Status `json:"status"`
}

// mergeMetrics applies a per-connection metrics_update to snap: status and
// counters of the connections it names. A connection it names that snap had
// as disabled becomes enabled (TickStockAppV2 names only enabled ones).
func mergeMetrics(snap wire.Snapshot, b []byte) (wire.Snapshot, error) {
	var m map[string]*connMetrics
	if err := json.Unmarshal(b, &m); err != nil {
		return snap, fmt.Errorf("metrics_update is not the expected JSON: %w", err)
	}
	out := snap
	out.Connections = make(map[string]wire.Connection, len(snap.Connections))
	for id, c := range snap.Connections {
		out.Connections[id] = c
	}
	for id, cm := range m {
		if !wire.IsSlot(id) || cm == nil {
			continue
		}
		c := out.Connections[id]
		if !c.Enabled {
			c.Enabled, c.Status = true, ""
		}
		if cm.MessageCount != nil {
			c.MessageCount = *cm.MessageCount
		}
		if cm.ErrorCount != nil {
			c.ErrorCount = *cm.ErrorCount
		}
		if cm.Status != nil {
			c.Status = *cm.Status
		}
		if c.Tickers == nil {
			c.Tickers = []string{}
		}
		out.Connections[id] = printable(c)
	}
	out.EnabledConnections, out.ConnectedCount = 0, 0
	for _, c := range out.Connections {
		if c.Enabled {
			out.EnabledConnections++
			if c.Status == wire.StatusConnected {
				out.ConnectedCount++
			}
		}
	}
	return out, nil
}

// isFullHealth tells the two shapes of metrics_update apart: the reply to
// request_metrics is the whole health (it has "connections").
func isFullHealth(b []byte) bool {
	var probe struct {
		Connections json.RawMessage `json:"connections"`
	}
	return json.Unmarshal(b, &probe) == nil && probe.Connections != nil
}
