// Package wait is the tests' one way to wait for something that happens on
// other goroutines or processes: poll a condition, fail with what was awaited.
package wait

import (
	"testing"
	"time"
)

// For polls cond every 10 ms until it holds, and fails tb with "not within
// <within>: <what>" if it does not hold in time.
func For(tb testing.TB, what string, within time.Duration, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("not within %v: %s", within, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
