//go:build soak

package soak

import (
	"fmt"
	"runtime"
	"strings"
	"time"
)

func render(dur time.Duration, rate float64, took time.Duration, samples []sample, phases []phase, total phase, v *viewer, r *rig) string {
	var b strings.Builder
	w := func(f string, a ...any) { fmt.Fprintf(&b, f, a...) }
	w("# Soak run (make soak)\n\n")
	w("Written by `make soak` (internal/soak, build tag `soak`; not part of `make test`). ")
	w("The real pipeline: the provider simulator (backend/simulator) → the manager over 3 WebSocket connections → ")
	w("the publisher → a real redis-server → the monitor's subscription, plus a viewer signed in to the ")
	w("admin API's /admin-ws push stream (the same http.Server and handler as `tickstock-ingest serve`).\n\n")
	w("- planned: %v at %.0f ticks/s in all (%.0f per connection); ran %v on %s, %d CPUs, %s\n",
		dur, rate, rate/3, took.Round(time.Second), runtime.GOOS+"/"+runtime.GOARCH, runtime.NumCPU(), runtime.Version())
	w("- written: %s\n", time.Now().UTC().Format("2006-01-02 15:04 UTC"))
	w("- a fault every %v; each phase ends at a quiet moment (simulator paused until the publisher queue is empty and the counters stop), so its accounting is exact\n\n", (dur / time.Duration(len(phases))).Round(time.Second))

	w("## Accounting per connection and phase\n\n")
	w("received = ticks the manager took from the provider (all of which it offered for publishing); ")
	w("queue drops = refused by the full publisher queue (the manager's `publish_dropped`); ")
	w("Redis drops = in pipelines that Redis failed (the publisher's count); unheard = accepted by Redis while no client was subscribed ")
	w("(the publisher's count of PUBLISH replies of 0); seen = valid ticks the monitor received on that connection. ")
	w("**unexplained = received − seen − queue drops − Redis drops − unheard** must be 0.\n\n")
	w("Each phase runs from the end of the previous one through its fault and the recovery.\n\n")
	w("| phase | connection | received | seen | queue drops | Redis drops | unheard | unexplained |\n|---|---|---:|---:|---:|---:|---:|---:|\n")
	for _, p := range append(phases, total) {
		u := p.unexplained()
		for i, id := range ids {
			name := ""
			if i == 0 {
				name = p.name
			}
			w("| %s | %s | %d | %d | %d | %d | %d | %d |\n", name, id, p.d.received[i], p.d.seen[i], p.d.queueDrop[i], p.d.redisDrop[i], p.d.unheard[i], u[i])
		}
	}
	w("\nIn the phases with a Redis fault the identity cannot hold by construction, and the table shows by how much: ")
	w("Redis pub/sub keeps nothing for an absent subscriber, so ticks Redis accepted while the monitor was ")
	w("resubscribing are counted as unheard when no client at all was subscribed; those that died in the killed server's buffers are a positive remainder, which the monitor ")
	w("records as a gap; a negative remainder is pipelines the publisher counted as failed (its 3 s timeout during ")
	w("the freeze) that Redis still executed after SIGCONT. Every other phase must show 0.\n")
	w("\n## Faults and what was observed\n\n")
	for _, p := range phases {
		if p.note != "" {
			w("- **%s**: %s\n", p.name, p.note)
		}
	}
	w("\nSteady viewer on /admin-ws: %d messages (%d status), longest silence %.1f s",
		v.msgs.Load(), v.status.Load(), float64(v.maxGapNs.Load())/1e9)
	if e, _ := v.closedErr.Load().(string); e != "" {
		w(", stream ENDED: %s", e)
	}
	w(".\nMonitor gaps recorded: %d", r.mon.Subscription().Gaps)
	if g := r.mon.Subscription().LastGap; g != nil {
		w(" (last: %.1f s, %s)", g.Seconds, g.Reason)
	}
	w(".\n\n## Every 30 s\n\n")
	w("| t (s) | RSS MiB | redis-server RSS MiB | goroutines | received | seen | connected | monitor | viewers |\n|---:|---:|---:|---:|---:|---:|---:|---|---:|\n")
	for _, s := range samples {
		w("| %.0f | %.1f | %.1f | %d | %d | %d | %d/3 | %s | %d |\n", s.at.Seconds(), s.rssMiB, s.redisMiB, s.goroutines, s.received, s.seen, s.connected, s.source, s.viewers)
	}
	return b.String()
}
