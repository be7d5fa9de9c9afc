package monitor

import "github.com/tickstock/monitor/backend/wire"

// Offer hands the monitor one tick that did not come from Redis (TickStockAppV2's
// tick_update). It never blocks: false when the buffer is full (the caller
// counts it as dropped).
func (m *Monitor) Offer(payload []byte) bool {
	select {
	case m.msgs <- string(payload):
		return true
	default:
		return false
	}
}

// UseFeed says what feeds the rows: wire.FeedRedis (this subscription),
// wire.FeedPush (ticks handed to Offer; Redis messages are skipped, so each
// tick counts once) or wire.FeedNone (Redis messages are skipped until a
// remote server says which connection carries which ticker). detail says so
// in the source status. Any other word means wire.FeedRedis.
func (m *Monitor) UseFeed(feed wire.Feed, detail string) {
	if feed != wire.FeedPush && feed != wire.FeedNone {
		feed, detail = wire.FeedRedis, ""
	}
	m.skipRedis.Store(feed != wire.FeedRedis)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.sub.Feed == feed && m.sub.FeedDetail == detail {
		return
	}
	m.sub.Feed, m.sub.FeedDetail = feed, detail
	m.subDirty = true
}

// Skipped counts the Redis messages not used for rows because another feed
// fed them (wire.SubscriptionState.Skipped).
func (m *Monitor) Skipped() int64 { return m.skipped.Load() }
