// Package keyringtest gates tests that need a real Secret Service: they run
// inside scripts/with-keyring (as make test does), which sets
// TICKSTOCK_KEYRING_TEST=1. Elsewhere they skip, and under CI=true they fail,
// so a missing keyring never hides a feature in CI.
package keyringtest

import (
	"os"
	"testing"
)

// Require skips or fails tb unless a test keyring is available.
func Require(tb testing.TB) {
	tb.Helper()
	if os.Getenv("TICKSTOCK_KEYRING_TEST") == "1" {
		return
	}
	const msg = "needs a Secret Service: run through scripts/with-keyring (make test does)"
	if os.Getenv("CI") == "true" {
		tb.Fatal(msg)
	}
	tb.Skip(msg)
}
