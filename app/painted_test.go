package app

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tickstock/monitor/backend/monitor"
	"github.com/tickstock/monitor/backend/service"
	"github.com/tickstock/monitor/internal/wait"
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

// A hidden window is sent no status, verdict or remote state, however often
// they change (its title still follows them); shown again, it gets all of
// them at once rather than at the next interval.
func TestHiddenWindowIsSentNoStatusUntilShown(t *testing.T) {
	b := &fakeBackend{changed: make(chan struct{})}
	a, rec := started(t, b, time.Hour)
	wait.For(t, "the first status", 5*time.Second, func() bool { return rec.count(EventStatus) == 1 })
	if err := a.WindowHidden(true); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		b.changed <- struct{}{} // taken only by the status loop: each is one pass of it
	}
	time.Sleep(50 * time.Millisecond) // the third pass ends (nothing to observe it by)
	if n := rec.count(EventStatus) + rec.count(EventVerdict) + rec.count(EventRemote); n != 3 {
		t.Fatalf("%d status, verdict and remote events after three changes while hidden, want only the first three", n)
	}
	if err := a.WindowHidden(false); err != nil {
		t.Fatal(err)
	}
	wait.For(t, "everything at once when shown", 5*time.Second, func() bool {
		return rec.count(EventStatus) == 2 && rec.count(EventVerdict) == 2 && rec.count(EventRemote) == 2
	})
}
