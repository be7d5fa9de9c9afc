package app

import (
	"github.com/tickstock/monitor/backend/monitor"
	"github.com/tickstock/monitor/backend/service"
)

// Compile-time checks of the interfaces this package's types satisfy, and
// of those the window's one Backend must satisfy. Incidents, painter, hider
// and titler are asked for at run time (a test fake may lack them); without
// these lines a changed signature in backend/service would switch alerts,
// the paint pacing or the window title off silently instead of failing the
// build.
var (
	_ Backend             = (*service.Service)(nil)
	_ Incidents           = (*service.Service)(nil)
	_ painter             = (*service.Service)(nil)
	_ hider               = (*service.Service)(nil)
	_ Emitter             = wailsEmitter{}
	_ titler              = wailsEmitter{}
	_ monitor.Output      = monitorOutput{}
	_ service.EntryOutput = monitorOutput{}
)
