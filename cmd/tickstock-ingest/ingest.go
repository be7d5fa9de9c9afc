package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/tickstock/monitor/backend/config"
	"github.com/tickstock/monitor/backend/ingest"
	"github.com/tickstock/monitor/backend/manager"
	"github.com/tickstock/monitor/backend/ticks"
)

// runIngest runs the manager until ctx ends, logging a summary every interval.
func runIngest(ctx context.Context, args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("env-dir", ".", "directory of the optional .env file")
	every := fs.Duration("summary", 10*time.Second, "how often to log tick counts")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	cfg, err := config.Load(*dir)
	if err != nil {
		fmt.Fprintf(stderr, "tickstock-ingest: configuration error: %v\n", err)
		return 2
	}
	for _, w := range cfg.Warnings {
		log.Warn(w)
	}
	sink := &countingSink{}
	in, err := ingest.Start(ctx, cfg, manager.Options{Sink: sink, Log: log})
	if err != nil {
		fmt.Fprintf(stderr, "tickstock-ingest: %v\n", err)
		return 1
	}
	defer in.Close()
	t := time.NewTicker(*every)
	defer t.Stop()
	var last int64
	for {
		select {
		case <-ctx.Done():
			log.Info("stopping")
			return 0
		case <-t.C:
			s := in.Snapshot()
			n := sink.n.Load()
			log.Info("ticks", "connected", fmt.Sprintf("%d/%d", s.ConnectedCount, s.EnabledConnections),
				"total", s.TotalTicksReceived, "per_s", float64(n-last)/every.Seconds(), "errors", s.TotalErrors)
			last = n
		}
	}
}

// countingSink counts ticks; it stands where the Redis publisher goes.
type countingSink struct{ n atomic.Int64 }

func (s *countingSink) Offer(ticks.Tick) bool { s.n.Add(1); return true }
