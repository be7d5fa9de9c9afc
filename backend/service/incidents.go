package service

import (
	"context"
	"fmt"
	"hash/crc32"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/tickstock/monitor/backend/alerts"
	"github.com/tickstock/monitor/backend/history"
	"github.com/tickstock/monitor/backend/profiles"
	"github.com/tickstock/monitor/backend/wire"
)

// EntryOutput is implemented by an Output that also wants each new
// timeline entry as it happens (the window's event bridge).
type EntryOutput interface {
	Entry(wire.Entry)
}

// incidents watches the session — whatever its mode — through what the
// window already shows (snapshot, metrics, subscription, sign-in) and feeds
// the alert engine, the per-minute aggregator and the history store.
type incidents struct {
	svc     *Service
	store   *history.Store
	agg     *history.Aggregator
	out     EntryOutput // nil: nobody listens live
	key     string      // profile session key
	prefs   *profiles.Store
	changed chan struct{} // re-signals the source's Changed for the window

	mu     sync.Mutex // engine and agg
	engine *alerts.Engine

	started float64 // this session's "started" entry, for its heartbeat
	cancel  context.CancelFunc
	done    chan struct{}
}

// heartbeatEvery is how often the session's run time is recorded, so a
// monitor that is killed still says until when it observed.
const heartbeatEvery = 10 * time.Second

// startIncidents opens the session's history and starts watching.
func (s *Service) startIncidents(ctx context.Context, o Options) {
	key := profiles.SessionKey(s.info.Profile, s.info.Mode)
	w := &incidents{svc: s, agg: history.NewAggregator(), key: key, prefs: o.Profiles, changed: make(chan struct{}, 1), done: make(chan struct{})}
	w.out, _ = o.Output.(EntryOutput)
	settings := alerts.Settings{}
	if o.Profiles != nil {
		var err error
		if settings, err = o.Profiles.AlertSettings(key); err != nil {
			s.info.Warnings = append(s.info.Warnings, "Alert settings could not be read, the defaults apply: "+err.Error())
		}
	}
	notifier := o.Notifier
	if notifier != nil {
		notifier = alerts.WithTimeout(notifier, 3*time.Second)
	}
	w.engine = alerts.New(settings, notifier, o.Log)
	w.store = history.Open(historyPath(o, key), history.Options{Log: o.Log})
	if p := w.store.Problem(); p != "" {
		s.info.Warnings = append(s.info.Warnings, p)
	}
	s.incidents = w
	ctx, w.cancel = context.WithCancel(ctx)
	w.started = unixNow()
	w.record(wire.Entry{At: w.started, Connection: "", Kind: wire.EntrySession, To: "started",
		Message: fmt.Sprintf("Monitor started (%s mode%s)", s.info.Mode, profileWords(s.info.Profile))})
	go w.run(ctx)
}

// historyPath is the session's history file: HistoryDir, else the history
// folder beside the profiles file, else "" (memory only).
func historyPath(o Options, key string) string {
	dir := o.HistoryDir
	if dir == "" && o.Profiles != nil {
		dir = filepath.Join(filepath.Dir(o.Profiles.Path()), "history")
	}
	if dir == "" {
		return ""
	}
	name := "profile-" + key
	if env, ok := strings.CutPrefix(key, "environment:"); ok {
		name = "env-" + env
	}
	safe := unsafeChars.ReplaceAllString(name, "_")
	if safe != name { // "Büro" and "B_ro" must not share a file
		safe += fmt.Sprintf("-%08x", crc32.ChecksumIEEE([]byte(name)))
	}
	return filepath.Join(dir, safe+".db")
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9._-]`)

func profileWords(p string) string {
	if p == "" {
		return ""
	}
	return ", profile " + p
}

func (w *incidents) run(ctx context.Context) {
	defer close(w.done)
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-w.svc.mode.Changed():
			w.observe(time.Now(), false)
			select {
			case w.changed <- struct{}{}:
			default:
			}
		case now := <-t.C:
			w.observe(now, true)
			if now.Unix()%int64(heartbeatEvery/time.Second) == 0 {
				w.heartbeat(now)
			}
		}
	}
}

// observe looks at the session once; sample adds a second to the minutes.
func (w *incidents) observe(now time.Time, sample bool) {
	o := alerts.Observation{At: now, Snapshot: w.svc.mode.Snapshot()}
	w.svc.mode.observe(&o, now)
	v := w.svc.judge(now) // the verdict of this moment: the incidents follow it
	o.Verdict = &v
	w.mu.Lock()
	entries := w.engine.Observe(o)
	w.mu.Unlock()
	for _, e := range entries {
		w.record(e)
	}
	if sample {
		w.mu.Lock()
		done := w.agg.Add(now, samples(o))
		w.mu.Unlock()
		for _, m := range done {
			m.Session = w.started
			w.store.AddMinute(m)
		}
	}
}

// heartbeat records how long the session has run and the minute so far,
// so a monitor that is killed loses at most heartbeatEvery of figures.
func (w *incidents) heartbeat(now time.Time) {
	w.store.MarkAlive(w.started, wire.Unix(now)-w.started)
	w.mu.Lock()
	cur := w.agg.Current()
	w.mu.Unlock()
	for _, m := range cur {
		m.Session = w.started
		w.store.AddMinute(m)
	}
}

func (w *incidents) record(e wire.Entry) {
	w.store.AddEntry(e)
	if w.out != nil {
		w.out.Entry(e)
	}
}

// samples are the per-connection figures of one observation.
func samples(o alerts.Observation) map[string]history.Sample {
	out := map[string]history.Sample{}
	for id, c := range o.Snapshot.Connections {
		if c.Status == wire.StatusDisabled || c.Status == "" { // "": not known (not signed in yet), not down
			continue
		}
		s := history.Sample{Errors: c.ErrorCount, Reconnects: c.ReconnectCount, P50Ms: -1, P99Ms: -1, Down: c.Status != wire.StatusConnected}
		if o.Metrics != nil {
			if m, ok := o.Metrics.Connections[id]; ok {
				s.Received, s.Rate, s.P50Ms, s.P99Ms = m.Received, m.Rate1s, m.LatencyP50Ms, m.LatencyP99Ms
				if m.Received == 0 {
					s.P50Ms = -1
				}
			}
		}
		out[id] = s
	}
	return out
}

// close writes the minute in progress and the stop marker, then the file.
func (w *incidents) close() {
	w.cancel()
	<-w.done
	w.mu.Lock()
	last := w.agg.Finish()
	w.mu.Unlock()
	for _, m := range last {
		m.Session = w.started
		w.store.AddMinute(m)
	}
	w.store.AddEntry(wire.Entry{At: unixNow(), Kind: wire.EntrySession, To: "stopped", Message: "Monitor stopped: nothing is observed until it starts again"})
	w.store.Close()
}

func unixNow() float64 { return wire.Unix(time.Now()) }

// Incident methods of the Service, bound by the window.

// Timeline returns timeline entries, newest first.
func (s *Service) Timeline(q history.Query) ([]wire.Entry, error) {
	if s.incidents == nil {
		return []wire.Entry{}, nil
	}
	return s.incidents.store.Entries(q)
}

// ExportTimeline returns the entries q selects as CSV or JSON.
func (s *Service) ExportTimeline(q history.Query, format string) (string, error) {
	es, err := s.Timeline(q)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	err = history.Export(&b, format, es)
	return b.String(), err
}

// HistoryChart is connection's last hours of figures and outages.
func (s *Service) HistoryChart(connection string, hours float64) (history.Chart, error) {
	if hours <= 0 || hours > 24*30 {
		return history.Chart{}, fmt.Errorf("chart of %v hours: choose up to 720 (30 days are kept)", hours)
	}
	if s.incidents == nil {
		return history.Chart{Connection: connection, Minutes: []history.Minute{}, Outages: []history.Span{}, Unobserved: []history.Span{}}, nil
	}
	now := time.Now()
	c, err := s.incidents.store.ChartOf(connection, now.Add(-time.Duration(hours*float64(time.Hour))), now)
	c.Minutes = s.incidents.withCurrent(c.Minutes, connection)
	return c, err
}

// withCurrent adds connection's minute in progress (not stored yet), so a
// chart or a detail is current to the second.
func (w *incidents) withCurrent(ms []history.Minute, connection string) []history.Minute {
	w.mu.Lock()
	cur := w.agg.Current()
	w.mu.Unlock()
	for _, m := range cur {
		if (connection == "" || m.Connection == connection) && (len(ms) == 0 || m.Start > ms[len(ms)-1].Start) {
			ms = append(ms, m)
		}
	}
	return ms
}

// HistoryStatus describes the history file for the settings panel.
type HistoryStatus struct {
	Path    string `json:"path"` // "" = memory only
	Problem string `json:"problem"`
	Bytes   int64  `json:"bytes"`
	Dropped int64  `json:"dropped"` // writes lost (queue full or a failed batch)
	Session string `json:"session"` // whose history and settings these are
}

// History returns the state of the history file.
func (s *Service) History() HistoryStatus {
	if s.incidents == nil {
		return HistoryStatus{}
	}
	st := s.incidents.store
	return HistoryStatus{Path: st.Path(), Problem: st.Problem(), Bytes: st.Size(), Dropped: st.Dropped(), Session: s.incidents.key}
}

// AlertSettings returns the settings in force, defaults written out.
func (s *Service) AlertSettings() alerts.Settings {
	if s.incidents == nil {
		return alerts.Settings{}.Filled()
	}
	s.incidents.mu.Lock()
	defer s.incidents.mu.Unlock()
	return s.incidents.engine.Settings().Filled()
}

// SetAlertSettings applies settings now and keeps them with the profile.
func (s *Service) SetAlertSettings(a alerts.Settings) error {
	if err := a.Check(); err != nil {
		return err
	}
	if s.incidents == nil {
		return fmt.Errorf("alerts are not running: %s", s.info.Problem)
	}
	s.incidents.mu.Lock()
	s.incidents.engine.SetSettings(a)
	s.incidents.mu.Unlock()
	if s.incidents.prefs == nil {
		return fmt.Errorf("the settings apply to this session only: %w", errNoProfileStore)
	}
	return s.incidents.prefs.SetAlertSettings(s.incidents.key, a)
}

var errNoProfileStore = fmt.Errorf("there is no user configuration directory to keep them in")

// Title is the window title: the verdict ("DOWN · not publishing —
// TickStock Monitor").
func (s *Service) Title() string { return alerts.Title(s.Verdict()) }

// FiguresAround returns the minutes from ten minutes before at to ten
// after, of connection ("" or not a connection: all of them), so the
// timeline can show what the figures did around an entry.
func (s *Service) FiguresAround(connection string, at float64) ([]history.Minute, error) {
	if s.incidents == nil {
		return []history.Minute{}, nil
	}
	t := time.Unix(int64(at), 0)
	from, to := t.Add(-10*time.Minute), t.Add(10*time.Minute)
	if wire.IsSlot(connection) {
		ms, err := s.incidents.store.Minutes(connection, from, to)
		if err == nil && time.Since(t) < 10*time.Minute {
			ms = s.incidents.withCurrent(ms, connection)
		}
		return ms, err
	}
	var all []history.Minute
	for _, id := range wire.SlotIDs {
		ms, err := s.incidents.store.Minutes(id, from, to)
		if err != nil {
			return nil, err
		}
		all = append(all, ms...)
	}
	if all == nil {
		all = []history.Minute{}
	}
	return all, nil
}
