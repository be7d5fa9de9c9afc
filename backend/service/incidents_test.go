package service

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tickstock/monitor/backend/alerts"
	"github.com/tickstock/monitor/backend/history"
	"github.com/tickstock/monitor/backend/profiles"
	"github.com/tickstock/monitor/internal/redistest"
	"github.com/tickstock/monitor/internal/wait"
)

// entries is an Output that also records the live timeline entries.
type entries struct {
	sources
	all []alerts.Entry
}

func (e *entries) Entry(x alerts.Entry) {
	e.sources.mu.Lock()
	e.all = append(e.all, x)
	e.sources.mu.Unlock()
}

func (e *entries) find(pred func(alerts.Entry) bool) (alerts.Entry, bool) {
	e.sources.mu.Lock()
	defer e.sources.mu.Unlock()
	for _, x := range e.all {
		if pred(x) {
			return x, true
		}
	}
	return alerts.Entry{}, false
}

// A demo connection cut for 12 s: an outage alert is notified, the timeline
// has the transitions with the cause, the recovery carries the outage's
// length, and after a restart the history still has them and the minutes.
func TestDemoOutageIsAlertedRecordedAndKeptAcrossRestarts(t *testing.T) {
	srv := redistest.Start(t)
	dir := t.TempDir()
	env := map[string]string{"TICKSTOCK_MODE": "demo", "REDIS_URL": srv.URL, "TICK_CHANNEL": channel(t),
		"MASSIVE_WEBSOCKET_RECONNECT_DELAY": "1", "MASSIVE_WEBSOCKET_MAX_RECONNECT_DELAY": "1"}
	for k, v := range env {
		t.Setenv(k, v)
	}
	rec, out := &alerts.Recorder{}, &entries{}
	store := profiles.Open(dir + "/profiles.json")
	if err := store.SetAlertSettings(profiles.SessionKey("", "demo"), alerts.Settings{OutageAfterS: 5}); err != nil {
		t.Fatal(err)
	}
	s := Open(context.Background(), Options{EnvDir: t.TempDir(), Output: out, Notifier: rec, Profiles: store})
	if got := s.AlertSettings().OutageAfterS; got != 5 {
		t.Fatalf("saved settings not applied: %v", got)
	}
	if p := s.History().Path; !strings.HasSuffix(p, "/history/env-demo.db") {
		t.Fatalf("history path %q", p)
	}
	wait.For(t, "3 connected", 10*time.Second, func() bool { return s.Snapshot().ConnectedCount == 3 })
	if got := s.Title(); got != "TickStock Monitor — 3/3 connected" {
		t.Fatalf("title %q", got)
	}
	if err := s.DropConnectionFor("connection_2", 8*time.Second); err != nil {
		t.Fatal(err)
	}
	wait.For(t, "the title to show the outage", 5*time.Second, func() bool { return s.Title() == "TickStock Monitor — 2/3 connected" })
	wait.For(t, "an outage alert", 15*time.Second, func() bool {
		_, ok := out.find(func(e alerts.Entry) bool { return e.Alert == alerts.KindOutage && e.Connection == "connection_2" })
		return ok
	})
	wait.For(t, "the recovery", 25*time.Second, func() bool {
		_, ok := out.find(func(e alerts.Entry) bool { return e.Alert == alerts.KindRecovered && e.Connection == "connection_2" })
		return ok
	})
	rcv, _ := out.find(func(e alerts.Entry) bool { return e.Alert == alerts.KindRecovered })
	if rcv.Duration < 8 || rcv.Duration > 20 || !rcv.Notified {
		t.Fatalf("recovery %+v", rcv)
	}
	if sent := rec.Sent(); len(sent) < 2 || !strings.Contains(sent[0].Body, "Connection 2 (secondary)") {
		t.Fatalf("notifications %+v", sent)
	}
	tl, err := s.Timeline(history.Query{Connection: "connection_2", Kinds: []string{alerts.EntryTransition}})
	if err != nil || len(tl) < 2 || tl[len(tl)-1].From != "connected" || tl[len(tl)-1].Cause == "" {
		t.Fatalf("timeline %+v %v", tl, err)
	}
	if ms, err := s.FiguresAround("connection_2", tl[0].At); err != nil || len(ms) == 0 {
		t.Fatalf("figures around the recovery: %+v %v", ms, err)
	}
	csv, err := s.ExportTimeline(history.Query{}, "csv")
	if err != nil || !strings.Contains(csv, "connection_2,alert,outage") {
		t.Fatalf("export %v\n%s", err, csv)
	}
	s.Close()

	s = Open(context.Background(), Options{EnvDir: t.TempDir(), Output: &entries{}, Notifier: rec, Profiles: store})
	defer s.Close()
	ch, err := s.HistoryChart("connection_2", 1)
	if err != nil || len(ch.Outages) == 0 || len(ch.Minutes) == 0 {
		t.Fatalf("after a restart: outages %+v minutes %d err %v", ch.Outages, len(ch.Minutes), err)
	}
	if o := ch.Outages[0]; o.To-o.From < 8 {
		t.Fatalf("outage %+v shorter than the cut", o)
	}
	var ticks int64
	for _, m := range ch.Minutes {
		ticks += m.Ticks
	}
	if ticks == 0 {
		t.Fatalf("no ticks recorded in %+v", ch.Minutes)
	}
	if tl, _ := s.Timeline(history.Query{Kinds: []string{alerts.EntrySession}}); len(tl) != 3 || tl[1].To != "stopped" {
		t.Fatalf("session entries %+v", tl)
	}
}

func TestAlertSettingsAreCheckedAndKept(t *testing.T) {
	dir := t.TempDir()
	store := profiles.Open(dir + "/profiles.json")
	s := open(t, map[string]string{"WEBSOCKET_CONNECTIONS_MAX": "7"}, Options{Profiles: store})
	if err := s.SetAlertSettings(alerts.Settings{OutageAfterS: -3}); err == nil {
		t.Fatal("a negative threshold was accepted")
	}
	if err := s.SetAlertSettings(alerts.Settings{Quiet: true, Off: []alerts.Kind{alerts.KindSilent}}); err != nil {
		t.Fatal(err)
	}
	if got, _ := store.AlertSettings(profiles.SessionKey("", "demo")); !got.Quiet {
		t.Fatalf("not kept: %+v", got)
	}
	if got := s.Title(); !strings.Contains(got, "not running") {
		t.Fatalf("title of an idle service %q", got)
	}
	if _, err := s.HistoryChart("connection_1", 0); err == nil {
		t.Fatal("a 0 h chart was accepted")
	}
}
