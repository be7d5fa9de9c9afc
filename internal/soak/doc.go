// Package soak holds the long fault-injection run of the whole pipeline
// (make soak): the provider simulator, the manager, a real redis-server, the
// monitor and a viewer on the admin API's push stream, for 30 minutes at
// 10,000 ticks/s with a fault every few minutes. It is built only with the
// "soak" tag, so go test ./... and make test never start it.
package soak
