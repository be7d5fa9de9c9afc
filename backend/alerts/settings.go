package alerts

import (
	"fmt"
	"slices"
	"time"

	"github.com/tickstock/monitor/backend/health"
)

// Kind is what an alert is about. Throttling and the on/off settings are per
// kind.
type Kind string

// The alert kinds.
const (
	// KindOutage: a connection out of `connected` longer than OutageAfter.
	KindOutage Kind = "outage"
	// KindRecovered: a connection (or the Redis subscription) back after an
	// outage that was alerted; the message carries the outage's length.
	KindRecovered Kind = "recovered"
	// KindAuthFailed and KindMaxConnections are named after the status
	// words they follow, and fire at once: waiting does not mend them.
	KindAuthFailed     = Kind(health.StatusAuthFailed)
	KindMaxConnections = Kind(health.StatusMaxConnections)
	// KindSilent: a connected connection without a tick for SilentAfter
	// while ticks flow on the others.
	KindSilent Kind = "silent"
	// KindRedisGap: the Redis subscription down longer than OutageAfter, or a
	// gap (ticks published while it was down are lost to this monitor).
	KindRedisGap Kind = "redis_gap"
	// KindRemote: the remote server unreachable or the sign-in lost.
	KindRemote Kind = "remote"
)

// Kinds lists every alert kind, in the order the settings panel shows them.
var Kinds = []Kind{KindOutage, KindRecovered, KindAuthFailed, KindMaxConnections, KindSilent, KindRedisGap, KindRemote}

// Settings say which alerts become desktop notifications. The zero value
// means every kind on, default thresholds, not quiet. They hold no secret:
// they are kept in the profiles file.
type Settings struct {
	// Off lists the kinds that are not notified (they still go in the
	// timeline).
	Off []Kind `json:"off"`
	// OutageAfterS: seconds out of `connected` before an outage is alerted
	// (default 10: a quick reconnect pages nobody).
	OutageAfterS float64 `json:"outage_after_s"`
	// SilentAfterS: seconds without a tick on a connected connection, while
	// others flow, before it is alerted (default 30).
	SilentAfterS float64 `json:"silent_after_s"`
	// Quiet: record everything, notify nothing.
	Quiet bool `json:"quiet"`
}

// Defaults of the thresholds.
const (
	DefaultOutageAfter = 10 * time.Second
	DefaultSilentAfter = 30 * time.Second
)

// Check validates the settings; the error names the field and the range.
func (s Settings) Check() error {
	for _, k := range s.Off {
		if !slices.Contains(Kinds, k) {
			return fmt.Errorf("alert kind %q is unknown (known: %v)", k, Kinds)
		}
	}
	if s.OutageAfterS != 0 && (s.OutageAfterS < 1 || s.OutageAfterS > 3600) {
		return fmt.Errorf("outage threshold %v s: choose 1 to 3600 seconds", s.OutageAfterS)
	}
	if s.SilentAfterS != 0 && (s.SilentAfterS < 5 || s.SilentAfterS > 3600) {
		return fmt.Errorf("no-tick threshold %v s: choose 5 to 3600 seconds", s.SilentAfterS)
	}
	return nil
}

// OutageAfter is the outage threshold with its default.
func (s Settings) OutageAfter() time.Duration {
	if s.OutageAfterS <= 0 {
		return DefaultOutageAfter
	}
	return time.Duration(s.OutageAfterS * float64(time.Second))
}

// SilentAfter is the no-tick threshold with its default.
func (s Settings) SilentAfter() time.Duration {
	if s.SilentAfterS <= 0 {
		return DefaultSilentAfter
	}
	return time.Duration(s.SilentAfterS * float64(time.Second))
}

// Notifies says whether kind goes out as a notification.
func (s Settings) Notifies(k Kind) bool { return !s.Quiet && !slices.Contains(s.Off, k) }

// Filled returns s with its defaults written out, for the settings panel.
func (s Settings) Filled() Settings {
	s.OutageAfterS = s.OutageAfter().Seconds()
	s.SilentAfterS = s.SilentAfter().Seconds()
	if s.Off == nil {
		s.Off = []Kind{}
	}
	return s
}
