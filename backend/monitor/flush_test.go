package monitor

import (
	"testing"
	"time"

	"github.com/tickstock/monitor/backend/wire"
	"github.com/tickstock/monitor/internal/redistest"
	"github.com/tickstock/monitor/internal/wait"
)

// The pacer on a clock the test moves: no timing, only its decisions.

const testGap, testHold = 100 * time.Millisecond, 250 * time.Millisecond

// drain sends a batch whenever the pacer lets one go, the window painting
// each at once, from start for d; it returns the batches sent and when.
func drain(p *pacer, start time.Time, d time.Duration) (sent int, end time.Time) {
	now := start
	for now.Before(start.Add(d)) {
		if w := p.wait(now, true); w > 0 {
			now = now.Add(w)
			continue
		}
		p.sent(now)
		sent++
		now = now.Add(time.Millisecond) // a tick every millisecond: always rows
	}
	return sent, now
}

// Under a flood the batches coalesce to the paint cadence: over any stretch,
// at most the quiet moment's burst plus one per PaintGap.
func TestPacerCoalescesAFloodToThePaintCadence(t *testing.T) {
	p := newPacer(testGap, testHold)
	start := time.Unix(1_000, 0)
	sent, end := drain(p, start, 2*time.Second)
	if most := quietBurst + int(2*time.Second/testGap); sent > most {
		t.Errorf("%d batches in 2 s of flood, want at most %d (one per %v after a burst of %d)", sent, most, testGap, quietBurst)
	}
	// Once the budget is spent, one batch per PaintGap, no more.
	sent, _ = drain(p, end, time.Second)
	if most := int(time.Second/testGap) + 1; sent > most {
		t.Errorf("%d batches in the third second of flood, want at most %d", sent, most)
	}
	if sent < int(time.Second/testGap)-1 {
		t.Errorf("%d batches in a second of flood: the rows were held longer than the cadence (%v)", sent, testGap)
	}
}

// After a quiet moment a lone tick goes at once, and so does one that
// follows it within the period: neither waits for the cadence.
func TestPacerLetsTheFirstTicksAfterAQuietMomentGoAtOnce(t *testing.T) {
	p := newPacer(testGap, testHold)
	_, end := drain(p, time.Unix(1_000, 0), time.Second) // under load: no spare
	p.idle(end.Add(testHold))                            // the loop's timer: nothing to send
	quiet := end.Add(3 * testGap)
	if w := p.wait(quiet, true); w != 0 {
		t.Fatalf("the first tick after a quiet moment waits %v", w)
	}
	p.sent(quiet)
	next := quiet.Add(20 * time.Millisecond) // painted, another tick
	if w := p.wait(next, true); w != 0 {
		t.Errorf("the tick after it waits %v: held for the cadence although the window painted and the rate is low", w)
	}
	p.sent(next)
	if w := p.wait(next.Add(20*time.Millisecond), true); w == 0 {
		t.Errorf("a third batch within %v of a quiet moment went at once: a burst is not coalesced", testGap)
	}
}

// A window slow to paint, with rows always waiting, is never quiet: once
// it has painted, it gets one batch per PaintGap, not a burst to catch up.
func TestPacerGivesASlowWindowNoBurst(t *testing.T) {
	p := newPacer(testGap, testHold)
	_, now := drain(p, time.Unix(1_000, 0), time.Second) // the spare of the start is spent
	for range 10 {
		p.sent(now)
		late := now.Add(3 * testHold) // painted long after the flush interval, rows waiting
		if w := p.wait(late, true); w != 0 {
			t.Fatalf("painted late with rows waiting: wait %v, want 0", w)
		}
		p.sent(late)
		if w := p.wait(late.Add(10*time.Millisecond), true); w != testGap-10*time.Millisecond {
			t.Fatalf("the batch after a late paint may go after %v, want %v (one per PaintGap: no catching up)", w, testGap-10*time.Millisecond)
		}
		now = late.Add(testGap)
	}
}

// A window that has not painted the previous batch gets the next one only
// FlushInterval after it, whatever the budget.
func TestPacerHoldsForAnUnpaintedBatch(t *testing.T) {
	p := newPacer(testGap, testHold)
	now := time.Unix(1_000, 0)
	p.sent(now)
	if w := p.wait(now.Add(10*time.Millisecond), false); w != testHold-10*time.Millisecond {
		t.Errorf("unpainted: wait %v, want %v", w, testHold-10*time.Millisecond)
	}
	if w := p.wait(now.Add(testHold), false); w != 0 {
		t.Errorf("unpainted after FlushInterval: wait %v, want 0", w)
	}
}

// The monitor uses the pacer: with a PaintGap of 250 ms, a lone tick after
// a quiet moment and the one after it (the first batch painted) both go out
// without waiting for the period.
func TestLoneTicksAfterAQuietMomentAreNotHeldForThePeriod(t *testing.T) {
	srv := redistest.Start(t)
	out := &stamped{}
	m := New(Options{URL: srv.URL, Channel: redistest.Channel(t), Assigner: defaultAssigner(), Output: out,
		FlushInterval: 250 * time.Millisecond, PaintGap: 250 * time.Millisecond})
	m.Start(t.Context())
	t.Cleanup(m.Close)
	wait.For(t, "subscribed", 5*time.Second, subscribed(m))
	m.Offer([]byte(tickJSON("AAPL", 1)))
	wait.For(t, "batch 1", 5*time.Second, func() bool { return len(out.times()) == 1 })
	m.Painted(out.lastBatch().Seq)
	m.Offer([]byte(tickJSON("AAPL", 2)))
	wait.For(t, "batch 2", 5*time.Second, func() bool { return len(out.times()) == 2 })
	at := out.times()
	if gap := at[1].Sub(at[0]); gap >= m.opts.PaintGap {
		t.Errorf("the second tick after a quiet moment came %v after the first: held for the period (%v)", gap, m.opts.PaintGap)
	}
}

// The monitor under a flood, its window painting every batch at once:
// batches coalesce to the cadence (a count, not a time: a slower machine
// only sends fewer).
func TestAFloodYieldsAtMostOneBatchPerPaintGap(t *testing.T) {
	srv := redistest.Start(t)
	out := &painting{}
	m := New(Options{URL: srv.URL, Channel: redistest.Channel(t), Assigner: defaultAssigner(), Output: out,
		FlushInterval: 100 * time.Millisecond, PaintGap: 100 * time.Millisecond})
	out.m = m
	m.Start(t.Context())
	t.Cleanup(m.Close)
	wait.For(t, "subscribed", 5*time.Second, subscribed(m))
	start := time.Now()
	for i := 0; time.Since(start) < time.Second; i++ {
		m.Offer([]byte(tickJSON("AAPL", float64(i))))
		time.Sleep(time.Millisecond)
	}
	elapsed := time.Since(start)
	if n, most := len(out.times()), quietBurst+int(elapsed/m.opts.PaintGap)+1; n > most {
		t.Errorf("%d batches in %v of flood, want at most %d", n, elapsed.Round(time.Millisecond), most)
	}
}

// painting is a window that paints every batch as it arrives.
type painting struct {
	stamped
	m *Monitor
}

func (p *painting) Batch(b *wire.Batch) {
	p.stamped.Batch(b)
	go p.m.Painted(b.Seq) // the answer comes from the window, not from inside send
}
