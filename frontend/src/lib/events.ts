// Event names emitted by the Go side; mirrors app/events.go (a Go test keeps
// the two lists equal).
export const EventStatus = 'connections:status';
