// Event names emitted by the Go side; mirrors app/events.go (a Go test keeps
// the two lists equal).
export const EventStatus = 'connections:status';
export const EventTicks = 'ticks:batch';
export const EventMetrics = 'ticks:metrics';
export const EventSource = 'source:state';
export const EventRemote = 'remote:state';
export const EventReopened = 'session:reopened';
export const EventIncident = 'alerts:entry';
export const EventVerdict = 'verdict:state';
