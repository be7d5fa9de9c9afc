package main

import (
	"log/slog"
	"net"
	"time"

	"github.com/tickstock/monitor/backend/config"
	"github.com/tickstock/monitor/backend/ingest"
	"github.com/tickstock/monitor/backend/metrics"
	"github.com/tickstock/monitor/backend/verdict"
)

// listenMetrics binds METRICS_LISTEN_ADDR before anything starts, so a taken
// port stops the command at once; nil when metrics are off.
func listenMetrics(cfg *config.Config) (net.Listener, error) {
	if cfg.MetricsListenAddr == "" {
		return nil, nil
	}
	return metrics.Listen(cfg.MetricsListenAddr)
}

// serveMetrics serves Prometheus metrics of in on ln (nil: off); the
// returned stop is never nil.
func serveMetrics(ln net.Listener, in *ingest.Ingest, judge func() verdict.Verdict, log *slog.Logger, started time.Time) (stop func()) {
	if ln == nil {
		return func() {}
	}
	reg := metrics.NewRegistry(metrics.Options{Snapshot: in.Manager.Snapshot, Publisher: in.Publisher, Verdict: judge, Started: started})
	srv := metrics.Serve(ln, reg, log)
	log.Info("Prometheus metrics on http://" + srv.Addr() + "/metrics")
	return srv.Close
}

func closeListener(ln net.Listener) {
	if ln != nil {
		ln.Close()
	}
}
