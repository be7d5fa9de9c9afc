package monitor

import (
	"testing"
	"time"

	"github.com/tickstock/monitor/internal/redistest"
	"github.com/tickstock/monitor/internal/wait"
)

func (r *recorder) metricsCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.metrics)
}

// A hidden window is sent no rows while the counts go on; shown again, it
// gets at once the newest rows, replacing what it showed.
func TestHiddenWindowGetsNoRowsThenTheNewestAtOnce(t *testing.T) {
	srv := redistest.Start(t)
	m, rec := start(t, srv, Options{})
	wait.For(t, "subscribed", 5*time.Second, subscribed(m))
	m.Offer([]byte(tickJSON("AAPL", 1)))
	wait.For(t, "the first batch", 5*time.Second, func() bool { return rec.batchCount() == 1 })

	m.SetHidden(true)
	for i := range 100 {
		m.Offer([]byte(tickJSON("AAPL", float64(10+i))))
	}
	wait.For(t, "counted while hidden", 5*time.Second, func() bool { return metricsNow(m).Total == 101 })
	// The output loop has run for two more metrics (a second apart), each
	// time past the flush interval with fresh rows waiting.
	seen := rec.metricsCount()
	wait.For(t, "two metrics while hidden", 5*time.Second, func() bool { return rec.metricsCount() >= seen+2 })
	if n := rec.batchCount(); n != 1 {
		t.Fatalf("%d batches while the window was hidden, want none after the first", n-1)
	}
	rec.mu.Lock()
	last := rec.metrics[len(rec.metrics)-1]
	rec.mu.Unlock()
	if got := last.Connections["connection_1"].Received; got != 101 {
		t.Errorf("the metrics sent while hidden count %d ticks on connection_1, want 101", got)
	}

	m.SetHidden(false) // the batch goes out before it returns: nothing to wait for
	b := rec.lastBatch()
	if rec.batchCount() != 2 || !b.Replace {
		t.Fatalf("shown again: %d batches, the last %+v; want a replacing batch at once", rec.batchCount(), b)
	}
	rows := b.Connections["connection_1"].Ticks
	if len(rows) != m.opts.RowsPerBatch || rows[0].Price != 109 {
		t.Errorf("shown again: %d rows, newest %+v; want the newest %d (109 first)", len(rows), rows[0], m.opts.RowsPerBatch)
	}
	m.SetHidden(false) // already shown: nothing more
	if n := rec.batchCount(); n != 2 {
		t.Errorf("shown twice: %d batches, want one replacement", n)
	}
}

// Paused, a window shown again gets the rows as of the pause, still paused.
func TestPausedWindowShownAgainGetsTheFrozenRows(t *testing.T) {
	srv := redistest.Start(t)
	m, rec := start(t, srv, Options{})
	wait.For(t, "subscribed", 5*time.Second, subscribed(m))
	m.Offer([]byte(tickJSON("AAPL", 1)))
	wait.For(t, "the first batch", 5*time.Second, func() bool { return rec.batchCount() == 1 })
	m.Pause()
	m.SetHidden(true)
	m.Offer([]byte(tickJSON("AAPL", 2)))
	wait.For(t, "counted", 5*time.Second, func() bool { return metricsNow(m).Total == 2 })
	m.SetHidden(false)
	b := rec.lastBatch()
	if !b.Replace || !b.Paused {
		t.Fatalf("shown while paused: %+v, want a replacing, paused batch", b)
	}
	if rows := b.Connections["connection_1"].Ticks; len(rows) != 1 || rows[0].Price != 1 {
		t.Errorf("shown while paused: rows %+v, want the one as of the pause", rows)
	}
}
