package alerts

import (
	"fmt"
	"slices"
	"time"

	"github.com/tickstock/monitor/backend/verdict"
	"github.com/tickstock/monitor/backend/wire"
)

// Kind is what an alert is about. Throttling and the on/off settings are per
// kind.
type Kind string

// The alert kinds.
const (
	// KindOutage: an incident (the verdict not OK) longer than OutageAfter.
	KindOutage Kind = "outage"
	// KindRecovered: the verdict OK again after an incident that was
	// notified; the message carries its length. Never throttled.
	KindRecovered Kind = "recovered"
	// KindAuthFailed and KindMaxConnections are named after the status
	// words they follow, and fire at once: waiting does not mend them.
	KindAuthFailed     = Kind(wire.StatusAuthFailed)
	KindMaxConnections = Kind(wire.StatusMaxConnections)
	// KindSilent: the verdict says silent (connected, no tick for the stall
	// threshold) for SilentAfter.
	KindSilent Kind = "silent"
	// KindRedisGap: ticks not published to Redis, or the monitor's own
	// Redis subscription down, longer than OutageAfter.
	KindRedisGap Kind = "redis_gap"
	// KindRemote: the remote server unreachable, its monitor unavailable,
	// or the sign-in lost after observing.
	KindRemote Kind = "remote"
)

// KindOf is the kind of an incident's alert by its root cause: the
// settings turn notifications on and off per kind.
func KindOf(c verdict.Cause) Kind {
	switch c {
	case verdict.CauseKeyRefused:
		return KindAuthFailed
	case verdict.CauseConnectionLimit:
		return KindMaxConnections
	case verdict.CauseSilent:
		return KindSilent
	case verdict.CauseNotPublishing, verdict.CauseSubscriptionLost:
		return KindRedisGap
	case verdict.CauseNotSignedIn, verdict.CauseServerUnreachable, verdict.CauseMonitorUnavailable, verdict.CauseStale:
		return KindRemote
	}
	return KindOutage
}

// Kinds lists every alert kind, in the order the settings panel shows them.
var Kinds = []Kind{KindOutage, KindRecovered, KindAuthFailed, KindMaxConnections, KindSilent, KindRedisGap, KindRemote}

// Settings say which alerts become desktop notifications. The zero value
// means every kind on, default thresholds, not quiet. They hold no secret:
// they are kept in the profiles file.
type Settings struct {
	// Off lists the kinds that are not notified (they still go in the
	// timeline).
	Off []Kind `json:"off"`
	// OutageAfterS: seconds the verdict is not OK before the incident is
	// notified (default 10: a quick reconnect pages nobody).
	OutageAfterS float64 `json:"outage_after_s"`
	// SilentAfterS: seconds the verdict says silent (connected, no tick)
	// before the incident is notified (default 30).
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
