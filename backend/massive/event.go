// Package massive is a pure codec for the Massive (formerly Polygon.io)
// stocks WebSocket protocol: it decodes server frames into typed events and
// encodes client actions. It does no I/O.
//
// Every server frame is a JSON array of events, e.g.
//
//	[{"ev":"status","status":"connected","message":"Connected Successfully"}]
//	[{"ev":"AM","sym":"AAPL","v":1200,"o":178.1,"c":178.2,…,"s":1705853640000,"e":1705853700000}]
package massive

// Kind says which event an Event is.
type Kind uint8

const (
	KindStatus          Kind = iota + 1 // ev "status"
	KindTrade                           // ev "T"
	KindQuote                           // ev "Q"
	KindAggregate                       // ev "A" (per second)
	KindMinuteAggregate                 // ev "AM"
)

// String returns the protocol's event prefix.
func (k Kind) String() string {
	switch k {
	case KindStatus:
		return "status"
	case KindTrade:
		return "T"
	case KindQuote:
		return "Q"
	case KindAggregate:
		return "A"
	case KindMinuteAggregate:
		return "AM"
	}
	return "unknown"
}

// Provider status words (the "status" field of a status event). They are
// what the provider says, not a connection's state: "auth_failed" here is
// the provider's reply to one auth action, which the manager turns into
// wire.StatusAuthFailed, the contract word for the connection. The
// Provider prefix keeps the two apart.
const (
	ProviderConnected      = "connected"
	ProviderAuthSuccess    = "auth_success"
	ProviderAuthFailed     = "auth_failed"
	ProviderAuthTimeout    = "auth_timeout"
	ProviderSuccess        = "success" // e.g. "subscribed to: AM.AAPL"
	ProviderMaxConnections = "max_connections"
	ProviderError          = "error"
)

// Event is one decoded server event. Kind says which of the payload fields
// is meaningful; the others are zero.
type Event struct {
	Kind   Kind
	Symbol string // empty for status events

	Status    Status
	Trade     Trade
	Quote     Quote
	Aggregate Aggregate // for KindAggregate and KindMinuteAggregate
}

// Status is a provider status message.
type Status struct {
	Status  string
	Message string
}

// Trade is a "T" event.
type Trade struct {
	Exchange     int32
	ID           string
	Tape         int32
	Price        float64
	Size         float64
	Conditions   []int32
	Timestamp    int64 // Unix ms
	Sequence     int64
	TRFID        int32
	TRFTimestamp int64
}

// Quote is a "Q" event.
type Quote struct {
	BidExchange int32
	BidPrice    float64
	BidSize     float64
	AskExchange int32
	AskPrice    float64
	AskSize     float64
	Condition   int32
	Indicators  []int32
	Timestamp   int64 // Unix ms
	Sequence    int64
	Tape        int32
}

// Aggregate is an "A" (second) or "AM" (minute) bar.
type Aggregate struct {
	Volume       float64
	AccumVolume  float64
	OfficialOpen float64
	VWAP         float64
	Open         float64
	Close        float64
	High         float64
	Low          float64
	AvgTradeSize float64
	Tape         int32
	Start        int64 // Unix ms
	End          int64 // Unix ms
	OTC          bool
}

// Tick returns the price, volume and Unix-ms timestamp that the ingest
// publishes for a market event: the trade price and size for T, the bid/ask
// mid and bs+as for Q, the close and volume for A/AM (stamped at the bar's end).
func (e *Event) Tick() (price float64, volume int64, tsMillis int64, ok bool) {
	switch e.Kind {
	case KindTrade:
		return e.Trade.Price, int64(e.Trade.Size), e.Trade.Timestamp, true
	case KindQuote:
		q := &e.Quote
		return (q.BidPrice + q.AskPrice) / 2, int64(q.BidSize + q.AskSize), q.Timestamp, true
	case KindAggregate, KindMinuteAggregate:
		a := &e.Aggregate
		ts := a.End
		if ts == 0 {
			ts = a.Start
		}
		return a.Close, int64(a.Volume), ts, true
	}
	return 0, 0, 0, false
}
