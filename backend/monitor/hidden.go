package monitor

import "github.com/tickstock/monitor/backend/wire"

// SetHidden says whether the window is hidden (minimised, or another
// workspace). A hidden window paints nothing, so it is sent no rows: the
// batches would only pile up in it, each still costing the page its event.
// Counts, metrics, the subscription's state and whatever reads them
// (alerts, history) go on. Shown again, the window gets at once a batch
// that replaces its rows with the newest ones (while paused, with the rows
// as of the pause), so no row from before it was hidden is shown as live.
func (m *Monitor) SetHidden(hidden bool) {
	m.send(func() *wire.Batch {
		m.mu.Lock()
		defer m.mu.Unlock()
		if m.hidden == hidden {
			return nil
		}
		m.hidden = hidden
		if hidden {
			return nil
		}
		if m.view.Paused() {
			m.seq++
			return m.view.Replacement(m.seq, nil, m.limits)
		}
		m.replace = true
		return m.batchLocked(nil)
	})
}
