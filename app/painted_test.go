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

type hidingBackend struct {
	fakeBackend
	hidden atomic.Int32 // 0 never told, 1 hidden, 2 shown
}

func (h *hidingBackend) WindowHidden(hidden bool) {
	if hidden {
		h.hidden.Store(1)
	} else {
		h.hidden.Store(2)
	}
}

// WindowHidden reaches a backend that holds rows back from a hidden window.
func TestWindowHiddenReachesTheBackend(t *testing.T) {
	b := &hidingBackend{}
	a := New(func(context.Context, monitor.Output, service.Choice) Backend { return b }, nil, quiet)
	a.interval = time.Hour
	a.start(context.Background(), &recorder{})
	t.Cleanup(a.stop)
	if err := a.WindowHidden(true); err != nil || b.hidden.Load() != 1 {
		t.Fatalf("WindowHidden(true): err %v, backend state %d", err, b.hidden.Load())
	}
	if err := a.WindowHidden(false); err != nil || b.hidden.Load() != 2 {
		t.Fatalf("WindowHidden(false): err %v, backend state %d", err, b.hidden.Load())
	}
	plain, _ := started(t, &fakeBackend{}, time.Hour)
	if err := plain.WindowHidden(true); err != nil {
		t.Fatalf("a backend that does not hold rows back: %v", err)
	}
}
