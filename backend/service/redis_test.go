package service

import (
	"context"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tickstock/monitor/backend/profiles"
	"github.com/tickstock/monitor/backend/secrets"
	"github.com/tickstock/monitor/internal/keyringtest"
	"github.com/tickstock/monitor/internal/redistest"
	"github.com/tickstock/monitor/internal/wait"
)

// The window against an ACL user: REDIS_USERNAME from the environment, the
// password from the keyring entry <profile>/redis-password, the user allowed
// only PUBLISH and SUBSCRIBE on the channel; the keyring wins over
// REDIS_PASSWORD. Ticks flow; the password is nowhere in what the window is
// shown or logs.
func TestWindowWithAnACLUserAndTheKeyringsPassword(t *testing.T) {
	keyringtest.Require(t)
	const pw = "ACL-Secret-XYZZY-42"
	srv := redistest.StartWith(t)
	ch := redistest.Channel(t)
	for _, rule := range [][]string{
		{"ACL", "SETUSER", "window", "on", ">" + pw, "resetchannels", "&" + ch, "-@all", "+publish", "+subscribe"},
		{"ACL", "SETUSER", "default", "off"}, // no way in without the keyring's password
	} {
		if _, err := srv.Query(context.Background(), rule...); err != nil {
			t.Fatal(err)
		}
	}
	store := profiles.Open(t.TempDir() + "/profiles.json")
	if err := store.Save(profiles.Profile{Name: "acl", Mode: "demo", RedisURL: "redis://" + srv.Addr + "/0", TickChannel: ch}); err != nil {
		t.Fatal(err)
	}
	store.SetLast("acl")
	if err := secrets.Set("acl", secrets.RedisPassword, pw); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { secrets.Delete("acl", secrets.RedisPassword) })

	out := &capture{}
	s := open(t, map[string]string{"TICKSTOCK_MODE": "", "REDIS_USERNAME": "window", "REDIS_PASSWORD": "not-the-keyrings"},
		Options{Log: slog.New(slog.NewTextHandler(out, nil)), Output: out, Profile: LastUsed(store), Profiles: store})
	wait.For(t, "ticks through the ACL user", 15*time.Second, func() bool {
		return s.Subscription().State == "subscribed" && metricsNow(t, s).Total > 20
	})
	if p := ingestOf(t, s).Publisher.State(); !p.Connected || p.Node != srv.Addr {
		t.Errorf("publisher %+v", p)
	}
	out.add(s.Subscription())
	out.add(s.Info())
	profileFile, _ := os.ReadFile(store.Path())
	if all := out.String() + string(profileFile); strings.Contains(all, pw) {
		t.Error("the Redis password leaked")
	}
}
