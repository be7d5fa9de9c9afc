package alerts

import (
	"sync"

	"github.com/gen2brain/beeep"
)

// Notifier shows a desktop notification. Implementations must be safe for
// use from one goroutine at a time (the engine's); Send may block briefly.
type Notifier interface {
	Send(title, body string) error
}

// Desktop notifies through the platform's notification service: D-Bus
// org.freedesktop.Notifications on Linux (notify-send as fallback), the
// Windows toast API, the macOS notification centre.
type Desktop struct{}

// AppName is how notifications name their sender.
const AppName = "TickStock Monitor"

// Send shows one notification.
func (Desktop) Send(title, body string) error {
	beeep.AppName = AppName
	return beeep.Notify(title, body, "")
}

// Recorder keeps what would have been notified (tests, and the e2e build's
// log). It is safe for concurrent use.
type Recorder struct {
	mu   sync.Mutex
	sent []Notification
	Err  error // returned by Send when set
}

// Notification is one sent notification.
type Notification struct {
	Title string `json:"title"`
	Body  string `json:"body"`
}

// Send records the notification.
func (r *Recorder) Send(title, body string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, Notification{title, body})
	return r.Err
}

// Sent returns the recorded notifications.
func (r *Recorder) Sent() []Notification {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Notification(nil), r.sent...)
}
