package monitor

import "time"

// quietBurst is how many batches may go within one PaintGap after a quiet
// moment: the first tick after it is on screen within a frame, and one that
// follows soon after does not wait a PaintGap behind it either. 1 is one
// batch per PaintGap, always.
const quietBurst = 2

// pacer decides when the output loop may send the next batch. Under load
// (rows always waiting) it is one batch per PaintGap after the previous
// one; a window that has not painted the previous batch gets the next only
// FlushInterval after it. A quiet moment — the loop could send and found
// nothing — earns quietBurst-1 spare batches that may go before the
// PaintGap is over, so the first ticks after it wait for nothing. Only
// quiet earns them: a window slow to paint, with rows waiting, never gets
// batches in quick succession to catch up. Pure: the caller says the time.
type pacer struct {
	gap    time.Duration // PaintGap
	hold   time.Duration // FlushInterval: the wait for an unpainted batch
	spare  int           // batches that may still go within the PaintGap
	sentAt time.Time     // the previous batch
}

func newPacer(gap, hold time.Duration) *pacer {
	return &pacer{gap: gap, hold: hold, spare: quietBurst - 1}
}

// wait is how long from now before a batch may go (0: now). painted says
// the window has painted the previous batch.
func (p *pacer) wait(now time.Time, painted bool) time.Duration {
	if !painted {
		if d := p.sentAt.Add(p.hold).Sub(now); d > 0 {
			return d
		}
	}
	d := p.sentAt.Add(p.gap).Sub(now)
	if d <= 0 || p.spare > 0 {
		return 0
	}
	return d
}

// sent records a batch sent at now.
func (p *pacer) sent(now time.Time) {
	if now.Before(p.sentAt.Add(p.gap)) {
		p.spare--
	}
	p.sentAt = now
}

// idle says the loop could send at now and had nothing: a quiet moment
// once a PaintGap has passed since the previous batch.
func (p *pacer) idle(now time.Time) {
	if !now.Before(p.sentAt.Add(p.gap)) {
		p.spare = quietBurst - 1
	}
}
