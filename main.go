// Command tickstock-monitor is the desktop window of the TickStock
// Connections Monitor.
package main

import (
	"embed"
	"log/slog"
	"os"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"

	"github.com/tickstock/monitor/app"
	"github.com/tickstock/monitor/backend/config"
	"github.com/tickstock/monitor/backend/manager"
	"github.com/tickstock/monitor/backend/version"
)

//go:embed all:frontend/dist
var assets embed.FS

func main() {
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	backend, info := newBackend(log)
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

// newBackend loads the configuration; a bad one still opens the window, which
// then shows the error instead of columns.
func newBackend(log *slog.Logger) (app.Backend, app.Info) {
	info := app.Info{Product: version.Product, Version: version.Version}
	cfg, err := config.Load(".")
	if err != nil {
		log.Error("configuration error", "err", err)
		info.ConfigError = err.Error()
		cfg, _ = config.FromLookup(func(string) (string, bool) { return "", false })
		for i := range cfg.Connections {
			cfg.Connections[i].Enabled = false
		}
	}
	info.Mode = string(cfg.Mode)
	info.Warnings = cfg.Warnings
	return manager.New(cfg), info
}
