package service

import (
	"context"
	"errors"
	"fmt"

	"github.com/tickstock/monitor/backend/config"
	"github.com/tickstock/monitor/backend/monitor"
	"github.com/tickstock/monitor/backend/remote"
	"github.com/tickstock/monitor/backend/secrets"
	"github.com/tickstock/monitor/backend/wire"
)

// startRemote observes TICKSTOCK_REMOTE_URL (or the profile's server) and
// subscribes to its Redis channel with the observer as the ticker map.
func (s *Service) startRemote(ctx context.Context, cfg *config.Config, rs config.Redis, o Options) error {
	if cfg.RemoteURL == "" || cfg.AdminEmail == "" {
		return errors.New("remote mode needs a server and an admin email: set TICKSTOCK_REMOTE_URL and TICKSTOCK_ADMIN_EMAIL, or choose a remote profile")
	}
	obs, err := remote.NewObserver(cfg.RemoteURL, cfg.AdminEmail, remote.Options{Log: o.Log})
	if err != nil {
		return fmt.Errorf("TICKSTOCK_REMOTE_URL: %w", err)
	}
	key := secrets.RemoteProfile(cfg.RemoteURL, cfg.AdminEmail)
	switch pw, err := secrets.Get(key, secrets.AdminPassword); {
	case err == nil:
		obs.SignIn(pw)
	case !errors.Is(err, secrets.ErrNotFound):
		s.info.KeyringProblem = err.Error() + ". The password can be used for this session only; it is never written anywhere."
	}
	m := monitor.New(monitor.Options{Redis: rs, Channel: cfg.TickChannel, Assigner: obs, Output: o.Output, Log: o.Log})
	// TickStockAppV2's tick_update feeds the rows while its push runs; the
	// Redis subscription feeds them otherwise (serve, or polling).
	obs.SetTickSink(m)
	obs.Start(ctx)
	m.Start(ctx)
	s.mode = &observed{Observer: obs, withMonitor: withMonitor{m}, passwordKey: key}
	return nil
}

// Remote is the sign-in state in remote mode, nil otherwise.
func (s *Service) Remote() *wire.RemoteState { return s.mode.remoteState() }

// SignIn signs in to the remote server with password; remember also keeps
// it in the keyring. A keyring failure is returned, but the sign-in goes on
// with the password for this session only.
func (s *Service) SignIn(password string, remember bool) error {
	return s.mode.signIn(password, remember)
}

// ForgetPassword removes the remembered password from the keyring.
func (s *Service) ForgetPassword() error { return s.mode.forgetPassword() }
