// Package service is what the desktop window observes, assembled for the
// chosen mode: in embedded and demo mode, the ingest (manager, simulator,
// publisher) plus the Redis monitor, with the manager as the monitor's
// ticker → connection map.
package service

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/tickstock/monitor/backend/config"
	"github.com/tickstock/monitor/backend/ingest"
	"github.com/tickstock/monitor/backend/manager"
	"github.com/tickstock/monitor/backend/monitor"
	"github.com/tickstock/monitor/backend/redisbus"
	"github.com/tickstock/monitor/backend/version"
)

// Info describes the running service for the window's header.
type Info struct {
	Product  string   `json:"product"`
	Version  string   `json:"version"`
	Mode     string   `json:"mode"`
	Warnings []string `json:"warnings"`
	// Problem is why nothing runs (a configuration error), as a sentence.
	Problem string `json:"problem"`
}

// Service is a running monitoring session.
type Service struct {
	info      Info
	ingest    *ingest.Ingest   // nil when nothing runs
	idle      *manager.Manager // stands in for the ingest when nothing runs
	monitor   *monitor.Monitor // nil when nothing runs
	demoRedis *redisbus.DemoRedis
}

// Options configure Open.
type Options struct {
	EnvDir string // where .env is read; default "."
	Log    *slog.Logger
	Output monitor.Output
	// LocalRedis is probed in demo mode when REDIS_URL is not set; default
	// localhost:6379.
	LocalRedis string
}

// Open reads the configuration and starts everything. It never fails: a bad
// configuration gives an idle service whose Info says what is wrong, so the
// window can open and explain.
func Open(ctx context.Context, o Options) *Service {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.LocalRedis == "" {
		o.LocalRedis = "localhost:6379"
	}
	s := &Service{info: Info{Product: version.Product, Version: version.Version, Warnings: []string{}}}
	cfg, err := config.Load(defaultDir(o.EnvDir))
	if err == nil {
		s.info.Mode = string(cfg.Mode)
		s.info.Warnings = append(s.info.Warnings, cfg.Warnings...)
		err = s.start(ctx, cfg, o)
	}
	if err != nil {
		o.Log.Error("nothing runs", "err", err)
		s.info.Problem = err.Error()
		if s.info.Mode == "" {
			s.info.Mode = string(config.ModeDemo)
		}
		idle, _ := config.FromLookup(func(string) (string, bool) { return "", false })
		for i := range idle.Connections {
			idle.Connections[i].Enabled = false
		}
		s.idle = manager.New(idle, manager.Options{})
	}
	return s
}

func defaultDir(d string) string {
	if d == "" {
		return "."
	}
	return d
}

func (s *Service) start(ctx context.Context, cfg *config.Config, o Options) error {
	if cfg.Mode == config.ModeRemote {
		return errors.New("remote mode is not available yet in this build: use TICKSTOCK_MODE=demo or embedded")
	}
	url, label, err := s.chooseRedis(cfg, o)
	if err != nil {
		return err
	}
	in, err := ingest.Start(ctx, cfg, ingest.Options{Manager: manager.Options{Log: o.Log}, RedisURL: url})
	if err != nil {
		s.closeDemoRedis()
		return err
	}
	s.ingest = in
	s.monitor = monitor.New(monitor.Options{
		URL: url, Channel: cfg.TickChannel, SourceLabel: label,
		Assigner: in.Manager, Output: o.Output, Log: o.Log,
	})
	s.monitor.Start(ctx)
	return nil
}

// chooseRedis returns the Redis URL to use and a label for the UI. A
// configured REDIS_URL is always used, even when down (it is shown as an
// error and retried, never silently replaced). Only the demo, without
// REDIS_URL and without a local Redis, starts the in-process one.
func (s *Service) chooseRedis(cfg *config.Config, o Options) (url, label string, err error) {
	if cfg.Mode != config.ModeDemo || cfg.RedisURLSet {
		return cfg.RedisURL, "", nil
	}
	if redisbus.Answers(o.LocalRedis, 300*time.Millisecond) {
		return "redis://" + o.LocalRedis + "/0", "", nil
	}
	d, err := redisbus.StartDemoRedis()
	if err != nil {
		return "", "", err
	}
	s.demoRedis = d
	o.Log.Info("no Redis on " + o.LocalRedis + " and REDIS_URL not set: the demo uses its built-in Redis")
	return d.URL(), redisbus.DemoLabel, nil
}

// Close stops everything Open started.
func (s *Service) Close() {
	if s.monitor != nil {
		s.monitor.Close()
	}
	if s.ingest != nil {
		s.ingest.Close()
	}
	s.closeDemoRedis()
}

func (s *Service) closeDemoRedis() {
	if s.demoRedis != nil {
		s.demoRedis.Close()
		s.demoRedis = nil
	}
}

// Info describes the session.
func (s *Service) Info() Info { return s.info }

// Snapshot is the health of every connection.
func (s *Service) Snapshot() manager.Snapshot {
	if s.ingest != nil {
		return s.ingest.Snapshot()
	}
	return s.idle.Snapshot()
}

// Changed is signalled when a connection's status changes.
func (s *Service) Changed() <-chan struct{} {
	if s.ingest != nil {
		return s.ingest.Changed()
	}
	return s.idle.Changed()
}

// Source is the Redis subscription's state.
func (s *Service) Source() monitor.SourceState {
	if s.monitor == nil {
		return monitor.SourceState{State: monitor.SourceStopped, Detail: "Nothing runs: " + s.info.Problem}
	}
	return s.monitor.Source()
}

// Pause freezes the rows shown; counts keep moving.
func (s *Service) Pause() {
	if s.monitor != nil {
		s.monitor.Pause()
	}
}

// Resume shows the newest rows again.
func (s *Service) Resume() {
	if s.monitor != nil {
		s.monitor.Resume()
	}
}
