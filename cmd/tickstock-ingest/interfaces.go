package main

import (
	"github.com/tickstock/monitor/backend/adminapi"
	"github.com/tickstock/monitor/backend/ingest"
	"github.com/tickstock/monitor/backend/manager"
	"github.com/tickstock/monitor/backend/monitor"
)

// Compile-time checks of the interfaces the ingest satisfies for serve:
// the admin API's health, the dashboard monitor's assignment and the
// dashboard's symbol lookup.
var (
	_ adminapi.Snapshotter = (*ingest.Ingest)(nil)
	_ monitor.Locator      = (*ingest.Ingest)(nil)
	_ monitor.Assigner     = (*manager.Manager)(nil)
)
