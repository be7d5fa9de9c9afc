package redisbus

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tickstock/monitor/backend/config"
	"github.com/tickstock/monitor/backend/ticks"
	"github.com/tickstock/monitor/backend/wire"
)

// PublisherOptions configure a Publisher.
type PublisherOptions struct {
	URL       string       // used when Redis.URL is empty
	Redis     config.Redis // TLS, ACL, Sentinel, Cluster
	Channel   string
	QueueSize int // ticks waiting for Redis; default 65,536
	BatchSize int // PUBLISHes per pipeline; default 512
	// DrainTimeout bounds publishing what is still queued when the
	// publisher stops (its context ends, or Close); default DrainTimeout.
	DrainTimeout time.Duration
	// HungAfter: a pipeline in flight this long means Redis does not answer
	// (a frozen server holds the connection open until the client's read
	// timeout); State says "not publishing" from then on. Default 1 s.
	HungAfter time.Duration
	Log       *slog.Logger
}

// DrainTimeout is how long a stopping publisher keeps publishing its queue:
// long enough for a healthy Redis to take a full queue (65,536 ticks take
// well under a second), short enough that a stop never waits on a Redis
// that is down.
const DrainTimeout = 5 * time.Second

// PublisherState says whether ticks currently reach Redis.
type PublisherState struct {
	Connected bool      `json:"connected"`
	Detail    string    `json:"detail"` // why not, as a sentence
	Since     time.Time `json:"since"`
	Kind      string    `json:"kind"`  // standalone, sentinel or cluster
	Where     string    `json:"where"` // the Redis and the node last connected to (WithNode)
	Node      string    `json:"node"`  // the server last connected to; "" before the first
}

// notStarted is the state's detail before the first pipeline.
const notStarted = "not started"

// Tried reports whether the publisher has sent anything yet: before that,
// its state says nothing about Redis.
func (s PublisherState) Tried() bool { return s.Connected || s.Detail != notStarted }

// Publisher takes ticks from the manager (it is a manager.Sink) into a
// bounded queue and PUBLISHes them in pipelines. Offer never blocks: when
// Redis is slow or down and the queue is full it returns false and the
// manager counts the tick as dropped for its connection; ticks of a pipeline
// that fails are dropped and counted here. Nothing is lost silently.
type Publisher struct {
	opts   PublisherOptions
	client *Client
	queue  chan ticks.Tick

	published atomic.Int64
	inflight  atomic.Int64 // ticks of the pipeline being sent
	sending   atomic.Int64 // when that pipeline left (Unix ns); 0 = none in flight
	sent      connCounter  // published, per connection
	failed    connCounter
	unheard   connCounter // published while no client was subscribed
	lastLog   atomic.Int64

	mu    sync.Mutex
	state PublisherState

	cancel context.CancelFunc
	done   chan struct{}
}

// NewPublisher prepares a publisher; Start begins publishing.
func NewPublisher(opts PublisherOptions) (*Publisher, error) {
	if opts.Redis.URL == "" {
		opts.Redis.URL = opts.URL
	}
	client, err := NewClient(opts.Redis, ForPublisher)
	if err != nil {
		return nil, err
	}
	if opts.QueueSize <= 0 {
		opts.QueueSize = 1 << 16
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = 512
	}
	if opts.DrainTimeout <= 0 {
		opts.DrainTimeout = DrainTimeout
	}
	if opts.HungAfter <= 0 {
		opts.HungAfter = time.Second
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	return &Publisher{
		opts:   opts,
		client: client,
		queue:  make(chan ticks.Tick, opts.QueueSize),
		state:  PublisherState{Detail: notStarted, Since: time.Now()},
	}, nil
}

// Offer queues t for publishing; false when the queue is full.
func (p *Publisher) Offer(t ticks.Tick) bool {
	select {
	case p.queue <- t:
		return true
	default:
		return false
	}
}

// Start publishes until ctx ends or Close; then what is still queued is
// published for at most DrainTimeout, and the rest dropped, both logged.
func (p *Publisher) Start(ctx context.Context) {
	ctx, p.cancel = context.WithCancel(ctx)
	p.done = make(chan struct{})
	go p.loop(ctx)
}

// Close stops publishing: what is still queued is published for at most
// DrainTimeout (Start's drain), the rest dropped and counted; then the Redis
// client is closed.
func (p *Publisher) Close() {
	if p.cancel != nil {
		p.cancel()
		<-p.done
	}
	for {
		select {
		case t := <-p.queue:
			p.failed.add(t.ConnectionID, 1)
		default:
			_ = p.client.Close()
			return
		}
	}
}

// drain publishes what is queued at the stop, for at most DrainTimeout, and
// logs how many ticks it published and how many it left (Close counts those
// as dropped). A batch Redis fails ends the drain: Redis is not retried.
func (p *Publisher) drain(pending []ticks.Tick, buf []byte) {
	queued := len(pending) + len(p.queue)
	if queued == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), p.opts.DrainTimeout)
	defer cancel()
	start, published := time.Now(), int64(0)
	batch := pending
	for ctx.Err() == nil {
		if len(batch) == 0 {
			batch = p.take(make([]ticks.Tick, 0, p.opts.BatchSize))
		}
		if len(batch) == 0 {
			break
		}
		var err error
		if buf, err = p.send(ctx, batch, buf); err != nil {
			p.failed.addBatch(batch)
			break
		}
		published += int64(len(batch))
		batch = batch[:0]
	}
	left := len(p.queue)
	log := p.opts.Log.Info
	if left > 0 || published < int64(queued) {
		log = p.opts.Log.Warn
	}
	log("publish queue drained at stop", "queued", queued, "published", published,
		"dropped", int64(queued)-published, "took", time.Since(start).Round(time.Millisecond), "limit", p.opts.DrainTimeout)
}

// take appends to batch what is queued now, up to BatchSize, without waiting.
func (p *Publisher) take(batch []ticks.Tick) []ticks.Tick {
	for len(batch) < p.opts.BatchSize {
		select {
		case t := <-p.queue:
			batch = append(batch, t)
		default:
			return batch
		}
	}
	return batch
}

// send PUBLISHes batch in one pipeline and counts it when Redis took it.
func (p *Publisher) send(ctx context.Context, batch []ticks.Tick, buf []byte) ([]byte, error) {
	p.inflight.Store(int64(len(batch)))
	defer p.inflight.Store(0)
	// Each tick carries when it left for Redis, so a monitor can split the
	// delay into provider → Redis and Redis → screen.
	left := time.Now()
	sent := wire.Unix(left)
	p.sending.Store(left.UnixNano())
	defer p.sending.Store(0)
	cmds, err := p.client.Pipelined(ctx, func(pipe redis.Pipeliner) error {
		for _, t := range batch {
			t.Published = sent
			buf = ticks.AppendEncode(buf[:0], t)
			// The string conversion copies: the pipeline keeps its arguments.
			pipe.Publish(ctx, p.opts.Channel, string(buf))
		}
		return nil
	})
	if err != nil {
		return buf, err
	}
	p.countUnheard(batch, cmds)
	p.sent.addBatch(batch)
	p.published.Add(int64(len(batch)))
	return buf, nil
}

// Published is the number of ticks Redis accepted.
func (p *Publisher) Published() int64 { return p.published.Load() }

// PublishedBy returns, per connection ID, the ticks Redis accepted.
func (p *Publisher) PublishedBy() map[string]int64 { return p.sent.snapshot() }

// Queued is the number of ticks waiting for Redis, including those of the
// pipeline being sent: offered = published + dropped + queued at any quiet
// moment.
func (p *Publisher) Queued() int { return len(p.queue) + int(p.inflight.Load()) }

// QueueSize is how many ticks the queue holds.
func (p *Publisher) QueueSize() int { return cap(p.queue) }

// Dropped returns, per connection ID, the ticks lost because Redis failed
// while they were being published.
func (p *Publisher) Dropped() map[string]int64 { return p.failed.snapshot() }

// Unheard returns, per connection ID, the ticks Redis accepted while no
// client was subscribed to the channel (lost to every consumer); ok is false
// on a Redis Cluster, where the publisher cannot tell.
func (p *Publisher) Unheard() (counts map[string]int64, ok bool) {
	return p.unheard.snapshot(), p.client.Kind() != config.RedisCluster
}

// State says whether ticks currently reach Redis, and through which node.
// A pipeline in flight for longer than HungAfter is a failure now, not
// when the client's timeout ends it: the ticks behind it are not published.
func (p *Publisher) State() PublisherState {
	p.mu.Lock()
	s := p.state
	p.mu.Unlock()
	s.Kind, s.Where, s.Node = p.client.Kind(), p.client.Where(), p.client.Node()
	if at := p.sending.Load(); at != 0 {
		left := time.Unix(0, at)
		if hung := time.Since(left); hung > p.opts.HungAfter {
			since := left.Add(p.opts.HungAfter)
			if !s.Connected && s.Since.Before(since) {
				since = s.Since // it was failing before this pipeline
			}
			s.Connected, s.Since = false, since
			s.Detail = fmt.Sprintf("cannot publish to Redis at %s: no answer to a publish for %s", s.Where, hung.Round(100*time.Millisecond))
		}
	}
	return s
}

func (p *Publisher) loop(ctx context.Context) {
	defer close(p.done)
	batch := make([]ticks.Tick, 0, p.opts.BatchSize)
	buf := make([]byte, 0, 256)
	var pending []ticks.Tick // taken from the queue, not yet sent, at the stop
	defer func() { p.drain(pending, buf) }()
	backoff := 100 * time.Millisecond
	for {
		select {
		case <-ctx.Done():
			return
		case t := <-p.queue:
			batch = p.take(append(batch[:0], t))
		}
		if ctx.Err() != nil { // both were ready: the stop wins, the drain sends
			pending = batch
			return
		}
		var err error
		left := time.Now()
		buf, err = p.send(ctx, batch, buf)
		if err == nil {
			p.setState(true, "", time.Now())
			backoff = 100 * time.Millisecond
			continue
		}
		p.failed.addBatch(batch)
		if ctx.Err() != nil {
			return
		}
		why := Explain(err, p.opts.Channel)
		if why == "" {
			why = err.Error()
		}
		// State said "not publishing" from HungAfter on; the outage began then.
		p.setState(false, "cannot publish to Redis at "+p.client.Where()+": "+why, minTime(time.Now(), left.Add(p.opts.HungAfter)))
		p.logLimited("publishing failed; ticks are being dropped and counted", "err", err, "batch", len(batch))
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, time.Second)
	}
}

// countUnheard counts the ticks whose PUBLISH reached no subscriber: Redis
// Pub/Sub keeps nothing, so no consumer will ever see them. On a Cluster a
// node's reply counts only its own subscribers, so nothing is counted there.
func (p *Publisher) countUnheard(batch []ticks.Tick, cmds []redis.Cmder) {
	if p.client.Kind() == config.RedisCluster || len(cmds) != len(batch) {
		return
	}
	for i, c := range cmds {
		if ic, ok := c.(*redis.IntCmd); ok && ic.Val() == 0 {
			p.unheard.add(batch[i].ConnectionID, 1)
		}
	}
}

// setState records whether ticks reach Redis; Since changes only when that
// does, not with each new error sentence.
func (p *Publisher) setState(ok bool, detail string, since time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.state.Connected == ok && p.state.Detail == detail {
		return
	}
	if ok && !p.state.Connected {
		p.opts.Log.Info("publishing to Redis", "where", p.client.Where(), "kind", p.client.Kind(), "node", p.client.Node(), "channel", p.opts.Channel)
	}
	if p.state.Connected == ok && !p.state.Since.IsZero() && p.state.Detail != notStarted {
		since = p.state.Since
	}
	p.state = PublisherState{Connected: ok, Detail: detail, Since: since}
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// logLimited logs at most one line per second.
func (p *Publisher) logLimited(msg string, args ...any) {
	now := time.Now().UnixNano()
	last := p.lastLog.Load()
	if now-last < int64(time.Second) || !p.lastLog.CompareAndSwap(last, now) {
		return
	}
	p.opts.Log.Warn(msg, args...)
}

// connCounter counts per connection ID without a lock on the hot path for
// the three known IDs.
type connCounter struct {
	known [wire.Slots + 1]atomic.Int64 // the slots, then anything else
}

func (d *connCounter) add(id string, n int64) { d.known[slot(id)].Add(n) }

// addBatch counts every tick of batch with one atomic add per slot.
func (d *connCounter) addBatch(batch []ticks.Tick) {
	var n [len(connCounter{}.known)]int64
	for i := range batch {
		n[slot(batch[i].ConnectionID)]++
	}
	for i, v := range n {
		if v > 0 {
			d.known[i].Add(v)
		}
	}
}

func (d *connCounter) snapshot() map[string]int64 {
	out := map[string]int64{}
	for i := range d.known {
		if v := d.known[i].Load(); v > 0 {
			out[slotName(i)] = v
		}
	}
	return out
}

func slot(id string) int {
	if n, ok := wire.ParseSlot(id); ok {
		return n - 1
	}
	return wire.Slots
}

func slotName(i int) string {
	if i < wire.Slots {
		return wire.SlotIDs[i]
	}
	return "other"
}
