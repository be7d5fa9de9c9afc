package config

import (
	"strings"
	"testing"
)

// A profile is merged over the environment, and the merged configuration
// is held to the environment's rules; a refused profile changes nothing.
func TestApplyValidatesTheMergedConfiguration(t *testing.T) {
	c, err := FromLookup(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	before := *c
	for o, want := range map[Override]string{
		{Mode: "cloud"}:                          "mode:",
		{Mode: "remote", RemoteURL: "ftp://x"}:   "TICKSTOCK_REMOTE_URL",
		{Mode: "demo", RedisURL: "http://x:1"}:   "REDIS_URL",
		{Mode: "demo", TickChannel: "two words"}: "TICK_CHANNEL",
	} {
		if err := c.Apply(o); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Apply(%+v) = %v, want an error about %s", o, err, want)
		}
		if c.Mode != before.Mode || c.ModeSet || c.RedisURL != before.RedisURL || c.TickChannel != before.TickChannel {
			t.Fatalf("a refused profile changed the configuration: %+v", c)
		}
	}
	o := Override{Mode: "Remote", RemoteURL: "https://h", AdminEmail: "a@b", RedisURL: "redis://r:1/2", TickChannel: "t:*"}
	if err := c.Apply(o); err != nil {
		t.Fatal(err)
	}
	if c.Mode != ModeRemote || !c.ModeSet || c.RemoteURL != "https://h" || c.AdminEmail != "a@b" ||
		c.RedisURL != "redis://r:1/2" || c.Redis.URL != c.RedisURL || !c.RedisURLSet || c.TickChannel != "t:*" {
		t.Fatalf("merged: %+v", c)
	}
}
