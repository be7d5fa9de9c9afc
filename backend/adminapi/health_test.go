package adminapi

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tickstock/monitor/backend/verdict"
)

// verdictSource is a server's judgement that a test sets.
type verdictSource struct {
	mu sync.Mutex
	v  verdict.Verdict
}

func (s *verdictSource) get() verdict.Verdict { s.mu.Lock(); defer s.mu.Unlock(); return s.v }
func (s *verdictSource) set(v verdict.Verdict) {
	s.mu.Lock()
	s.v = v
	s.mu.Unlock()
}

var where = map[string]any{"redis": map[string]any{"where": "10.9.8.7:6380 db 3", "node": "10.9.8.7:6380", "detail": "cannot publish to Redis at 10.9.8.7:6380 db 3: i/o timeout"}}

// /health answers by the verdict's level; anonymous callers get the level
// and the sentence, never where Redis is (issue 25, item 11).
func TestHealthAnswersTheVerdict(t *testing.T) {
	src := &verdictSource{}
	f := start(t, Options{Verdict: src.get, Health: func() map[string]any { return where }})
	admin := f.client()
	if code := f.login(t, admin, "admin@x.io", passwords["admin@x.io"]); code != 200 {
		t.Fatalf("login %d", code)
	}
	user := f.client()
	f.login(t, user, "user@x.io", passwords["user@x.io"])
	for _, tc := range []struct {
		level verdict.Level
		code  int
	}{{verdict.OK, 200}, {verdict.Degraded, 200}, {verdict.Down, 503}, {verdict.Unknown, 503}} {
		src.set(verdict.Verdict{Level: tc.level, Cause: verdict.CauseNotPublishing, Sentence: "No tick reaches Redis: check it.",
			Detail: "cannot publish to Redis at 10.9.8.7:6380 db 3", Connections: map[string]verdict.Conn{"connection_1": {Label: "connected · not publishing"}}})
		for name, c := range map[string]struct {
			client  func() (int, map[string]any)
			details bool
		}{
			"anonymous": {func() (int, map[string]any) { return f.get(t, f.client(), "/health") }, false},
			"user":      {func() (int, map[string]any) { return f.get(t, user, "/health") }, false},
			"admin":     {func() (int, map[string]any) { return f.get(t, admin, "/health") }, true},
		} {
			code, body := c.client()
			if code != tc.code || body["verdict"] != string(tc.level) || body["status"] != string(tc.level) || body["sentence"] != "No tick reaches Redis: check it." {
				t.Errorf("%s, %s: %d %v; want %d with the verdict and sentence", tc.level, name, code, body, tc.code)
			}
			b, _ := json.Marshal(body)
			if leaks := strings.Contains(string(b), "10.9.8.7"); leaks != c.details {
				t.Errorf("%s, %s: names where Redis is: %v, want %v: %s", tc.level, name, leaks, c.details, b)
			}
			if _, ok := body["details"]; ok != c.details {
				t.Errorf("%s, %s: details %v, want %v", tc.level, name, ok, c.details)
			}
		}
	}
}

// The status API and the push stream carry the server's verdict beside the
// contract's snapshot, for `status`, the observing window and the tab.
func TestStatusAndPushCarryTheVerdict(t *testing.T) {
	src := &verdictSource{v: verdict.Verdict{Level: verdict.Down, Cause: verdict.CauseNotPublishing, Sentence: "No tick reaches Redis."}}
	f := start(t, Options{Verdict: src.get, PushInterval: time.Hour})
	c := f.client()
	f.login(t, c, "admin@x.io", passwords["admin@x.io"])
	code, body := f.get(t, c, "/api/admin/websocket-status")
	v, _ := body["verdict"].(map[string]any)
	if code != 200 || v["level"] != "down" || v["cause"] != "not_publishing" || body["data"] == nil {
		t.Fatalf("status %d %v", code, body)
	}
	conn := f.viewerConn(t)
	var msg pushMessage
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if err := conn.ReadJSON(&msg); err != nil || msg.Event != EventStatus || msg.Verdict == nil || msg.Verdict.Level != verdict.Down {
		t.Fatalf("push %+v %v", msg, err)
	}
}
