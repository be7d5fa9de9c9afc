package app

// painter is a Backend whose tick batches wait for the window's paint
// (backend/service); a Backend without it keeps the fixed flush.
type painter interface{ TicksPainted(seq uint64) }

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
