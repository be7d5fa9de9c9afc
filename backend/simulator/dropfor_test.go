package simulator

import (
	"testing"
	"time"

	"github.com/tickstock/monitor/backend/massive"
)

// closed reads until the connection ends (a read times out after 5 s).
func closed(c *client) bool {
	for {
		if _, err := c.events(); err != nil {
			return true
		}
	}
}

func TestDropForCutsNewSubscriptionsUntilItEnds(t *testing.T) {
	s := start(t, Options{Rate: 100, FrameInterval: 10 * time.Millisecond})
	a, other := subscribed(t, s, "AAPL"), subscribed(t, s, "MSFT")
	if n := s.DropFor("AAPL", 400*time.Millisecond); n != 1 {
		t.Fatalf("dropped %d", n)
	}
	closed(a)
	// Within the window: authentication works, the subscription is cut.
	c := dial(t, s)
	if st := c.auth("good-key"); st.Status != "auth_success" {
		t.Fatalf("auth %+v", st)
	}
	c.send(massive.Subscribe([]string{"T.AAPL"}))
	closed(c)
	if _, err := other.events(); err != nil {
		t.Fatalf("the other connection died too: %v", err)
	}
	time.Sleep(450 * time.Millisecond)
	back := subscribed(t, s, "AAPL") // after the window it subscribes again
	if _, err := back.events(); err != nil {
		t.Fatalf("still cut after the window: %v", err)
	}
}
