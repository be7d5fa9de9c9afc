package app

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tickstock/monitor/backend/monitor"
	"github.com/tickstock/monitor/backend/service"
)

type paintingBackend struct {
	fakeBackend
	seq atomic.Uint64
}

func (p *paintingBackend) TicksPainted(seq uint64) { p.seq.Store(seq) }

// TicksPainted reaches a backend that paces its batches by the paint, and
// is a no-op (not an error) for one that does not.
func TestTicksPaintedReachesThePacingBackend(t *testing.T) {
	b := &paintingBackend{}
	a := New(func(context.Context, monitor.Output, service.Choice) Backend { return b }, nil, quiet)
	a.interval = time.Hour
	a.start(context.Background(), &recorder{})
	t.Cleanup(a.stop)
	if err := a.TicksPainted(7); err != nil || b.seq.Load() != 7 {
		t.Fatalf("TicksPainted(7): err %v, backend got %d", err, b.seq.Load())
	}
	plain, _ := started(t, &fakeBackend{}, time.Hour)
	if err := plain.TicksPainted(1); err != nil {
		t.Fatalf("a backend without paint pacing: %v", err)
	}
	if err := New(nil, nil, quiet).TicksPainted(1); err == nil {
		t.Fatal("before the backend is open TicksPainted must say it is still starting")
	}
}
