// Package service is what the desktop window observes, assembled for the
// chosen mode (mode.go): in embedded and demo mode, the ingest (manager,
// simulator, publisher) plus the Redis monitor, with the manager as the
// monitor's ticker → connection map; in remote mode, a remote observer plus
// the Redis monitor; when the configuration is wrong, an idle session that
// says why.
package service

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/tickstock/monitor/backend/alerts"
	"github.com/tickstock/monitor/backend/config"
	"github.com/tickstock/monitor/backend/ingest"
	"github.com/tickstock/monitor/backend/manager"
	"github.com/tickstock/monitor/backend/monitor"
	"github.com/tickstock/monitor/backend/profiles"
	"github.com/tickstock/monitor/backend/redact"
	"github.com/tickstock/monitor/backend/secrets"
	"github.com/tickstock/monitor/backend/version"
	"github.com/tickstock/monitor/backend/wire"
)

// Info describes the running service for the window's header (the wire
// shape: the browser dashboard's header is the same type).
type Info = wire.Info

// Service is a running monitoring session.
type Service struct {
	info      Info
	mode      mode       // what runs: local, observed or idle (mode.go)
	incidents *incidents // alerts, timeline and history (incidents.go)
	verdicts  *verdicts  // the session's judgement (verdict.go)
}

// Options configure Open.
type Options struct {
	EnvDir string // where .env is read; default "."
	Log    *slog.Logger
	Output monitor.Output
	// Profile is the saved profile chosen for this session (LastUsed at
	// start-up, Named when the window switches); TICKSTOCK_MODE, when set,
	// wins over it.
	Profile Choice
	// Profiles holds the alert settings; its directory the history.
	Profiles *profiles.Store
	// Notifier shows the alerts on the desktop (nil: timeline only).
	Notifier alerts.Notifier
	// HistoryDir holds the history files; default: "history" beside the
	// profiles file, or memory only without one.
	HistoryDir string
	// StallAfter: a connection that says connected and has received
	// nothing this long is silent (degraded); default
	// verdict.DefaultStallAfter.
	StallAfter time.Duration
}

// Open reads the configuration and starts everything. It never fails: a bad
// configuration gives an idle service whose Info says what is wrong, so the
// window can open and explain.
func Open(ctx context.Context, o Options) *Service {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	s := &Service{info: Info{Product: version.Product, Version: version.Version, Warnings: []string{}}, verdicts: newVerdicts(o.StallAfter)}
	cfg, err := config.Load(defaultDir(o.EnvDir))
	if err == nil {
		err = s.useProfile(cfg, o.Profile)
	}
	if err == nil {
		s.info.Mode = string(cfg.Mode)
		if cfg.Mode != config.ModeRemote { // the local connections do not run when observing
			s.info.Warnings = append(s.info.Warnings, cfg.Warnings...)
		}
		err = s.start(ctx, cfg, o)
	}
	if err != nil {
		s.info.Problem = scrub(err.Error(), cfg)
		o.Log.Error("nothing runs", "err", s.info.Problem)
		if s.info.Mode == "" {
			s.info.Mode = string(config.ModeDemo)
		}
		s.mode = newIdle(s.info.Problem)
	}
	s.startIncidents(ctx, o)
	return s
}

// useProfile applies the chosen profile unless TICKSTOCK_MODE is set.
func (s *Service) useProfile(cfg *config.Config, c Choice) error {
	if cfg.ModeSet {
		return nil
	}
	if c.Err != nil {
		return fmt.Errorf("saved profiles: %w", c.Err)
	}
	if p := c.Profile; p != nil {
		o := config.Override{Mode: p.Mode, RemoteURL: p.ServerURL, AdminEmail: p.AdminEmail, RedisURL: p.RedisURL, TickChannel: p.TickChannel}
		if err := cfg.Apply(o); err != nil {
			return fmt.Errorf("saved profile %q: %w", p.Name, err)
		}
		s.info.Profile = p.Name
	}
	return nil
}

// scrub removes cfg's secrets (the provider key, credentials in any URL)
// from msg, which the header shows: errors of other packages may quote a
// URL whole.
func scrub(msg string, cfg *config.Config) string {
	if cfg == nil {
		return redact.Error(msg)
	}
	secrets := []string{cfg.APIKey}
	for _, u := range []string{cfg.RemoteURL, cfg.RedisURL, cfg.WebSocketURL} {
		secrets = append(secrets, redact.URLSecrets(u)...)
	}
	return redact.Error(redact.Scrub(msg, secrets...))
}

func defaultDir(d string) string {
	if d == "" {
		return "."
	}
	return d
}

func (s *Service) start(ctx context.Context, cfg *config.Config, o Options) error {
	// TLS, ACL, Sentinel and Cluster settings go with the configured Redis;
	// a profile may have replaced its URL.
	rs := cfg.Redis
	rs.URL = cfg.RedisURL
	if s.info.Profile != "" {
		// The window's Redis password is the keyring's entry of the profile;
		// it wins over REDIS_PASSWORD and the URL's, and is never in a URL.
		switch pw, err := secrets.Get(s.info.Profile, secrets.RedisPassword); {
		case err == nil:
			rs.Password = pw
		case !errors.Is(err, secrets.ErrNotFound):
			s.info.KeyringProblem = err.Error()
		}
	}
	if cfg.Mode == config.ModeRemote {
		s.info.Remote = redact.URL(cfg.RemoteURL)
		return s.startRemote(ctx, cfg, rs, o)
	}
	if cfg.Mode == config.ModeEmbedded && cfg.APIKey == "" {
		cfg.APIKey = s.apiKeyFromKeyring()
	}
	in, err := ingest.Start(ctx, cfg, ingest.Options{Manager: manager.Options{Log: o.Log}, Redis: rs})
	if err != nil {
		return err
	}
	if in.Notice != "" {
		s.info.Warnings = append(s.info.Warnings, in.Notice)
	}
	m := monitor.New(monitor.Options{
		Redis: in.Redis, Channel: cfg.TickChannel, RedisLabel: in.RedisLabel,
		Assigner: in.Manager, Output: o.Output, Log: o.Log,
	})
	m.Start(ctx)
	s.mode = &local{Ingest: in, withMonitor: withMonitor{m}}
	return nil
}

// apiKeyFromKeyring returns the provider key kept for the profile (or
// "default"), or "" (ingest.Start then says MASSIVE_API_KEY is missing).
func (s *Service) apiKeyFromKeyring() string {
	name := s.info.Profile
	if name == "" {
		name = "default"
	}
	key, err := secrets.Get(name, secrets.APIKey)
	if err != nil && !errors.Is(err, secrets.ErrNotFound) {
		s.info.KeyringProblem = err.Error()
	}
	return key
}

// Close stops everything Open started.
func (s *Service) Close() {
	if s.incidents != nil {
		s.incidents.close()
	}
	s.mode.close()
}

// Info describes the session.
func (s *Service) Info() Info { return s.info }

// Snapshot is the health of every connection.
func (s *Service) Snapshot() wire.Snapshot { return s.mode.Snapshot() }

// Changed is signalled when a connection's status (or the remote sign-in
// state) changes.
func (s *Service) Changed() <-chan struct{} {
	if s.incidents != nil { // it watches the source and passes changes on
		return s.incidents.changed
	}
	return s.mode.Changed()
}

// Subscription is the Redis subscription's state.
func (s *Service) Subscription() wire.SubscriptionState {
	return s.mode.Subscription()
}

// Pause freezes the rows shown; counts keep moving.
func (s *Service) Pause() {
	s.mode.Pause()
}

// Resume shows the newest rows again.
func (s *Service) Resume() {
	s.mode.Resume()
}
