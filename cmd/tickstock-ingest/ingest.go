package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/tickstock/monitor/backend/config"
	"github.com/tickstock/monitor/backend/ingest"
	"github.com/tickstock/monitor/backend/manager"
	"github.com/tickstock/monitor/backend/redisbus"
)

// runIngest runs the manager and publishes every tick to REDIS_URL until ctx
// ends, logging a summary every interval.
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
	in, err := ingest.Start(ctx, cfg, ingest.Options{Manager: manager.Options{Log: log}, RedisURL: cfg.RedisURL})
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
			n := in.Publisher.Published()
			var dropped int64
			for _, c := range s.Connections {
				dropped += c.PublishDropped
			}
			st := in.Publisher.State()
			log.Info("ticks", "connected", fmt.Sprintf("%d/%d", s.ConnectedCount, s.EnabledConnections),
				"received", s.TotalTicksReceived, "published_per_s", float64(n-last)/every.Seconds(),
				"dropped", dropped, "errors", s.TotalErrors, "redis", redisState(st))
			last = n
		}
	}
}

func redisState(s redisbus.PublisherState) string {
	if s.Connected {
		return "publishing"
	}
	return s.Detail
}
