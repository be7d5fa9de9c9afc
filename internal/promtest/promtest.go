// Package promtest runs Prometheus's own checker, promtool (Debian package
// prometheus, installed by scripts/setup), from tests: a missing promtool
// skips the test, and fails it under CI=true.
package promtest

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Need skips tb (fails it under CI=true) when promtool is missing.
func Need(tb testing.TB) {
	tb.Helper()
	if _, err := exec.LookPath("promtool"); err != nil {
		msg := "promtool is not installed; run scripts/setup (Debian package prometheus)"
		if os.Getenv("CI") == "true" {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
}

// CheckMetrics runs `promtool check metrics` on an exposition (a scrape): it
// must pass without a single lint remark.
func CheckMetrics(tb testing.TB, exposition string) {
	tb.Helper()
	Need(tb)
	cmd := exec.Command("promtool", "check", "metrics")
	cmd.Stdin = strings.NewReader(exposition)
	out, err := cmd.CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) != 0 {
		tb.Fatalf("promtool check metrics: %v\n%s", err, out)
	}
}

// Run runs promtool with args and returns its output; a failure fails tb.
func Run(tb testing.TB, args ...string) string {
	tb.Helper()
	Need(tb)
	out, err := exec.Command("promtool", args...).CombinedOutput()
	if err != nil {
		tb.Fatalf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}
