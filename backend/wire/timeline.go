package wire

import "time"

// AlertKind is what an alert is about. Throttling and the on/off settings
// are per kind.
type AlertKind string

// The alert kinds.
const (
	// AlertOutage: an incident (the verdict not OK) longer than the outage
	// threshold.
	AlertOutage AlertKind = "outage"
	// AlertRecovered: the verdict OK again after an incident that was
	// notified; the message carries its length. Never throttled.
	AlertRecovered AlertKind = "recovered"
	// AlertAuthFailed and AlertMaxConnections are the status words they
	// follow (TestAlertKindsNameTheirStatus), and fire at once: waiting
	// does not mend them.
	AlertAuthFailed     AlertKind = "auth_failed"
	AlertMaxConnections AlertKind = "max_connections"
	// AlertSilent: the verdict says silent (connected, no tick for the
	// stall threshold) for the silence threshold.
	AlertSilent AlertKind = "silent"
	// AlertRedisGap: ticks not published to Redis, or the monitor's own
	// Redis subscription down, longer than the outage threshold.
	AlertRedisGap AlertKind = "redis_gap"
	// AlertRemote: the remote server unreachable, its monitor unavailable,
	// or the sign-in lost after observing.
	AlertRemote AlertKind = "remote"
)

// AlertKinds lists every alert kind, in the order the settings panel shows
// them.
var AlertKinds = []AlertKind{AlertOutage, AlertRecovered, AlertAuthFailed, AlertMaxConnections, AlertSilent, AlertRedisGap, AlertRemote}

// EntryKind is what a line of the incident timeline records.
type EntryKind string

// The timeline's entry kinds.
const (
	EntryTransition EntryKind = "transition" // a connection's status changed
	EntryGap        EntryKind = "gap"        // the Redis subscription was down: ticks lost to this monitor
	EntryAlert      EntryKind = "alert"      // an alert (notified or not: see Notified, Note)
	EntryRemote     EntryKind = "remote"     // the remote server's sign-in state changed
	EntrySilence    EntryKind = "silence"    // a connected connection had no tick while others flowed
	EntrySession    EntryKind = "session"    // the monitor started or stopped: nothing is known between
	// EntryIncident: the verdict left OK (an incident opened), its root
	// cause or level changed, or it was OK again (closed: To "healthy").
	EntryIncident EntryKind = "incident"
)

// EntryKinds lists every entry kind (TestWordSetsMatchFrontend in alerts
// holds the frontend's copy to it).
var EntryKinds = []EntryKind{EntryTransition, EntryGap, EntryAlert, EntryRemote, EntrySilence, EntrySession, EntryIncident}

// Pseudo connection ids of timeline entries that are not about one
// connection.
const (
	ConnRedis  = "redis"
	ConnRemote = "remote"
)

// Entry is one line of the incident timeline (the window's timeline, the
// history file, the export). Times are Unix seconds.
type Entry struct {
	ID         int64     `json:"id"` // set by the history store; 0 before
	At         float64   `json:"at"`
	Connection string    `json:"connection"` // connection_N, ConnRedis or ConnRemote
	Kind       EntryKind `json:"kind"`
	Alert      AlertKind `json:"alert,omitempty"`
	From       string    `json:"from,omitempty"` // previous status / state
	To         string    `json:"to,omitempty"`   // new status / state
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
func (e Entry) Time() time.Time { return Time(e.At) }
