package alerts

import (
	"fmt"
	"time"
)

// WithTimeout bounds how long a Send may keep its caller: a hung
// notification service must not hold up the timeline. A send that takes
// longer finishes in the background and is reported as not confirmed.
func WithTimeout(n Notifier, d time.Duration) Notifier { return timeoutNotifier{n, d} }

type timeoutNotifier struct {
	n Notifier
	d time.Duration
}

func (t timeoutNotifier) Send(title, body string) error {
	done := make(chan error, 1)
	go func() { done <- t.n.Send(title, body) }()
	select {
	case err := <-done:
		return err
	case <-time.After(t.d):
		return fmt.Errorf("the notification service did not answer within %v", t.d)
	}
}
