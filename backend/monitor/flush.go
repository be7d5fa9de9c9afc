package monitor

import "time"

// quietBurst is how many batches may go at once after a quiet moment: the
// first tick after it is on screen within a frame instead of waiting up to
// a PaintGap behind the previous batch, and a second one that follows soon
// after does not wait either. Under load the budget is spent and batches
// coalesce to one per PaintGap, as many as before.
const quietBurst = 2

// pacer decides when the output loop may send the next batch: a budget of
// batches (at most quietBurst) that refills by one per PaintGap, so the
// batch rate over any stretch of load is the paint cadence, while a tick
// that finds budget left (the first after a quiet moment) goes at once.
// A window that has not painted the previous batch is sent nothing for
// FlushInterval after it, budget or not. Pure: the caller says the time.
type pacer struct {
	gap    time.Duration // PaintGap: the cadence the budget refills at
	hold   time.Duration // FlushInterval: the wait for an unpainted batch
	budget float64       // batches that may go now (fractions refill)
	at     time.Time     // when budget was brought up to date
	sentAt time.Time     // the previous batch
}

func newPacer(gap, hold time.Duration) *pacer {
	return &pacer{gap: gap, hold: hold, budget: quietBurst}
}

// wait is how long from now before a batch may go (0: now). painted says
// the window has painted the previous batch.
func (p *pacer) wait(now time.Time, painted bool) time.Duration {
	p.refill(now)
	if !painted {
		if d := p.sentAt.Add(p.hold).Sub(now); d > 0 {
			return d
		}
	}
	if p.budget >= 1 {
		return 0
	}
	return time.Duration((1 - p.budget) * float64(p.gap))
}

// sent spends a batch of the budget.
func (p *pacer) sent(now time.Time) {
	p.refill(now)
	p.budget = max(0, p.budget-1)
	p.sentAt = now
}

func (p *pacer) refill(now time.Time) {
	if !p.at.IsZero() && now.After(p.at) {
		p.budget = min(quietBurst, p.budget+float64(now.Sub(p.at))/float64(p.gap))
	}
	if now.After(p.at) {
		p.at = now
	}
}
