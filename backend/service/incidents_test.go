package service

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tickstock/monitor/backend/adminapi"
	"github.com/tickstock/monitor/backend/alerts"
	"github.com/tickstock/monitor/backend/history"
	"github.com/tickstock/monitor/backend/profiles"
	"github.com/tickstock/monitor/backend/verdict"
	"github.com/tickstock/monitor/backend/wire"
	"github.com/tickstock/monitor/internal/redistest"
	"github.com/tickstock/monitor/internal/wait"
)

// entries is an Output that also records the live timeline entries.
type entries struct {
	sources
	all []wire.Entry
}

func (e *entries) Entry(x wire.Entry) {
	e.sources.mu.Lock()
	e.all = append(e.all, x)
	e.sources.mu.Unlock()
}

func (e *entries) find(pred func(wire.Entry) bool) (wire.Entry, bool) {
	e.sources.mu.Lock()
	defer e.sources.mu.Unlock()
	for _, x := range e.all {
		if pred(x) {
			return x, true
		}
	}
	return wire.Entry{}, false
}

// A demo connection cut for 12 s: an outage alert is notified, the timeline
// has the transitions with the cause, the recovery carries the outage's
// length, and after a restart the history still has them and the minutes.
func TestDemoOutageIsAlertedRecordedAndKeptAcrossRestarts(t *testing.T) {
	srv := redistest.Start(t)
	dir := t.TempDir()
	env := map[string]string{"TICKSTOCK_MODE": "demo", "REDIS_URL": srv.URL, "TICK_CHANNEL": redistest.Channel(t),
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
	// The watcher observes on changes and every second; under load its first
	// look could come after the drop, and then it never saw the connection
	// up. One observation now makes "connected" its starting point.
	s.incidents.observe(time.Now(), false)
	if got := s.Title(); got != "OK · 3/3 connected — TickStock Monitor" {
		t.Fatalf("title %q", got)
	}
	if err := s.DropConnectionFor("connection_2", 8*time.Second); err != nil {
		t.Fatal(err)
	}
	wait.For(t, "the title to show the outage", 5*time.Second, func() bool {
		return s.Title() == "DEGRADED · 2/3 connected · provider down — TickStock Monitor"
	})
	wait.For(t, "an outage alert", 15*time.Second, func() bool {
		_, ok := out.find(func(e wire.Entry) bool { return e.Alert == wire.AlertOutage && e.Connection == "connection_2" })
		return ok
	})
	wait.For(t, "the recovery", 25*time.Second, func() bool {
		_, ok := out.find(func(e wire.Entry) bool { return e.Alert == wire.AlertRecovered && e.Connection == "connection_2" })
		return ok
	})
	rcv, _ := out.find(func(e wire.Entry) bool { return e.Alert == wire.AlertRecovered })
	if rcv.Duration < 8 || rcv.Duration > 20 || !rcv.Notified {
		t.Fatalf("recovery %+v", rcv)
	}
	if sent := rec.Sent(); len(sent) != 2 || !strings.Contains(sent[0].Body, "Connection 2") || sent[1].Title != "TickStock Monitor: recovered" {
		t.Fatalf("notifications %+v", sent)
	}
	tl, err := s.Timeline(history.Query{Connection: "connection_2", Kinds: []wire.EntryKind{wire.EntryTransition}})
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
	if tl, _ := s.Timeline(history.Query{Kinds: []wire.EntryKind{wire.EntrySession}}); len(tl) != 3 || tl[1].To != "stopped" {
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
	if err := s.SetAlertSettings(alerts.Settings{Quiet: true, Off: []wire.AlertKind{wire.AlertSilent}}); err != nil {
		t.Fatal(err)
	}
	if got, _ := store.AlertSettings(profiles.SessionKey("", "demo")); !got.Quiet {
		t.Fatalf("not kept: %+v", got)
	}
	if got := s.Title(); got != "UNKNOWN · configuration problem — TickStock Monitor" {
		t.Fatalf("title of an idle service %q", got)
	}
	if _, err := s.HistoryChart("connection_1", 0); err == nil {
		t.Fatal("a 0 h chart was accepted")
	}
}

// Observing a `tickstock-ingest serve` server that goes away: the sign-in
// state changes are in the timeline and the unreachable server is alerted,
// from the same engine as the embedded mode.
func TestRemoteServerLostIsAlerted(t *testing.T) {
	srv := redistest.Start(t)
	ch := redistest.Channel(t)
	url, stop := ingestServer(t, srv.URL, ch)
	store := profiles.Open(t.TempDir() + "/profiles.json")
	if err := store.SetAlertSettings(profiles.SessionKey("", "remote"), alerts.Settings{OutageAfterS: 2}); err != nil {
		t.Fatal(err)
	}
	rec, out := &alerts.Recorder{}, &entries{}
	s := open(t, map[string]string{"TICKSTOCK_MODE": "remote", "TICKSTOCK_REMOTE_URL": url, "TICKSTOCK_ADMIN_EMAIL": "admin@x.io",
		"REDIS_URL": srv.URL, "TICK_CHANNEL": ch}, Options{Output: out, Notifier: rec, Profiles: store})
	if err := s.SignIn(adminPassword(adminapi.RoleAdmin), false); err != nil {
		t.Fatal(err)
	}
	wait.For(t, "observing 3 connected", 10*time.Second, func() bool {
		return remoteState(s) == wire.StateObserving && s.Snapshot().ConnectedCount == 3
	})
	wait.For(t, "the title OK", 5*time.Second, func() bool { return s.Title() == "OK · 3/3 connected — TickStock Monitor" })
	stop()
	// The observer first tries to sign in again (nothing to judge), then
	// finds the server gone: one incident, whose root cause is updated.
	wait.For(t, "the unreachable server alerted", 20*time.Second, func() bool {
		_, ok := out.find(func(e wire.Entry) bool {
			return e.Alert == wire.AlertRemote && e.Notified && e.Cause == string(verdict.CauseServerUnreachable)
		})
		return ok
	})
	if in, _ := out.find(func(e wire.Entry) bool { return e.Kind == wire.EntryIncident }); in.Incident == 0 {
		t.Fatalf("no incident entry: %+v", in)
	}
	tr, ok := out.find(func(e wire.Entry) bool {
		return e.Kind == wire.EntryRemote && e.To == string(wire.StateUnreachable)
	})
	if !ok || tr.Cause == "" || tr.Incident == 0 {
		t.Fatalf("remote transition %+v", tr)
	}
	if sent := rec.Sent(); len(sent) == 0 || !strings.Contains(sent[len(sent)-1].Title, "server unreachable") {
		t.Fatalf("notifications %+v", sent)
	}
}

// Choosing a remote profile and taking longer than the outage threshold to
// type the password: nothing is judged before the sign-in, so nothing is
// notified, no incident or outage is recorded, and signing in is no
// recovery either (it was "Connection 1 has been down for 11.0 s (now )",
// then "recovered after an outage of 17.8 s", and "undefined → connected").
func TestNothingIsAlertedOrRecordedBeforeSignIn(t *testing.T) {
	srv := redistest.Start(t)
	ch := redistest.Channel(t)
	url, _ := ingestServer(t, srv.URL, ch)
	store := profiles.Open(t.TempDir() + "/profiles.json")
	if err := store.SetAlertSettings(profiles.SessionKey("", "remote"), alerts.Settings{OutageAfterS: 2}); err != nil {
		t.Fatal(err)
	}
	rec, out := &alerts.Recorder{}, &entries{}
	s := open(t, map[string]string{"TICKSTOCK_MODE": "remote", "TICKSTOCK_REMOTE_URL": url, "TICKSTOCK_ADMIN_EMAIL": "admin@x.io",
		"REDIS_URL": srv.URL, "TICK_CHANNEL": ch}, Options{Output: out, Notifier: rec, Profiles: store})
	wait.For(t, "asked for the password", 10*time.Second, func() bool { return remoteState(s) == wire.StateNeedsPassword })
	time.Sleep(5 * time.Second) // the operator types slowly: past the 2 s threshold
	if err := s.SignIn(adminPassword(adminapi.RoleAdmin), false); err != nil {
		t.Fatal(err)
	}
	wait.For(t, "observing, the verdict OK", 15*time.Second, func() bool { return s.Verdict().Level == verdict.OK })
	time.Sleep(5 * time.Second) // past the threshold and Settle after the sign-in
	if sent := rec.Sent(); len(sent) != 0 {
		t.Fatalf("notified for a sign-in: %+v", sent)
	}
	if e, ok := out.find(func(e wire.Entry) bool {
		return e.Kind == wire.EntryIncident || e.Kind == wire.EntryAlert || (e.Kind == wire.EntryTransition && e.From == "")
	}); ok {
		t.Fatalf("recorded %+v", e)
	}
	ch1, err := s.HistoryChart("connection_1", 1)
	if err != nil || len(ch1.Outages) != 0 {
		t.Fatalf("an outage in the history: %+v %v", ch1.Outages, err)
	}
}

// A second window on the same session finds the history file locked: it
// starts, says so in the header, and records beside it.
func TestSecondWindowOnTheSameHistorySaysSo(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"WEBSOCKET_CONNECTIONS_MAX": "7"} // idle: nothing runs, the history still does
	first := open(t, env, Options{HistoryDir: dir})
	second := open(t, env, Options{HistoryDir: dir})
	if first.History().Problem != "" || !strings.HasSuffix(first.History().Path, "env-demo.db") {
		t.Fatalf("first %+v", first.History())
	}
	h := second.History()
	if !strings.HasSuffix(h.Path, "env-demo.fresh.db") || !strings.Contains(h.Problem, "in use by another") {
		t.Fatalf("second %+v", h)
	}
	found := false
	for _, w := range second.Info().Warnings {
		found = found || strings.Contains(w, "in use by another")
	}
	if !found {
		t.Fatalf("the header does not say so: %q", second.Info().Warnings)
	}
}

func TestEachProfileHasItsOwnHistoryFile(t *testing.T) {
	paths := map[string]bool{}
	for _, key := range []string{"desk", "Büro", "B_ro", "environment:demo", "environment:remote", "a/../b"} {
		p := historyPath(Options{HistoryDir: "/h"}, key)
		if paths[p] || !strings.HasPrefix(p, "/h/") || strings.Count(p, "/") != 2 {
			t.Fatalf("%q → %q (seen: %v)", key, p, paths)
		}
		paths[p] = true
	}
	if p := historyPath(Options{HistoryDir: "/h"}, "desk"); p != "/h/profile-desk.db" {
		t.Fatalf("desk → %q", p)
	}
}
