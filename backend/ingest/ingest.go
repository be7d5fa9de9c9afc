// Package ingest assembles the data plane that the desktop app runs in
// embedded mode and tickstock-ingest runs headless: the multi-connection
// manager, fed by the real provider or, in demo mode, by the in-process
// protocol simulator.
package ingest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/tickstock/monitor/backend/config"
	"github.com/tickstock/monitor/backend/manager"
	"github.com/tickstock/monitor/backend/redisbus"
	"github.com/tickstock/monitor/backend/simulator"
	"github.com/tickstock/monitor/backend/verdict"
	"github.com/tickstock/monitor/backend/wire"
)

// DemoRate is the simulator's events per second per connection in the demo.
const DemoRate = 20

// Ingest is a running manager (and simulator, in demo mode, and publisher,
// when it publishes to Redis).
type Ingest struct {
	*manager.Manager
	// Simulator is the demo's provider simulator; nil in embedded mode.
	Simulator *simulator.Server
	// Publisher publishes every tick to Redis; nil without a Redis URL.
	Publisher *redisbus.Publisher
	// Redis is where the ticks are published (URL "" = nowhere): the demo's
	// in-process Redis unless DemoPublishesTo allowed the configured one.
	Redis config.Redis
	// RedisLabel names that Redis for people when it is the built-in one.
	RedisLabel string
	// Notice says, in words, where a demo publishes simulated ticks when
	// REDIS_URL is set (that Redis, or why not); "" otherwise. The window
	// shows it in its header.
	Notice    string
	demoRedis *redisbus.DemoRedis
}

// DemoPublishesTo reports whether a demo may publish to the configured
// Redis: only when TICKSTOCK_MODE=demo and a Redis (REDIS_URL, or Sentinel or
// Cluster addresses) are both set explicitly. Otherwise the simulated ticks go
// to an in-process Redis, never where real ticks live (a TickStockAppV2
// Redis, or whatever answers on localhost:6379).
func DemoPublishesTo(cfg *config.Config) bool {
	return cfg.Mode == config.ModeDemo && cfg.ModeSet && redisSet(cfg)
}

// redisSet reports whether a Redis was configured rather than defaulted.
func redisSet(cfg *config.Config) bool {
	return cfg.RedisURLSet || cfg.Redis.Kind() != config.RedisStandalone
}

// Options configure Start.
type Options struct {
	Manager manager.Options
	// RedisURL, when set, makes every tick go to Redis on the configured
	// channel; then Manager.Sink is ignored.
	RedisURL string
	// Redis, when its URL is set, is used instead of RedisURL: TLS, ACL,
	// Sentinel or Cluster.
	Redis config.Redis
}

// Start runs the connections of cfg until Close. In demo mode it first starts
// the simulator on a free loopback port with a one-time key.
func Start(ctx context.Context, cfg *config.Config, o Options) (*Ingest, error) {
	opts := o.Manager
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	run := *cfg
	in := &Ingest{Redis: o.Redis}
	if in.Redis.URL == "" {
		in.Redis = config.Redis{URL: o.RedisURL}
	}
	if cfg.Mode == config.ModeDemo {
		opts.TickSource = "demo"
		if err := in.isolateDemo(cfg, opts.Log); err != nil {
			return nil, err
		}
	}
	if in.Redis.URL != "" {
		if strings.Contains(cfg.TickChannel, "*") {
			return nil, fmt.Errorf("TICK_CHANNEL=%q is a pattern: the ingest publishes to an exact channel", cfg.TickChannel)
		}
		p, err := redisbus.NewPublisher(redisbus.PublisherOptions{Redis: in.Redis, Channel: cfg.TickChannel, Log: opts.Log})
		if err != nil {
			in.closeDemoRedis()
			return nil, err
		}
		in.Publisher, opts.Sink = p, p
		p.Start(ctx)
	}
	switch cfg.Mode {
	case config.ModeDemo:
		key := randomKey()
		sim, err := simulator.Start("127.0.0.1:0", simulator.Options{Keys: []string{key}, Rate: DemoRate, Log: opts.Log})
		if err != nil {
			in.closePublisher()
			return nil, fmt.Errorf("starting the demo's provider simulator: %w", err)
		}
		in.Simulator = sim
		run.WebSocketURL, run.APIKey = sim.URL(), key
		opts.Log.Info("demo provider simulator listening", "url", sim.URL())
	case config.ModeEmbedded:
		if cfg.APIKey == "" {
			in.closePublisher()
			return nil, errors.New("MASSIVE_API_KEY is not set: the embedded mode needs the provider key (or use TICKSTOCK_MODE=demo)")
		}
	default:
		in.closePublisher()
		return nil, fmt.Errorf("mode %q does not run connections here", cfg.Mode)
	}
	in.Manager = manager.New(&run, opts)
	in.Manager.Start(ctx)
	return in, nil
}

// isolateDemo points the demo's publishing at an in-process Redis unless
// DemoPublishesTo allows the configured one, and says which in the log.
func (in *Ingest) isolateDemo(cfg *config.Config, log *slog.Logger) error {
	if in.Redis.URL == "" {
		return nil
	}
	if DemoPublishesTo(cfg) {
		in.Notice = fmt.Sprintf("Demo: simulated ticks (\"source\":\"demo\") are being published to the Redis at %s, channel %s, because TICKSTOCK_MODE=demo and REDIS_URL are both set. Every consumer of that channel receives them.",
			redisbus.Where(in.Redis.URL), cfg.TickChannel)
		log.Warn(in.Notice)
		return nil
	}
	d, err := redisbus.StartDemoRedis()
	if err != nil {
		return fmt.Errorf("starting the demo's built-in Redis: %w", err)
	}
	// The configured TLS, ACL, Sentinel or Cluster settings are not the
	// built-in Redis's.
	in.demoRedis, in.Redis, in.RedisLabel = d, config.Redis{URL: d.URL()}, redisbus.DemoLabel
	if redisSet(cfg) {
		// Say why the configured Redis gets nothing, or it looks broken.
		in.Notice = "Demo: REDIS_URL is set, but the demo publishes its simulated ticks only to its built-in Redis. Set TICKSTOCK_MODE=demo as well to publish them to " + redisbus.Where(cfg.RedisURL) + "."
		log.Warn(in.Notice)
	} else {
		log.Info("the demo publishes its simulated ticks only to its built-in Redis", "where", d.URL())
	}
	return nil
}

// Close stops the connections, then the publisher, the demo's Redis and the
// simulator.
func (in *Ingest) Close() {
	in.Manager.Close()
	in.closePublisher()
	if in.Simulator != nil {
		_ = in.Simulator.Close()
	}
}

// closePublisher stops the publisher and then the demo's Redis it used.
func (in *Ingest) closePublisher() {
	if in.Publisher != nil {
		in.Publisher.Close()
	}
	in.closeDemoRedis()
}

func (in *Ingest) closeDemoRedis() {
	if in.demoRedis != nil {
		in.demoRedis.Close()
		in.demoRedis = nil
	}
}

// Snapshot is the manager's snapshot with the publisher's losses added to
// each connection's publish_dropped (the manager counts a full queue; the
// publisher counts ticks of pipelines that Redis failed).
func (in *Ingest) Snapshot() wire.Snapshot {
	s := in.Manager.Snapshot()
	if in.Publisher == nil {
		return s
	}
	for id, n := range in.Publisher.Dropped() {
		if c, ok := s.Connections[id]; ok {
			c.PublishDropped += n
			s.Connections[id] = c
		}
	}
	return s
}

func randomKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // never fails on supported platforms (Go 1.24+)
	return "demo-" + hex.EncodeToString(b)
}

// Health is what GET /health adds about Redis: which kind, which node
// answers, and whether ticks reach it. Nil without a publisher.
func (in *Ingest) Health() map[string]any {
	if in.Publisher == nil {
		return nil
	}
	st := in.Publisher.State()
	return map[string]any{"redis": map[string]any{
		"kind": st.Kind, "where": st.Where, "node": st.Node,
		"publishing": st.Connected, "detail": st.Detail, "since": wire.Unix(st.Since),
		"queued": in.Publisher.Queued(),
	}}
}

// Evidence adds what the ingest knows to a verdict's evidence: local mode,
// the snapshot (with the publisher's losses) and whether ticks reach Redis
// (nothing before the publisher's first pipeline: nothing tried, nothing
// to judge). The window adds its monitor's part; serve and run judge this
// alone.
func (in *Ingest) Evidence(ev *verdict.Evidence) {
	ev.Mode = verdict.ModeLocal
	snap := in.Snapshot()
	ev.Snapshot = &snap
	if in.Publisher == nil {
		return
	}
	st := in.Publisher.State()
	if !st.Tried() {
		return
	}
	unheard, _ := in.Publisher.Unheard()
	ev.Publishing = &verdict.Publishing{OK: st.Connected, Detail: st.Detail, Since: st.Since, Queued: in.Publisher.Queued(), Unheard: unheard}
}
