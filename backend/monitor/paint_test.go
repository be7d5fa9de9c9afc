package monitor

import (
	"sync"
	"testing"
	"time"

	"github.com/tickstock/monitor/backend/wire"
	"github.com/tickstock/monitor/internal/redistest"
	"github.com/tickstock/monitor/internal/wait"
)

// stamped records when each batch was handed over.
type stamped struct {
	recorder
	mu sync.Mutex
	at []time.Time
}

func (s *stamped) Batch(b *wire.Batch) {
	s.mu.Lock()
	s.at = append(s.at, time.Now())
	s.mu.Unlock()
	s.recorder.Batch(b)
}

func (s *stamped) times() []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Time(nil), s.at...)
}

func startStamped(t *testing.T) (*Monitor, *stamped) {
	srv := redistest.Start(t)
	out := &stamped{}
	m := New(Options{URL: srv.URL, Channel: redistest.Channel(t), Assigner: defaultAssigner(), Output: out, FlushInterval: 250 * time.Millisecond})
	m.Start(t.Context())
	t.Cleanup(m.Close)
	wait.For(t, "subscribed", 5*time.Second, subscribed(m))
	return m, out
}

// A window that says it painted a batch gets the next one as soon as it has
// rows, not a flush interval later: that is the PUBLISH → row latency.
func TestPaintedBatchLetsTheNextGoAtOnce(t *testing.T) {
	m, out := startStamped(t)
	m.Offer([]byte(tickJSON("AAPL", 1)))
	wait.For(t, "batch 1", 5*time.Second, func() bool { return len(out.times()) == 1 })
	m.Painted(out.lastBatch().Seq)
	m.Offer([]byte(tickJSON("AAPL", 2)))
	wait.For(t, "batch 2", 5*time.Second, func() bool { return len(out.times()) == 2 })
	at := out.times()
	if gap := at[1].Sub(at[0]); gap >= m.opts.FlushInterval {
		t.Errorf("the batch after a paint came %v after the previous one: it waited for the flush interval (%v)", gap, m.opts.FlushInterval)
	}
}

// A window that has not painted the previous batch is not sent another for
// FlushInterval: a busy (or absent) window is never flooded.
func TestUnpaintedBatchHoldsTheNextForTheFlushInterval(t *testing.T) {
	m, out := startStamped(t)
	m.Offer([]byte(tickJSON("AAPL", 1)))
	wait.For(t, "batch 1", 5*time.Second, func() bool { return len(out.times()) == 1 })
	for i := range 20 {
		m.Offer([]byte(tickJSON("AAPL", float64(i))))
	}
	wait.For(t, "batch 2", 5*time.Second, func() bool { return len(out.times()) == 2 })
	at := out.times()
	if gap := at[1].Sub(at[0]); gap < m.opts.FlushInterval {
		t.Errorf("a second batch came %v after an unpainted one (flush interval %v)", gap, m.opts.FlushInterval)
	}
	if n := len(out.lastBatch().Connections["connection_1"].Ticks); n != 20 {
		t.Errorf("the held rows were not coalesced into one batch of 20: %d rows", n)
	}
}
