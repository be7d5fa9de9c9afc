package alerts

import "github.com/tickstock/monitor/backend/verdict"

// Title is the window title for a verdict, so the taskbar shows it:
// "DOWN · not publishing — TickStock Monitor", "OK · 3/3 connected —
// TickStock Monitor" (backend/verdict's words; the browser tab's title,
// frontend/src/lib/title.ts, says the same).
func Title(v verdict.Verdict) string { return verdict.Title(v) + " — " + AppName }
