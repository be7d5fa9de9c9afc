package manager

import "time"

// minDelay keeps full jitter from turning into a tight reconnect loop.
const minDelay = 100 * time.Millisecond

// AuthRetryFloor is the shortest wait before any retry once the provider has
// rejected the key, whatever the configured delays: thousands of
// authentication attempts a minute are what gets a provider account blocked.
const AuthRetryFloor = time.Second

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
// retried only at the ceiling, a full account no sooner than maxConnDelay,
// and after a rejected key (until one is accepted) nothing sooner than
// AuthRetryFloor.
func (r *runner) retryDelay(o outcome, failures int) time.Duration {
	m := r.m
	var d time.Duration
	switch o {
	case outcomeAuthFailed:
		d = m.cfg.MaxReconnectDelay
	case outcomeMaxConnections:
		d = max(m.opts.MaxConnectionsDelay, m.cfg.MaxReconnectDelay)
	default:
		d = backoff(m.cfg.ReconnectDelay, m.cfg.MaxReconnectDelay, failures, m.opts.Jitter())
	}
	if o == outcomeAuthFailed || r.keyRejected {
		d = max(d, AuthRetryFloor)
	}
	return d
}
