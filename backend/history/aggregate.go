package history

import (
	"slices"
	"strings"
	"time"
)

// Minute is one connection's figures over one minute.
type Minute struct {
	Connection string  `json:"connection"`
	Start      int64   `json:"start"` // Unix s, the minute's start
	Ticks      int64   `json:"ticks"`
	RateMin    float64 `json:"rate_min"` // ticks/s over 1 s samples
	RateAvg    float64 `json:"rate_avg"` // ticks over the seconds observed
	RateMax    float64 `json:"rate_max"`
	Errors     int64   `json:"errors"`
	Reconnects int64   `json:"reconnects"`
	// P50Ms is the median of the per-second p50 latencies (each over the
	// monitor's 10 s window); P99Ms the largest per-second p99. -1: no ticks.
	P50Ms float64 `json:"p50_ms"`
	P99Ms float64 `json:"p99_ms"`
	// DownS is the seconds observed out of `connected`.
	DownS   float64 `json:"down_s"`
	Samples int     `json:"samples"` // seconds observed
	// Session is when the monitor session that wrote it started (Unix s):
	// a minute split by a restart has one row per session, merged on read.
	Session float64 `json:"-"`
}

// Sample is one connection's figures at one observation (about 1 s apart).
type Sample struct {
	Received   int64   // cumulative valid ticks (monitor)
	Rate       float64 // ticks/s over the last second
	Errors     int64   // cumulative (snapshot)
	Reconnects int64   // cumulative (snapshot)
	P50Ms      float64 // -1: none
	P99Ms      float64
	Down       bool
}

// Aggregator turns per-second samples into Minutes. Not safe for
// concurrent use.
type Aggregator struct {
	minute int64
	accs   map[string]*acc
	last   map[string]Sample // previous sample, for counter deltas
}

type acc struct {
	m    Minute
	p50s []float64
}

// NewAggregator returns an empty aggregator.
func NewAggregator() *Aggregator {
	return &Aggregator{accs: map[string]*acc{}, last: map[string]Sample{}}
}

// Add adds samples taken at at. When at is in a later minute than the
// previous call, the finished minutes are returned.
func (a *Aggregator) Add(at time.Time, samples map[string]Sample) []Minute {
	start := at.Unix() / 60 * 60
	var done []Minute
	if a.minute != 0 && start != a.minute {
		done = a.Finish()
	}
	a.minute = start
	for id, s := range samples {
		x := a.accs[id]
		if x == nil {
			x = &acc{m: Minute{Connection: id, Start: start, RateMin: s.Rate, P99Ms: -1}}
			a.accs[id] = x
		}
		prev, seen := a.last[id]
		a.last[id] = s
		if seen {
			x.m.Ticks += delta(prev.Received, s.Received)
			x.m.Errors += delta(prev.Errors, s.Errors)
			x.m.Reconnects += delta(prev.Reconnects, s.Reconnects)
		}
		x.m.Samples++
		x.m.RateMin = min(x.m.RateMin, s.Rate)
		x.m.RateMax = max(x.m.RateMax, s.Rate)
		if s.Down {
			x.m.DownS++
		}
		if s.P50Ms >= 0 {
			x.p50s = append(x.p50s, s.P50Ms)
		}
		x.m.P99Ms = max(x.m.P99Ms, s.P99Ms)
	}
	return done
}

// Finish returns the minute in progress (at shutdown) and starts afresh.
func (a *Aggregator) Finish() []Minute {
	out := a.Current()
	a.accs = map[string]*acc{}
	return out
}

// Current returns the minute in progress so far, sorted by connection.
func (a *Aggregator) Current() []Minute {
	var out []Minute
	for _, x := range a.accs {
		m := x.m
		if m.Samples > 0 { // each sample's delta covers the second before it
			m.RateAvg = float64(m.Ticks) / float64(m.Samples)
		}
		m.P50Ms = median(slices.Clone(x.p50s))
		out = append(out, m)
	}
	slices.SortFunc(out, func(x, y Minute) int { return strings.Compare(x.Connection, y.Connection) })
	return out
}

func delta(prev, cur int64) int64 {
	if cur < prev { // the counter restarted (a reopened session)
		return cur
	}
	return cur - prev
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return -1
	}
	slices.Sort(v)
	return v[len(v)/2]
}
