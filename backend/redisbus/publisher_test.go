package redisbus

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/goleak"

	"github.com/tickstock/monitor/backend/ticks"
	"github.com/tickstock/monitor/backend/wire"
	"github.com/tickstock/monitor/internal/redistest"
	"github.com/tickstock/monitor/internal/wait"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m, redistest.IgnoreRedial) }

// subscriber counts the messages on ch and checks each decodes.
func subscriber(t *testing.T, url, ch string) (*atomic.Int64, *atomic.Int64) {
	t.Helper()
	o, _ := redis.ParseURL(url)
	c := redis.NewClient(o)
	ps := c.Subscribe(context.Background(), ch)
	if _, err := ps.Receive(context.Background()); err != nil {
		t.Fatal(err)
	}
	var n, bad atomic.Int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		for m := range ps.Channel(redis.WithChannelSize(100_000)) {
			if _, err := ticks.Decode([]byte(m.Payload)); err != nil {
				bad.Add(1)
			}
			n.Add(1)
		}
	}()
	t.Cleanup(func() { ps.Close(); <-done; c.Close() })
	return &n, &bad
}

func tick(i int, conn string) ticks.Tick {
	return ticks.Tick{Symbol: "AAPL", Price: float64(i), Volume: 1, Timestamp: 1, Source: "massive", ConnectionID: conn}
}

func TestPublishesEveryTick(t *testing.T) {
	srv := redistest.Start(t)
	ch := redistest.Channel(t)
	got, bad := subscriber(t, srv.URL, ch)
	p, err := NewPublisher(PublisherOptions{URL: srv.URL, Channel: ch})
	if err != nil {
		t.Fatal(err)
	}
	p.Start(context.Background())
	defer p.Close()
	const n = 20_000
	for i := 0; i < n; i++ {
		for !p.Offer(tick(i, "connection_1")) {
			time.Sleep(time.Millisecond) // the test, not the manager, may wait
		}
	}
	wait.For(t, "all received", 10*time.Second, func() bool { return got.Load() == n })
	if bad.Load() != 0 || p.Published() != n || len(p.Dropped()) != 0 || !p.State().Connected {
		t.Fatalf("bad %d published %d dropped %v state %+v", bad.Load(), p.Published(), p.Dropped(), p.State())
	}
}

// Every published tick carries the moment it left for Redis: after it was
// offered, before it arrived.
func TestPublishedTicksCarryTheirPublishTime(t *testing.T) {
	srv := redistest.Start(t)
	ch := redistest.Channel(t)
	o, _ := redis.ParseURL(srv.URL)
	c := redis.NewClient(o)
	defer c.Close()
	ps := c.Subscribe(context.Background(), ch)
	defer ps.Close()
	if _, err := ps.Receive(context.Background()); err != nil {
		t.Fatal(err)
	}
	p, err := NewPublisher(PublisherOptions{URL: srv.URL, Channel: ch})
	if err != nil {
		t.Fatal(err)
	}
	p.Start(context.Background())
	defer p.Close()
	offered := wire.Unix(time.Now())
	p.Offer(tick(1, "connection_1"))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	m, err := ps.ReceiveMessage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := wire.Unix(time.Now())
	tk, err := ticks.Decode([]byte(m.Payload))
	if err != nil || tk.Published < offered || tk.Published > got || tk.Timestamp != 1 {
		t.Fatalf("offered %f, received %f, tick %+v (%v) from %s", offered, got, tk, err, m.Payload)
	}
}

func TestRedisDownNeverBlocksAndCountsDrops(t *testing.T) {
	srv := redistest.Start(t)
	ch := redistest.Channel(t)
	p, _ := NewPublisher(PublisherOptions{URL: srv.URL, Channel: ch, QueueSize: 1000})
	p.Start(context.Background())
	defer p.Close()
	wait.For(t, "connected", 5*time.Second, func() bool { p.Offer(tick(0, "connection_1")); return p.State().Connected })
	srv.Kill(t)

	refused := 0
	start := time.Now()
	for i := 0; i < 50_000; i++ {
		if !p.Offer(tick(i, "connection_2")) {
			refused++
		}
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("50,000 offers took %v: Offer blocks", took)
	}
	if refused < 40_000 {
		t.Errorf("only %d of 50,000 refused with Redis down and a queue of 1,000", refused)
	}
	wait.For(t, "the outage reported", 5*time.Second, func() bool {
		s := p.State()
		return !s.Connected && strings.Contains(s.Detail, "cannot publish to Redis at 127.0.0.1:")
	})
	wait.For(t, "failed batches counted", 5*time.Second, func() bool { return p.Dropped()["connection_2"] > 0 })

	srv.Restart(t)
	got, _ := subscriber(t, srv.URL, ch)
	restarted := time.Now()
	wait.For(t, "publishing again within 5 s", 5*time.Second, func() bool {
		p.Offer(tick(1, "connection_3"))
		return p.State().Connected && got.Load() > 0
	})
	t.Logf("publishing again %v after the restart", time.Since(restarted).Round(time.Millisecond))
	if p.Dropped()["connection_3"] != 0 {
		t.Errorf("drops counted on the wrong connection: %v", p.Dropped())
	}
}

func TestCloseCountsWhatWasStillQueued(t *testing.T) {
	p, _ := NewPublisher(PublisherOptions{URL: "redis://127.0.0.1:1/15", Channel: "x", QueueSize: 10})
	for i := 0; i < 5; i++ {
		p.Offer(tick(i, "connection_1"))
	}
	p.Close()
	if d := p.Dropped()["connection_1"]; d != 5 {
		t.Fatalf("dropped %d, want 5", d)
	}
}

func TestRedactAndWhere(t *testing.T) {
	if got := Redact("redis://user:s3cret@host:6379/2"); strings.Contains(got, "s3cret") || !strings.Contains(got, "host:6379") {
		t.Errorf("Redact = %q", got)
	}
	if got := Where("redis://:pw@cache.local:6380/3"); got != "cache.local:6380 db 3" {
		t.Errorf("Where = %q", got)
	}
	if _, err := Options("http://user:s3cret@x"); err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("Options error %v", err)
	}
}

// A tick that Redis accepts while nobody is subscribed is gone for every
// consumer: it is counted as unheard, per connection, and only then.
func TestTicksPublishedToNobodyAreCountedUnheard(t *testing.T) {
	srv := redistest.Start(t)
	ch := redistest.Channel(t)
	p, err := NewPublisher(PublisherOptions{URL: srv.URL, Channel: ch})
	if err != nil {
		t.Fatal(err)
	}
	p.Start(context.Background())
	defer p.Close()
	offer := func(n int, conn string) {
		for i := 0; i < n; i++ {
			for !p.Offer(tick(i, conn)) {
				time.Sleep(time.Millisecond)
			}
		}
	}
	offer(300, "connection_1")
	offer(200, "connection_2")
	wait.For(t, "500 published", 10*time.Second, func() bool { return p.Published() == 500 })
	unheard, ok := p.Unheard()
	if !ok || unheard["connection_1"] != 300 || unheard["connection_2"] != 200 {
		t.Fatalf("with no subscriber: unheard %v (known %v), want 300 and 200", unheard, ok)
	}

	got, _ := subscriber(t, srv.URL, ch)
	offer(400, "connection_1")
	wait.For(t, "the subscriber got 400", 10*time.Second, func() bool { return got.Load() == 400 })
	if unheard, _ := p.Unheard(); unheard["connection_1"] != 300 || unheard["connection_2"] != 200 {
		t.Fatalf("with a subscriber: unheard %v, want still 300 and 200", unheard)
	}
}

// Issue 25 item 6: at SIGTERM 6,150 ticks were queued, 1,586 delivered and
// nothing logged. A stop now publishes the queue (bounded) and says what it
// published and what it dropped.
func TestStopDrainsTheQueueAndSaysSo(t *testing.T) {
	srv := redistest.Start(t)
	ch := redistest.Channel(t)
	got, _ := subscriber(t, srv.URL, ch)
	var log syncLog
	p, err := NewPublisher(PublisherOptions{URL: srv.URL, Channel: ch, Log: slog.New(slog.NewTextHandler(&log, nil))})
	if err != nil {
		t.Fatal(err)
	}
	const n = 6150
	for i := range n {
		if !p.Offer(tick(i, "connection_1")) {
			t.Fatal("queue full")
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // stopped at once, as a SIGTERM right after the ticks came in
	p.Start(ctx)
	p.Close()
	if p.Published() != n || len(p.Dropped()) != 0 {
		t.Fatalf("published %d dropped %v, want all %d published", p.Published(), p.Dropped(), n)
	}
	wait.For(t, "all received", 10*time.Second, func() bool { return got.Load() == n })
	if s := log.String(); !strings.Contains(s, "publish queue drained at stop") || !strings.Contains(s, "published=6150 dropped=0") {
		t.Fatalf("log:\n%s", s)
	}
}

// The drain is bounded: with Redis frozen, a stop waits at most
// DrainTimeout and counts the rest as dropped.
func TestStopDrainIsBoundedWhenRedisHangs(t *testing.T) {
	srv := redistest.Start(t)
	var log syncLog
	p, err := NewPublisher(PublisherOptions{URL: srv.URL, Channel: redistest.Channel(t), DrainTimeout: 500 * time.Millisecond,
		Log: slog.New(slog.NewTextHandler(&log, nil))})
	if err != nil {
		t.Fatal(err)
	}
	p.Start(context.Background())
	p.Offer(tick(0, "connection_1"))
	wait.For(t, "the first tick published", 10*time.Second, func() bool { return p.Published() == 1 })
	srv.Freeze(t)
	defer srv.Thaw(t)
	const n = 2000
	for i := range n {
		p.Offer(tick(i, "connection_2"))
	}
	closed := make(chan struct{})
	go func() { p.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(30 * time.Second):
		t.Fatal("Close still draining 30 s after the stop")
	}
	if got := p.Published() - 1 + p.Dropped()["connection_2"]; got != n {
		t.Fatalf("published %d + dropped %v, want %d accounted for", p.Published()-1, p.Dropped(), n)
	}
	if s := log.String(); !strings.Contains(s, "publish queue drained at stop") || !strings.Contains(s, "level=WARN") {
		t.Fatalf("log:\n%s", s)
	}
}

// syncLog is a log destination safe for the publisher's goroutine and the test.
type syncLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// A frozen Redis (SIGSTOP) accepts the connection and never answers: the
// pipeline hangs until the client's read timeout (3 s). The state must say
// "not publishing" within 2 s of the first publish that gets no answer, and
// the ticks behind it are counted as dropped per connection.
func TestFrozenRedisIsNotPublishingWithinTwoSeconds(t *testing.T) {
	srv := redistest.Start(t)
	ch := redistest.Channel(t)
	p, _ := NewPublisher(PublisherOptions{URL: srv.URL, Channel: ch, QueueSize: 100})
	p.Start(context.Background())
	defer p.Close()
	wait.For(t, "connected", 5*time.Second, func() bool { p.Offer(tick(0, "connection_1")); return p.State().Connected })

	srv.Freeze(t)
	thawed := false
	defer func() {
		if !thawed {
			srv.Thaw(t)
		}
	}()
	frozen := time.Now()
	p.Offer(tick(1, "connection_2"))
	wait.For(t, "not publishing within 2 s of the first unanswered publish", 2*time.Second, func() bool {
		return !p.State().Connected
	})
	st := p.State()
	t.Logf("not publishing %v after the freeze: %s", time.Since(frozen).Round(10*time.Millisecond), st.Detail)
	if !strings.Contains(st.Detail, "cannot publish to Redis at 127.0.0.1:") || st.Since.Before(frozen) {
		t.Errorf("state %+v: want the detail naming Redis, since after %v", st, frozen)
	}
	for i := 0; i < 1000; i++ {
		p.Offer(tick(i, "connection_2"))
	}
	wait.For(t, "the ticks behind the hung pipeline counted as dropped", 10*time.Second, func() bool { return p.Dropped()["connection_2"] > 0 })

	srv.Thaw(t)
	thawed = true
	wait.For(t, "publishing again after the thaw", 10*time.Second, func() bool {
		p.Offer(tick(2, "connection_3"))
		return p.State().Connected
	})
}
