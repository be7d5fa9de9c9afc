// Package verdict is the one judgement of a monitoring session: OK,
// DEGRADED, DOWN or UNKNOWN, with one sentence naming the cause and what to
// do. It is computed once, from everything the session knows (each
// connection's provider status and the evidence of its counters, whether
// ticks are being published, the monitor's own Redis subscription, the
// remote sign-in, how current the figures are), and every surface shows it:
// the window's header line, title, badges and totals, the browser tab, the
// alerts, `tickstock-ingest status`, `/health` and the metrics.
//
// The types here are the wire shape (the Wails event `verdict:state`, the
// `/health` JSON); Judge (judge.go) is a pure function and the only place
// that decides a level.
package verdict

// Level is how bad things are. The four words are the contract.
type Level string

const (
	// OK: every enabled connection streams and its ticks are published.
	OK Level = "ok"
	// Degraded: data flows, but not all of it (some connections down or
	// silent, the monitor's own view partial).
	Degraded Level = "degraded"
	// Down: no tick reaches Redis (every connection down, or publishing
	// failed), or the observed server is unreachable.
	Down Level = "down"
	// Unknown: nothing can be judged (not signed in, wrong password, not an
	// admin, the server's connection monitor unavailable, bad
	// configuration, nothing received yet).
	Unknown Level = "unknown"
)

// Levels are the four words, best first.
var Levels = [...]Level{OK, Degraded, Down, Unknown}

// Cause names what a verdict rests on: the root cause of an incident. Two
// failures with one cause (every connection refused the same key, Redis
// unreachable for all of them) are one incident.
type Cause string

const (
	CauseHealthy            Cause = "healthy"
	CauseStarting           Cause = "starting"            // nothing known yet
	CauseConfiguration      Cause = "configuration"       // nothing runs: bad configuration
	CauseNoneEnabled        Cause = "none_enabled"        // no connection is enabled
	CauseNotPublishing      Cause = "not_publishing"      // ticks cannot be published to Redis
	CauseSubscriptionLost   Cause = "subscription_lost"   // the monitor's own Redis subscription is down
	CauseProviderDown       Cause = "provider_down"       // connections not connected to the provider
	CauseKeyRefused         Cause = "key_refused"         // the provider refused the API key (auth_failed)
	CauseConnectionLimit    Cause = "connection_limit"    // the provider's per-key connection limit (max_connections)
	CauseSilent             Cause = "silent"              // connected, but nothing received for the stall threshold
	CauseNotSignedIn        Cause = "not_signed_in"       // remote: no password yet, signing in, wrong password, not an admin, expired
	CauseServerUnreachable  Cause = "server_unreachable"  // remote: the server does not answer
	CauseMonitorUnavailable Cause = "monitor_unavailable" // remote: signed in, the server's connection monitor is not available
	CauseStale              Cause = "stale"               // remote: the figures are not current
)

// Verdict is the session's judgement at one moment.
type Verdict struct {
	Level Level `json:"level"`
	Cause Cause `json:"cause"`
	// Sentence names the cause and what to do, for a person: the header
	// line, the status command's first line, the alert's text.
	Sentence string `json:"sentence"`
	// Detail is the technical reason behind the sentence (the publisher's
	// or the subscription's error, the observer's sentence); it may name
	// where Redis is, so anonymous callers of /health never get it.
	Detail string `json:"detail,omitempty"`
	// Since is when this level and cause began (Unix s): the start of the
	// incident, not of the last retry.
	Since float64 `json:"since"`
	// At is when the verdict was computed (Unix s).
	At float64 `json:"at"`
	// Connected counts the enabled connections that deliver end to end
	// (streaming and published); Enabled the enabled ones. The totals'
	// "Connected N/M" and the title show these, never the server's
	// connected_count alone.
	Connected int `json:"connected"`
	Enabled   int `json:"enabled"`
	// Queued is the publisher's queue (ticks waiting for Redis) where this
	// process publishes; 0 otherwise.
	Queued int `json:"queued"`
	// Connections is the verdict of each enabled slot, keyed by slot ID.
	Connections map[string]Conn `json:"connections"`
}

// Conn is one connection's part of the verdict.
type Conn struct {
	Level Level `json:"level"`
	// Status is the word as the server (or our manager) reported it,
	// shown as sent, also when it is not one of the contract's seven.
	Status string `json:"status"`
	// Label is what the badge shows: the word, and beside it what the
	// evidence says when that differs ("connected · not publishing",
	// "status_update · streaming", "connected · silent",
	// "error · not counted"). Never plain "connected" unless the
	// connection delivers end to end.
	Label string `json:"label"`
	// Streaming: the counters move (messages rising, last message fresh),
	// whatever word the server sends.
	Streaming bool `json:"streaming"`
	// Publishing: its ticks reach Redis (false while the publisher fails, or
	// while they stop arriving though its server counts them: Undelivered).
	Publishing bool  `json:"publishing"`
	Cause      Cause `json:"cause"`
	// Sentence: why this level, for the badge's hover.
	Sentence string `json:"sentence"`
	// Lost counts ticks of this connection that were received from the
	// provider and never published (dropped), shown as lost.
	Lost int64 `json:"lost"`
}
