package remote

import (
	"context"
	"sync"
	"time"

	"github.com/tickstock/monitor/backend/wire"
)

// TickStockAppV2's /admin-ws forwards Redis ticks as tick_update from one
// reader thread (AdminWebSocketNamespace._subscribe_to_ticks) that ends on
// a Redis error and is started again only when an admin connects. After a
// Redis restart its push goes on without ticks while they reach Redis
// again: the rows (and the verdict's evidence that ticks arrive) then come
// from this monitor's own Redis subscription, until tick_update comes back.

// watchForwarding checks once a second, while a push stream runs, whether
// Redis carries ticks that the push has not forwarded for ForwardGap; stop
// ends the watch and waits for it.
func (o *Observer) watchForwarding(ctx context.Context) (stop func()) {
	if o.sink == nil {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		last := o.sink.Skipped()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			skipped := o.sink.Skipped()
			if skipped > last {
				o.forwardingStopped(time.Now())
			}
			last = skipped
		}
	})
	return func() { cancel(); wg.Wait() }
}

// forwardingStopped: Redis carried ticks in the last second; the push has
// forwarded none for ForwardGap since it opened, and which connection
// carries which ticker is known: the rows come from Redis.
func (o *Observer) forwardingStopped(now time.Time) {
	if !o.linked.Load() || o.client.Kind() != wire.KindTSV2 || len(*o.learned.Load()) == 0 {
		return
	}
	quiet := now.Sub(time.Unix(0, max(o.lastTick.Load(), o.linkedAt.Load())))
	if quiet < o.opts.ForwardGap || !o.onRedis.CompareAndSwap(false, true) {
		return
	}
	o.log.Warn("the server's push stopped forwarding ticks while Redis carries them; the rows come from Redis", "server", o.client.URL(), "quiet", quiet.Round(time.Second))
	o.useFeed(wire.FeedRedis, "")
}

// forwardingAgain: a tick_update came after the rows moved to Redis: the
// push feeds them again (each tick counted once, from one feed).
func (o *Observer) forwardingAgain() {
	if o.onRedis.Load() && o.onRedis.CompareAndSwap(true, false) {
		o.log.Info("the server's push forwards ticks again", "server", o.client.URL())
		o.useFeed(wire.FeedPush, o.pushFeedDetail())
	}
}

func (o *Observer) pushFeedDetail() string {
	return "Ticks come from " + o.client.URL() + "'s /admin-ws push (tick_update), each counted once; the Redis subscription is not used for rows while the push runs."
}
