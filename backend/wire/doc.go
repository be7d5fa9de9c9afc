// Package wire is the wire contract of connection health, shared by every
// package that produces or reads it: the status words, the health Snapshot
// (the Wails method, the admin API's "data", the push stream), the three
// connection slots and their IDs ("connection_1" … "connection_3"), and
// times as Unix float seconds.
//
// The manager fills a Snapshot, the remote observer decodes one, the admin
// API serves one, the window and the alerts read one; none of them needs to
// import another to speak it. The package has no project imports and no
// state, so it is safe for concurrent use.
package wire
