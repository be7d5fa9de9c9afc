package alerts

import (
	"fmt"
	"slices"
	"time"

	"github.com/tickstock/monitor/backend/verdict"
	"github.com/tickstock/monitor/backend/wire"
)

// KindOf is the kind of an incident's alert by its root cause: the
// settings turn notifications on and off per kind.
func KindOf(c verdict.Cause) wire.AlertKind {
	switch c {
	case verdict.CauseKeyRefused:
		return wire.AlertAuthFailed
	case verdict.CauseConnectionLimit:
		return wire.AlertMaxConnections
	case verdict.CauseSilent:
		return wire.AlertSilent
	case verdict.CauseNotPublishing, verdict.CauseSubscriptionLost:
		return wire.AlertRedisGap
	case verdict.CauseNotSignedIn, verdict.CauseServerUnreachable, verdict.CauseMonitorUnavailable, verdict.CauseStale:
		return wire.AlertRemote
	}
	return wire.AlertOutage
}

// Settings say which alerts become desktop notifications. The zero value
// means every kind on, default thresholds, not quiet. They hold no secret:
// they are kept in the profiles file.
type Settings struct {
	// Off lists the kinds that are not notified (they still go in the
	// timeline).
	Off []wire.AlertKind `json:"off"`
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
		if !slices.Contains(wire.AlertKinds, k) {
			return fmt.Errorf("alert kind %q is unknown (known: %v)", k, wire.AlertKinds)
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
func (s Settings) Notifies(k wire.AlertKind) bool { return !s.Quiet && !slices.Contains(s.Off, k) }

// Filled returns s with its defaults written out, for the settings panel.
func (s Settings) Filled() Settings {
	s.OutageAfterS = s.OutageAfter().Seconds()
	s.SilentAfterS = s.SilentAfter().Seconds()
	if s.Off == nil {
		s.Off = []wire.AlertKind{}
	}
	return s
}
