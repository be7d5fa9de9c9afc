package service

// TicksPainted says the window has painted tick batch seq, so the next one
// may go at once (see monitor.Monitor.Painted).
func (s *Service) TicksPainted(seq uint64) {
	s.mode.Painted(seq)
}
