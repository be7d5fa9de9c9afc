package history

import (
	"bytes"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/tickstock/monitor/backend/wire"
)

// IgnoreCurrent: the Socket.IO client library (imported through the remote
// observer's types) starts one network-status poller per process at init.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m, goleak.IgnoreCurrent()) }

var t0 = time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)

func at(d time.Duration) float64 { return wire.Unix(t0.Add(d)) }

func open(t *testing.T, path string, o Options) *Store {
	t.Helper()
	s := Open(path, o)
	t.Cleanup(s.Close)
	return s
}

func TestWriteAndQueryByTimeConnectionAndKind(t *testing.T) {
	path := filepath.Join(t.TempDir(), "h", "demo.db")
	s := open(t, path, Options{Now: func() time.Time { return t0.Add(time.Hour) }})
	if s.Problem() != "" || s.Path() != path {
		t.Fatalf("problem %q path %q", s.Problem(), s.Path())
	}
	s.AddEntry(wire.Entry{At: at(1 * time.Minute), Connection: "connection_1", Kind: wire.EntryTransition, From: "connected", To: "disconnected", Cause: "reset"})
	s.AddEntry(wire.Entry{At: at(2 * time.Minute), Connection: "connection_1", Kind: wire.EntryAlert, Alert: wire.AlertOutage, Notified: true})
	s.AddEntry(wire.Entry{At: at(3 * time.Minute), Connection: "connection_2", Kind: wire.EntryTransition, To: "connected", Duration: 12.5, Reconnects: 3})
	all, err := s.Entries(Query{})
	if err != nil || len(all) != 3 || all[0].At != at(3*time.Minute) || all[0].ID == 0 || all[0].Duration != 12.5 || all[0].Reconnects != 3 {
		t.Fatalf("newest first, all fields: %+v %v", all, err)
	}
	if got, _ := s.Entries(Query{From: at(90 * time.Second), To: at(150 * time.Second)}); len(got) != 1 || got[0].Alert != wire.AlertOutage || !got[0].Notified {
		t.Fatalf("by time: %+v", got)
	}
	if got, _ := s.Entries(Query{Connection: "connection_1", Kinds: []wire.EntryKind{wire.EntryTransition}}); len(got) != 1 || got[0].Cause != "reset" {
		t.Fatalf("by connection and kind: %+v", got)
	}
	s.AddMinute(Minute{Connection: "connection_1", Start: t0.Unix(), Ticks: 600, RateAvg: 10})
	s.AddMinute(Minute{Connection: "connection_1", Start: t0.Unix() + 60, Ticks: 300})
	s.AddMinute(Minute{Connection: "connection_2", Start: t0.Unix(), Ticks: 1})
	ms, err := s.Minutes("connection_1", t0.Add(30*time.Second), t0.Add(time.Hour))
	if err != nil || len(ms) != 1 || ms[0].Ticks != 300 {
		t.Fatalf("minutes by time: %+v %v", ms, err)
	}
}

func TestSurvivesReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.db")
	s := Open(path, Options{})
	s.AddEntry(wire.Entry{At: wire.Unix(time.Now()), Connection: "connection_3", Kind: wire.EntryTransition, Message: "kept"})
	s.Close()
	s = open(t, path, Options{})
	if got, _ := s.Entries(Query{}); len(got) != 1 || got[0].Message != "kept" {
		t.Fatalf("after reopen: %+v", got)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, want 0600", fi.Mode().Perm())
	}
}

func TestAMinuteSplitByARestartIsMerged(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "m.db"), Options{})
	// The first session wrote the minute twice (a partial with a heartbeat,
	// then as far as it got); the second session finished it.
	s.AddMinute(Minute{Connection: "connection_1", Start: t0.Unix(), Session: 1, Ticks: 100, RateMin: 5, RateAvg: 10, RateMax: 12, P50Ms: 3, P99Ms: 9, Samples: 10})
	s.AddMinute(Minute{Connection: "connection_1", Start: t0.Unix(), Session: 1, Ticks: 200, RateMin: 5, RateAvg: 10, RateMax: 12, Errors: 1, P50Ms: 4, P99Ms: 9, DownS: 0, Samples: 20})
	s.AddMinute(Minute{Connection: "connection_1", Start: t0.Unix(), Session: 2, Ticks: 600, RateMin: 8, RateAvg: 15, RateMax: 30, Reconnects: 1, P50Ms: 5.5, P99Ms: 7, DownS: 2, Samples: 40})
	ms, err := s.Minutes("connection_1", t0, t0.Add(time.Minute))
	if err != nil || len(ms) != 1 {
		t.Fatalf("%+v %v", ms, err)
	}
	want := Minute{Connection: "connection_1", Start: t0.Unix(), Ticks: 800, RateMin: 5, RateAvg: (10*20 + 15*40) / 60.0, RateMax: 30, Errors: 1, Reconnects: 1, P50Ms: (4*20 + 5.5*40) / 60.0, P99Ms: 9, DownS: 2, Samples: 60}
	if ms[0] != want {
		t.Fatalf("merged %+v\nwant   %+v", ms[0], want)
	}
}

func TestRetention(t *testing.T) {
	now := t0.Add(40 * 24 * time.Hour)
	s := open(t, filepath.Join(t.TempDir(), "r.db"), Options{Now: func() time.Time { return now }})
	s.AddEntry(wire.Entry{At: wire.Unix(now.Add(-31 * 24 * time.Hour)), Kind: "transition", Message: "old"})
	s.AddEntry(wire.Entry{At: wire.Unix(now.Add(-29 * 24 * time.Hour)), Kind: "transition", Message: "young"})
	s.AddMinute(Minute{Connection: "connection_1", Start: now.Add(-31 * 24 * time.Hour).Unix()})
	s.AddMinute(Minute{Connection: "connection_1", Start: now.Add(-time.Hour).Unix()})
	s.Prune()
	got, _ := s.Entries(Query{})
	if len(got) != 1 || got[0].Message != "young" {
		t.Fatalf("after retention: %+v", got)
	}
	if ms, _ := s.Minutes("connection_1", t0, now); len(ms) != 1 {
		t.Fatalf("minutes after retention: %+v", ms)
	}
}

func TestSizeCapDropsOldestFirst(t *testing.T) {
	const limit = 256 << 10
	now := t0.Add(10 * 24 * time.Hour)
	s := open(t, filepath.Join(t.TempDir(), "c.db"), Options{MaxBytes: limit, Now: func() time.Time { return now }})
	filler := strings.Repeat("x", 200)
	for i := range 5000 { // about 1.2 MB of entries, one a minute
		s.AddEntry(wire.Entry{At: wire.Unix(t0.Add(time.Duration(i) * time.Minute)), Kind: "transition", Message: filler})
	}
	s.Flush()
	if s.Size() <= limit {
		t.Fatalf("the test did not fill past the cap: %d", s.Size())
	}
	s.Prune()
	if s.Size() > limit {
		t.Fatalf("size %d after prune, cap %d", s.Size(), limit)
	}
	got, _ := s.Entries(Query{Limit: 10000})
	if len(got) == 0 || len(got) == 5000 {
		t.Fatalf("%d entries kept", len(got))
	}
	if newest := got[0].At; newest != at(4999*time.Minute) {
		t.Fatalf("the newest entry went: %v", newest)
	}
	if fi, _ := os.Stat(s.Path()); fi.Size() > limit {
		t.Fatalf("file %d bytes on disk after prune, cap %d", fi.Size(), limit)
	}
}

func TestDamagedFileIsKeptAndAFreshOneUsed(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "demo.db")
	junk := bytes.Repeat([]byte("this is not a database, but it is somebody's data\n"), 200)
	if err := os.WriteFile(path, junk, 0o600); err != nil {
		t.Fatal(err)
	}
	s := open(t, path, Options{})
	if !strings.Contains(s.Problem(), "damaged") || !strings.Contains(s.Problem(), path) || s.Path() != filepath.Join(dir, "demo.fresh.db") {
		t.Fatalf("problem %q path %q", s.Problem(), s.Path())
	}
	s.AddEntry(wire.Entry{At: 1, Kind: "transition"})
	if got, err := s.Entries(Query{}); err != nil || len(got) != 1 {
		t.Fatalf("the fresh file does not record: %v %v", got, err)
	}
	if b, _ := os.ReadFile(path); !bytes.Equal(b, junk) {
		t.Fatal("the damaged file was changed")
	}
}

func TestDamagedPageIsDetected(t *testing.T) {
	path := filepath.Join(t.TempDir(), "d.db")
	s := Open(path, Options{})
	for i := range 2000 {
		s.AddEntry(wire.Entry{At: float64(i), Kind: "transition", Message: strings.Repeat("y", 100)})
	}
	s.Close()
	b, _ := os.ReadFile(path)
	for i := 4096 + 100; i < len(b) && i < 4096*20; i += 7 { // scribble over the pages after the header
		b[i] ^= 0x5a
	}
	os.WriteFile(path, b, 0o600)
	before := append([]byte(nil), b...)
	s = open(t, path, Options{})
	if !strings.Contains(s.Problem(), "damaged") {
		t.Fatalf("a scribbled file was not found damaged: %q", s.Problem())
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(after, before) {
		t.Fatal("the damaged file was changed")
	}
}

func TestLockedFileGivesAFreshOneBeside(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "demo.db")
	first := open(t, path, Options{})
	first.AddEntry(wire.Entry{At: 1, Kind: "transition", Message: "first window"})
	first.Flush()
	second := open(t, path, Options{})
	if !strings.Contains(second.Problem(), "in use by another") || second.Path() == path {
		t.Fatalf("problem %q path %q", second.Problem(), second.Path())
	}
	second.AddEntry(wire.Entry{At: 2, Kind: "transition", Message: "second window"})
	if got, _ := second.Entries(Query{}); len(got) != 1 || got[0].Message != "second window" {
		t.Fatalf("second: %+v", got)
	}
	if got, _ := first.Entries(Query{}); len(got) != 1 || got[0].Message != "first window" {
		t.Fatalf("first: %+v", got)
	}
}

func TestUnusableDirFallsBackToMemory(t *testing.T) {
	// A file where the folder should be: no file can be made there, not
	// even by root.
	blocker := filepath.Join(t.TempDir(), "not-a-dir")
	if err := os.WriteFile(blocker, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := open(t, filepath.Join(blocker, "sub", "x.db"), Options{})
	if s.Path() != "" || !strings.Contains(s.Problem(), "memory") || !strings.Contains(s.Problem(), "cannot be used") {
		t.Fatalf("path %q problem %q", s.Path(), s.Problem())
	}
	s.AddEntry(wire.Entry{At: 1, Kind: "gap"})
	if got, _ := s.Entries(Query{}); len(got) != 1 {
		t.Fatalf("memory store: %+v", got)
	}
}

func TestQueueFullIsCounted(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "q.db"), Options{QueueSize: 1, FlushEvery: time.Hour})
	s.mu.Lock() // hold the writer inside a commit so the queue fills
	for i := range 600 {
		s.AddEntry(wire.Entry{At: float64(i), Kind: "gap"})
	}
	s.mu.Unlock()
	if s.Dropped() == 0 {
		t.Fatal("no drop counted with a full queue")
	}
}

func TestChartOutagesAndUnobserved(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "chart.db"), Options{})
	add := func(mins float64, e wire.Entry) {
		e.At = at(time.Duration(mins * float64(time.Minute)))
		s.AddEntry(e)
	}
	add(1, wire.Entry{Kind: wire.EntrySession, To: "started"})
	add(10, wire.Entry{Kind: "transition", Connection: "connection_1", From: "connected", To: "disconnected", Cause: "drop"})
	add(10.1, wire.Entry{Kind: "transition", Connection: "connection_1", From: "disconnected", To: "connecting"})
	// The cause that held it down is the outage's cause, not the first one.
	add(10.15, wire.Entry{Kind: "transition", Connection: "connection_1", From: "connecting", To: "auth_failed", Cause: "auth_failed: invalid key"})
	add(10.25, wire.Entry{Kind: "transition", Connection: "connection_1", From: "auth_failed", To: "connected", Duration: 15})
	add(11, wire.Entry{Kind: "transition", Connection: "connection_2", From: "connected", To: "disconnected"})
	// Connected for a moment and cut again: one outage from 12 to 13 min.
	add(12, wire.Entry{Kind: "transition", Connection: "connection_1", From: "connected", To: "disconnected", Cause: "cut"})
	add(12.5, wire.Entry{Kind: "transition", Connection: "connection_1", From: "disconnected", To: "connected"})
	add(12.51, wire.Entry{Kind: "transition", Connection: "connection_1", From: "connected", To: "disconnected"})
	add(13, wire.Entry{Kind: "transition", Connection: "connection_1", From: "disconnected", To: "connected"})
	add(20, wire.Entry{Kind: "transition", Connection: "connection_1", From: "connected", To: "error"})
	add(30, wire.Entry{Kind: wire.EntrySession, To: "stopped"})
	add(40, wire.Entry{Kind: wire.EntrySession, To: "started"})
	// Killed at 44 min (no stop recorded; its heartbeat said 4 min) while
	// connection_1 was down: the gap runs from the heartbeat to the next start.
	s.MarkAlive(at(40*time.Minute), 4*60)
	add(42, wire.Entry{Kind: "transition", Connection: "connection_1", From: "connected", To: "disconnected"})
	s.AddMinute(Minute{Connection: "connection_1", Start: t0.Add(43 * time.Minute).Unix()})
	add(50, wire.Entry{Kind: wire.EntrySession, To: "started"})
	// Killed again, with nothing recorded after its start but its heartbeat.
	s.MarkAlive(at(50*time.Minute), 4*60)
	add(58, wire.Entry{Kind: wire.EntrySession, To: "started"})
	c, err := s.ChartOf("connection_1", t0, t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	want := []Span{{From: at(10 * time.Minute), To: at(615 * time.Second), Cause: "auth_failed: invalid key"}, {From: at(12 * time.Minute), To: at(13 * time.Minute), Cause: "cut"}, {From: at(20 * time.Minute), To: at(30 * time.Minute)}}
	want = append(want, Span{From: at(42 * time.Minute), To: at(44 * time.Minute)})
	if len(c.Outages) != 4 || c.Outages[0] != want[0] || c.Outages[1] != want[1] || c.Outages[2] != want[2] || c.Outages[3] != want[3] {
		t.Fatalf("outages %+v, want %+v", c.Outages, want)
	}
	if len(c.Unobserved) != 3 || c.Unobserved[0].From != at(30*time.Minute) || c.Unobserved[0].To != at(40*time.Minute) ||
		c.Unobserved[1].From != at(44*time.Minute) || c.Unobserved[1].To != at(50*time.Minute) ||
		c.Unobserved[2].From != at(54*time.Minute) || c.Unobserved[2].To != at(58*time.Minute) {
		t.Fatalf("unobserved %+v", c.Unobserved)
	}
}

// An incident's entries keep their incident and level; a file written
// before incidents existed is brought up to date and keeps its entries.
func TestIncidentAndLevelAreKeptAndOldFilesUpgraded(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE entries(
  id INTEGER PRIMARY KEY, at REAL NOT NULL, connection TEXT NOT NULL, kind TEXT NOT NULL,
  alert TEXT NOT NULL DEFAULT '', from_status TEXT NOT NULL DEFAULT '', to_status TEXT NOT NULL DEFAULT '',
  cause TEXT NOT NULL DEFAULT '', duration REAL NOT NULL DEFAULT 0, reconnects INTEGER NOT NULL DEFAULT 0,
  message TEXT NOT NULL DEFAULT '', notified INTEGER NOT NULL DEFAULT 0, note TEXT NOT NULL DEFAULT '');
INSERT INTO entries(at, connection, kind, message) VALUES(?, 'connection_1', 'transition', 'from before');`, at(0)); err != nil {
		t.Fatal(err)
	}
	_ = db.Close()
	s := open(t, path, Options{Now: func() time.Time { return t0.Add(time.Hour) }})
	if s.Problem() != "" {
		t.Fatalf("the old file was not used: %s", s.Problem())
	}
	s.AddEntry(wire.Entry{At: at(time.Minute), Kind: wire.EntryIncident, Incident: at(time.Minute), Level: "down", Cause: "not_publishing", To: "not_publishing"})
	got, err := s.Entries(Query{})
	if err != nil || len(got) != 2 || got[0].Incident != at(time.Minute) || got[0].Level != "down" || got[1].Message != "from before" || got[1].Incident != 0 {
		t.Fatalf("entries %+v %v", got, err)
	}
}

func TestExport(t *testing.T) {
	es := []wire.Entry{{At: at(0), Connection: "connection_1", Kind: "alert", Alert: wire.AlertOutage, Cause: `said "no", then left`, Duration: 15, Reconnects: 2, Message: "x,y",
		Incident: at(-time.Minute), Level: "down"}}
	var b bytes.Buffer
	if err := Export(&b, FormatCSV, es); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil || len(rows) != 2 || rows[1][0] != "2026-03-10T00:00:00Z" || rows[1][6] != `said "no", then left` || rows[1][7] != "15.000" || rows[1][11] != "x,y" ||
		rows[0][12] != "incident" || rows[1][12] != "2026-03-09T23:59:00Z" || rows[1][13] != "down" {
		t.Fatalf("csv %q %v", rows, err)
	}
	b.Reset()
	if err := Export(&b, FormatJSON, es); err != nil {
		t.Fatal(err)
	}
	var back []wire.Entry
	if err := json.Unmarshal(b.Bytes(), &back); err != nil || back[0] != es[0] {
		t.Fatalf("json round trip %+v %v", back, err)
	}
	if Export(&b, "xml", es) == nil {
		t.Fatal("xml accepted")
	}
}

func TestAggregator(t *testing.T) {
	a := NewAggregator()
	base := t0.Add(59 * time.Second)
	a.Add(base, map[string]Sample{"connection_1": {Received: 100, Errors: 1, P50Ms: -1, P99Ms: -1}})
	var done []Minute
	for i := 1; i <= 60; i++ {
		s := Sample{Received: 100 + int64(i)*10, Rate: 10, Errors: 1, Reconnects: 0, P50Ms: float64(i), P99Ms: float64(i * 2)}
		if i >= 30 {
			s.Reconnects, s.Errors = 1, 3
		}
		if i == 30 {
			s.Rate, s.Down = 0, true
		}
		done = append(done, a.Add(base.Add(time.Duration(i)*time.Second), map[string]Sample{"connection_1": s})...)
	}
	if len(done) != 1 || done[0].Start != t0.Unix() || done[0].Samples != 1 {
		t.Fatalf("the first (partial) minute: %+v", done)
	}
	done = a.Add(base.Add(61*time.Second), map[string]Sample{"connection_1": {Received: 710, Rate: 10, Errors: 3, Reconnects: 1, P50Ms: 5, P99Ms: 5}})
	m := done[0]
	if m.Start != t0.Unix()+60 || m.Ticks != 600 || m.Samples != 60 || m.RateAvg != 10 || m.RateMin != 0 || m.RateMax != 10 {
		t.Fatalf("minute: %+v", m)
	}
	if m.Errors != 2 || m.Reconnects != 1 || m.DownS != 1 || m.P50Ms != 31 || m.P99Ms != 120 {
		t.Fatalf("minute: %+v", m)
	}
}

// Issue 25 item 1: SQLite's read-only check of an existing file opened a
// FIFO at the history path and blocked the window's start for good.
func TestAFIFOAtThePathIsNotOpened(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "demo.db")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan *Store, 1)
	go func() { done <- Open(path, Options{}) }()
	select {
	case s := <-done:
		defer s.Close()
		if !strings.Contains(s.Problem(), "a named pipe") || s.Path() == path {
			t.Fatalf("problem %q path %q", s.Problem(), s.Path())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Open still blocked in a FIFO after 10 s")
	}
}

// A window that ended mid-write leaves its journal beside the file. The
// next window rolls it back and keeps the file: a read-only look cannot
// roll back (SQLite says "attempt to write a readonly database (776)"), and
// the e2e restart once saw the history moved aside for it.
func TestAJournalLeftByAnEndedWindowIsRolledBack(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "p.db")
	s := Open(path, Options{})
	s.AddEntry(wire.Entry{At: wire.Unix(time.Now()), Connection: "connection_3", Kind: wire.EntryTransition, Message: "kept"})
	s.Close()

	// Mid-write: a transaction whose journal exists, copied with the file
	// as a window killed at that moment leaves both.
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(DELETE)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.Exec(`DELETE FROM entries`); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`PRAGMA cache_spill = 1; INSERT INTO entries(at, connection, kind, message) SELECT 1, 'x', 'gap', hex(randomblob(1000)) FROM (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 3000) SELECT i FROM n)`); err != nil {
		t.Fatal(err)
	}
	crashed := filepath.Join(dir, "crashed.db")
	for _, suffix := range []string{"", "-journal"} {
		b, err := os.ReadFile(path + suffix)
		if err != nil {
			t.Fatalf("the transaction's %q: %v", suffix, err)
		}
		if err := os.WriteFile(crashed+suffix, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}

	s = open(t, crashed, Options{})
	if p := s.Problem(); p != "" {
		t.Fatalf("the file was not used: %s", p)
	}
	if got, _ := s.Entries(Query{}); len(got) != 1 || got[0].Message != "kept" {
		t.Fatalf("after the roll-back: %d entries, want the 1 committed", len(got))
	}
}
