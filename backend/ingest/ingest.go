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

	"github.com/tickstock/monitor/backend/config"
	"github.com/tickstock/monitor/backend/feed"
	"github.com/tickstock/monitor/backend/manager"
)

// DemoRate is the simulator's events per second per connection in the demo.
const DemoRate = 20

// Ingest is a running manager (and simulator, in demo mode).
type Ingest struct {
	*manager.Manager
	// Sim is the demo's simulator; nil in embedded mode.
	Sim *feed.Server
}

// Start runs the connections of cfg until Close. In demo mode it first starts
// the simulator on a free loopback port with a one-time key.
func Start(ctx context.Context, cfg *config.Config, opts manager.Options) (*Ingest, error) {
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	run := *cfg
	in := &Ingest{}
	switch cfg.Mode {
	case config.ModeDemo:
		key := randomKey()
		sim, err := feed.Start("127.0.0.1:0", feed.Options{Keys: []string{key}, Rate: DemoRate, Log: opts.Log})
		if err != nil {
			return nil, fmt.Errorf("starting the demo's provider simulator: %v", err)
		}
		in.Sim = sim
		run.WebSocketURL, run.APIKey = sim.URL(), key
		opts.Log.Info("demo provider simulator listening", "url", sim.URL())
	case config.ModeEmbedded:
		if cfg.APIKey == "" {
			return nil, errors.New("MASSIVE_API_KEY is not set: the embedded mode needs the provider key (or use TICKSTOCK_MODE=demo)")
		}
	default:
		return nil, fmt.Errorf("mode %q does not run connections here", cfg.Mode)
	}
	in.Manager = manager.New(&run, opts)
	in.Manager.Start(ctx)
	return in, nil
}

// Close stops the connections, then the simulator.
func (in *Ingest) Close() {
	in.Manager.Close()
	if in.Sim != nil {
		_ = in.Sim.Close()
	}
}

func randomKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // never fails on supported platforms (Go 1.24+)
	return "demo-" + hex.EncodeToString(b)
}
