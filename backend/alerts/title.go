package alerts

import (
	"fmt"

	"github.com/tickstock/monitor/backend/verdict"
)

// causeWords are the few words that name a cause in a title or a
// notification's title; frontend/src/lib/title.ts has the same list.
var causeWords = map[verdict.Cause]string{
	verdict.CauseHealthy:            "healthy",
	verdict.CauseStarting:           "starting",
	verdict.CauseConfiguration:      "not running",
	verdict.CauseNoneEnabled:        "no connections",
	verdict.CauseNotPublishing:      "Redis not reachable",
	verdict.CauseSubscriptionLost:   "Redis subscription lost",
	verdict.CauseProviderDown:       "provider connection down",
	verdict.CauseKeyRefused:         "API key refused",
	verdict.CauseConnectionLimit:    "connection limit",
	verdict.CauseSilent:             "no ticks (silent)",
	verdict.CauseNotSignedIn:        "not signed in",
	verdict.CauseServerUnreachable:  "server unreachable",
	verdict.CauseMonitorUnavailable: "server's monitor unavailable",
	verdict.CauseStale:              "figures not current",
}

// CauseWords names a cause in a few words: "Redis not reachable".
func CauseWords(c verdict.Cause) string {
	if w, ok := causeWords[c]; ok {
		return w
	}
	return string(c)
}

// Title is the window title for a verdict, so the taskbar shows it:
// "DOWN · Redis not reachable — TickStock Monitor", "OK · 3/3 connected —
// TickStock Monitor". The browser tab's title says the same
// (frontend/src/lib/title.ts).
func Title(v verdict.Verdict) string {
	words := CauseWords(v.Cause)
	if v.Level == verdict.OK || (v.Level == verdict.Degraded && v.Cause != verdict.CauseSilent && v.Enabled > 0 && v.Connected < v.Enabled) {
		words = fmt.Sprintf("%d/%d connected", v.Connected, v.Enabled)
		if v.Level != verdict.OK {
			words = CauseWords(v.Cause) + " · " + words
		}
	}
	return upper(v.Level) + " · " + words + " — " + AppName
}
