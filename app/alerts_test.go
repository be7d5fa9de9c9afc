package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tickstock/monitor/backend/alerts"
	"github.com/tickstock/monitor/backend/history"
	"github.com/tickstock/monitor/backend/monitor"
	"github.com/tickstock/monitor/backend/service"
	"github.com/tickstock/monitor/backend/wire"
	"github.com/tickstock/monitor/internal/wait"
)

// incidentBackend is a fakeBackend with alerts and history.
type incidentBackend struct {
	fakeBackend
	settings alerts.Settings
	held     time.Duration
}

func (f *incidentBackend) Timeline(q history.Query) ([]wire.Entry, error) {
	return []wire.Entry{{Connection: q.Connection, Kind: "transition"}}, nil
}
func (f *incidentBackend) ExportTimeline(q history.Query, format string) (string, error) {
	return "csv of " + q.Connection, nil
}
func (f *incidentBackend) HistoryChart(c string, h float64) (history.Chart, error) {
	return history.Chart{Connection: c}, nil
}
func (f *incidentBackend) FiguresAround(c string, at float64) ([]history.Minute, error) {
	return []history.Minute{{Connection: c, Start: int64(at)}}, nil
}
func (f *incidentBackend) History() service.HistoryStatus {
	return service.HistoryStatus{Path: "/x.db"}
}
func (f *incidentBackend) AlertSettings() alerts.Settings { return f.settings }
func (f *incidentBackend) SetAlertSettings(s alerts.Settings) error {
	f.settings = s
	return nil
}
func (f *incidentBackend) DropConnectionFor(id string, d time.Duration) error { f.held = d; return nil }
func (f *incidentBackend) Snapshot() wire.Snapshot {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.snap
}
func (f *incidentBackend) Title() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return fmt.Sprintf("TickStock Monitor — %d/%d connected", f.snap.ConnectedCount, f.snap.EnabledConnections)
}

// titles is a recorder that also records window titles.
type titles struct {
	recorder
	tmu sync.Mutex
	all []string
}

func (t *titles) SetTitle(s string) { t.tmu.Lock(); t.all = append(t.all, s); t.tmu.Unlock() }
func (t *titles) list() []string {
	t.tmu.Lock()
	defer t.tmu.Unlock()
	return append([]string(nil), t.all...)
}

func TestTitleFollowsTheConnectedCountAndEntriesAreEmitted(t *testing.T) {
	b := &incidentBackend{fakeBackend: fakeBackend{changed: make(chan struct{}, 1),
		snap: wire.Snapshot{EnabledConnections: 3, ConnectedCount: 3, Connections: map[string]wire.Connection{}}}}
	a := New(func(_ context.Context, out monitor.Output, _ service.Choice) Backend { b.out = out; return b }, nil, quiet)
	a.interval = 10 * time.Millisecond
	rec := &titles{}
	a.start(context.Background(), rec)
	defer a.stop()
	wait.For(t, "the first title", 2*time.Second, func() bool { return len(rec.list()) == 1 })
	b.mu.Lock()
	b.snap.ConnectedCount = 2
	b.mu.Unlock()
	wait.For(t, "the title to change", 2*time.Second, func() bool { return len(rec.list()) == 2 })
	time.Sleep(50 * time.Millisecond) // several status rounds: an unchanged title is not set again
	if got := rec.list(); len(got) != 2 || got[0] != "TickStock Monitor — 3/3 connected" || got[1] != "TickStock Monitor — 2/3 connected" {
		t.Fatalf("titles %q", got)
	}
	b.out.(interface{ Entry(wire.Entry) }).Entry(wire.Entry{Kind: "gap"})
	if rec.count(EventIncident) != 1 {
		t.Fatal("the timeline entry was not emitted")
	}
	if es, err := a.Timeline(history.Query{Connection: "connection_2"}); err != nil || es[0].Connection != "connection_2" {
		t.Fatalf("Timeline %+v %v", es, err)
	}
	if s, err := a.ExportTimeline(history.Query{Connection: "connection_1"}, "csv"); err != nil || s != "csv of connection_1" {
		t.Fatalf("Export %q %v", s, err)
	}
	if _, err := a.SaveTimelineExport(history.Query{}, "csv"); err == nil || !strings.Contains(err.Error(), "window") {
		t.Fatalf("saving without a window: %v", err)
	}
	if ms, err := a.FiguresAround("connection_3", 60); err != nil || ms[0].Connection != "connection_3" {
		t.Fatalf("FiguresAround %+v %v", ms, err)
	}
	if a.SetAlertSettings(alerts.Settings{Quiet: true}) != nil || !b.settings.Quiet {
		t.Fatal("SetAlertSettings not passed on")
	}
	if a.DropConnectionFor("connection_1", 15) != nil || b.held != 15*time.Second {
		t.Fatal("DropConnectionFor not passed on")
	}
	if a.DropConnectionFor("connection_1", 9000) == nil {
		t.Fatal("a 9000 s drop was accepted")
	}
}

func TestIncidentMethodsWithoutIncidents(t *testing.T) {
	a, _ := started(t, &fakeBackend{changed: make(chan struct{})}, time.Hour)
	if _, err := a.Timeline(history.Query{}); !errors.Is(err, errNoIncidents) {
		t.Fatalf("err %v", err)
	}
}
