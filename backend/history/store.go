// Package history keeps the incident timeline and per-minute figures of
// each connection across restarts, in one SQLite file per profile under the
// user's configuration directory.
//
// SQLite through modernc.org/sqlite (pure Go, no cgo, so the headless build
// and cross-compiles stay as they are) rather than bbolt: the reads are
// time-range queries with filters (SQL and an index do them), and the size
// cap needs a file that shrinks when old rows go (incremental vacuum; a bbolt
// file never shrinks without a copy).
//
// Writes are queued and committed in batches by one goroutine, so the
// observing goroutine never waits on the disk. The file is opened in
// exclusive locking mode: a second window on the same profile, or a damaged
// file, gets a fresh file beside it and a sentence saying so; the old file
// is never touched. A Store is safe for concurrent use.
package history

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver

	"github.com/tickstock/monitor/backend/safefile"
	"github.com/tickstock/monitor/backend/wire"
)

// Options configure a Store. Zero values take the defaults.
type Options struct {
	Retention  time.Duration // default 30 days
	MaxBytes   int64         // size cap of the file; default 64 MiB
	FlushEvery time.Duration // batch commit interval; default 2 s
	QueueSize  int           // writes waiting for a batch; default 8192
	PruneEvery time.Duration // retention and size checks; default 1 h
	Now        func() time.Time
	Log        *slog.Logger
}

func (o *Options) fill() {
	if o.Retention <= 0 {
		o.Retention = 30 * 24 * time.Hour
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = 64 << 20
	}
	if o.FlushEvery <= 0 {
		o.FlushEvery = 2 * time.Second
	}
	if o.QueueSize <= 0 {
		o.QueueSize = 8192
	}
	if o.PruneEvery <= 0 {
		o.PruneEvery = time.Hour
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
}

// Store is an open history file.
type Store struct {
	opts    Options
	path    string // the file in use ("" = memory only)
	problem string // why the file in use is not the one asked for
	db      *sql.DB
	mu      sync.Mutex // one transaction at a time on the one connection

	queue   chan any // wire.Entry or Minute
	dropped atomic.Int64
	flushed chan chan struct{}
	cancel  context.CancelFunc
	done    chan struct{}
}

// Open opens (or creates) the history file at path and starts its writer.
// It never fails: when the file is damaged, locked by another window, or
// cannot be created, it records into a fresh file beside it (or, failing
// that, in memory) and Problem says so.
func Open(path string, o Options) *Store {
	o.fill()
	s := &Store{opts: o, queue: make(chan any, o.QueueSize), flushed: make(chan chan struct{}), done: make(chan struct{})}
	db, used, problem := openBeside(path, o.Now())
	s.db, s.path, s.problem = db, used, problem
	if problem != "" {
		o.Log.Warn("history", "problem", problem)
	}
	s.prune()
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	go s.writer(ctx)
	return s
}

// openBeside tries path, then path's ".fresh" sibling, then a time-stamped
// one, then memory.
func openBeside(path string, now time.Time) (*sql.DB, string, string) {
	db, err := openFile(path)
	// A window that just closed may still hold the file for a moment: wait
	// up to 3 s before deciding another window has it.
	for i := 0; err != nil && isLocked(err) && i < 12; i++ {
		time.Sleep(250 * time.Millisecond)
		db, err = openFile(path)
	}
	if err == nil {
		return db, path, ""
	}
	why := describe(path, err)
	base := strings.TrimSuffix(path, ".db")
	for _, alt := range []string{base + ".fresh.db", base + ".fresh-" + now.Format("20060102-150405") + ".db"} {
		if db, err2 := openFile(alt); err2 == nil {
			return db, alt, why + " This session records into " + alt + "."
		}
	}
	db, err = openFile("")
	if err != nil { // memory always opens; keep the window running regardless
		return nil, "", why + " History is not recorded in this session: " + err.Error()
	}
	return db, "", why + " History is kept in memory only for this session."
}

// describe says what is wrong with path and what to do, for the header.
func describe(path string, err error) string {
	msg := err.Error()
	switch {
	case isLocked(err):
		return fmt.Sprintf("The history file %s is in use by another TickStock Monitor window (%s); it is left untouched.", path, msg)
	case isCorrupt(err):
		return fmt.Sprintf("The history file %s is damaged (%s); it is kept untouched so nothing in it is lost — copy it away or delete it to start afresh.", path, msg)
	default:
		return fmt.Sprintf("The history file %s cannot be used (%s).", path, msg)
	}
}

func isLocked(err error) bool {
	m := err.Error()
	return strings.Contains(m, "locked") || strings.Contains(m, "SQLITE_BUSY")
}

func isCorrupt(err error) bool {
	m := err.Error()
	return errors.Is(err, errDamaged) || strings.Contains(m, "not a database") || strings.Contains(m, "malformed") || strings.Contains(m, "corrupt")
}

var errDamaged = errors.New("integrity check failed")

const schema = `
CREATE TABLE IF NOT EXISTS entries(
  id INTEGER PRIMARY KEY, at REAL NOT NULL, connection TEXT NOT NULL, kind TEXT NOT NULL,
  alert TEXT NOT NULL DEFAULT '', from_status TEXT NOT NULL DEFAULT '', to_status TEXT NOT NULL DEFAULT '',
  cause TEXT NOT NULL DEFAULT '', duration REAL NOT NULL DEFAULT 0, reconnects INTEGER NOT NULL DEFAULT 0,
  message TEXT NOT NULL DEFAULT '', notified INTEGER NOT NULL DEFAULT 0, note TEXT NOT NULL DEFAULT '',
  incident REAL NOT NULL DEFAULT 0, level TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS entries_at ON entries(at);
CREATE TABLE IF NOT EXISTS minutes(
  connection TEXT NOT NULL, start INTEGER NOT NULL, ticks INTEGER NOT NULL, rate_min REAL NOT NULL,
  rate_avg REAL NOT NULL, rate_max REAL NOT NULL, errors INTEGER NOT NULL, reconnects INTEGER NOT NULL,
  p50_ms REAL NOT NULL, p99_ms REAL NOT NULL, down_s REAL NOT NULL, samples INTEGER NOT NULL,
  session REAL NOT NULL DEFAULT 0,
  PRIMARY KEY(connection, start, session)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS minutes_start ON minutes(start);`

// openFile opens path ("" = memory), checks it, takes its lock and creates
// the schema.
func openFile(path string) (*sql.DB, error) {
	dsn := ":memory:"
	if path != "" {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, err
		}
		dsn = "file:" + path
	}
	if path != "" {
		if err := checkReadOnly(path); err != nil {
			return nil, err
		}
	}
	db, err := sql.Open("sqlite", dsn+"?_pragma=busy_timeout(250)&_pragma=locking_mode(EXCLUSIVE)&_pragma=auto_vacuum(INCREMENTAL)")
	if err != nil {
		return nil, err
	}
	// One connection for the life of the store: it holds the exclusive lock
	// (and, for memory, the data).
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	if err := prepare(db); err != nil {
		_ = db.Close() // the prepare error is the one to report
		return nil, err
	}
	if path != "" {
		_ = os.Chmod(path, 0o600)
	}
	return db, nil
}

// checkReadOnly checks an existing file without any chance of writing to
// it, so a damaged file is left exactly as it was.
func checkReadOnly(path string) error {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	// SQLite's read-only open of a FIFO would block for good.
	if err := safefile.Regular("history file", path); err != nil {
		return err
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(250)")
	if err != nil {
		return err
	}
	defer func() { _ = db.Close() }() // read-only handle; quickCheck's result is the answer
	if err := quickCheck(db); err != nil && !isRollbackPending(err) {
		return err
	}
	return nil
}

// isRollbackPending: SQLITE_READONLY_ROLLBACK (776), the journal a window
// left when it ended mid-write. A read-only handle cannot roll it back; the
// read-write open does (SQLite's own recovery), and checks the file after.
// The e2e restart saw the file refused for it, and the history moved aside.
func isRollbackPending(err error) bool {
	return strings.Contains(err.Error(), "(776)")
}

func quickCheck(db *sql.DB) error {
	var check string
	if err := db.QueryRow("PRAGMA quick_check").Scan(&check); err != nil {
		return err
	}
	if check != "ok" {
		return fmt.Errorf("%w: %s", errDamaged, check)
	}
	return nil
}

func prepare(db *sql.DB) error {
	if err := quickCheck(db); err != nil {
		return err
	}
	// The first write takes the exclusive lock, kept until Close.
	if _, err := db.Exec(schema); err != nil {
		return err
	}
	return addIncidentColumns(db)
}

// addIncidentColumns brings a file written before incidents existed up to
// date: its entries belong to no incident (0) and have no level.
func addIncidentColumns(db *sql.DB) error {
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM pragma_table_info('entries') WHERE name = 'incident'`).Scan(&n); err != nil || n > 0 {
		return err
	}
	_, err := db.Exec(`ALTER TABLE entries ADD COLUMN incident REAL NOT NULL DEFAULT 0;
		ALTER TABLE entries ADD COLUMN level TEXT NOT NULL DEFAULT ''`)
	return err
}

// Path is the file in use ("" = memory only).
func (s *Store) Path() string { return s.path }

// Problem says why the file in use is not the one asked for ("" = none).
func (s *Store) Problem() string { return s.problem }

// Dropped counts writes lost because the queue was full.
func (s *Store) Dropped() int64 { return s.dropped.Load() }

// AddEntry queues a timeline entry; it never blocks.
func (s *Store) AddEntry(e wire.Entry) { s.enqueue(e) }

// AddMinute queues a minute of figures; it never blocks.
func (s *Store) AddMinute(m Minute) { s.enqueue(m) }

// alive is a session's heartbeat: its "started" entry's duration becomes
// how long it has run, so a session that ends without a stop (killed,
// crashed) still says until when it was observing.
type alive struct{ startedAt, seconds float64 }

// MarkAlive records that the session started at startedAt has run for
// seconds; it never blocks.
func (s *Store) MarkAlive(startedAt, seconds float64) { s.enqueue(alive{startedAt, seconds}) }

func (s *Store) enqueue(v any) {
	select {
	case s.queue <- v:
	default:
		if s.dropped.Add(1) == 1 {
			s.opts.Log.Warn("history queue full: writes are dropped (counted)")
		}
	}
}

// Flush commits everything queued so far.
func (s *Store) Flush() {
	ack := make(chan struct{})
	select {
	case s.flushed <- ack:
		<-ack
	case <-s.done:
	}
}

// Close commits what is queued and closes the file.
func (s *Store) Close() {
	s.Flush()
	s.cancel()
	<-s.done
	if s.db != nil {
		// The writer has flushed and stopped: every write has already
		// reported its own error; a close error here has no one to act.
		_ = s.db.Close()
	}
}

func (s *Store) writer(ctx context.Context) {
	defer close(s.done)
	flush := time.NewTicker(s.opts.FlushEvery)
	defer flush.Stop()
	prune := time.NewTicker(s.opts.PruneEvery)
	defer prune.Stop()
	var batch []any
	for {
		select {
		case <-ctx.Done():
			s.commit(s.drain(batch))
			return
		case v := <-s.queue:
			if batch = append(batch, v); len(batch) >= 512 {
				s.commit(batch)
				batch = nil
			}
		case <-flush.C:
			s.commit(batch)
			batch = nil
		case ack := <-s.flushed:
			s.commit(s.drain(batch))
			batch = nil
			close(ack)
		case <-prune.C:
			s.commit(batch)
			batch = nil
			s.prune()
		}
	}
}

func (s *Store) drain(batch []any) []any {
	for {
		select {
		case v := <-s.queue:
			batch = append(batch, v)
		default:
			return batch
		}
	}
}

// commit writes a batch in one transaction.
func (s *Store) commit(batch []any) {
	if len(batch) == 0 || s.db == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.commitLocked(batch); err != nil {
		s.dropped.Add(int64(len(batch)))
		s.opts.Log.Error("history write failed; the batch is lost (counted)", "rows", len(batch), "err", err)
	}
}

func (s *Store) commitLocked(batch []any) error {
	tx, err := s.db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	for _, v := range batch {
		switch v := v.(type) {
		case wire.Entry:
			_, err = tx.Exec(`INSERT INTO entries(at,connection,kind,alert,from_status,to_status,cause,duration,reconnects,message,notified,note,incident,level)
				VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)`, v.At, v.Connection, v.Kind, string(v.Alert), v.From, v.To, v.Cause, v.Duration, v.Reconnects, v.Message, v.Notified, v.Note, v.Incident, v.Level)
		case alive:
			_, err = tx.Exec(`UPDATE entries SET duration = ? WHERE kind = ? AND to_status = 'started' AND at = ?`, v.seconds, wire.EntrySession, v.startedAt)
		case Minute:
			// One row per minute and session, replaced as the minute fills
			// (a partial minute is written with each heartbeat); reads merge
			// the sessions of a minute split by a restart.
			_, err = tx.Exec(`INSERT OR REPLACE INTO minutes(connection,start,session,ticks,rate_min,rate_avg,rate_max,errors,reconnects,p50_ms,p99_ms,down_s,samples)
				VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)`,
				v.Connection, v.Start, v.Session, v.Ticks, v.RateMin, v.RateAvg, v.RateMax, v.Errors, v.Reconnects, v.P50Ms, v.P99Ms, v.DownS, v.Samples)
		}
		if err != nil {
			return err
		}
	}
	return tx.Commit()
}
