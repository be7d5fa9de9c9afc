package app

import "context"

// Lifecycle holds the Wails start-up and shutdown hooks of an App. It is a
// separate type so that these hooks are not bound as frontend methods.
type Lifecycle struct{ app *App }

// NewLifecycle returns the hooks of a.
func NewLifecycle(a *App) Lifecycle { return Lifecycle{app: a} }

// Startup is Wails' OnStartup: ctx is the window's runtime context.
func (l Lifecycle) Startup(ctx context.Context) { l.app.start(ctx, wailsEmitter{ctx}) }

// Shutdown is Wails' OnShutdown.
func (l Lifecycle) Shutdown(context.Context) { l.app.stop() }
