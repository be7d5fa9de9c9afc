package app

// Event names emitted to the frontend. frontend/src/lib/events.ts mirrors this
// list; TestEventNamesMatchFrontend keeps the two in step.
const (
	// EventStatus carries a manager.Snapshot, on change and at 1 Hz.
	EventStatus = "connections:status"
)

// eventNames lists every event, for the frontend consistency test.
var eventNames = []string{EventStatus}
