package manager

import "time"

// minDelay keeps full jitter from turning into a tight reconnect loop.
const minDelay = 100 * time.Millisecond

// outcome is how a connection attempt ended.
type outcome int

const (
	outcomeLost           outcome = iota // dial failed, dropped, stalled, closed
	outcomeAuthFailed                    // the provider rejected the key
	outcomeMaxConnections                // the key has no connection left
	outcomeStopped                       // the manager is shutting down
)

// backoff is the delay before retry number failures (1 = first retry):
// full jitter, uniform in [minDelay, min(ceiling, base·2^(failures-1))].
func backoff(base, ceiling time.Duration, failures int, jitter float64) time.Duration {
	limit := ceiling
	if failures < 1 {
		failures = 1
	}
	if failures <= 30 {
		if d := base << (failures - 1); d > 0 && d < ceiling {
			limit = d
		}
	}
	return max(time.Duration(jitter*float64(limit)), minDelay)
}

// retryDelay is the wait after an attempt that ended in o: a rejected key is
// retried only at the ceiling, a full account no sooner than maxConnDelay.
func (r *runner) retryDelay(o outcome, failures int) time.Duration {
	m := r.m
	switch o {
	case outcomeAuthFailed:
		return m.cfg.MaxReconnectDelay
	case outcomeMaxConnections:
		return max(m.opts.MaxConnectionsDelay, m.cfg.MaxReconnectDelay)
	}
	return backoff(m.cfg.ReconnectDelay, m.cfg.MaxReconnectDelay, failures, m.opts.Jitter())
}
