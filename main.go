// Command tickstock-monitor is the desktop window of the TickStock
// Connections Monitor.
package main

import (
	"context"
	"embed"
	"log/slog"
	"os"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"

	"github.com/tickstock/monitor/app"
	"github.com/tickstock/monitor/backend/config"
	"github.com/tickstock/monitor/backend/ingest"
	"github.com/tickstock/monitor/backend/manager"
	"github.com/tickstock/monitor/backend/version"
)

//go:embed all:frontend/dist
var assets embed.FS

func main() {
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	backend, info, stop := startBackend(ctx, log)
	defer stop()
	a := app.New(backend, info, log)
	lc := app.NewLifecycle(a)

	err := wails.Run(&options.App{
		Title:            version.Product,
		Width:            1440,
		Height:           900,
		MinWidth:         760,
		MinHeight:        520,
		AssetServer:      &assetserver.Options{Assets: assets},
		BackgroundColour: &options.RGBA{R: 246, G: 247, B: 249, A: 1},
		OnStartup:        lc.Startup,
		OnShutdown:       lc.Shutdown,
		Bind:             []any{a},
	})
	if err != nil {
		log.Error("the window could not start", "err", err)
		os.Exit(1)
	}
}

// startBackend loads the configuration and starts the connections. A bad
// configuration still opens the window, which then shows the error and the
// columns as disabled.
func startBackend(ctx context.Context, log *slog.Logger) (app.Backend, app.Info, func()) {
	info := app.Info{Product: version.Product, Version: version.Version}
	cfg, err := config.Load(".")
	if err == nil {
		info.Mode, info.Warnings = string(cfg.Mode), cfg.Warnings
		var in *ingest.Ingest
		if in, err = ingest.Start(ctx, cfg, manager.Options{Log: log}); err == nil {
			return in, info, in.Close
		}
	}
	log.Error("cannot start the connections", "err", err)
	info.ConfigError = err.Error()
	idle, _ := config.FromLookup(func(string) (string, bool) { return "", false })
	for i := range idle.Connections {
		idle.Connections[i].Enabled = false
	}
	if info.Mode == "" {
		info.Mode = string(idle.Mode)
	}
	return manager.New(idle, manager.Options{}), info, func() {}
}
