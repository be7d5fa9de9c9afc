package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/tickstock/monitor/backend/adminapi"
	"github.com/tickstock/monitor/backend/config"
	"github.com/tickstock/monitor/backend/ingest"
	"github.com/tickstock/monitor/backend/monitor"
	"github.com/tickstock/monitor/backend/ticks"
	"github.com/tickstock/monitor/backend/version"
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

// dashboardInfo is the browser dashboard's header: the same fields as the
// window's (service.Info), for this server.
func dashboardInfo(cfg *config.Config, in *ingest.Ingest) func() any {
	warnings := append([]string{}, cfg.Warnings...)
	if in.Notice != "" {
		warnings = append(warnings, in.Notice)
	}
	return func() any {
		return map[string]any{
			"product": version.Product, "version": version.Version, "mode": string(cfg.Mode),
			"warnings": warnings, "problem": "", "profile": "", "remote": "", "keyring_problem": "",
		}
	}
}

// lookup is the answer to GET /api/admin/lookup, in the window's words
// (service.Lookup).
type lookup struct {
	Symbol       string `json:"symbol"`
	Found        bool   `json:"found"`
	ConnectionID string `json:"connection_id"`
	Name         string `json:"name"`
	Message      string `json:"message"`
}

func dashboardLookup(in *ingest.Ingest) func(string) any {
	return func(symbol string) any {
		sym, ok := ticks.NormalizeSymbol(strings.TrimSpace(symbol))
		if !ok {
			return lookup{Symbol: symbol, Message: fmt.Sprintf("%q is not a ticker (1–12 of A–Z 0–9 . : -).", symbol)}
		}
		l := lookup{Symbol: sym}
		if l.ConnectionID, l.Found = in.ConnectionOf(sym); !l.Found {
			l.Message = sym + " is on no connection: its ticks, if any, count as unassigned."
			return l
		}
		l.Name = in.Snapshot().Connections[l.ConnectionID].Name
		l.Message = fmt.Sprintf("%s is on %s (%s).", sym, strings.Replace(l.ConnectionID, "connection_", "Connection ", 1), l.Name)
		return l
	}
}
