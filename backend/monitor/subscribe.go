package monitor

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tickstock/monitor/backend/config"
	"github.com/tickstock/monitor/backend/redisbus"
	"github.com/tickstock/monitor/backend/wire"
)

// readLoop keeps a subscription open. go-redis re-dials and re-subscribes on
// its own after a broken connection; the loop notices every such break (from
// the error, or from a repeated subscription confirmation) and reports it as
// a gap, and a watchdog forces a new connection when the server answers
// neither messages nor PINGs.
func (m *Monitor) readLoop(ctx context.Context) {
	client, err := redisbus.NewClient(m.opts.Redis, redisbus.ForSubscriber)
	if err != nil {
		m.setSubscription(wire.SubscriptionReconnecting, err.Error()+" Fix the Redis settings and restart.")
		<-ctx.Done()
		return
	}
	defer client.Close()
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		ps := m.subscribe(ctx, client)
		reason := m.receive(ctx, ps, client)
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

func (m *Monitor) subscribe(ctx context.Context, c redis.UniversalClient) *redis.PubSub {
	if m.sub.Pattern {
		return c.PSubscribe(ctx, m.opts.Channel)
	}
	return c.Subscribe(ctx, m.opts.Channel)
}

// receive reads until the watchdog gives up on this PubSub or ctx ends; it
// returns why. Transient errors are reported and retried in place, since
// go-redis reconnects on the next receive.
//
// The watchdog measures the server's silence on the reads' own clock: each
// read that times out adds at most its own timeout, however late it
// returned. On a machine starved of CPU this goroutine may run seconds after
// its read's deadline, and the read then fails unread while messages and the
// PING's reply wait in the socket; counting wall time would close a live
// connection and drop them. A reply already in the socket is read by the
// next read and counts.
func (m *Monitor) receive(ctx context.Context, ps *redis.PubSub, client *redisbus.Client) string {
	var silent time.Duration // the server's silence, on the reads' clock
	lastPing := time.Time{}
	retry := 100 * time.Millisecond
	for {
		start := time.Now()
		msg, err := m.read(ctx, ps)
		if ctx.Err() != nil {
			return ""
		}
		now := time.Now()
		switch v := msg.(type) {
		case *redis.Message:
			silent = 0
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
			silent = 0
			if v.Kind == "subscribe" || v.Kind == "psubscribe" {
				m.subscribed(now, client.Node())
			}
			retry = 100 * time.Millisecond
			continue
		case *redis.Pong:
			silent = 0
			continue
		}
		if err == nil {
			continue
		}
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			silent += min(now.Sub(start), m.opts.PingEvery)
			if silent > m.opts.DeadAfter {
				return fmt.Sprintf("no message and no PING reply for %v", m.opts.DeadAfter.Round(time.Millisecond))
			}
			if now.Sub(lastPing) >= m.opts.PingEvery {
				lastPing = now
				if perr := ps.Ping(ctx); perr != nil {
					m.lost(m.describe(perr))
				}
			}
			continue
		}
		if isPingRefused(err) {
			// An ACL user with only SUBSCRIBE rights may not PING; the
			// refusal is an answer all the same, so the connection is alive.
			silent = 0
			continue
		}
		// A broken or refused connection: say so, wait, and let go-redis
		// re-dial on the next receive.
		m.lost(m.describe(err))
		silent = 0 // the dead-connection clock restarts with each try
		select {
		case <-ctx.Done():
			return ""
		case <-time.After(retry):
		}
		retry = min(retry*2, time.Second)
	}
}

// read is one ReceiveTimeout of PingEvery (and, in tests, a starved one).
func (m *Monitor) read(ctx context.Context, ps *redis.PubSub) (any, error) {
	if m.opts.starveRead != nil {
		if d := m.opts.starveRead(); d > 0 {
			select {
			case <-ctx.Done():
			case <-time.After(d):
			}
			return nil, os.ErrDeadlineExceeded
		}
	}
	return ps.ReceiveTimeout(ctx, m.opts.PingEvery)
}

// isPingRefused: the server answered the watchdog's PING with NOPERM.
func isPingRefused(err error) bool {
	var re redis.Error
	s := err.Error()
	return errors.As(err, &re) && strings.HasPrefix(s, "NOPERM") && strings.Contains(strings.ToLower(s), "'ping'")
}

// describe turns a Redis error into a sentence for the source status.
func (m *Monitor) describe(err error) string {
	if why := redisbus.Explain(err, m.opts.Channel); why != "" {
		return why
	}
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

// subscribed records a confirmed subscription on node; one after a loss
// closes a gap, whose reason says when the node changed (a Sentinel failover,
// a cluster node lost).
func (m *Monitor) subscribed(now time.Time, node string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if prev := m.sub.Node; prev != "" && node != "" && prev != node && m.sub.State == wire.SubscriptionReconnecting {
		switch m.sub.Kind {
		case config.RedisSentinel:
			m.lostReason += "; Sentinel failover: the master moved from " + prev + " to " + node
		case config.RedisCluster:
			m.lostReason += "; the subscription moved from cluster node " + prev + " to " + node
		}
	}
	if node != "" {
		m.sub.Node = node
		if m.opts.RedisLabel == "" {
			m.sub.Where = redisbus.WithNode(m.opts.Redis, node)
		}
	}
	gap := ""
	switch {
	case m.started.IsZero():
		m.started = now // the first subscription: nothing was missed yet
	case m.sub.State == wire.SubscriptionReconnecting:
		from := m.sub.Since
		g := &wire.Gap{From: from, To: wire.Unix(now), Seconds: wire.Unix(now) - from, Reason: m.lostReason}
		m.sub.Gaps++
		m.sub.LastGap = g
		gap = fmt.Sprintf(" Last gap %.1f s: this monitor saw no ticks then.", g.Seconds)
		m.opts.Log.Warn("Redis subscription restored after a gap", "seconds", g.Seconds, "reason", g.Reason)
	case m.sub.State == wire.SubscriptionSubscribed:
		// go-redis re-subscribed without us seeing an error: still a gap,
		// of unknown start.
		m.sub.Gaps++
		m.sub.LastGap = &wire.Gap{From: wire.Unix(now), To: wire.Unix(now), Reason: "the connection was re-established silently"}
		gap = " A silent reconnect was detected: ticks may have been missed."
	}
	m.sub.State, m.sub.Since = wire.SubscriptionSubscribed, wire.Unix(now)
	verb := "Subscribed to "
	if m.sub.Pattern {
		verb = "Subscribed to the pattern "
	}
	m.sub.Detail = verb + m.opts.Channel + " on " + m.sub.Where + "." + gap
	m.subDirty = true
}

// lost records that the subscription is down, keeping the first reason and
// time of this outage for the gap report.
func (m *Monitor) lost(reason string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.sub.State == wire.SubscriptionReconnecting {
		return
	}
	m.opts.Log.Warn("Redis subscription lost", "reason", reason)
	m.lostReason = reason
	m.sub.State, m.sub.Since = wire.SubscriptionReconnecting, wire.Unix(time.Now())
	if m.started.IsZero() {
		reason += ". Retrying every second; ticks will show once Redis at " + m.sub.Where + " answers."
	} else {
		reason += ". Reconnecting; this monitor sees no ticks meanwhile (whether they are published, the verdict says)."
	}
	m.sub.Detail = reason
	m.subDirty = true
}

func (m *Monitor) setSubscription(state wire.SubscriptionPhase, detail string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sub.State, m.sub.Detail, m.sub.Since = state, detail, wire.Unix(time.Now())
	m.subDirty = true
}
