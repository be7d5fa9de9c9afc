// Package metrics exposes the headless server's health to Prometheus: per
// connection its status, provider messages, errors, reconnects, subscribed
// tickers and the age of its newest message; per connection the ticks
// published to Redis and dropped (by reason); the publisher's queue; which
// Redis answers; and the Go and process metrics.
//
// Nothing is counted twice: the collector reads the manager's snapshot and
// the publisher's counters at scrape time, so a scrape shows the same
// figures as the admin API at that instant. Names follow the Prometheus
// conventions (tickstock_ prefix, base units, _total counters, a connection
// label) and are linted in the tests.
package metrics

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/tickstock/monitor/backend/redisbus"
	"github.com/tickstock/monitor/backend/verdict"
	"github.com/tickstock/monitor/backend/version"
	"github.com/tickstock/monitor/backend/wire"
)

// Drop reasons of tickstock_ticks_dropped_total.
const (
	DropQueueFull  = "queue_full"  // the publisher's queue was full (Redis slow or down)
	DropRedisError = "redis_error" // Redis failed the pipeline that carried the tick
)

// Options say where the figures come from.
type Options struct {
	// Snapshot is the manager's own snapshot (its publish_dropped counts
	// only the full-queue drops; the publisher's are read from Publisher).
	Snapshot func() wire.Snapshot
	// Publisher is nil when ticks are not published.
	Publisher *redisbus.Publisher
	// Verdict is the server's judgement (tickstock_verdict); nil = none.
	Verdict func() verdict.Verdict
	// Now is the clock; Started is when the process began (the age of a
	// connection's newest message counts from it until the first message).
	Now     func() time.Time
	Started time.Time
}

func (o *Options) fill() {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Started.IsZero() {
		o.Started = o.Now()
	}
}

func desc(name, help string, labels ...string) *prometheus.Desc {
	return prometheus.NewDesc("tickstock_"+name, help, labels, nil)
}

var (
	conn = "connection"

	dStatus     = desc("connection_status", "Connection status: 1 for the current status word, 0 for the others.", conn, "status")
	dInfo       = desc("connection_info", "Connection name and universe key (always 1).", conn, "name", "universe_key")
	dMessages   = desc("provider_messages_total", "Messages received from the provider.", conn)
	dErrors     = desc("provider_errors_total", "Errors on the provider connection.", conn)
	dReconnects = desc("provider_reconnects_total", "Reconnections to the provider.", conn)
	dSubscribed = desc("subscribed_tickers", "Ticker channels the provider confirmed on the current session.", conn)
	dAssigned   = desc("assigned_tickers", "Tickers assigned to the connection.", conn)
	dAge        = desc("provider_last_message_age_seconds", "Seconds since the newest provider message (since the process started when none yet).", conn)
	dPublished  = desc("ticks_published_total", "Ticks Redis accepted.", conn)
	dUnheard    = desc("ticks_unheard_total", "Ticks Redis accepted while no client was subscribed to the channel: Pub/Sub keeps nothing, so no consumer got them (absent on a Redis Cluster, where a node counts only its own subscribers).", conn)
	dDropped    = desc("ticks_dropped_total", "Ticks not published: queue_full (the queue was full) or redis_error (Redis failed the pipeline).", conn, "reason")
	dQueue      = desc("publisher_queue_depth", "Ticks waiting for Redis.")
	dQueueCap   = desc("publisher_queue_capacity", "Ticks the publisher's queue holds.")
	dRedisUp    = desc("redis_publishing", "1 when the last pipeline reached Redis, else 0.")
	dRedisInfo  = desc("redis_info", "The Redis in use: kind (standalone, sentinel, cluster) and the node last connected to (always 1).", "kind", "node")
	dBuild      = desc("build_info", "The build (always 1).", "version")
	// One series per level, 1 for the current one, as tickstock_connection_status does for
	// status words: an alert rule reads tickstock_verdict{level="down"} == 1 without a number code.
	dVerdict = desc("verdict", "The server's verdict: 1 for the current level (ok, degraded, down, unknown), 0 for the others; cause names its root cause.", "level", "cause")
)

// collector reads the figures at scrape time.
type collector struct{ o Options }

func (c collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{dStatus, dInfo, dMessages, dErrors, dReconnects, dSubscribed, dAssigned, dAge,
		dPublished, dUnheard, dDropped, dQueue, dQueueCap, dRedisUp, dRedisInfo, dBuild, dVerdict} {
		ch <- d
	}
}

func (c collector) Collect(ch chan<- prometheus.Metric) {
	now := c.o.Now()
	gauge := func(d *prometheus.Desc, v float64, l ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, l...)
	}
	counter := func(d *prometheus.Desc, v int64, l ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v), l...)
	}
	gauge(dBuild, 1, version.Version)
	if c.o.Verdict != nil {
		v := c.o.Verdict()
		for _, l := range verdict.Levels {
			cause := ""
			if l == v.Level {
				cause = string(v.Cause)
			}
			gauge(dVerdict, b2f(l == v.Level), string(l), cause)
		}
	}
	var published, failed, unheard map[string]int64
	var heardKnown bool
	if p := c.o.Publisher; p != nil {
		published, failed = p.PublishedBy(), p.Dropped()
		unheard, heardKnown = p.Unheard()
		gauge(dQueue, float64(p.Queued()))
		gauge(dQueueCap, float64(p.QueueSize()))
		st := p.State()
		gauge(dRedisUp, b2f(st.Connected))
		gauge(dRedisInfo, 1, st.Kind, st.Node)
	}
	for id, cs := range c.o.Snapshot().Connections {
		for _, s := range wire.Statuses { // each word a series of tickstock_connection_status
			gauge(dStatus, b2f(cs.Status == s), id, string(s))
		}
		gauge(dInfo, 1, id, cs.Name, cs.UniverseKey)
		counter(dMessages, cs.MessageCount, id)
		counter(dErrors, cs.ErrorCount, id)
		counter(dReconnects, cs.ReconnectCount, id)
		gauge(dSubscribed, float64(cs.SubscribedChannels), id)
		gauge(dAssigned, float64(cs.AssignedTickers), id)
		last := c.o.Started
		if cs.LastMessageTime > 0 {
			last = wire.Time(cs.LastMessageTime)
		}
		gauge(dAge, max(0, now.Sub(last).Seconds()), id)
		if c.o.Publisher != nil {
			counter(dPublished, published[id], id)
			if heardKnown {
				counter(dUnheard, unheard[id], id)
			}
			counter(dDropped, cs.PublishDropped, id, DropQueueFull)
			counter(dDropped, failed[id], id, DropRedisError)
		}
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// NewRegistry is a registry with the TickStock collector and the Go and
// process collectors.
func NewRegistry(o Options) *prometheus.Registry {
	o.fill()
	reg := prometheus.NewRegistry()
	reg.MustRegister(collector{o},
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}

// Server serves /metrics on its own address.
type Server struct {
	srv  *http.Server
	ln   net.Listener
	done chan struct{}
}

// Listen binds addr (METRICS_LISTEN_ADDR); bind before starting anything,
// so a taken port stops the server at once.
func Listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("METRICS_LISTEN_ADDR=%q: %w", addr, err)
	}
	return ln, nil
}

// Serve serves reg at /metrics on ln until Close.
func Serve(ln net.Listener, reg *prometheus.Registry, log *slog.Logger) *Server {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn), Registry: reg, Timeout: 10 * time.Second,
	}))
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "tickstock-ingest: Prometheus metrics at /metrics")
	})
	s := &Server{
		srv: &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second,
			WriteTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute},
		ln: ln, done: make(chan struct{}),
	}
	go func() {
		defer close(s.done)
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics server stopped", "err", err)
		}
	}()
	return s
}

// Addr is the bound address (useful with port 0).
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Close stops serving within 2 s.
func (s *Server) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = s.srv.Shutdown(ctx)
	<-s.done
}
