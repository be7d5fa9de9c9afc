package monitor

import (
	"fmt"
	"testing"
	"time"

	"github.com/tickstock/monitor/backend/ticks"
	"github.com/tickstock/monitor/backend/wire"
)

// BenchmarkConsume is the consumer's cost per message (decode, enrich, count,
// store) in batches of 256, without Redis: its inverse is the monitor's
// consumption ceiling on one core.
func BenchmarkConsume(b *testing.B) {
	a := &mapAssigner{m: map[string]string{}}
	payloads := make([]string, 256)
	for i := range payloads {
		sym := fmt.Sprintf("S%d", i%150)
		a.m[sym] = wire.SlotIDs[i%3]
		payloads[i] = string(ticks.Encode(ticks.Tick{Symbol: sym, Price: 100 + float64(i)/7, Volume: 100, Timestamp: wire.Unix(time.Now()), Source: "massive"}))
	}
	m := New(Options{URL: "redis://127.0.0.1:1/15", Channel: "x", Assigner: a})
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i += len(payloads) {
		m.consume(payloads, time.Now())
	}
}
