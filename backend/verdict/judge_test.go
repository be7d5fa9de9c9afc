package verdict

import (
	"strings"
	"testing"
	"time"

	"github.com/tickstock/monitor/backend/wire"
)

var t0 = time.Unix(1_800_000_000, 0)

// conn is an enabled connection as our manager reports it; fresh: its last
// message arrived a second before t0.
func conn(status wire.Status, fresh bool) wire.Connection {
	c := wire.Connection{Enabled: true, Status: status, MessageCount: 100, ConnectedSince: wire.Unix(t0.Add(-time.Minute))}
	if fresh {
		c.LastMessageTime = wire.Unix(t0.Add(-time.Second))
	} else {
		c.LastMessageTime = wire.Unix(t0.Add(-time.Minute))
	}
	return c
}

func snap(conns ...wire.Connection) *wire.Snapshot {
	s := &wire.Snapshot{Connections: map[string]wire.Connection{}}
	for i, c := range conns {
		s.Connections[wire.SlotID(i+1)] = c
	}
	return s
}

// tsv2 is a connection as TickStockAppV2 lists it: no enabled field.
func tsv2(status wire.Status, fresh bool) wire.Connection {
	c := conn(status, fresh)
	c.Enabled, c.ConnectedSince = false, 0
	return c
}

func TestJudge(t *testing.T) {
	streaming := conn(wire.StatusConnected, true)
	publishing := &Publishing{OK: true}
	failing := &Publishing{OK: false, Detail: "cannot publish to Redis at 10.1.2.3:6379 db 0: i/o timeout", Since: t0.Add(-2 * time.Second), Unheard: map[string]int64{"connection_1": 5}}
	lost := conn(wire.StatusConnected, true)
	lost.PublishDropped = 40
	disabled := conn(wire.StatusDisabled, false)
	disabled.Enabled = false
	justConnected := conn(wire.StatusConnected, false)
	justConnected.LastMessageTime, justConnected.ConnectedSince = 0, wire.Unix(t0.Add(-time.Second))
	cases := []struct {
		name      string
		ev        Evidence
		level     Level
		cause     Cause
		connected int
		enabled   int
		labels    map[string]string // slot → badge label
		sentence  string            // a part of the sentence
	}{
		{name: "configuration problem", ev: Evidence{Mode: ModeIdle, Problem: "REDIS_URL: not a URL."},
			level: Unknown, cause: CauseConfiguration, sentence: "Nothing runs: REDIS_URL: not a URL. Fix the configuration"},
		{name: "nothing received yet", ev: Evidence{Mode: ModeLocal},
			level: Unknown, cause: CauseStarting, sentence: "waiting"},
		{name: "no connection enabled", ev: Evidence{Mode: ModeLocal, Snapshot: snap(disabled)},
			level: Unknown, cause: CauseNoneEnabled, sentence: "enable a connection"},
		{name: "healthy", ev: Evidence{Mode: ModeLocal, Snapshot: snap(streaming, streaming, streaming), Publishing: publishing, Subscription: &Subscription{OK: true}},
			level: OK, cause: CauseHealthy, connected: 3, enabled: 3, labels: map[string]string{"connection_1": "connected"}, sentence: "All 3 enabled connections stream and their ticks are published"},
		{name: "disabled slot does not count", ev: Evidence{Mode: ModeLocal, Snapshot: snap(streaming, disabled), Publishing: publishing},
			level: OK, cause: CauseHealthy, connected: 1, enabled: 1},
		{name: "connected, no tick yet, within the stall threshold", ev: Evidence{Mode: ModeLocal, Snapshot: snap(justConnected), Publishing: publishing},
			level: OK, cause: CauseHealthy, connected: 1, enabled: 1},
		{name: "publishing fails", ev: Evidence{Mode: ModeLocal, Snapshot: snap(lost, streaming, conn(wire.StatusDisconnected, false)), Publishing: failing, Subscription: &Subscription{OK: false}},
			level: Down, cause: CauseNotPublishing, connected: 0, enabled: 3,
			labels:   map[string]string{"connection_1": "connected · not publishing", "connection_3": "disconnected"},
			sentence: "No tick reaches Redis: 2 of 3 enabled connections receive ticks that cannot be published"},
		{name: "the monitor's own subscription lost", ev: Evidence{Mode: ModeLocal, Snapshot: snap(streaming), Publishing: publishing, Subscription: &Subscription{Detail: "Redis at 10.1.2.3:6379 does not answer"}},
			level: Degraded, cause: CauseSubscriptionLost, connected: 1, enabled: 1, sentence: "own Redis subscription is down"},
		{name: "one connection dropped", ev: Evidence{Mode: ModeLocal, Snapshot: snap(streaming, conn(wire.StatusDisconnected, false), streaming), Publishing: publishing},
			level: Degraded, cause: CauseProviderDown, connected: 2, enabled: 3, labels: map[string]string{"connection_2": "disconnected"},
			sentence: "2 of 3 enabled connections deliver: Connection 2 is not connected to the provider"},
		{name: "every connection retrying", ev: Evidence{Mode: ModeLocal, Snapshot: snap(conn(wire.StatusConnecting, false), conn(wire.StatusDisconnected, false)), Publishing: publishing},
			level: Down, cause: CauseProviderDown, connected: 0, enabled: 2, sentence: "Connection 1 and Connection 2 are not connected"},
		{name: "key refused is the root cause of the others' retries", ev: Evidence{Mode: ModeLocal, Snapshot: snap(conn(wire.StatusAuthFailed, false), conn(wire.StatusConnecting, false)), Publishing: publishing},
			level: Down, cause: CauseKeyRefused, enabled: 2, sentence: "MASSIVE_API_KEY"},
		{name: "connection limit", ev: Evidence{Mode: ModeLocal, Snapshot: snap(streaming, conn(wire.StatusMaxConnections, false)), Publishing: publishing},
			level: Degraded, cause: CauseConnectionLimit, connected: 1, enabled: 2},
		{name: "connected but silent", ev: Evidence{Mode: ModeLocal, Snapshot: snap(streaming, conn(wire.StatusConnected, false)), Publishing: publishing},
			level: Degraded, cause: CauseSilent, connected: 1, enabled: 2, labels: map[string]string{"connection_2": "connected · silent"},
			sentence: "Connection 2 is connected but silent for over 10s"},
		{name: "silent and down: down wins the cause, silent keeps it degraded", ev: Evidence{Mode: ModeLocal, Snapshot: snap(conn(wire.StatusConnected, false), conn(wire.StatusDisconnected, false)), Publishing: publishing},
			level: Degraded, cause: CauseProviderDown, connected: 0, enabled: 2},
		{name: "remote not signed in", ev: Evidence{Mode: ModeRemote, Remote: &Remote{Access: AccessNotSignedIn, Detail: "Enter the password of admin@example.com."}, Snapshot: snap()},
			level: Unknown, cause: CauseNotSignedIn, sentence: "Not signed in to the server, so nothing is judged: Enter the password of admin@example.com."},
		{name: "remote unreachable", ev: Evidence{Mode: ModeRemote, Remote: &Remote{Access: AccessUnreachable}, Snapshot: snap(streaming)},
			level: Down, cause: CauseServerUnreachable, sentence: "The server does not answer: check that it runs"},
		{name: "remote monitor unavailable", ev: Evidence{Mode: ModeRemote, Remote: &Remote{Access: AccessMonitorUnavailable}},
			level: Unknown, cause: CauseMonitorUnavailable, sentence: "restart the server"},
		{name: "remote signed in, no figures yet", ev: Evidence{Mode: ModeRemote, Remote: &Remote{Access: AccessObserving}, Snapshot: snap()},
			level: Unknown, cause: CauseStarting, sentence: "waiting for the server's first health figures"},
		{name: "remote figures stale", ev: Evidence{Mode: ModeRemote, Remote: &Remote{Access: AccessObserving, LastData: wire.Unix(t0.Add(-time.Minute))}, Snapshot: snap(streaming)},
			level: Unknown, cause: CauseStale, sentence: "more than 15s old"},
		{name: "TickStockAppV2 streaming as status_update", ev: Evidence{Mode: ModeRemote, Remote: &Remote{Access: AccessObserving, LastData: wire.Unix(t0)}, Snapshot: snap(tsv2("status_update", true), tsv2(wire.StatusDisconnected, false))},
			level: Degraded, cause: CauseProviderDown, connected: 1, enabled: 2, labels: map[string]string{"connection_1": "status_update · streaming"}},
		{name: "TickStockAppV2 word without ticks is silent", ev: Evidence{Mode: ModeRemote, Remote: &Remote{Access: AccessObserving, LastData: wire.Unix(t0)}, Snapshot: snap(tsv2("status_update", false))},
			level: Degraded, cause: CauseSilent, enabled: 1, labels: map[string]string{"connection_1": "status_update · silent"}},
		{name: "a fresh last message does not make a dropped connection streaming", ev: Evidence{Mode: ModeLocal, Snapshot: snap(conn(wire.StatusDisconnected, true)), Publishing: publishing},
			level: Down, cause: CauseProviderDown, enabled: 1, labels: map[string]string{"connection_1": "disconnected"}},
		{name: "another word outside the contract is judged by the evidence: still", ev: Evidence{Mode: ModeRemote, Remote: &Remote{Access: AccessObserving, LastData: wire.Unix(t0)}, Snapshot: snap(tsv2("reconnect_pending", false))},
			level: Down, cause: CauseProviderDown, enabled: 1, labels: map[string]string{"connection_1": "reconnect_pending"}},
		{name: "another word outside the contract is judged by the evidence: moving", ev: Evidence{Mode: ModeRemote, Remote: &Remote{Access: AccessObserving, LastData: wire.Unix(t0)}, Snapshot: snap(tsv2("reconnect_pending", true))},
			level: OK, cause: CauseHealthy, connected: 1, enabled: 1, labels: map[string]string{"connection_1": "reconnect_pending · streaming"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.ev.At = t0
			v := Judge(tc.ev)
			if v.Level != tc.level || v.Cause != tc.cause {
				t.Fatalf("Judge = %s/%s (%q), want %s/%s", v.Level, v.Cause, v.Sentence, tc.level, tc.cause)
			}
			if v.Connected != tc.connected || v.Enabled != tc.enabled {
				t.Errorf("connected %d/%d, want %d/%d", v.Connected, v.Enabled, tc.connected, tc.enabled)
			}
			for id, want := range tc.labels {
				if got := v.Connections[id].Label; got != want {
					t.Errorf("%s label %q, want %q", id, got, want)
				}
			}
			if !strings.Contains(v.Sentence, tc.sentence) {
				t.Errorf("sentence %q does not contain %q", v.Sentence, tc.sentence)
			}
			if strings.Contains(v.Sentence, "10.1.2.3") {
				t.Errorf("sentence names where Redis is: %q", v.Sentence)
			}
			if v.Since != wire.Unix(t0) || v.At != wire.Unix(t0) {
				t.Errorf("Since %v At %v, want both %v", v.Since, v.At, wire.Unix(t0))
			}
		})
	}
}

func TestNotPublishingIsNeverConnected(t *testing.T) {
	lost := conn(wire.StatusConnected, true)
	lost.PublishDropped = 40
	v := Judge(Evidence{At: t0, Mode: ModeLocal, Snapshot: snap(lost),
		Publishing: &Publishing{Detail: "cannot publish to Redis at 10.1.2.3:6379", Unheard: map[string]int64{"connection_1": 5}}})
	c := v.Connections["connection_1"]
	if c.Publishing || c.Level != Down || c.Cause != CauseNotPublishing || !c.Streaming {
		t.Errorf("conn = %+v, want streaming, not publishing, down", c)
	}
	if c.Lost != 45 {
		t.Errorf("Lost = %d, want 40 dropped + 5 unheard", c.Lost)
	}
	if v.Detail != "cannot publish to Redis at 10.1.2.3:6379" {
		t.Errorf("Detail = %q, want the publisher's", v.Detail)
	}
	if got := Title(v); got != "DOWN · not publishing" {
		t.Errorf("Title = %q", got)
	}
}

func TestPluginAndHTTP(t *testing.T) {
	for _, tc := range []struct {
		level Level
		word  string
		code  int
		http  int
	}{{OK, "OK", 0, 200}, {Degraded, "WARNING", 1, 200}, {Down, "CRITICAL", 2, 503}, {Unknown, "UNKNOWN", 3, 503}} {
		word, code := Plugin(tc.level)
		if word != tc.word || code != tc.code || HTTPCode(tc.level) != tc.http {
			t.Errorf("%s: Plugin = %s %d, HTTPCode = %d; want %s %d %d", tc.level, word, code, HTTPCode(tc.level), tc.word, tc.code, tc.http)
		}
	}
}

func TestTitle(t *testing.T) {
	for _, tc := range []struct {
		v    Verdict
		want string
	}{
		{Verdict{Level: OK, Cause: CauseHealthy, Connected: 3, Enabled: 3}, "OK · 3/3 connected"},
		{Verdict{Level: Degraded, Cause: CauseProviderDown, Connected: 2, Enabled: 3}, "DEGRADED · 2/3 connected · provider down"},
		{Verdict{Level: Unknown, Cause: CauseNotSignedIn}, "UNKNOWN · not signed in"},
		{Verdict{Level: Down, Cause: CauseServerUnreachable}, "DOWN · server unreachable"},
	} {
		if got := Title(tc.v); got != tc.want {
			t.Errorf("Title(%s/%s) = %q, want %q", tc.v.Level, tc.v.Cause, got, tc.want)
		}
	}
}
