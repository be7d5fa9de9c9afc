package service

// TicksPainted says the window has painted tick batch seq, so the next one
// may go at once (see monitor.Monitor.Painted).
func (s *Service) TicksPainted(seq uint64) {
	if s.monitor != nil {
		s.monitor.Painted(seq)
	}
}
