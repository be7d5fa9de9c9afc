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
	"github.com/tickstock/monitor/backend/verdict"
)

// runIngest runs the manager and publishes every tick to REDIS_URL until ctx
// ends, logging a summary every interval.
func runIngest(ctx context.Context, args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	every := fs.Duration("summary", 10*time.Second, "how often to log tick counts")
	stall := stallFlag(fs)
	cfg, log, code := loadConfig(fs, args, stderr)
	if cfg == nil {
		return code
	}
	started := time.Now()
	mln, err := listenMetrics(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "tickstock-ingest run: %v\n", err)
		return 1
	}
	in, err := startIngest(ctx, cfg, log)
	if err != nil {
		closeListener(mln)
		fmt.Fprintf(stderr, "tickstock-ingest run: %v\n", err)
		return 1
	}
	defer in.Close()
	judge := judgeOf(in, *stall)
	defer serveMetrics(mln, in, judge, log, started)()
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
			v := judge()
			log.Info("ticks", "verdict", v.Level, "cause", v.Cause, "connected", fmt.Sprintf("%d/%d", s.ConnectedCount, s.EnabledConnections),
				"received", s.TotalTicksReceived, "published_per_s", float64(n-last)/every.Seconds(),
				"dropped", dropped, "errors", s.TotalErrors, "redis", redisState(st), "redis_node", st.Node)
			last = n
		}
	}
}

// loadConfig parses fs (adding --env-dir) and reads the configuration. On
// failure it has said why on stderr and cfg is nil; code is the exit code.
func loadConfig(fs *flag.FlagSet, args []string, stderr io.Writer) (cfg *config.Config, log *slog.Logger, code int) {
	fs.SetOutput(stderr)
	dir := fs.String("env-dir", ".", "directory of the optional .env file")
	if err := fs.Parse(args); err != nil {
		return nil, nil, 2
	}
	cfg, err := config.Load(*dir)
	if err != nil {
		fmt.Fprintf(stderr, "tickstock-ingest %s: configuration error: %v\n", fs.Name(), err)
		return nil, nil, 2
	}
	log = slog.New(slog.NewTextHandler(stderr, nil))
	redisbus.SetLogger(log)
	for _, w := range cfg.Warnings {
		log.Warn(w)
	}
	return cfg, log, 0
}

// startIngest runs the connections of cfg, publishing every tick to REDIS_URL.
func startIngest(ctx context.Context, cfg *config.Config, log *slog.Logger) (*ingest.Ingest, error) {
	return ingest.Start(ctx, cfg, ingest.Options{Manager: manager.Options{Log: log}, Redis: cfg.Redis})
}

// stallFlag: how long a connected connection may be silent before the
// verdict calls it silent (degraded).
func stallFlag(fs *flag.FlagSet) *time.Duration {
	return fs.Duration("stall-after", verdict.DefaultStallAfter, "a connected connection silent this long is degraded (silent)")
}

// judgeOf judges in's evidence with one tracker for the process: /health,
// the status API, the push stream, the metrics and the log read it.
func judgeOf(in *ingest.Ingest, stallAfter time.Duration) func() verdict.Verdict {
	t := verdict.NewTracker()
	return func() verdict.Verdict {
		ev := verdict.Evidence{At: time.Now(), StallAfter: stallAfter}
		in.Evidence(&ev)
		return t.Judge(ev)
	}
}

func redisState(s redisbus.PublisherState) string {
	if s.Connected {
		return "publishing"
	}
	return s.Detail
}
