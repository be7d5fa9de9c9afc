package monitor

import (
	"time"

	"github.com/tickstock/monitor/backend/wire"
)

// SetHidden says whether the window is hidden (minimised, or another
// workspace). A hidden window paints nothing, so it is sent no rows and no
// metrics: the batches would only pile up in it, and each event still costs
// the page its handling (a hidden window should cost next to nothing: see
// docs/perf-window.md). Counts, the subscription's state and whatever reads
// the monitor directly (alerts, history, the title) go on. Shown again, the
// window gets at once a batch that replaces its rows with the newest ones
// (while paused, with the rows as of the pause) and the figures as of now,
// so no row or figure from before it was hidden is shown as live.
func (m *Monitor) SetHidden(hidden bool) {
	b := m.send(func() *wire.Batch {
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
	if b != nil && m.opts.Output != nil {
		m.opts.Output.Metrics(m.MetricsAt(time.Now()))
	}
}

func (m *Monitor) isHidden() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.hidden
}
