package verdict

import (
	"testing"
	"time"

	"github.com/tickstock/monitor/backend/wire"
)

// observe feeds tr one snapshot of a single connection at t0+sec.
func observe(tr *Tracker, sec int, c wire.Connection) Verdict {
	return tr.Judge(Evidence{At: t0.Add(time.Duration(sec) * time.Second), Mode: ModeRemote,
		Remote:     &Remote{Access: AccessObserving, LastData: wire.Unix(t0.Add(time.Duration(sec) * time.Second))},
		Snapshot:   snap(c),
		StallAfter: 3 * time.Second})
}

func TestTrackerCountersMovingAreStreamingWhateverTheWord(t *testing.T) {
	tr := NewTracker()
	c := wire.Connection{Status: "status_update"} // TickStockAppV2: no last_message_time trusted here
	var v Verdict
	for sec := 0; sec < 6; sec++ {
		c.MessageCount += 50
		v = observe(tr, sec, c)
	}
	got := v.Connections["connection_1"]
	if v.Level != OK || !got.Streaming || got.Label != "status_update · streaming" || v.Connected != 1 {
		t.Fatalf("verdict %s/%s, conn %+v; want OK and streaming", v.Level, v.Cause, got)
	}
}

func TestTrackerConnectedButStillIsSilentAfterTheStallThreshold(t *testing.T) {
	tr := NewTracker()
	c := wire.Connection{Status: wire.StatusConnected, MessageCount: 10}
	for sec := 0; sec <= 3; sec++ {
		if v := observe(tr, sec, c); v.Level != OK {
			t.Fatalf("at %d s: %s/%s, want OK within the stall threshold", sec, v.Level, v.Cause)
		}
	}
	v := observe(tr, 4, c)
	if v.Level != Degraded || v.Cause != CauseSilent || v.Connections["connection_1"].Label != "connected · silent" {
		t.Fatalf("after 4 s without a message: %s/%s %q, want degraded silent", v.Level, v.Cause, v.Connections["connection_1"].Label)
	}
	c.MessageCount++
	if v := observe(tr, 5, c); v.Level != OK {
		t.Fatalf("counters moved again: %s/%s, want OK", v.Level, v.Cause)
	}
}

func TestTrackerBelievesADownWordDespiteTheLastTicks(t *testing.T) {
	tr := NewTracker()
	c := wire.Connection{Status: wire.StatusConnected, MessageCount: 10}
	observe(tr, 0, c)
	c.Status, c.MessageCount = wire.StatusDisconnected, 20 // the last ticks arrive with the drop
	if v := observe(tr, 1, c); v.Level != Down || v.Connections["connection_1"].Streaming {
		t.Fatalf("dropped: %s/%s streaming=%v, want down", v.Level, v.Cause, v.Connections["connection_1"].Streaming)
	}
	// A server whose word lags (counters rising under "connecting", twice).
	c.Status = wire.StatusConnecting
	for sec := 2; sec < 5; sec++ {
		c.MessageCount += 10
		observe(tr, sec, c)
	}
	if v := observe(tr, 5, wire.Connection{Status: wire.StatusConnecting, MessageCount: c.MessageCount + 10}); !v.Connections["connection_1"].Streaming {
		t.Fatalf("counters rising under %q: not streaming", c.Status)
	}
}

func TestTrackerKeepsSinceAtTheStartOfTheIncident(t *testing.T) {
	tr := NewTracker()
	c := wire.Connection{Status: wire.StatusConnected, MessageCount: 1}
	observe(tr, 0, c)
	c.Status = wire.StatusDisconnected
	first := observe(tr, 1, c)
	for sec, w := range []wire.Status{wire.StatusConnecting, wire.StatusDisconnected, wire.StatusConnecting, wire.StatusError} {
		c.Status = w
		v := observe(tr, 2+sec, c)
		if v.Level != Down || v.Since != first.Since {
			t.Fatalf("retry %d (%s): %s since %v, want down since %v", sec, w, v.Level, v.Since, first.Since)
		}
	}
	c.Status, c.MessageCount = wire.StatusConnected, 2
	if v := observe(tr, 8, c); v.Level != OK || v.Since != wire.Unix(t0.Add(8*time.Second)) {
		t.Fatalf("recovered: %s since %v", v.Level, v.Since)
	}
}

// A retry that connects for a moment and fails again is the same incident:
// "down since" stays at its start (the fault matrix's dropped connection
// saw Since move by 1.4 s). Back after longer than IncidentGap, it is new.
func TestTrackerKeepsSinceThroughAMomentaryRecovery(t *testing.T) {
	tr := NewTracker()
	c := wire.Connection{Status: wire.StatusConnected, MessageCount: 1}
	observe(tr, 0, c)
	c.Status = wire.StatusDisconnected
	first := observe(tr, 1, c)
	c.Status, c.MessageCount = wire.StatusConnected, 2
	if v := observe(tr, 2, c); v.Level != OK {
		t.Fatalf("connected again: %s/%s, want OK", v.Level, v.Cause)
	}
	c.Status = wire.StatusDisconnected
	if v := observe(tr, 3, c); v.Level != Down || v.Since != first.Since {
		t.Fatalf("down again 1 s later: %s since %v, want down since %v", v.Level, v.Since, first.Since)
	}
	c.Status, c.MessageCount = wire.StatusConnected, 3
	observe(tr, 4, c)
	c.Status = wire.StatusDisconnected
	if v := observe(tr, 4+int(IncidentGap/time.Second)+1, c); v.Since == first.Since {
		t.Fatalf("down again after %v: still since %v, want a new incident", IncidentGap, first.Since)
	}
}
