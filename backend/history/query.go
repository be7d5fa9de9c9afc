package history

import (
	"fmt"
	"strings"
	"time"

	"github.com/tickstock/monitor/backend/alerts"
	"github.com/tickstock/monitor/backend/wire"
)

// Query selects timeline entries. The window sends it through the bindings
// (frontend/wailsjs), hence the JSON names.
type Query struct {
	From       float64          `json:"from"`       // Unix s; 0 = unbounded
	To         float64          `json:"to"`         // Unix s; 0 = unbounded
	Connection string           `json:"connection"` // "" = all
	Kinds      []wire.EntryKind `json:"kinds"`      // entry kinds; empty = all
	Limit      int              `json:"limit"`      // default 1000, at most 10000
}

// Entries returns the entries that match q, newest first. What is queued
// is committed first, so a query sees everything recorded so far.
func (s *Store) Entries(q Query) ([]wire.Entry, error) {
	s.Flush()
	if s.db == nil {
		return []wire.Entry{}, nil
	}
	where, args := []string{"1=1"}, []any{}
	if q.From > 0 {
		where, args = append(where, "at >= ?"), append(args, q.From)
	}
	if q.To > 0 {
		where, args = append(where, "at <= ?"), append(args, q.To)
	}
	if q.Connection != "" {
		where, args = append(where, "connection = ?"), append(args, q.Connection)
	}
	if len(q.Kinds) > 0 {
		where = append(where, "kind IN (?"+strings.Repeat(",?", len(q.Kinds)-1)+")")
		for _, k := range q.Kinds {
			args = append(args, k)
		}
	}
	if q.Limit <= 0 {
		q.Limit = 1000
	}
	args = append(args, min(q.Limit, 10000))
	s.mu.Lock()
	defer s.mu.Unlock()
	// where holds only fixed clauses written above; every value is a ? argument.
	//nolint:gosec // G202: see above
	rows, err := s.db.Query(`SELECT id,at,connection,kind,alert,from_status,to_status,cause,duration,reconnects,message,notified,note,incident,level
		FROM entries WHERE `+strings.Join(where, " AND ")+` ORDER BY at DESC, id DESC LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("reading the timeline: %w", err)
	}
	defer rows.Close()
	out := []wire.Entry{}
	for rows.Next() {
		var e wire.Entry
		var alert string
		if err := rows.Scan(&e.ID, &e.At, &e.Connection, &e.Kind, &alert, &e.From, &e.To, &e.Cause, &e.Duration, &e.Reconnects, &e.Message, &e.Notified, &e.Note, &e.Incident, &e.Level); err != nil {
			return nil, fmt.Errorf("reading the timeline: %w", err)
		}
		e.Alert = wire.AlertKind(alert)
		out = append(out, e)
	}
	return out, rows.Err()
}

// Minutes returns connection's minutes with from ≤ start < to, oldest first.
func (s *Store) Minutes(connection string, from, to time.Time) ([]Minute, error) {
	s.Flush()
	out := []Minute{}
	if s.db == nil {
		return out, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rows, err := s.db.Query(`SELECT connection, start, SUM(ticks), MIN(rate_min),
		  SUM(rate_avg*samples) / MAX(SUM(samples), 1), MAX(rate_max), SUM(errors), SUM(reconnects),
		  COALESCE(SUM(CASE WHEN p50_ms >= 0 THEN p50_ms*samples END) / SUM(CASE WHEN p50_ms >= 0 THEN samples END), -1),
		  MAX(p99_ms), SUM(down_s), SUM(samples)
		FROM minutes WHERE connection = ? AND start >= ? AND start < ? GROUP BY connection, start ORDER BY start`, connection, from.Unix(), to.Unix())
	if err != nil {
		return nil, fmt.Errorf("reading the history: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var m Minute
		if err := rows.Scan(&m.Connection, &m.Start, &m.Ticks, &m.RateMin, &m.RateAvg, &m.RateMax, &m.Errors, &m.Reconnects, &m.P50Ms, &m.P99Ms, &m.DownS, &m.Samples); err != nil {
			return nil, fmt.Errorf("reading the history: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// Span is a time interval, Unix s.
type Span struct {
	From  float64 `json:"from"`
	To    float64 `json:"to"`
	Cause string  `json:"cause"`
}

// Chart is what the "last 24 h" chart of a connection draws.
type Chart struct {
	Connection string   `json:"connection"`
	From       float64  `json:"from"`
	To         float64  `json:"to"`
	Minutes    []Minute `json:"minutes"`
	// Outages: out of `connected`, from the timeline's transitions.
	Outages []Span `json:"outages"`
	// Unobserved: the monitor was not running (between a stop and a start).
	Unobserved []Span `json:"unobserved"`
}

// ChartOf returns connection's figures and outages between from and to.
func (s *Store) ChartOf(connection string, from, to time.Time) (Chart, error) {
	c := Chart{Connection: connection, From: wire.Unix(from), To: wire.Unix(to), Outages: []Span{}, Unobserved: []Span{}}
	var err error
	if c.Minutes, err = s.Minutes(connection, from, to); err != nil {
		return c, err
	}
	entries, err := s.Entries(Query{From: c.From, To: c.To, Kinds: []wire.EntryKind{wire.EntryTransition, wire.EntrySession}, Limit: 10000})
	if err != nil {
		return c, err
	}
	var down *Span
	var back, stopped float64 // back: connected again at, not yet settled
	closeDown := func(at float64) {
		c.Outages, down, back = append(c.Outages, Span{From: max(down.From, c.From), To: at, Cause: down.Cause}), nil, 0
	}
	var prev float64                         // the previous entry's time
	var aliveUntil float64                   // the last session's start plus its heartbeat
	for i := len(entries) - 1; i >= 0; i-- { // oldest first
		e := entries[i]
		before := prev
		prev = e.At
		if down != nil && back > 0 && e.At-back >= alerts.Settle.Seconds() {
			closeDown(back) // it held: the outage ended when it connected
		}
		switch {
		case e.Kind == wire.EntrySession && e.To == "stopped":
			if down != nil { // nothing is known after the stop
				closeDown(max(back, e.At))
			}
			stopped = e.At
		case e.Kind == wire.EntrySession && e.To == "started":
			if stopped == 0 { // it ended without a stop (killed, crashed, power cut)
				stopped = max(before, min(aliveUntil, e.At))
				if down != nil && stopped > 0 {
					closeDown(max(back, stopped))
				}
			}
			if stopped > 0 && e.At-stopped > 2 {
				c.Unobserved = append(c.Unobserved, Span{From: stopped, To: e.At})
			}
			stopped, aliveUntil = 0, e.At+e.Duration
		case e.Connection != connection || e.From == e.To:
		case e.To == string(wire.StatusConnected):
			if down == nil { // began before the chart's start
				down = &Span{From: e.At - e.Duration}
			}
			back = e.At
		case e.To == string(wire.StatusDisabled):
			if down != nil {
				closeDown(e.At)
			}
		case down == nil:
			down = &Span{From: e.At, Cause: e.Cause}
		default:
			back = 0 // dropped again before it settled, or another word: the same outage
			if e.Cause != "" {
				down.Cause = e.Cause // the cause that held it down, not the first one
			}
		}
	}
	if down != nil {
		if back > 0 && c.To-back >= alerts.Settle.Seconds() {
			closeDown(back)
		} else {
			closeDown(c.To)
		}
	}
	return c, nil
}
