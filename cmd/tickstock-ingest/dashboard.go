package main

import (
	"context"

	"github.com/tickstock/monitor/backend/adminapi"
	"github.com/tickstock/monitor/backend/config"
	"github.com/tickstock/monitor/backend/ingest"
	"github.com/tickstock/monitor/backend/monitor"
	"github.com/tickstock/monitor/backend/version"
	"github.com/tickstock/monitor/backend/wire"
)

// startDashboardMonitor subscribes to the channel the ingest publishes to,
// once for every browser that watches: its batches, metrics and source
// state reach the dashboard viewers of api (/admin-ws?stream=dashboard).
func startDashboardMonitor(ctx context.Context, cfg *config.Config, in *ingest.Ingest, api *adminapi.Server) *monitor.Monitor {
	m := monitor.New(monitor.Options{
		Redis: in.Redis, Channel: cfg.TickChannel, RedisLabel: in.RedisLabel,
		Assigner: in.Manager, Output: api.MonitorOutput(),
	})
	m.Start(ctx)
	return m
}

// dashboardInfo is the browser dashboard's header: the window's type
// (wire.Info, as service.Info), for this server.
func dashboardInfo(cfg *config.Config, in *ingest.Ingest) func() wire.Info {
	warnings := append([]string{}, cfg.Warnings...)
	if in.Notice != "" {
		warnings = append(warnings, in.Notice)
	}
	return func() wire.Info {
		return wire.Info{Product: version.Product, Version: version.Version, Mode: string(cfg.Mode), Warnings: warnings}
	}
}

// dashboardLookup answers GET /api/admin/lookup with the window's answer
// (monitor.LookupSymbol) over this server's connections.
func dashboardLookup(in *ingest.Ingest) func(string) wire.Lookup {
	return func(symbol string) wire.Lookup { return monitor.LookupSymbol(in, symbol) }
}
