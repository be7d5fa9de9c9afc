package verdict

import (
	"strings"
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

// hear feeds tr one snapshot at t0+sec, with the monitor's own evidence: its
// subscription is sound and it last received one of the connection's ticks
// at t0+heard (no Received at all when heard < 0).
func hear(tr *Tracker, sec, heard int, c wire.Connection) Verdict {
	at := t0.Add(time.Duration(sec) * time.Second)
	ev := Evidence{At: at, Mode: ModeRemote, Remote: &Remote{Access: AccessObserving, LastData: wire.Unix(at)},
		Snapshot: snap(c), StallAfter: 3 * time.Second, Subscription: &Subscription{OK: true}}
	if heard >= 0 {
		ev.Received = map[string]float64{"connection_1": wire.Unix(t0.Add(time.Duration(heard) * time.Second))}
	}
	return tr.Judge(ev)
}

// TickStockAppV2 does not say whether it publishes: with its Redis gone it
// still counts what the provider sends, and no tick reaches Redis. Ticks
// that stop arriving while the counters rise are ticks not published; the
// verdict holds that until one arrives again, even once the counters stop
// too (a publisher that blocks stops its provider's reader).
func TestTrackerTicksThatStopArrivingWhileCountedAreNotPublished(t *testing.T) {
	tr := NewTracker()
	c := wire.Connection{Status: "status_update"}
	step := func(sec, heard int, rising bool) Verdict {
		if rising {
			c.MessageCount += 50
		}
		return hear(tr, sec, heard, c)
	}
	for sec := 0; sec < 4; sec++ {
		if v := step(sec, sec, true); sec > 1 && v.Level != OK {
			t.Fatalf("at %d s, heard: %s/%s, want OK", sec, v.Level, v.Cause)
		}
	}
	for sec := 4; sec <= 6; sec++ { // heard last at 3 s: within the 3 s threshold
		if v := step(sec, 3, true); v.Level != OK {
			t.Fatalf("at %d s: %s/%s, want OK within the stall threshold", sec, v.Level, v.Cause)
		}
	}
	v := step(7, 3, true)
	got := v.Connections["connection_1"]
	if v.Level != Down || v.Cause != CauseNotPublishing || got.Label != "status_update · not publishing" || got.Publishing || v.Connected != 0 {
		t.Fatalf("counted, not heard for 4 s: %s/%s %+v, want down, not publishing", v.Level, v.Cause, got)
	}
	if want := "0 of 1 enabled connections deliver: Connection 1 is receiving ticks that do not reach Redis"; len(v.Sentence) < len(want) || v.Sentence[:len(want)] != want {
		t.Errorf("sentence %q", v.Sentence)
	}
	for sec := 8; sec <= 14; sec++ { // the counters stop too: still the same fault
		if v := step(sec, 3, false); v.Cause != CauseNotPublishing {
			t.Fatalf("at %d s, counters stopped: %s/%s, want not publishing held", sec, v.Level, v.Cause)
		}
	}
	if v := step(15, 15, true); v.Level != OK {
		t.Fatalf("a tick arrived again: %s/%s, want OK", v.Level, v.Cause)
	}
}

// A provider that goes quiet stops the counters and the ticks together:
// silent, not "not published". Nor is a connection this monitor never heard
// (it knows nothing of its ticks), nor one whose absence its own broken
// subscription explains.
func TestTrackerUndeliveredNeedsTicksHeardThenCountedWithoutThem(t *testing.T) {
	quiet := NewTracker()
	c := wire.Connection{Status: "status_update"}
	for sec := 0; sec < 4; sec++ {
		c.MessageCount += 50
		hear(quiet, sec, sec, c)
	}
	for sec := 4; sec < 10; sec++ {
		if v := hear(quiet, sec, 3, c); v.Cause == CauseNotPublishing {
			t.Fatalf("a quiet provider at %d s: %s/%s", sec, v.Level, v.Cause)
		}
	}

	never := NewTracker()
	c = wire.Connection{Status: "status_update"}
	for sec := 0; sec < 10; sec++ {
		c.MessageCount += 50
		if v := hear(never, sec, -1, c); v.Cause == CauseNotPublishing {
			t.Fatalf("never heard, at %d s: %s/%s", sec, v.Level, v.Cause)
		}
	}

	blind := NewTracker()
	c = wire.Connection{Status: "status_update"}
	for sec := 0; sec < 10; sec++ {
		c.MessageCount += 50
		at := t0.Add(time.Duration(sec) * time.Second)
		v := blind.Judge(Evidence{At: at, Mode: ModeRemote, Remote: &Remote{Access: AccessObserving, LastData: wire.Unix(at)},
			Snapshot: snap(c), StallAfter: 3 * time.Second, Subscription: &Subscription{OK: false},
			Received: map[string]float64{"connection_1": wire.Unix(t0)}})
		if v.Cause == CauseNotPublishing {
			t.Fatalf("own subscription down, at %d s: %s/%s", sec, v.Level, v.Cause)
		}
		// Nor is it said to publish: nothing says so.
		if sec > 1 && (v.Cause != CauseSubscriptionLost || !strings.Contains(v.Sentence, "stream, but") || !strings.Contains(v.Sentence, "whether their ticks reach Redis cannot be seen")) {
			t.Fatalf("own subscription down, at %d s: %s/%s %q", sec, v.Level, v.Cause, v.Sentence)
		}
	}
}

// TickStockAppV2 labels each tick with the connection its ticker is
// assigned to: a ticker moved to connection 2 is still counted by
// connection 1's provider socket. Connection 1's counters then rise while
// none of "its" ticks arrives, but connection 2's do: Redis works, nothing
// is unpublished.
func TestTrackerTicksOfAnotherConnectionArrivingMeanRedisWorks(t *testing.T) {
	tr := NewTracker()
	one, two := wire.Connection{Status: "status_update"}, wire.Connection{Status: "status_update"}
	for sec := 0; sec < 12; sec++ {
		one.MessageCount += 50
		two.MessageCount += 50
		at := t0.Add(time.Duration(sec) * time.Second)
		heardOne := t0.Add(time.Duration(min(sec, 3)) * time.Second) // its tickers moved at 3 s
		v := tr.Judge(Evidence{At: at, Mode: ModeRemote, Remote: &Remote{Access: AccessObserving, LastData: wire.Unix(at)},
			Snapshot:   &wire.Snapshot{Connections: map[string]wire.Connection{"connection_1": one, "connection_2": two}},
			StallAfter: 3 * time.Second, Subscription: &Subscription{OK: true},
			Received: map[string]float64{"connection_1": wire.Unix(heardOne), "connection_2": wire.Unix(at)}})
		if v.Cause == CauseNotPublishing || v.Connections["connection_1"].Cause == CauseNotPublishing {
			t.Fatalf("at %d s: %s/%s, connection_1 %+v: ticks of connection 2 arrive, Redis works", sec, v.Level, v.Cause, v.Connections["connection_1"])
		}
	}
}

// TickStockAppV2 sends its counters every 5 s, counting what it read up to
// then: figures that arrive after the last tick still rise, for ticks that
// arrived before it. A provider that goes quiet is not "not publishing".
func TestTrackerCountersReportedLateAreNotTicksLost(t *testing.T) {
	tr := NewTracker()
	c := wire.Connection{Status: "status_update"}
	var data time.Time // when the current figures arrived
	for sec := 0; sec <= 20; sec++ {
		at := t0.Add(time.Duration(sec) * time.Second)
		if sec%2 == 1 { // figures every 2 s (the stall threshold is 3 s), counting ticks up to 10 s
			c.MessageCount = int64(50 * min(sec, 10))
			data = at
		}
		heard := t0.Add(time.Duration(min(sec, 10)) * time.Second)
		v := tr.Judge(Evidence{At: at, Mode: ModeRemote, Remote: &Remote{Access: AccessObserving, LastData: wire.Unix(data)},
			Snapshot: snap(c), StallAfter: 3 * time.Second, Subscription: &Subscription{OK: true},
			Received: map[string]float64{"connection_1": wire.Unix(heard)}})
		if v.Cause == CauseNotPublishing {
			t.Fatalf("at %d s (last tick at 10 s, figures late): %s/%s", sec, v.Level, v.Cause)
		}
	}
}
