package service

import (
	"testing"
	"time"

	"github.com/tickstock/monitor/backend/ingest"
	"github.com/tickstock/monitor/backend/wire"
)

// metricsNow is the session's tick metrics now; the session must run a
// monitor (local or observed mode).
func metricsNow(t testing.TB, s *Service) *wire.Metrics {
	t.Helper()
	switch m := s.mode.(type) {
	case *local:
		return m.MetricsAt(time.Now())
	case *observed:
		return m.MetricsAt(time.Now())
	}
	t.Fatalf("the session runs no monitor (mode %T)", s.mode)
	return nil
}

// ingestOf is the session's ingest; the session must be demo or embedded.
func ingestOf(t testing.TB, s *Service) *ingest.Ingest {
	t.Helper()
	l, ok := s.mode.(*local)
	if !ok {
		t.Fatalf("the session runs no ingest (mode %T)", s.mode)
	}
	return l.Ingest
}
