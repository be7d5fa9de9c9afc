package wire

import (
	"math"
	"time"
)

// Unix returns t as Unix seconds with a fraction, the form of every time in
// the contract (snapshot times, tick timestamps, incident times). The zero
// time is 0, which the contract reads as "never".
func Unix(t time.Time) float64 {
	if t.IsZero() {
		return 0
	}
	return UnixNano(t.UnixNano())
}

// UnixNano returns ns, Unix nanoseconds, as Unix seconds (0 stays 0).
func UnixNano(ns int64) float64 { return float64(ns) / 1e9 }

// Time is the inverse of Unix for a time that is set: s Unix seconds as a
// time.Time. A value beyond int64 nanoseconds saturates, NaN is the epoch;
// callers that read 0 as "never" check for it themselves.
func Time(s float64) time.Time {
	if math.IsNaN(s) {
		return time.Unix(0, 0)
	}
	ns := s * 1e9
	if ns >= math.MaxInt64 {
		return time.Unix(0, math.MaxInt64)
	}
	if ns <= math.MinInt64 {
		return time.Unix(0, math.MinInt64)
	}
	return time.Unix(0, int64(ns))
}
