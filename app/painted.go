package app

// painter is a Backend whose tick batches wait for the window's paint
// (backend/service); a Backend without it keeps the fixed flush.
type painter interface{ TicksPainted(seq uint64) }

// hider is a Backend that stops sending rows to a hidden window
// (backend/service); a Backend without it sends them anyway.
type hider interface{ WindowHidden(hidden bool) }

// TicksPainted is called by the frontend once it has painted tick batch seq:
// the next batch may then go at once instead of a flush interval later.
func (a *App) TicksPainted(seq uint64) (err error) {
	defer a.recoverInto(&err, "TicksPainted")
	b, err := a.current()
	if p, ok := b.(painter); ok && err == nil {
		p.TicksPainted(seq)
	}
	return err
}

// WindowHidden is called by the frontend when the window is hidden
// (minimised) or shown again (document.visibilityState): hidden, it is sent
// no rows, metrics or status, only its title; shown, it gets all of them at
// once.
func (a *App) WindowHidden(hidden bool) (err error) {
	defer a.recoverInto(&err, "WindowHidden")
	if a.hidden.Swap(hidden) && !hidden {
		select {
		case a.shown <- struct{}{}:
		default: // a wake-up is already waiting
		}
	}
	b, err := a.current()
	if h, ok := b.(hider); ok && err == nil {
		h.WindowHidden(hidden)
		// Once per minimise or restore: says why the rows stop (scripts/measure-window reads it).
		a.log.Info("window visibility", "hidden", hidden)
	}
	return err
}
