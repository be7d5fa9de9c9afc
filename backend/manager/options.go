package manager

import (
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/tickstock/monitor/backend/ticks"
)

// Sink receives every tick. Offer must not block: it returns false when the
// tick could not be taken (a full queue), and the manager counts it as dropped
// for that connection.
type Sink interface {
	Offer(t ticks.Tick) bool
}

// Options tune the connections. Zero values take the defaults, which suit the
// real provider; tests shorten them.
type Options struct {
	Sink Sink
	Log  *slog.Logger
	// TickSource is the "source" of every tick: "massive" (the default) for
	// the provider, "demo" for the simulator, so no consumer can take a
	// simulated price for a real one.
	TickSource string

	HandshakeTimeout    time.Duration // WebSocket handshake; default 10 s
	AuthTimeout         time.Duration // from dial to auth_success; default 10 s
	PingInterval        time.Duration // default 25 s
	PongWait            time.Duration // extra wait beyond a ping; default 10 s
	WriteTimeout        time.Duration // default 10 s
	StableAfter         time.Duration // a connection up this long resets the backoff; default 30 s
	MaxConnectionsDelay time.Duration // earliest retry after max_connections; default 60 s
	SubscribeChunkBytes int           // largest "params" of one subscribe message; default 8 KiB

	// Jitter returns a uniform number in [0,1); default math/rand/v2.
	Jitter func() float64
}

func (o *Options) fill() {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.HandshakeTimeout, 10*time.Second)
	def(&o.AuthTimeout, 10*time.Second)
	def(&o.PingInterval, 25*time.Second)
	def(&o.PongWait, 10*time.Second)
	def(&o.WriteTimeout, 10*time.Second)
	def(&o.StableAfter, 30*time.Second)
	def(&o.MaxConnectionsDelay, 60*time.Second)
	if o.SubscribeChunkBytes <= 0 {
		o.SubscribeChunkBytes = 8 << 10
	}
	if o.Jitter == nil {
		o.Jitter = rand.Float64
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.TickSource == "" {
		o.TickSource = "massive"
	}
	if o.Sink == nil {
		o.Sink = discard{}
	}
}

type discard struct{}

func (discard) Offer(ticks.Tick) bool { return true }
