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

// A hidden window is sent no rows and no metrics while the counts go on;
// shown again, it gets at once the newest rows, replacing what it showed,
// and the figures as of now.
func TestHiddenWindowGetsNoRowsThenTheNewestAtOnce(t *testing.T) {
	srv := redistest.Start(t)
	m, rec := start(t, srv, Options{})
	wait.For(t, "subscribed", 5*time.Second, subscribed(m))
	m.Offer([]byte(tickJSON("AAPL", 1)))
	wait.For(t, "the first batch", 5*time.Second, func() bool { return rec.batchCount() == 1 })
	wait.For(t, "the first metrics", 5*time.Second, func() bool { return rec.metricsCount() >= 1 })

	m.SetHidden(true)
	seen := rec.metricsCount()
	for i := range 100 {
		m.Offer([]byte(tickJSON("AAPL", float64(10+i))))
	}
	wait.For(t, "counted while hidden", 5*time.Second, func() bool { return metricsNow(m).Total == 101 })
	// Long enough for two rounds of the output loop's once-a-second
	// metrics, each past the flush interval with fresh rows waiting.
	time.Sleep(2200 * time.Millisecond)
	if n := rec.batchCount(); n != 1 {
		t.Fatalf("%d batches while the window was hidden, want none after the first", n-1)
	}
	if n := rec.metricsCount() - seen; n > 1 { // one may have been on its way as it was hidden
		t.Fatalf("%d metrics while the window was hidden, want none", n)
	}
	before := rec.metricsCount()

	m.SetHidden(false) // the batch goes out before it returns: nothing to wait for
	b := rec.lastBatch()
	if rec.batchCount() != 2 || !b.Replace {
		t.Fatalf("shown again: %d batches, the last %+v; want a replacing batch at once", rec.batchCount(), b)
	}
	rows := b.Connections["connection_1"].Ticks
	if len(rows) != m.opts.RowsPerBatch || rows[0].Price != 109 {
		t.Errorf("shown again: %d rows, newest %+v; want the newest %d (109 first)", len(rows), rows[0], m.opts.RowsPerBatch)
	}
	rec.mu.Lock()
	shown := rec.metrics[before:]
	rec.mu.Unlock()
	if len(shown) == 0 || shown[0].Connections["connection_1"].Received != 101 { // the loop may have sent one more since
		t.Errorf("shown again: metrics %+v, want one at once counting the 101 ticks", shown)
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
