// Command fillhistory writes a plausible stretch of demo history (three
// connections, per-minute figures, a few outages on connections 1 and 3)
// into a history file, so the end-to-end test can show a full "last 24 h"
// chart. It is a test tool: the window never runs it.
//
//	go run ./internal/cmd/fillhistory -db PATH -from 24h -to 1h
package main

import (
	"flag"
	"fmt"
	"math"
	"os"
	"time"

	"github.com/tickstock/monitor/backend/history"
	"github.com/tickstock/monitor/backend/wire"
)

func main() {
	db := flag.String("db", "", "history file to fill")
	from := flag.Duration("from", 24*time.Hour, "start, this long ago")
	to := flag.Duration("to", time.Hour, "end, this long ago")
	flag.Parse()
	if *db == "" {
		fmt.Fprintln(os.Stderr, "fillhistory: -db is required")
		os.Exit(64)
	}
	s := history.Open(*db, history.Options{})
	if p := s.Problem(); p != "" {
		fmt.Fprintln(os.Stderr, "fillhistory:", p)
		os.Exit(1)
	}
	now := time.Now()
	start, end := now.Add(-*from).Truncate(time.Minute), now.Add(-*to).Truncate(time.Minute)
	s.AddEntry(wire.Entry{At: wire.Unix(start), Kind: wire.EntrySession, To: "started", Message: "Monitor started (demo mode) — filled by fillhistory"})
	outages := map[string][]time.Duration{wire.SlotID(1): {5*time.Hour + 7*time.Minute, 14 * time.Hour}, wire.SlotID(3): {9*time.Hour + 30*time.Minute}}
	for i, id := range wire.SlotIDs {
		for t := start; t.Before(end); t = t.Add(time.Minute) {
			h := float64(t.Hour()) + float64(t.Minute())/60
			n := float64(t.Unix() / 60)
			rate := 45 + 15*math.Sin(h/24*2*math.Pi+float64(i)) + 3*math.Sin(n*0.37+float64(i)) + 2*math.Sin(n*1.3)
			m := history.Minute{Connection: id, Start: t.Unix(), Ticks: int64(rate * 60), RateMin: rate * 0.6, RateAvg: rate, RateMax: rate * 1.5,
				P50Ms: 2 + float64(i), P99Ms: 12 + float64(i*3), Samples: 60}
			for _, o := range outages[id] {
				at := start.Add(o)
				if !t.Before(at) && t.Before(at.Add(3*time.Minute)) {
					m.Ticks, m.RateMin, m.RateAvg, m.RateMax, m.DownS, m.Reconnects = 0, 0, 0, 0, 60, 1
				}
			}
			s.AddMinute(m)
		}
		for _, o := range outages[id] {
			at := start.Add(o)
			s.AddEntry(wire.Entry{At: wire.Unix(at), Connection: id, Kind: wire.EntryTransition, From: string(wire.StatusConnected), To: string(wire.StatusDisconnected),
				Cause: "the provider connection dropped without a close frame (network or server)", Message: "filled outage"})
			s.AddEntry(wire.Entry{At: wire.Unix(at.Add(3 * time.Minute)), Connection: id, Kind: wire.EntryTransition, From: string(wire.StatusConnecting), To: string(wire.StatusConnected),
				Duration: 180, Reconnects: 1, Message: "filled recovery"})
		}
	}
	s.AddEntry(wire.Entry{At: wire.Unix(end), Kind: wire.EntrySession, To: "stopped", Message: "Monitor stopped — filled by fillhistory"})
	s.Close()
	fmt.Printf("fillhistory: %s filled from %s to %s\n", *db, start.Format(time.RFC3339), end.Format(time.RFC3339))
}
