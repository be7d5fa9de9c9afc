package verdict

import "fmt"

// Title is the short form of a verdict for a window or browser tab title,
// e.g. "OK · 3/3 connected", "DOWN · not publishing", "UNKNOWN · not
// signed in". The frontend and the tests use this one wording.
func Title(v Verdict) string {
	switch v.Cause {
	case CauseHealthy:
		return fmt.Sprintf("OK · %d/%d connected", v.Connected, v.Enabled)
	case CauseProviderDown, CauseKeyRefused, CauseConnectionLimit, CauseSilent:
		return fmt.Sprintf("%s · %d/%d connected · %s", Word(v.Level), v.Connected, v.Enabled, causeTitle(v.Cause))
	}
	return Word(v.Level) + " · " + causeTitle(v.Cause)
}

// Word is the level in capitals, as titles and the header show it.
func Word(l Level) string {
	switch l {
	case OK:
		return "OK"
	case Degraded:
		return "DEGRADED"
	case Down:
		return "DOWN"
	}
	return "UNKNOWN"
}

func causeTitle(c Cause) string {
	switch c {
	case CauseStarting:
		return "starting"
	case CauseConfiguration:
		return "configuration problem"
	case CauseNoneEnabled:
		return "no connection enabled"
	case CauseNotPublishing:
		return "not publishing"
	case CauseSubscriptionLost:
		return "monitor's subscription lost"
	case CauseProviderDown:
		return "provider down"
	case CauseKeyRefused:
		return "key refused"
	case CauseConnectionLimit:
		return "connection limit"
	case CauseSilent:
		return "silent"
	case CauseNotSignedIn:
		return "not signed in"
	case CauseServerUnreachable:
		return "server unreachable"
	case CauseMonitorUnavailable:
		return "server's monitor unavailable"
	case CauseStale:
		return "figures stale"
	}
	return string(c)
}

// Plugin exit codes and words of the Nagios/Icinga convention, which
// `tickstock-ingest status` follows.
const (
	ExitOK       = 0
	ExitWarning  = 1
	ExitCritical = 2
	ExitUnknown  = 3
)

// Plugin is the level as a monitoring plugin states it: the word of its
// first line and its exit code (DEGRADED is WARNING, DOWN is CRITICAL).
func Plugin(l Level) (word string, code int) {
	switch l {
	case OK:
		return "OK", ExitOK
	case Degraded:
		return "WARNING", ExitWarning
	case Down:
		return "CRITICAL", ExitCritical
	}
	return "UNKNOWN", ExitUnknown
}

// HTTPCode is /health's answer for a level: 200 only when data flows (OK or
// degraded); 503 when down, and when nothing can be judged (unknown): a
// load balancer or uptime check must not call a server healthy that
// cannot say it is.
func HTTPCode(l Level) int {
	if l == OK || l == Degraded {
		return 200
	}
	return 503
}
