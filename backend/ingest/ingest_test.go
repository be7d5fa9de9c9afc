package ingest

import (
	"context"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/tickstock/monitor/backend/config"
	"github.com/tickstock/monitor/backend/manager"
	"github.com/tickstock/monitor/backend/redisbus"
	"github.com/tickstock/monitor/backend/ticks"
	"github.com/tickstock/monitor/internal/redistest"
	"github.com/tickstock/monitor/internal/wait"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m, redistest.IgnoreRedial) }

func cfgOf(t *testing.T, env map[string]string) *config.Config {
	t.Helper()
	c, err := config.FromLookup(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	return c
}

type capture struct {
	mu      sync.Mutex
	sources map[string]int
}

func (c *capture) Offer(t ticks.Tick) bool {
	c.mu.Lock()
	c.sources[t.Source]++
	c.mu.Unlock()
	return true
}

func (c *capture) count(s string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sources[s]
}

// Every simulated tick says "source":"demo".
func TestDemoTicksSayDemo(t *testing.T) {
	sink := &capture{sources: map[string]int{}}
	in, err := Start(context.Background(), cfgOf(t, nil), Options{Manager: manager.Options{Sink: sink}})
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	wait.For(t, "demo ticks", 10*time.Second, func() bool { return sink.count("demo") > 20 })
	if n := sink.count("massive"); n != 0 {
		t.Fatalf("%d simulated ticks labelled massive", n)
	}
}

// Where a demo publishes: its own Redis unless TICKSTOCK_MODE=demo and
// REDIS_URL are both set explicitly.
func TestDemoPublishesToItsOwnRedisUnlessToldExplicitly(t *testing.T) {
	const configured = "redis://127.0.0.1:1/0"
	for _, c := range []struct {
		name     string
		env      map[string]string
		explicit bool
	}{
		{"nothing set", nil, false},
		{"REDIS_URL alone", map[string]string{"REDIS_URL": configured}, false},
		{"TICKSTOCK_MODE=demo alone", map[string]string{"TICKSTOCK_MODE": "demo"}, false},
		{"both", map[string]string{"TICKSTOCK_MODE": "demo", "REDIS_URL": configured}, true},
	} {
		cfg := cfgOf(t, c.env)
		in, err := Start(context.Background(), cfg, Options{RedisURL: cfg.RedisURL})
		if err != nil {
			t.Fatal(err)
		}
		ownRedis := in.RedisLabel == redisbus.DemoLabel && in.Redis.URL != cfg.RedisURL
		if ownRedis == c.explicit || (in.Notice != "") != cfg.RedisURLSet {
			t.Errorf("%s: publishes to %s (label %q), notice %q", c.name, in.Redis.URL, in.RedisLabel, in.Notice)
		}
		in.Close()
	}
}
