package service

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tickstock/monitor/backend/config"
	"github.com/tickstock/monitor/backend/redisbus"
	"github.com/tickstock/monitor/backend/wire"
	"github.com/tickstock/monitor/internal/redistest"
	"github.com/tickstock/monitor/internal/wait"
)

// listen subscribes to channel on the Redis at addr and counts messages;
// sources collects their "source" fields.
func listen(t *testing.T, addr, channel string) (n *atomic.Int64, sources *sync2) {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: addr, DisableIdentity: true})
	sub := c.Subscribe(context.Background(), channel)
	if _, err := sub.Receive(context.Background()); err != nil {
		t.Fatalf("subscribing on %s: %v", addr, err)
	}
	n, sources = &atomic.Int64{}, &sync2{m: map[string]int{}}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for msg := range sub.Channel() {
			n.Add(1)
			var tick struct{ Source string }
			_ = json.Unmarshal([]byte(msg.Payload), &tick)
			sources.add(tick.Source)
		}
	}()
	t.Cleanup(func() { sub.Close(); c.Close(); <-done })
	return n, sources
}

// defaultRedis makes sure a Redis answers on localhost:6379 (starting a
// private one there when the port is free) and returns its address.
func defaultRedis(t *testing.T) string {
	addr := "127.0.0.1:6379"
	if redisbus.Answers(addr, 300*time.Millisecond) {
		return addr
	}
	if _, err := exec.LookPath("redis-server"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("redis-server is not installed; run scripts/setup")
		}
		t.Skip("redis-server is not installed")
	}
	if l, err := net.Listen("tcp", addr); err != nil {
		t.Skipf("port 6379 is taken by something that is not Redis: %v", err)
	} else {
		l.Close()
	}
	dir := t.TempDir()
	cmd := exec.Command("redis-server", "--port", "6379", "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	wait.For(t, "redis-server on 6379", 5*time.Second, func() bool { return redisbus.Answers(addr, 200*time.Millisecond) })
	return addr
}

// The demo never writes where real ticks live: with nothing configured, a
// Redis on the default port receives nothing; the demo uses its own.
func TestDemoNeverPublishesToTheDefaultRedis(t *testing.T) {
	addr := defaultRedis(t)
	ch := redistest.Channel(t)
	n, _ := listen(t, addr, ch)
	s := open(t, map[string]string{"TICKSTOCK_MODE": "", "MASSIVE_API_KEY": "", "REDIS_URL": "", "TICK_CHANNEL": ch}, Options{})
	wait.For(t, "the demo's ticks through its built-in Redis", 10*time.Second, func() bool {
		return s.Subscription().State == wire.SubscriptionSubscribed && metricsNow(t, s).Total > 50
	})
	time.Sleep(300 * time.Millisecond)
	if got := n.Load(); got != 0 || s.Info().Mode != "demo" || s.Subscription().Where != redisbus.DemoLabel {
		t.Fatalf("the Redis on %s received %d demo ticks (mode %s, monitor on %q)", addr, got, s.Info().Mode, s.Subscription().Where)
	}
}

// REDIS_URL alone (a TickStockAppV2 .env without its key, say) does not
// make the demo publish there: TICKSTOCK_MODE=demo must be set too.
func TestDemoIgnoresREDIS_URLWithoutAnExplicitMode(t *testing.T) {
	srv := redistest.Start(t)
	ch := redistest.Channel(t)
	n, _ := listen(t, strings.TrimSuffix(strings.TrimPrefix(srv.URL, "redis://"), "/15"), ch)
	s := open(t, map[string]string{"TICKSTOCK_MODE": "", "MASSIVE_API_KEY": "", "REDIS_URL": srv.URL, "TICK_CHANNEL": ch}, Options{})
	wait.For(t, "demo ticks", 10*time.Second, func() bool { return metricsNow(t, s).Total > 50 })
	if got := n.Load(); got != 0 {
		t.Fatalf("REDIS_URL without TICKSTOCK_MODE=demo received %d simulated ticks", got)
	}
	if w := s.Info().Warnings; len(w) != 1 || !strings.Contains(w[0], "only to its built-in Redis") {
		t.Fatalf("the header does not say why REDIS_URL gets nothing: %q", w)
	}
}

// Both set explicitly: the demo publishes there, every tick says
// "source":"demo", and the header says so in words.
func TestExplicitDemoRedisIsAnnouncedAndLabelled(t *testing.T) {
	srv := redistest.Start(t)
	ch := redistest.Channel(t)
	n, sources := listen(t, strings.TrimSuffix(strings.TrimPrefix(srv.URL, "redis://"), "/15"), ch)
	s := open(t, map[string]string{"TICKSTOCK_MODE": "demo", "REDIS_URL": srv.URL, "TICK_CHANNEL": ch}, Options{})
	_ = n
	wait.For(t, "ticks on the configured Redis", 10*time.Second, func() bool { return sources.get("demo") > 50 })
	if len(sources.keys()) != 1 {
		t.Fatalf("sources seen: %v, want only demo", sources.keys())
	}
	found := false
	for _, w := range s.Info().Warnings {
		if strings.Contains(w, "simulated ticks") && strings.Contains(w, ch) && strings.Contains(w, "TICKSTOCK_MODE=demo") {
			found = true
		}
	}
	if !found {
		t.Fatalf("the header does not say where simulated ticks go: %q", s.Info().Warnings)
	}
}

type sync2 struct {
	mu sync.Mutex
	m  map[string]int
}

func (s *sync2) add(k string) { s.mu.Lock(); s.m[k]++; s.mu.Unlock() }
func (s *sync2) get(k string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m[k]
}
func (s *sync2) keys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for k := range s.m {
		out = append(out, k)
	}
	return out
}

// The header's problem sentence never carries a secret, whatever another
// package's error quotes.
func TestProblemIsScrubbed(t *testing.T) {
	cfg := &config.Config{APIKey: "Key-SECRET-1", RemoteURL: "https://ops:Pw-SECRET-2@tick.example",
		RedisURL: "redis://:Pw-SECRET-3@127.0.0.1:1/0", WebSocketURL: "wss://u:Pw-SECRET-4@127.0.0.1:1/x"}
	msg := scrub(`"https://ops:Pw-SECRET-2@tick.example" is not …; key Key-SECRET-1; redis://:Pw-SECRET-3@127.0.0.1:1/0 wss://u:Pw-SECRET-4@127.0.0.1:1/x `+strings.Repeat("x", 1000), cfg)
	if strings.Contains(msg, "SECRET") || len(msg) > 300 {
		t.Fatalf("%q", msg)
	}
}
