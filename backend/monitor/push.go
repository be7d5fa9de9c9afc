package monitor

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

// UsePushFeed switches the rows' source: on, the pushed ticks (Offer) feed
// them and ticks read from Redis are skipped, so each tick is counted once;
// off, Redis feeds them again. detail says so in the source status.
func (m *Monitor) UsePushFeed(on bool, detail string) {
	if m.pushFeed.Swap(on) == on {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.source.Feed, m.source.FeedDetail = FeedRedis, ""
	if on {
		m.source.Feed, m.source.FeedDetail = FeedPush, detail
	}
	m.sourceDirty = true
}
