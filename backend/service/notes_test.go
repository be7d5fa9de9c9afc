package service

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/tickstock/monitor/backend/alerts"
	"github.com/tickstock/monitor/internal/notifytest"
	"github.com/tickstock/monitor/internal/wait"
)

// note is one desktop notification a matrix row expects: its title, and a
// pattern of its body (which carries clock times and lengths).
type note struct {
	title string
	body  *regexp.Regexp
}

// incident is the two notifications of one incident whose verdict's title
// is title: it opened (the level since a time, the sentence beginning
// with sentence), and it closed with its length.
func incident(title, sentence string) []note {
	word, _, _ := strings.Cut(title, " · ")
	return []note{
		{alerts.AppName + ": " + title, regexp.MustCompile(`^` + word + ` since \d\d:\d\d:\d\d: ` + regexp.QuoteMeta(sentence))},
		{alerts.AppName + ": recovered", regexp.MustCompile(`^Recovered after an outage of (\d+ ms|\d+\.\d s|\d+ min \d+ s) \(it was ` +
			regexp.QuoteMeta(title) + `, since \d\d:\d\d:\d\d\)$`)},
	}
}

// desktop is where a session's notifications go in a test: what the app
// hands its notifier (alerts.Notifier), as a desktop would show them.
type desktop struct {
	notifier alerts.Notifier
	sent     func() []alerts.Notification
}

// recorded keeps the notifications the session hands its notifier.
func recorded() desktop {
	rec := &alerts.Recorder{}
	return desktop{notifier: rec, sent: rec.Sent}
}

// onTheBus sends them as the app does — alerts.Desktop over the session's
// D-Bus — to a notification service on that bus. The session bus is the
// process's own when it has one (CI runs the tests in one, for the
// keyring): the desktop notifier's connection is godbus's process-wide
// SessionBus, which the keyring tests of this package have connected by
// then, so a private bus named afterwards would never hear from it.
// Without one, a private bus becomes the session's.
func onTheBus(t *testing.T) desktop {
	addr := os.Getenv("DBUS_SESSION_BUS_ADDRESS")
	if addr == "" {
		addr = notifytest.Bus(t)
		t.Setenv("DBUS_SESSION_BUS_ADDRESS", addr)
	}
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	svc, err := notifytest.Serve(conn)
	if err != nil {
		t.Fatal(err)
	}
	return desktop{notifier: alerts.Desktop{}, sent: func() []alerts.Notification {
		var out []alerts.Notification
		for _, n := range svc.Received() {
			title := n.Summary
			if n.AppName != alerts.AppName {
				title = "from " + n.AppName + ": " + title
			}
			out = append(out, alerts.Notification{Title: title, Body: n.Body})
		}
		return out
	}}
}

// expect waits until the desktop has as many notifications as want (a
// recovery is sent once the verdict has been OK for alerts.Settle), looks
// again a little later (a repeated or late one would be there by then: the
// session observes every second), and checks them one by one.
func (d desktop) expect(t *testing.T, want []note) {
	t.Helper()
	if len(want) > 0 {
		wait.For(t, "the row's notifications", 20*time.Second, func() bool { return len(d.sent()) >= len(want) })
	}
	time.Sleep(2 * time.Second)
	got := d.sent()
	ok := len(got) == len(want)
	for i := 0; ok && i < len(want); i++ {
		ok = got[i].Title == want[i].title && want[i].body.MatchString(got[i].Body)
	}
	if !ok {
		t.Errorf("notifications sent:\n%s\nwant %d:\n%s", show(got), len(want), showNotes(want))
	}
}

func show(ns []alerts.Notification) string {
	s := ""
	for _, n := range ns {
		s += "  " + n.Title + " | " + n.Body + "\n"
	}
	return s
}

func showNotes(ns []note) string {
	s := ""
	for _, n := range ns {
		s += "  " + n.title + " | /" + n.body.String() + "/\n"
	}
	return s
}
