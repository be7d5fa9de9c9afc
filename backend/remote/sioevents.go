package remote

import (
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	sio "github.com/zishang520/socket.io/clients/socket/v3"
	"github.com/zishang520/socket.io/v3/pkg/types"
)

// pushEvent is what the Socket.IO listener hands to the stream's loop: the
// library's events and the server's, typed, decoded off the loop.
type pushEvent interface {
	// live: the event is news from the server (it resets the stale timer).
	live() bool
}

type (
	evConnected    struct{}
	evConnectError struct {
		err error
		// transportUp: the Engine.IO transport had opened, so the
		// namespace itself refused.
		transportUp bool
	}
	evDisconnected struct{ reason string }
	evHealth       struct{ data []byte } // connection_status_update, or metrics_update with the full health
	evMetrics      struct{ data []byte } // the periodic per-connection metrics_update
	evTick         struct {
		payload      []byte
		connectionID string
	}
	evDropped     struct{}                 // a tick_update not queued: the loop fell behind
	evServerError struct{ message string } // the namespace's "error" event
	evRefused     struct{ size int64 }     // an event over the size cap, skipped by the relay
)

func (evConnected) live() bool    { return true }
func (evConnectError) live() bool { return false }
func (evDisconnected) live() bool { return false }
func (evHealth) live() bool       { return true }
func (evMetrics) live() bool      { return true }
func (evTick) live() bool         { return true }
func (evDropped) live() bool      { return true }
func (evServerError) live() bool  { return true }
func (evRefused) live() bool      { return true }

// sioListener adapts the library's callbacks (its own goroutines, untyped
// arguments) to typed events on one channel. Ticks may be dropped when the
// loop falls behind; every other event waits for the loop.
type sioListener struct {
	events chan pushEvent
	done   <-chan struct{}
	// transportOpen is closed when the Engine.IO transport opens: the
	// namespace is connected only then (openSocketIO), and a connect error
	// after it is the namespace's refusal (transportUp).
	transportOpen chan struct{}
	openOnce      sync.Once
}

func newSIOListener(done <-chan struct{}) *sioListener {
	return &sioListener{events: make(chan pushEvent, 4096), done: done, transportOpen: make(chan struct{})}
}

// attach registers the handlers on the manager and the /admin-ws socket.
func (l *sioListener) attach(mgr *sio.Manager, sock *sio.Socket) {
	mgr.On("open", func(...any) {
		l.openOnce.Do(func() { close(l.transportOpen) })
	})
	sock.On("connect", func(...any) {
		_ = sock.Emit("request_metrics", map[string]any{})
		l.send(evConnected{})
	})
	sock.On("connect_error", func(a ...any) {
		l.send(evConnectError{err: firstErr(a), transportUp: l.transportUp()})
	})
	sock.On("disconnect", func(a ...any) { l.send(evDisconnected{reason: fmt.Sprintf("%v", first(a))}) })
	sock.On("connection_status_update", func(a ...any) {
		if b, err := json.Marshal(first(a)); err == nil {
			l.send(evHealth{data: b})
		}
	})
	sock.On("metrics_update", func(a ...any) {
		b, err := json.Marshal(first(a))
		switch {
		case err != nil:
		case isFullHealth(b):
			l.send(evHealth{data: b})
		default:
			l.send(evMetrics{data: b})
		}
	})
	sock.On("tick_update", func(a ...any) {
		if b, err := json.Marshal(first(a)); err == nil {
			l.offer(evTick{payload: b, connectionID: connectionIDOf(b)})
		}
	})
	sock.On(types.EventName("error"), func(a ...any) { l.send(evServerError{message: errorMessage(first(a))}) })
}

// transportUp: the Engine.IO transport has opened.
func (l *sioListener) transportUp() bool {
	select {
	case <-l.transportOpen:
		return true
	default:
		return false
	}
}

// refused is the relay's callback for an event it skipped.
func (l *sioListener) refused(size int64) { l.send(evRefused{size: size}) }

func (l *sioListener) send(e pushEvent) {
	select {
	case l.events <- e:
	case <-l.done:
	}
}

// offer queues a tick, or an evDropped in its place when the queue is
// full: a full queue drops ticks, never blocks the library.
func (l *sioListener) offer(e pushEvent) {
	select {
	case l.events <- e:
	case <-l.done:
	default:
		select {
		case l.events <- evDropped{}:
		default:
		}
	}
}

// connectionIDOf is a tick_update's connection_id, "" when null or absent.
func connectionIDOf(b []byte) string {
	var t struct {
		ConnectionID *string `json:"connection_id"`
	}
	if json.Unmarshal(b, &t) != nil || t.ConnectionID == nil {
		return ""
	}
	return *t.ConnectionID
}

// errorMessage reads {"message": …} of an error event; anything else as text.
func errorMessage(v any) string {
	if m, ok := v.(map[string]any); ok {
		if s, ok := m["message"].(string); ok {
			return clip(s, 300)
		}
	}
	return clip(fmt.Sprintf("%v", v), 300)
}

func first(a []any) any {
	if len(a) == 0 {
		return nil
	}
	return a[0]
}

func firstErr(a []any) error {
	if err, ok := first(a).(error); ok {
		return err
	}
	if v := first(a); v != nil {
		return fmt.Errorf("%v", v)
	}
	return errors.New("connect_error")
}
