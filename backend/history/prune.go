package history

import "github.com/tickstock/monitor/backend/wire"

// prune deletes what is older than the retention, then the oldest tenth of
// what is left while the file is over the size cap, and gives the freed
// pages back to the file system.
func (s *Store) prune() {
	if s.db == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cut := s.opts.Now().Add(-s.opts.Retention)
	s.deleteBefore(wire.Unix(cut))
	for range 20 { // bounded: each round removes a tenth of the time span
		size := s.sizeLocked()
		if size <= s.opts.MaxBytes {
			return
		}
		var oldest, newest float64
		if err := s.db.QueryRow(`SELECT COALESCE(MIN(t),0), COALESCE(MAX(t),0) FROM (SELECT start AS t FROM minutes UNION ALL SELECT at FROM entries)`).Scan(&oldest, &newest); err != nil || newest <= oldest {
			return
		}
		s.opts.Log.Info("history over its size cap: dropping the oldest tenth", "bytes", size, "cap", s.opts.MaxBytes)
		s.deleteBefore(oldest + (newest-oldest)/10)
	}
}

func (s *Store) deleteBefore(t float64) {
	if _, err := s.db.Exec(`DELETE FROM entries WHERE at < ?`, t); err != nil {
		s.opts.Log.Error("history prune", "err", err)
	}
	if _, err := s.db.Exec(`DELETE FROM minutes WHERE start < ?`, t); err != nil {
		s.opts.Log.Error("history prune", "err", err)
	}
	if _, err := s.db.Exec(`PRAGMA incremental_vacuum`); err != nil {
		s.opts.Log.Error("history vacuum", "err", err)
	}
}

// Size is the file's size in bytes (pages in use and free).
func (s *Store) Size() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sizeLocked()
}

func (s *Store) sizeLocked() int64 {
	var pages, size int64
	if s.db == nil || s.db.QueryRow(`PRAGMA page_count`).Scan(&pages) != nil || s.db.QueryRow(`PRAGMA page_size`).Scan(&size) != nil {
		return 0
	}
	return pages * size
}

// Prune runs the retention and size checks now (they also run hourly).
func (s *Store) Prune() {
	s.Flush()
	s.prune()
}
