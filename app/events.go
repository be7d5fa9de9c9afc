package app

// Event names emitted to the frontend. frontend/src/lib/events.ts mirrors this
// list; TestEventNamesMatchFrontend keeps the two in step.
const (
	// EventStatus carries a wire.Snapshot, on change and at 1 Hz.
	EventStatus = "connections:status"
	// EventTicks carries a wire.Batch, at most every 100 ms.
	EventTicks = "ticks:batch"
	// EventMetrics carries wire.Metrics, at 1 Hz.
	EventMetrics = "ticks:metrics"
	// EventSource carries a wire.SubscriptionState, on change.
	EventSource = "source:state"
	// EventRemote carries a wire.RemoteState (remote mode), with every status.
	EventRemote = "remote:state"
	// EventReopened says the session was reopened (a profile switch); it
	// carries nothing, the window reloads and asks for everything again.
	EventReopened = "session:reopened"
	// EventVerdict carries a verdict.Verdict, on change and at 1 Hz.
	EventVerdict = "verdict:state"
	// EventIncident carries a new wire.Entry of the incident timeline.
	EventIncident = "alerts:entry"
)

// eventNames lists every event, for the frontend consistency test.
var eventNames = []string{EventStatus, EventTicks, EventMetrics, EventSource, EventRemote, EventReopened, EventIncident, EventVerdict}
