//go:build linux

package alerts

import (
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/tickstock/monitor/internal/notifytest"
	"github.com/tickstock/monitor/internal/wait"
)

// The real notifier, through a real session bus, to a notification service
// that records what it gets: what a Linux desktop would show.
func TestDesktopNotifierOverSessionDBus(t *testing.T) {
	addr := notifytest.Bus(t)
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", addr)
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	svc, err := notifytest.Serve(conn)
	if err != nil {
		t.Fatal(err)
	}
	// The engine with the real notifier: a refused key is notified at once.
	e := New(Settings{}, WithTimeout(Desktop{}, 5*time.Second), nil)
	w := newWorld()
	now := time.Now()
	e.Observe(w.obs(now))
	w.set("connection_1", "auth_failed", "auth_failed: the key was refused")
	got := e.Observe(w.obs(now.Add(time.Second)))
	if a := alertsOf(got); len(a) != 1 || !a[0].Notified {
		t.Fatalf("alert %+v", got)
	}
	wait.For(t, "the notification on the bus", 5*time.Second, func() bool { return len(svc.Received()) == 1 })
	n := svc.Received()[0]
	if n.AppName != AppName || n.Summary != "TickStock Monitor: DEGRADED · 2/3 connected · key refused" || !strings.Contains(n.Body, "The provider refused the API key") {
		t.Fatalf("notification %+v", n)
	}
}
