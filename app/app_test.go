package app

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/tickstock/monitor/backend/monitor"
	"github.com/tickstock/monitor/backend/profiles"
	"github.com/tickstock/monitor/backend/service"
	"github.com/tickstock/monitor/backend/verdict"
	"github.com/tickstock/monitor/backend/wire"
	"github.com/tickstock/monitor/internal/wait"
)

// IgnoreCurrent: the Socket.IO client's network-status poller is started at
// init, once per process; every other goroutine must end with the test.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m, goleak.IgnoreCurrent()) }

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
	mu       sync.Mutex
	snap     wire.Snapshot
	panic    atomic.Bool
	changed  chan struct{}
	paused   bool
	closed   bool
	out      monitor.Output
	filter   string
	dropped  string
	stalled  time.Duration
	signedIn string
}

func (f *fakeBackend) Info() service.Info       { return service.Info{Mode: "demo", Warnings: []string{}} }
func (f *fakeBackend) Changed() <-chan struct{} { return f.changed }
func (f *fakeBackend) Subscription() wire.SubscriptionState {
	return wire.SubscriptionState{State: wire.SubscriptionSubscribed}
}
func (f *fakeBackend) Pause()  { f.mu.Lock(); f.paused = true; f.mu.Unlock() }
func (f *fakeBackend) Resume() { f.mu.Lock(); f.paused = false; f.mu.Unlock() }
func (f *fakeBackend) Close()  { f.mu.Lock(); f.closed = true; f.mu.Unlock() }
func (f *fakeBackend) SetFilter(s string) {
	f.mu.Lock()
	f.filter = s
	f.mu.Unlock()
}
func (f *fakeBackend) LookupSymbol(s string) service.Lookup {
	return service.Lookup{Symbol: s, Found: true, ConnectionID: "connection_1"}
}
func (f *fakeBackend) Remote() *wire.RemoteState {
	return &wire.RemoteState{State: wire.StateObserving}
}
func (f *fakeBackend) SignIn(pw string, remember bool) error {
	f.mu.Lock()
	f.signedIn = pw
	f.mu.Unlock()
	return nil
}
func (f *fakeBackend) ForgetPassword() error { return nil }
func (f *fakeBackend) DropConnection(id string) error {
	f.mu.Lock()
	f.dropped = id
	f.mu.Unlock()
	return nil
}
func (f *fakeBackend) StallConnection(id string, d time.Duration) error {
	f.mu.Lock()
	f.stalled = d
	f.mu.Unlock()
	return nil
}
func (f *fakeBackend) Verdict() verdict.Verdict {
	f.mu.Lock()
	defer f.mu.Unlock()
	return verdict.Verdict{Level: verdict.OK, Cause: verdict.CauseHealthy, Connected: f.snap.ConnectedCount, Enabled: f.snap.TotalConnections}
}
func (f *fakeBackend) VerdictChanged() <-chan struct{} { return nil }

func (f *fakeBackend) ReconnectNow(id string) error {
	f.mu.Lock()
	f.dropped = "reconnect " + id
	f.mu.Unlock()
	return nil
}

func (f *fakeBackend) Snapshot() wire.Snapshot {
	if f.panic.Load() {
		panic("boom")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.snap
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// started returns an App running over b with a recorder for its events.
func started(t *testing.T, b *fakeBackend, interval time.Duration) (*App, *recorder) {
	t.Helper()
	a := New(func(_ context.Context, out monitor.Output, _ service.Choice) Backend { b.out = out; return b }, nil, quiet)
	a.interval = interval
	rec := &recorder{}
	a.start(context.Background(), rec)
	t.Cleanup(a.stop)
	return a, rec
}

func TestBoundMethodsTranslate(t *testing.T) {
	b := &fakeBackend{snap: wire.Snapshot{TotalConnections: 3, ConnectedCount: 2}}
	a, _ := started(t, b, time.Hour)
	if s, err := a.Snapshot(); err != nil || s.ConnectedCount != 2 {
		t.Fatalf("Snapshot() = %+v, %v", s, err)
	}
	if i, err := a.Info(); err != nil || i.Mode != "demo" {
		t.Fatalf("Info() = %+v, %v", i, err)
	}
	if s, err := a.Source(); err != nil || s.State != wire.SubscriptionSubscribed {
		t.Fatalf("Source() = %+v, %v", s, err)
	}
	if v, err := a.Verdict(); err != nil || v.Level != verdict.OK || v.Connected != 2 {
		t.Fatalf("Verdict() = %+v, %v", v, err)
	}
	if a.Pause() != nil || !b.paused || a.Resume() != nil || b.paused {
		t.Fatal("Pause/Resume not passed on")
	}
	if a.SetFilter("AAPL") != nil || b.filter != "AAPL" {
		t.Fatal("SetFilter not passed on")
	}
	if l, err := a.LookupSymbol("AAPL"); err != nil || l.ConnectionID != "connection_1" {
		t.Fatalf("LookupSymbol = %+v %v", l, err)
	}
	if a.DropConnection("connection_2") != nil || b.dropped != "connection_2" {
		t.Fatal("DropConnection not passed on")
	}
	if a.StallConnection("connection_2", 2.5) != nil || b.stalled != 2500*time.Millisecond {
		t.Fatalf("StallConnection passed %v", b.stalled)
	}
	if a.ReconnectNow("connection_3") != nil || b.dropped != "reconnect connection_3" {
		t.Fatal("ReconnectNow not passed on")
	}
	if err := a.StallConnection("connection_2", 0); err == nil {
		t.Fatal("a stall of 0 s was accepted")
	}
}

func TestCallsBeforeStartSayItIsStarting(t *testing.T) {
	a := New(nil, nil, quiet)
	if _, err := a.Snapshot(); !errors.Is(err, errStarting) {
		t.Fatalf("err = %v", err)
	}
	if err := a.Pause(); !errors.Is(err, errStarting) {
		t.Fatalf("err = %v", err)
	}
}

func TestBoundMethodPanicBecomesAnError(t *testing.T) {
	a, _ := started(t, &fakeBackend{}, time.Hour)
	a.mu.Lock()
	a.backend.(*fakeBackend).panic.Store(true)
	a.mu.Unlock()
	_, err := a.Snapshot()
	if err == nil || !strings.Contains(err.Error(), "Snapshot failed") {
		t.Fatalf("err = %v", err)
	}
}

func TestStatusIsEmittedAtOnceAndPeriodically(t *testing.T) {
	_, rec := started(t, &fakeBackend{}, 10*time.Millisecond)
	wait.For(t, "3 status and verdict events", 5*time.Second, func() bool { return rec.count(EventStatus) >= 3 && rec.count(EventVerdict) >= 3 })
	rec.mu.Lock()
	_, ok := rec.data[0].(wire.Snapshot)
	rec.mu.Unlock()
	if !ok {
		t.Fatal("payload is not a wire.Snapshot")
	}
}

func TestStopEndsEventsAndClosesTheBackend(t *testing.T) {
	b := &fakeBackend{}
	a, rec := started(t, b, 10*time.Millisecond)
	wait.For(t, "an event", 5*time.Second, func() bool { return rec.count(EventStatus) > 0 })
	a.stop()
	after := rec.count(EventStatus)
	time.Sleep(30 * time.Millisecond)
	if rec.count(EventStatus) != after || !b.closed {
		t.Fatal("events continued after stop, or the backend was not closed")
	}
}

func TestStatusIsEmittedOnChange(t *testing.T) {
	b := &fakeBackend{changed: make(chan struct{})}
	_, rec := started(t, b, time.Hour)
	b.changed <- struct{}{}
	b.changed <- struct{}{} // accepted only once the first change was emitted
	wait.For(t, "initial + 2 change events", 5*time.Second, func() bool { return rec.count(EventStatus) >= 3 })
}

func TestMonitorOutputBecomesEvents(t *testing.T) {
	b := &fakeBackend{}
	_, rec := started(t, b, time.Hour)
	b.out.Batch(&wire.Batch{Seq: 1})
	b.out.Metrics(&wire.Metrics{Total: 5})
	b.out.Subscription(wire.SubscriptionState{State: wire.SubscriptionReconnecting})
	if rec.count(EventTicks) != 1 || rec.count(EventMetrics) != 1 || rec.count(EventSource) != 1 {
		t.Fatalf("events %v", rec.events)
	}
}

func TestRemoteStateIsEmittedAndSignInPassedOn(t *testing.T) {
	b := &fakeBackend{}
	a, rec := started(t, b, time.Hour)
	wait.For(t, "a remote state event", 5*time.Second, func() bool { return rec.count(EventRemote) > 0 })
	if err := a.SignIn("pw", false); err != nil || b.signedIn != "pw" {
		t.Fatalf("SignIn: %v %q", err, b.signedIn)
	}
}

func TestProfilesAndSwitching(t *testing.T) {
	store := profiles.Open(t.TempDir() + "/profiles.json")
	opened := 0
	var mu sync.Mutex
	a := New(func(context.Context, monitor.Output, service.Choice) Backend {
		mu.Lock()
		opened++
		mu.Unlock()
		return &fakeBackend{}
	}, store, quiet)
	a.interval = time.Hour
	rec := &recorder{}
	a.start(context.Background(), rec)
	t.Cleanup(a.stop)
	if err := a.SaveProfile(profiles.Profile{Name: "lab", Mode: "demo"}); err != nil {
		t.Fatal(err)
	}
	if err := a.SaveProfile(profiles.Profile{Name: "bad", Mode: "cloud"}); err == nil {
		t.Fatal("saved an invalid profile")
	}
	if err := a.UseProfile("lab"); err != nil {
		t.Fatal(err)
	}
	wait.For(t, "the session to reopen", 5*time.Second, func() bool { return rec.count(EventReopened) == 1 })
	mu.Lock()
	n := opened
	mu.Unlock()
	if n != 2 {
		t.Fatalf("opened %d times, want 2", n)
	}
	l, err := a.ListProfiles()
	if err != nil || l.Last != "lab" || len(l.Profiles) != 1 {
		t.Fatalf("ListProfiles = %+v %v", l, err)
	}
	if err := a.UseProfile("nope"); err == nil {
		t.Fatal("switched to a profile that does not exist")
	}
	if err := a.DeleteProfile("lab"); err != nil {
		t.Fatal(err)
	}
}

func TestMarkPaintedLogsOnce(t *testing.T) {
	a := New(nil, nil, quiet)
	time.Sleep(2 * time.Millisecond)
	if ms := a.MarkPainted(); ms < 2 {
		t.Fatalf("first MarkPainted = %v ms", ms)
	}
	if ms := a.MarkPainted(); ms != 0 {
		t.Fatalf("second MarkPainted = %v ms, want 0 (logged once)", ms)
	}
}

func TestEmitPanicIsContained(t *testing.T) {
	b := &fakeBackend{}
	b.panic.Store(true)
	started(t, b, time.Millisecond)
	time.Sleep(10 * time.Millisecond) // reaching cleanup means the loop survived
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
