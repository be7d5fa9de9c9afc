package monitor

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tickstock/monitor/backend/redisbus"
)

// readLoop keeps a subscription open. go-redis re-dials and re-subscribes on
// its own after a broken connection; the loop notices every such break (from
// the error, or from a repeated subscription confirmation) and reports it as
// a gap, and a watchdog forces a new connection when the server answers
// neither messages nor PINGs.
func (m *Monitor) readLoop(ctx context.Context) {
	ro, err := redisbus.Options(m.opts.URL)
	if err != nil {
		m.setSource(SourceReconnecting, err.Error()+" Fix REDIS_URL and restart.")
		<-ctx.Done()
		return
	}
	ro.ReadTimeout = -1 // the watchdog decides when a silent connection is dead
	client := redis.NewClient(ro)
	defer client.Close()
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		ps := m.subscribe(ctx, client)
		reason := m.receive(ctx, ps)
		_ = ps.Close()
		if ctx.Err() != nil {
			return
		}
		m.lost(reason)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, time.Second)
	}
}

func (m *Monitor) subscribe(ctx context.Context, c *redis.Client) *redis.PubSub {
	if m.source.Pattern {
		return c.PSubscribe(ctx, m.opts.Channel)
	}
	return c.Subscribe(ctx, m.opts.Channel)
}

// receive reads until the watchdog gives up on this PubSub or ctx ends; it
// returns why. Transient errors are reported and retried in place, since
// go-redis reconnects on the next receive.
func (m *Monitor) receive(ctx context.Context, ps *redis.PubSub) string {
	lastActivity := time.Now()
	lastPing := time.Time{}
	retry := 100 * time.Millisecond
	for {
		msg, err := ps.ReceiveTimeout(ctx, m.opts.PingEvery)
		if ctx.Err() != nil {
			return ""
		}
		now := time.Now()
		switch v := msg.(type) {
		case *redis.Message:
			lastActivity = now
			if m.skipRedis.Load() {
				m.skipped.Add(1) // the push carries the same ticks, or no map yet
				continue
			}
			if m.opts.beforeDeliver != nil {
				m.opts.beforeDeliver()
			}
			select {
			case m.msgs <- v.Payload:
			case <-ctx.Done():
				return ""
			}
			continue
		case *redis.Subscription:
			lastActivity = now
			if v.Kind == "subscribe" || v.Kind == "psubscribe" {
				m.subscribed(now)
			}
			retry = 100 * time.Millisecond
			continue
		case *redis.Pong:
			lastActivity = now
			continue
		}
		if err == nil {
			continue
		}
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			if now.Sub(lastActivity) > m.opts.DeadAfter {
				return fmt.Sprintf("no message and no PING reply for %v", m.opts.DeadAfter.Round(time.Millisecond))
			}
			if now.Sub(lastPing) >= m.opts.PingEvery {
				lastPing = now
				if perr := ps.Ping(ctx); perr != nil {
					m.lost(describe(perr))
				}
			}
			continue
		}
		// A broken or refused connection: say so, wait, and let go-redis
		// re-dial on the next receive.
		m.lost(describe(err))
		lastActivity = now // the dead-connection clock restarts with each try
		select {
		case <-ctx.Done():
			return ""
		case <-time.After(retry):
		}
		retry = min(retry*2, time.Second)
	}
}

// describe turns a Redis error into a sentence for the source status.
func describe(err error) string {
	s := err.Error()
	switch {
	case strings.Contains(s, "connection refused"):
		return "Redis refused the connection (is redis-server running?)"
	case strings.Contains(s, "i/o timeout"):
		return "Redis did not answer in time"
	case strings.Contains(s, "EOF"), strings.Contains(s, "reset by peer"), strings.Contains(s, "broken pipe"):
		return "Redis closed the connection (restarted, CLIENT KILL, or output buffer limit for a slow subscriber)"
	case strings.Contains(s, "NOAUTH"), strings.Contains(s, "WRONGPASS"), strings.Contains(s, "invalid password"):
		return "Redis rejected the credentials: check the password in REDIS_URL or the keyring"
	case strings.Contains(s, "no such host"):
		return "the Redis host name does not resolve: check REDIS_URL"
	}
	return "Redis error: " + s
}

// subscribed records a confirmed subscription; one after a loss closes a gap.
func (m *Monitor) subscribed(now time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	gap := ""
	switch {
	case m.started.IsZero():
		m.started = now // the first subscription: nothing was missed yet
	case m.source.State == SourceReconnecting:
		from := m.source.Since
		g := &Gap{From: from, To: unix(now), Seconds: unix(now) - from, Reason: m.lostReason}
		m.source.Gaps++
		m.source.LastGap = g
		gap = fmt.Sprintf(" Gap of %.1f s: ticks published then were not seen.", g.Seconds)
		m.opts.Log.Warn("Redis subscription restored after a gap", "seconds", g.Seconds, "reason", g.Reason)
	case m.source.State == SourceSubscribed:
		// go-redis re-subscribed without us seeing an error: still a gap,
		// of unknown start.
		m.source.Gaps++
		m.source.LastGap = &Gap{From: unix(now), To: unix(now), Reason: "the connection was re-established silently"}
		gap = " A silent reconnect was detected: ticks may have been missed."
	}
	m.source.State, m.source.Since = SourceSubscribed, unix(now)
	verb := "Subscribed to "
	if m.source.Pattern {
		verb = "Subscribed to the pattern "
	}
	m.source.Detail = verb + m.opts.Channel + " on " + m.source.Where + "." + gap
	m.sourceDirty = true
}

// lost records that the subscription is down, keeping the first reason and
// time of this outage for the gap report.
func (m *Monitor) lost(reason string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.source.State == SourceReconnecting {
		return
	}
	m.opts.Log.Warn("Redis subscription lost", "reason", reason)
	m.lostReason = reason
	m.source.State, m.source.Since = SourceReconnecting, unix(time.Now())
	if m.started.IsZero() {
		reason += ". Retrying every second; ticks will show once Redis at " + m.source.Where + " answers."
	} else {
		reason += ". Reconnecting; ticks published meanwhile are not seen."
	}
	m.source.Detail = reason
	m.sourceDirty = true
}

func (m *Monitor) setSource(state, detail string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.source.State, m.source.Detail, m.source.Since = state, detail, unix(time.Now())
	m.sourceDirty = true
}
