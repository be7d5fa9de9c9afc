package wire

// Feed says where figures or rows come from. Two fields carry it, each
// with its own words (RowFeeds, RemoteFeeds); FeedPush, the word they
// share, is spelled once.
type Feed string

// The feeds.
const (
	// FeedRedis: the rows come from the monitor's own Redis subscription.
	FeedRedis Feed = "redis"
	// FeedPush: a remote server's push stream (its tick_update feeds the
	// rows; its health events feed the figures).
	FeedPush Feed = "push"
	// FeedNone: no rows yet: not signed in to the remote server, which
	// says which connection carries which ticker.
	FeedNone Feed = "none"
	// FeedPolling: the figures come from the status API every 2 s.
	FeedPolling Feed = "polling"
)

// RowFeeds are the words of what feeds the monitor's rows (the "feed" of
// wire.SubscriptionState, the event source:state).
var RowFeeds = []Feed{FeedRedis, FeedPush, FeedNone}

// RemoteFeeds are the words of how a remote observer follows its server
// (the "feed" of RemoteState, the event remote:state).
var RemoteFeeds = []Feed{FeedPush, FeedPolling}
