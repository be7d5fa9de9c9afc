package monitor

import (
	"testing"
	"time"
)

// The monitor owns the filter, the pause and the row limits; the window
// renders what the batches say. These tests hold the batches to that.

func TestPauseSaysSoAtOnceAndResumeEndsIt(t *testing.T) {
	rec := &recorder{}
	m := New(Options{URL: "redis://127.0.0.1:1/15", Channel: "x", Assigner: defaultAssigner(), Output: rec})
	m.consume([]string{tickJSON("AAPL", 1)}, time.Now())
	first := m.nextBatch()
	if first.Paused || first.Rows != m.opts.RowsKept || first.UnassignedRows != unassignedRows {
		t.Fatalf("a live batch: paused %v, rows %d, unassigned rows %d", first.Paused, first.Rows, first.UnassignedRows)
	}

	m.Pause()
	b := rec.lastBatch()
	if b == nil || !b.Paused || b.Replace || len(b.Connections) != 0 || b.Seq <= first.Seq || b.Rows != m.opts.RowsKept {
		t.Fatalf("Pause must send a batch without rows that says paused: %+v", b)
	}
	m.Pause() // a window that lost track is told again
	if again := rec.lastBatch(); again == b || !again.Paused {
		t.Fatalf("a second Pause: %+v", again)
	}
	m.consume([]string{tickJSON("AAPL", 2)}, time.Now())
	if nb := m.nextBatch(); nb != nil {
		t.Fatalf("a batch while paused: %+v", nb)
	}
	m.Resume()
	if r := rec.lastBatch(); r.Paused || !r.Resumed || !r.Replace {
		t.Fatalf("the resume batch: %+v", r)
	}
}

func TestFilterWhilePausedReplacesTheFrozenRowsAtOnce(t *testing.T) {
	rec := &recorder{}
	m := New(Options{URL: "redis://127.0.0.1:1/15", Channel: "x", Assigner: defaultAssigner(), Output: rec})
	m.consume([]string{tickJSON("AAPL", 1), tickJSON("MSFT", 2), tickJSON("PLTR", 3)}, time.Now())
	m.nextBatch()
	m.Pause()
	m.consume([]string{tickJSON("AAPL", 4)}, time.Now()) // after the pause: not shown

	m.SetFilter("aapl")
	b := rec.lastBatch()
	if b == nil || !b.Replace || !b.Paused || b.Filter != "AAPL" {
		t.Fatalf("SetFilter while paused must replace the rows at once: %+v", b)
	}
	c1 := b.Connections["connection_1"].Ticks
	if len(c1) != 1 || c1[0].Symbol != "AAPL" || c1[0].Price != 1 {
		t.Errorf("connection_1: want the AAPL row as of the pause, got %+v", c1)
	}
	if c2 := b.Connections["connection_2"].Ticks; len(c2) != 0 {
		t.Errorf("connection_2 keeps no PLTR row under the AAPL filter: %+v", c2)
	}

	m.SetFilter("")
	if c1 := rec.lastBatch().Connections["connection_1"].Ticks; len(c1) != 1 {
		t.Errorf("clearing the filter while paused cannot bring back rows the filter dropped: %+v", c1)
	}
	m.Resume()
	r := rec.lastBatch()
	if r.Paused || r.Filter != "" || len(r.Connections["connection_1"].Ticks) != 2 {
		t.Fatalf("resume: the newest rows (both AAPL) under no filter: %+v", r.Connections["connection_1"])
	}
}
