package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tickstock/monitor/backend/monitor"
	"github.com/tickstock/monitor/backend/ticks"
	"github.com/tickstock/monitor/backend/wire"
	"github.com/tickstock/monitor/internal/procstat"
	"github.com/tickstock/monitor/internal/redistest"
)

// latFig is one rate's latency figures, in ms.
type latFig struct {
	Rate                         int
	Achieved                     float64
	BatchP50, BatchP99, BatchMax float64
	PreP50, PreP99               float64
}

type loadResult struct {
	Ceiling, PublishRate float64
	Latency              []latFig
	RSSMiB               float64
	RSSAfter             time.Duration
}

var rates = []int{1_000, 10_000, 50_000}

const symbols = 150

type assigner map[string]string

func (a assigner) ConnectionOf(s string) (string, bool) { id, ok := a[s]; return id, ok }
func (a assigner) Assignment() map[string]string        { return a }

func newAssigner() assigner {
	a := assigner{}
	for i := 0; i < symbols; i++ {
		a[sym(i)] = wire.SlotIDs[i%3]
	}
	return a
}

func sym(i int) string { return "S" + strconv.Itoa(i%symbols) }

func runLoad(runs int, rssFor time.Duration) (*loadResult, error) {
	dir, err := os.MkdirTemp("", "perfreport-redis-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	srv, err := redistest.Launch(dir)
	if err != nil {
		return nil, err
	}
	defer srv.Stop()
	// Measure the monitor, not Redis's protection against slow subscribers.
	if _, err := srv.Do(context.Background(), "CONFIG", "SET", "client-output-buffer-limit", "pubsub 0 0 0"); err != nil {
		return nil, err
	}
	res := &loadResult{}
	var ceil, pub []float64
	for r := 0; r < runs; r++ {
		c, p, err := ceiling(srv.URL, 600_000)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(os.Stderr, "  ceiling run %d: monitor %.0f ticks/s (publishers %.0f/s)\n", r+1, c, p)
		ceil, pub = append(ceil, c), append(pub, p)
	}
	res.Ceiling, res.PublishRate = median(ceil), median(pub)
	for _, rate := range rates {
		var figs []latFig
		for r := 0; r < runs; r++ {
			f, err := latencyRun(srv.URL, rate, 10*time.Second)
			if err != nil {
				return nil, err
			}
			fmt.Fprintf(os.Stderr, "  %d/s run %d: batch p50 %.1f p99 %.1f max %.1f ms, pre-flush p50 %.2f p99 %.2f ms\n",
				rate, r+1, f.BatchP50, f.BatchP99, f.BatchMax, f.PreP50, f.PreP99)
			figs = append(figs, f)
		}
		res.Latency = append(res.Latency, medianFig(figs))
	}
	fmt.Fprintf(os.Stderr, "  RSS run: %v at 10,000 ticks/s…\n", rssFor)
	if _, err := latencyRun(srv.URL, 10_000, rssFor); err != nil {
		return nil, err
	}
	res.RSSMiB, res.RSSAfter = procstat.RSSMiB(os.Getpid()), rssFor
	return res, nil
}

func medianFig(f []latFig) latFig {
	pick := func(get func(latFig) float64) float64 {
		v := make([]float64, len(f))
		for i := range f {
			v[i] = get(f[i])
		}
		return median(v)
	}
	return latFig{
		Rate:     f[0].Rate,
		Achieved: pick(func(x latFig) float64 { return x.Achieved }),
		BatchP50: pick(func(x latFig) float64 { return x.BatchP50 }),
		BatchP99: pick(func(x latFig) float64 { return x.BatchP99 }),
		BatchMax: pick(func(x latFig) float64 { return x.BatchMax }),
		PreP50:   pick(func(x latFig) float64 { return x.PreP50 }),
		PreP99:   pick(func(x latFig) float64 { return x.PreP99 }),
	}
}

func startMonitor(url, channel string, out monitor.Output) *monitor.Monitor {
	m := monitor.New(monitor.Options{URL: url, Channel: channel, Assigner: newAssigner(), Output: out})
	m.Start(context.Background())
	return m
}

func waitSubscribed(m *monitor.Monitor) error {
	deadline := time.Now().Add(10 * time.Second)
	for m.Subscription().State != wire.SubscriptionSubscribed {
		if time.Now().After(deadline) {
			return fmt.Errorf("monitor not subscribed: %s", m.Subscription().Detail)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return nil
}

func client(url string) *redis.Client {
	o, _ := redis.ParseURL(url)
	o.PoolSize = 4
	return redis.NewClient(o)
}

var channelSeq atomic.Int64

func channel() string { return fmt.Sprintf("perf:ticks:%d", channelSeq.Add(1)) }

// ceiling publishes n ticks as fast as two pipelined publishers can and
// returns the monitor's consumption rate and the publishers' rate.
func ceiling(url string, n int) (consumed, published float64, err error) {
	ch := channel()
	m := startMonitor(url, ch, nil)
	defer m.Close()
	if err := waitSubscribed(m); err != nil {
		return 0, 0, err
	}
	payloads := make([]string, 1000)
	for i := range payloads {
		payloads[i] = string(ticks.Encode(ticks.Tick{Symbol: sym(i), Price: 100 + float64(i)/7, Volume: 100, Timestamp: 1705853696.123, Source: "massive"}))
	}
	c := client(url)
	defer c.Close()
	ctx := context.Background()
	start := time.Now()
	var wg sync.WaitGroup
	per := n / 2
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for sent := 0; sent < per; sent += len(payloads) {
				_, _ = c.Pipelined(ctx, func(p redis.Pipeliner) error {
					for _, pl := range payloads {
						p.Publish(ctx, ch, pl)
					}
					return nil
				})
			}
		}()
	}
	wg.Wait()
	pubDone := time.Since(start)
	deadline := time.Now().Add(60 * time.Second)
	for m.MetricsAt(time.Now()).Total < int64(n) {
		if time.Now().After(deadline) {
			return 0, 0, fmt.Errorf("monitor received %d of %d", m.MetricsAt(time.Now()).Total, n)
		}
		time.Sleep(time.Millisecond)
	}
	return float64(n) / time.Since(start).Seconds(), float64(n) / pubDone.Seconds(), nil
}

// latencyOut records publish → batch latency of every row the window gets.
type latencyOut struct {
	mu      sync.Mutex
	samples []float64
	after   float64 // ignore rows published before (warm-up)
}

func (l *latencyOut) Batch(b *wire.Batch) {
	now := wire.Unix(time.Now())
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, cb := range b.Connections {
		for _, r := range cb.Ticks {
			if r.TS >= l.after {
				l.samples = append(l.samples, (now-r.TS)*1000)
			}
		}
	}
}
func (l *latencyOut) Metrics(*wire.Metrics)               {}
func (l *latencyOut) Subscription(wire.SubscriptionState) {}

// latencyRun publishes at rate ticks/s for d (after 1 s of warm-up), each
// stamped with its publish time.
func latencyRun(url string, rate int, d time.Duration) (latFig, error) {
	ch := channel()
	out := &latencyOut{}
	m := startMonitor(url, ch, out)
	defer m.Close()
	if err := waitSubscribed(m); err != nil {
		return latFig{}, err
	}
	c := client(url)
	defer c.Close()
	ctx := context.Background()
	warm := time.Now().Add(time.Second)
	out.mu.Lock()
	out.after = wire.Unix(warm)
	out.mu.Unlock()
	end := warm.Add(d)
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	sent, i := 0, 0
	start := time.Now()
	var total0 int64
	buf := make([]byte, 0, 160)
	for now := range tick.C {
		if now.After(end) {
			break
		}
		if total0 == 0 && now.After(warm) {
			total0 = m.MetricsAt(now).Total + 1
		}
		due := int(float64(rate)*now.Sub(start).Seconds()) - sent
		if due <= 0 {
			continue
		}
		_, err := c.Pipelined(ctx, func(p redis.Pipeliner) error {
			for k := 0; k < due; k++ {
				buf = ticks.AppendEncode(buf[:0], ticks.Tick{Symbol: sym(i), Price: 100, Volume: 100,
					Timestamp: wire.Unix(time.Now()), Source: "massive"})
				p.Publish(ctx, ch, string(buf))
				i++
			}
			return nil
		})
		if err != nil {
			return latFig{}, err
		}
		sent += due
	}
	time.Sleep(300 * time.Millisecond) // the last flush
	mt := m.MetricsAt(time.Now())
	var p50s, p99s []float64
	for _, c := range mt.Connections {
		p50s, p99s = append(p50s, c.LatencyP50Ms), append(p99s, c.LatencyP99Ms)
	}
	out.mu.Lock()
	s := slices.Clone(out.samples)
	out.mu.Unlock()
	if len(s) == 0 {
		return latFig{}, fmt.Errorf("no rows reached a batch at %d/s", rate)
	}
	slices.Sort(s)
	return latFig{
		Rate:     rate,
		Achieved: float64(mt.Total-total0+1) / d.Seconds(),
		BatchP50: s[len(s)/2], BatchP99: s[min(len(s)-1, len(s)*99/100)], BatchMax: s[len(s)-1],
		PreP50: median(p50s), PreP99: slices.Max(p99s),
	}, nil
}
