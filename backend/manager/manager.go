// Package manager runs up to three provider WebSocket connections, spreads the
// configured tickers over them, and reports their health as a Snapshot.
package manager

import (
	"slices"
	"time"

	"github.com/tickstock/monitor/backend/config"
)

// Manager owns the connection slots of one configuration.
type Manager struct {
	cfg   *config.Config
	conns [config.MaxConnections]*connState
	now   func() time.Time
}

// New prepares the connections of cfg; nothing is dialed yet.
func New(cfg *config.Config) *Manager {
	m := &Manager{cfg: cfg, now: time.Now}
	for i, c := range cfg.Connections {
		m.conns[i] = newConnState(c, m.now())
	}
	return m
}

// Snapshot returns the health of every connection. Safe for concurrent use.
func (m *Manager) Snapshot() Snapshot {
	s := Snapshot{
		TotalConnections: m.cfg.ConnectionsMax,
		Connections:      make(map[string]ConnectionSnapshot, len(m.conns)),
	}
	for _, c := range m.conns {
		cs := c.snapshot()
		s.Connections[c.id] = cs
		if cs.Enabled {
			s.EnabledConnections++
		}
		if cs.Status == StatusConnected {
			s.ConnectedCount++
		}
		s.TotalTicksReceived += cs.MessageCount
		s.TotalErrors += cs.ErrorCount
	}
	return s
}

func sortedCopy(s []string) []string {
	c := slices.Clone(s)
	slices.Sort(c)
	return c
}
