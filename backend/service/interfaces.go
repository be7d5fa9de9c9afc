package service

import (
	"github.com/tickstock/monitor/backend/manager"
	"github.com/tickstock/monitor/backend/monitor"
	"github.com/tickstock/monitor/backend/remote"
)

// Compile-time checks of the interfaces that other packages' types satisfy
// for a session (the monitor asks the manager or the remote observer which
// connection carries a ticker; the observer hands TickStockAppV2's ticks to
// the monitor), and of this package's modes.
var (
	_ monitor.Assigner = (*manager.Manager)(nil)
	_ monitor.Assigner = (*remote.Observer)(nil)
	_ remote.TickSink  = (*monitor.Monitor)(nil)
	_ monitor.Locator  = mode(nil)
	_ mode             = (*local)(nil)
	_ mode             = (*observed)(nil)
	_ mode             = (*idle)(nil)
)
