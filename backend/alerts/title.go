package alerts

import (
	"fmt"

	"github.com/tickstock/monitor/backend/health"
)

// Title is the window title for a snapshot, so the taskbar shows the state:
// "TickStock Monitor — 2/3 connected". problem is set when nothing runs.
func Title(s health.Snapshot, problem bool) string {
	switch {
	case problem:
		return AppName + " — not running"
	case s.EnabledConnections == 0 && len(s.Connections) == 0:
		return AppName + " — no connections"
	}
	enabled := s.EnabledConnections
	if enabled == 0 { // remote servers that list only enabled connections
		enabled = len(s.Connections)
	}
	return fmt.Sprintf("%s — %d/%d connected", AppName, s.ConnectedCount, enabled)
}
