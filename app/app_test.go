package app

import (
	"context"
	"io"
	"log/slog"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/tickstock/monitor/backend/manager"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// recorder is an Emitter that keeps every event.
type recorder struct {
	mu     sync.Mutex
	events []string
	data   []any
}

func (r *recorder) Emit(name string, data any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, name)
	r.data = append(r.data, data)
}

func (r *recorder) count(name string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, e := range r.events {
		if e == name {
			n++
		}
	}
	return n
}

type fakeBackend struct {
	snap    manager.Snapshot
	panic   bool
	changed chan struct{}
}

func (f *fakeBackend) Changed() <-chan struct{} { return f.changed }

func (f *fakeBackend) Snapshot() manager.Snapshot {
	if f.panic {
		panic("boom")
	}
	return f.snap
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func TestSnapshotReturnsTheBackendSnapshot(t *testing.T) {
	b := &fakeBackend{snap: manager.Snapshot{TotalConnections: 3, ConnectedCount: 2}}
	a := New(b, Info{}, quiet)
	s, err := a.Snapshot()
	if err != nil || s.ConnectedCount != 2 || s.TotalConnections != 3 {
		t.Fatalf("Snapshot() = %+v, %v", s, err)
	}
}

func TestBoundMethodPanicBecomesAnError(t *testing.T) {
	a := New(&fakeBackend{panic: true}, Info{}, quiet)
	_, err := a.Snapshot()
	if err == nil || !strings.Contains(err.Error(), "Snapshot failed") {
		t.Fatalf("err = %v", err)
	}
}

func TestStatusIsEmittedAtOnceAndPeriodically(t *testing.T) {
	a := New(&fakeBackend{}, Info{}, quiet)
	a.interval = 10 * time.Millisecond
	rec := &recorder{}
	a.start(context.Background(), rec)
	deadline := time.Now().Add(5 * time.Second)
	for rec.count(EventStatus) < 3 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	a.stop()
	if n := rec.count(EventStatus); n < 3 {
		t.Fatalf("%d status events, want ≥ 3", n)
	}
	if _, ok := rec.data[0].(manager.Snapshot); !ok {
		t.Fatalf("payload is %T, want manager.Snapshot", rec.data[0])
	}
	after := rec.count(EventStatus)
	time.Sleep(30 * time.Millisecond)
	if rec.count(EventStatus) != after {
		t.Fatal("events continued after stop")
	}
}

func TestStatusIsEmittedOnChange(t *testing.T) {
	b := &fakeBackend{changed: make(chan struct{})}
	a := New(b, Info{}, quiet)
	a.interval = time.Hour
	rec := &recorder{}
	a.start(context.Background(), rec)
	defer a.stop()
	b.changed <- struct{}{}
	b.changed <- struct{}{} // accepted only once the first change was emitted
	deadline := time.Now().Add(5 * time.Second)
	for rec.count(EventStatus) < 3 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if n := rec.count(EventStatus); n < 3 {
		t.Fatalf("%d status events after 2 changes, want 3 (initial + 2)", n)
	}
}

func TestEmitPanicIsContained(t *testing.T) {
	a := New(&fakeBackend{panic: true}, Info{}, quiet)
	a.interval = time.Millisecond
	a.start(context.Background(), &recorder{})
	time.Sleep(10 * time.Millisecond)
	a.stop() // reaching here means the loop survived the panics
}

func TestInfoNeverReturnsNilWarnings(t *testing.T) {
	info, err := New(&fakeBackend{}, Info{Mode: "demo"}, quiet).Info()
	if err != nil || info.Warnings == nil || info.Mode != "demo" {
		t.Fatalf("Info() = %+v, %v", info, err)
	}
}

// The frontend subscribes by name; a renamed event would silently stop the UI.
func TestEventNamesMatchFrontend(t *testing.T) {
	src, err := os.ReadFile("../frontend/src/lib/events.ts")
	if err != nil {
		t.Fatal(err)
	}
	var ts []string
	for _, m := range regexp.MustCompile(`export const Event\w+ = '([^']+)'`).FindAllStringSubmatch(string(src), -1) {
		ts = append(ts, m[1])
	}
	goNames := slices.Clone(eventNames)
	slices.Sort(ts)
	slices.Sort(goNames)
	if !slices.Equal(ts, goNames) {
		t.Fatalf("frontend events %v, Go events %v", ts, goNames)
	}
}
