package alerts

import (
	"fmt"
	"strings"
	"time"
)

// notify sends the alerts among entries, at most one per kind and
// connection per ThrottleFor, and one summary when several go out at once
// (a flapping network should not bury the desktop under notifications).
// It marks each alert Notified or says in Note why not.
func (e *Engine) notify(now time.Time, entries []Entry) {
	var send []*Entry
	for i := range entries {
		a := &entries[i]
		if a.Kind != EntryAlert {
			continue
		}
		key := string(a.Alert) + "|" + a.Connection
		switch last, ok := e.lastSent[key]; {
		case e.settings.Quiet:
			a.Note = "quiet mode"
		case !e.settings.Notifies(a.Alert):
			a.Note = "notifications of this kind are off"
		case ok && now.Sub(last) < ThrottleFor:
			a.Note = fmt.Sprintf("not notified: one %s notification per connection per minute (last %s ago)", a.Alert, human(now.Sub(last)))
		default:
			send = append(send, a)
		}
	}
	if len(send) == 0 {
		return
	}
	title, body := message(send)
	var err error
	if e.notifier != nil {
		err = e.notifier.Send(title, body)
	}
	for _, a := range send {
		if err != nil {
			a.Note = "the desktop notification failed: " + err.Error()
			continue
		}
		a.Notified = true
		e.lastSent[string(a.Alert)+"|"+a.Connection] = now
	}
	if err != nil {
		e.log.Warn("desktop notification failed", "err", err, "title", title)
	} else {
		e.log.Info("desktop notification sent", "title", title, "body", body)
	}
}

// message is one notification for one alert, or a summary for several.
func message(alerts []*Entry) (title, body string) {
	if len(alerts) == 1 {
		return titleOf(alerts[0]), alerts[0].Message
	}
	lines := make([]string, len(alerts))
	for i, a := range alerts {
		lines[i] = "• " + a.Message
	}
	return fmt.Sprintf("%s: %d alerts", AppName, len(alerts)), strings.Join(lines, "\n")
}

func titleOf(a *Entry) string {
	what := map[Kind]string{
		KindOutage: "connection down", KindRecovered: "recovered", KindAuthFailed: "API key refused",
		KindMaxConnections: "too many connections", KindSilent: "no ticks", KindRedisGap: "Redis subscription",
		KindRemote: "remote server",
	}[a.Alert]
	return AppName + ": " + what
}
