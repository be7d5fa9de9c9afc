package alerts

import (
	"time"

	"github.com/tickstock/monitor/backend/wire"
)

// Entry kinds in the incident timeline.
const (
	EntryTransition = "transition" // a connection's status changed
	EntryGap        = "gap"        // the Redis subscription was down: ticks lost to this monitor
	EntryAlert      = "alert"      // an alert (notified or not: see Notified, Note)
	EntryRemote     = "remote"     // the remote server's sign-in state changed
	EntrySilence    = "silence"    // a connected connection had no tick while others flowed
	EntrySession    = "session"    // the monitor started or stopped: nothing is known between
	// EntryIncident: the verdict left OK (an incident opened), its root
	// cause or level changed, or it was OK again (closed: To "healthy").
	EntryIncident = "incident"
)

// Pseudo connection ids for entries that are not about one connection.
const (
	ConnRedis  = "redis"
	ConnRemote = "remote"
)

// Entry is one line of the incident timeline. Times are Unix seconds.
type Entry struct {
	ID         int64   `json:"id"` // set by the history store; 0 before
	At         float64 `json:"at"`
	Connection string  `json:"connection"` // connection_N, "redis" or "remote"
	Kind       string  `json:"kind"`       // Entry… constants
	Alert      Kind    `json:"alert,omitempty"`
	From       string  `json:"from,omitempty"` // previous status / state
	To         string  `json:"to,omitempty"`   // new status / state
	// Cause is the error sentence behind it ("" when none is known); for
	// incident entries and their alerts, the verdict's cause word.
	Cause string `json:"cause"`
	// Duration, seconds: for a return to `connected` the whole outage, for
	// other transitions the time in the previous status, for a gap or a
	// silence its length, for an alert the time the condition had lasted.
	Duration   float64 `json:"duration"`
	Reconnects int64   `json:"reconnects"`
	// Message is the entry as a sentence.
	Message string `json:"message"`
	// Notified: a desktop notification went out for this alert.
	Notified bool `json:"notified"`
	// Note says why an alert was not notified (off, quiet, throttled, the
	// notifier's error).
	Note string `json:"note,omitempty"`
	// Incident is the start (Unix s) of the incident this entry belongs
	// to, the incident's key; 0: none was open.
	Incident float64 `json:"incident"`
	// Level is the verdict's level, for incident entries and their alerts.
	Level string `json:"level,omitempty"`
}

// Time is At as a time.Time.
func (e Entry) Time() time.Time { return wire.Time(e.At) }
