package manager

import (
	"errors"
	"fmt"

	"github.com/tickstock/monitor/backend/wire"
)

// ErrNotWaiting: the connection is not waiting for a retry (it is connected,
// connecting, stopped, or gave up), so there is nothing to cut short.
var ErrNotWaiting = errors.New("not waiting for a retry")

// ReconnectNow ends the backoff wait of connection id, so it dials again at
// once: after a provider outage an operator need not sit through another
// 15–60 s of backoff. The next failure waits as before (the failure count
// is kept). An error says why nothing happened.
func (m *Manager) ReconnectNow(id string) error {
	for _, r := range m.runners {
		if r.st.id != id {
			continue
		}
		if !r.st.enabled {
			return fmt.Errorf("%s is not enabled", wire.SlotLabel(id))
		}
		r.st.mu.Lock()
		waiting := !r.st.retryAt.IsZero()
		r.st.mu.Unlock()
		if !waiting {
			return fmt.Errorf("%s is %w", wire.SlotLabel(id), ErrNotWaiting)
		}
		select {
		case r.now <- struct{}{}:
		default: // already asked
		}
		return nil
	}
	return fmt.Errorf("%q is not a connection (connection_1 to connection_3)", id)
}
