package service

// TicksPainted says the window has painted tick batch seq, so the next one
// may go at once (see monitor.Monitor.Painted).
func (s *Service) TicksPainted(seq uint64) {
	s.mode.Painted(seq)
}

// WindowHidden says whether the window is hidden (minimised): a hidden
// window is sent no rows, and shown again it gets the newest at once (see
// monitor.Monitor.SetHidden).
func (s *Service) WindowHidden(hidden bool) {
	s.mode.SetHidden(hidden)
}
