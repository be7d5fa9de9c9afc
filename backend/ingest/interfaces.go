package ingest

import (
	"github.com/tickstock/monitor/backend/manager"
	"github.com/tickstock/monitor/backend/redisbus"
)

// The publisher is the manager's sink: a compile-time check, beside the
// assignment that relies on it.
var _ manager.Sink = (*redisbus.Publisher)(nil)
