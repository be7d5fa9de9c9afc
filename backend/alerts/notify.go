package alerts

import (
	"fmt"
	"strings"
	"time"

	"github.com/tickstock/monitor/backend/verdict"
	"github.com/tickstock/monitor/backend/wire"
)

// notify sends the alerts among entries (the incident logic has already
// decided which and when: see incident.go), one summary when several go
// out at once, unless the settings say not to. It marks each alert Notified
// or says in Note why not.
func (e *Engine) notify(now time.Time, entries []wire.Entry) {
	var send []*wire.Entry
	for i := range entries {
		a := &entries[i]
		switch {
		case a.Kind != wire.EntryAlert || a.Note != "":
		case e.settings.Quiet:
			a.Note = "quiet mode"
		case !e.settings.Notifies(a.Alert):
			a.Note = "notifications of this kind are off"
		default:
			send = append(send, a)
		}
	}
	if len(send) == 0 {
		return
	}
	title, body := e.message(send)
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
		e.delivered(a, now)
	}
	if err != nil {
		e.log.Warn("desktop notification failed", "err", err, "title", title)
	} else {
		e.log.Info("desktop notification sent", "title", title, "body", body)
	}
}

// message is one notification for one alert, or a summary for several.
func (e *Engine) message(alerts []*wire.Entry) (title, body string) {
	if len(alerts) == 1 {
		return e.titleOf(alerts[0]), alerts[0].Message
	}
	lines := make([]string, len(alerts))
	for i, a := range alerts {
		lines[i] = "• " + a.Message
	}
	return fmt.Sprintf("%s: %d alerts", AppName, len(alerts)), strings.Join(lines, "\n")
}

// titleOf: the open incident's verdict in the title's words ("TickStock
// Monitor: DOWN · not publishing"), or "TickStock Monitor: recovered".
func (e *Engine) titleOf(a *wire.Entry) string {
	if a.Alert == wire.AlertRecovered || e.incident == nil {
		return AppName + ": recovered"
	}
	return AppName + ": " + verdict.Title(e.incident.v)
}
