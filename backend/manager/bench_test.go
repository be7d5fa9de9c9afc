package manager

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/tickstock/monitor/backend/config"
	"github.com/tickstock/monitor/backend/massive"
	"github.com/tickstock/monitor/backend/redisbus"
	"github.com/tickstock/monitor/backend/ticks"
	"github.com/tickstock/monitor/internal/redistest"
)

// sampleEvents is one frame of 20 decoded minute aggregates.
func sampleEvents() []massive.Event {
	evs := make([]massive.Event, 20)
	for i := range evs {
		evs[i] = massive.Event{Kind: massive.KindMinuteAggregate, Symbol: fmt.Sprintf("SYM%d", i),
			Aggregate: massive.Aggregate{Close: 100 + float64(i), Volume: 1000, End: 1705853700000}}
	}
	return evs
}

// BenchmarkTickPath is the manager's own cost per market event, after JSON
// decoding: tick conversion, the sink call and the counters. Target < 1 µs.
func BenchmarkTickPath(b *testing.B) {
	cfg, _ := config.FromLookup(func(string) (string, bool) { return "", false })
	m := New(cfg, Options{})
	r := m.runners[0]
	evs := sampleEvents()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i += len(evs) {
		if _, err := r.handleEvents(evs, time.Now()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSnapshot is Snapshot() with 3 connections × 500 tickers.
func BenchmarkSnapshot(b *testing.B) {
	env := map[string]string{"USE_MULTI_CONNECTION": "true"}
	for c := 1; c <= 3; c++ {
		syms := ""
		for i := 0; i < 500; i++ {
			syms += fmt.Sprintf("C%dS%d,", c, i)
		}
		env[fmt.Sprintf("WEBSOCKET_CONNECTION_%d_ENABLED", c)] = "true"
		env[fmt.Sprintf("WEBSOCKET_CONNECTION_%d_SYMBOLS", c)] = syms
	}
	cfg, err := config.FromLookup(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		b.Fatal(err)
	}
	m := New(cfg, Options{})
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if s := m.Snapshot(); s.Connections["connection_3"].AssignedTickers != 500 {
			b.Fatal("wrong snapshot")
		}
	}
}

// waitingSink waits for room instead of dropping, so a benchmark measures the
// sustained cost per tick rather than the cost of refusing ticks.
type waitingSink struct{ p *redisbus.Publisher }

func (w waitingSink) Offer(t ticks.Tick) bool {
	for !w.p.Offer(t) {
		runtime.Gosched()
	}
	return true
}

// BenchmarkTickPathWithPublisher is the tick path with the Redis publisher as
// the sink, its queue drained into a real redis-server: the sustained cost
// per tick of manager + publisher + PUBLISH. Target < 2 µs.
func BenchmarkTickPathWithPublisher(b *testing.B) {
	srv := redistest.Start(b)
	p, err := redisbus.NewPublisher(redisbus.PublisherOptions{URL: srv.URL, Channel: "bench:ticks"})
	if err != nil {
		b.Fatal(err)
	}
	p.Start(context.Background())
	defer p.Close()
	cfg, _ := config.FromLookup(func(string) (string, bool) { return "", false })
	m := New(cfg, Options{Sink: waitingSink{p}})
	r := m.runners[0]
	evs := sampleEvents()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i += len(evs) {
		r.handleEvents(evs, time.Now())
	}
	for p.Queued() > 0 { // what is queued is part of the cost
		runtime.Gosched()
	}
}
