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
	"github.com/wailsapp/wails/v2/pkg/options/linux"

	"github.com/tickstock/monitor/app"
	"github.com/tickstock/monitor/backend/alerts"
	"github.com/tickstock/monitor/backend/config"
	"github.com/tickstock/monitor/backend/monitor"
	"github.com/tickstock/monitor/backend/profiles"
	"github.com/tickstock/monitor/backend/redact"
	"github.com/tickstock/monitor/backend/service"
	"github.com/tickstock/monitor/backend/version"
)

//go:embed all:frontend/dist
var assets embed.FS

func main() {
	tuneWebKit() // before the web process starts: it inherits the environment
	log := slog.New(redact.LogHandler(slog.NewTextHandler(os.Stderr, nil)))
	window, err := config.LoadWindow(".")
	if err != nil { // the window opens with the defaults; its banner names the bad value too
		log.Error("the window's settings", "err", err)
	}
	var store *profiles.Store
	if path, err := profiles.DefaultPath(); err == nil {
		store = profiles.Open(path)
	} else {
		log.Warn("profiles are not available", "err", err)
	}
	a := app.New(func(ctx context.Context, out monitor.Output, profile service.Choice) app.Backend {
		return service.Open(ctx, service.Options{Log: log, Output: out, Profile: profile, Profiles: store, Notifier: alerts.Desktop{}})
	}, store, log)
	lc := app.NewLifecycle(a)

	err = wails.Run(&options.App{
		Title:            version.Product,
		Width:            1440,
		Height:           900,
		MinWidth:         360, // the layout folds to one column and a ☰ menu (docs/operators.md)
		MinHeight:        520,
		AssetServer:      &assetserver.Options{Assets: assets},
		BackgroundColour: &options.RGBA{R: 246, G: 247, B: 249, A: 1},
		OnStartup:        lc.Startup,
		OnShutdown:       lc.Shutdown,
		Bind:             []any{a, &app.Payloads{}},
		// Set, not left nil: without options.Linux Wails passes "never"
		// whatever the page would gain (docs/perf-window.md).
		Linux: &linux.Options{WebviewGpuPolicy: webviewGPU(window.GPU)},
	})
	if err != nil {
		log.Error("the window could not start", "err", err)
		os.Exit(1)
	}
}

// webviewGPU is WebKit's hardware acceleration policy for TICKSTOCK_GPU.
func webviewGPU(p config.GPUPolicy) linux.WebviewGpuPolicy {
	switch p {
	case config.GPUAlways:
		return linux.WebviewGpuPolicyAlways
	case config.GPUOnDemand:
		return linux.WebviewGpuPolicyOnDemand
	default:
		return linux.WebviewGpuPolicyNever
	}
}
