package remote

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gorilla/websocket"
	sio "github.com/zishang520/socket.io/clients/socket/v3"
	"github.com/zishang520/socket.io/v3/pkg/types"

	"github.com/tickstock/monitor/backend/health"
)

// Push receives what a push stream carries. Calls come from one goroutine.
type Push interface {
	// Health is a full health snapshot (connection_status_update, or
	// metrics_update in reply to request_metrics).
	Health(health.Snapshot)
	// Metrics is TickStockAppV2's periodic per-connection metrics_update.
	Metrics(raw []byte)
	// Tick is a tick_update: the Redis tick as sent, and the connection that
	// carried it ("" when TickStockAppV2 named none).
	Tick(payload []byte, connectionID string)
}

// Stream follows the server's push stream until it breaks or ctx ends.
// ErrNoPushStream / ErrPushRefused: the caller polls instead.
func (c *Client) Stream(ctx context.Context, p Push) error {
	if c.kind == KindTSV2 {
		return c.streamSocketIO(ctx, p)
	}
	return c.streamJSON(ctx, p)
}

// streamJSON follows serve's /admin-ws: JSON text frames.
func (c *Client) streamJSON(ctx context.Context, p Push) error {
	ws := *c.base
	ws.Scheme = map[string]string{"http": "ws", "https": "wss"}[c.base.Scheme]
	ws.Path += "/admin-ws"
	d := websocket.Dialer{HandshakeTimeout: 10 * time.Second}
	// On a failed handshake gorilla has already read the body into memory and
	// closed the connection: there is nothing left to close.
	conn, resp, err := d.DialContext(ctx, ws.String(), c.cookieHeader()) //nolint:bodyclose // see above
	if err != nil {
		if resp != nil {
			switch resp.StatusCode {
			case http.StatusUnauthorized:
				return ErrUnauthorized
			case http.StatusForbidden:
				return ErrForbidden
			case http.StatusNotFound, http.StatusBadRequest, http.StatusMethodNotAllowed:
				return ErrNoPushStream
			}
		}
		return unreachable(err)
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	conn.SetReadLimit(maxHealthBytes)
	for {
		// serve pushes at least every PushPeriod; silence for three is a dead link.
		_ = conn.SetReadDeadline(time.Now().Add(3 * c.PushPeriod))
		var msg struct {
			Event   string          `json:"event"`
			Data    json.RawMessage `json:"data"`
			Verdict json.RawMessage `json:"verdict"` // serve's own, beside the status
		}
		if err := conn.ReadJSON(&msg); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return unreachable(err)
		}
		if len(msg.Verdict) > 0 {
			c.verdict.Store(&msg.Verdict)
		}
		if msg.Event == "connection_status_update" {
			if s, err := DecodeHealth(msg.Data); err == nil {
				p.Health(s)
			}
		}
	}
}

// sioEvent is one Socket.IO event handed from the library's goroutines to
// the stream's.
type sioEvent struct {
	name string
	data []byte
	err  error
}

// streamSocketIO follows TickStockAppV2's Flask-SocketIO namespace
// /admin-ws with the session cookie, asks request_metrics once connected,
// and hands connection_status_update, metrics_update and tick_update on.
//
// The client is github.com/zishang520/socket.io (Socket.IO v5 over
// Engine.IO v4). Its transports are WebSocket only: with its default
// polling → WebSocket upgrade the namespace CONNECT never reaches
// Flask-SocketIO on eventlet. Its own reconnection is off: the observer
// reconnects with its backoff, after checking the session.
func (c *Client) streamSocketIO(ctx context.Context, p Push) error {
	opts := sio.DefaultOptions()
	opts.SetTransports(types.NewSet(sio.WebSocket))
	opts.SetAutoConnect(true)
	opts.SetReconnection(false)
	opts.SetForceNew(true)
	opts.SetTimeout(10 * time.Second)
	opts.SetExtraHeaders(c.cookieHeader())
	if c.base.Path != "" {
		opts.SetPath(c.base.Path + "/socket.io")
	}
	root := *c.base
	root.Path = ""
	events := make(chan sioEvent, 4096)
	done := make(chan struct{})
	defer close(done)
	send := func(e sioEvent, mayDrop bool) {
		if mayDrop {
			select {
			case events <- e:
			case <-done:
			default: // a full queue drops ticks, never blocks the library
				select {
				case events <- sioEvent{name: "dropped"}:
				default:
				}
			}
			return
		}
		select {
		case events <- e:
		case <-done:
		}
	}
	opened := make(chan struct{}, 1)
	link, err := c.dialSocketIO(root.String(), opts, done, func(mgr *sio.Manager, sock *sio.Socket) {
		mgr.On("open", func(...any) {
			select {
			case opened <- struct{}{}:
			default:
			}
		})
		sock.On("connect", func(...any) {
			_ = sock.Emit("request_metrics", map[string]any{})
			send(sioEvent{name: "connect"}, false)
		})
		sock.On("connect_error", func(a ...any) { send(sioEvent{name: "connect_error", err: firstErr(a)}, false) })
		sock.On("disconnect", func(a ...any) { send(sioEvent{name: "disconnect", err: fmt.Errorf("%v", first(a))}, false) })
		for _, name := range []string{"connection_status_update", "metrics_update", "tick_update"} {
			sock.On(types.EventName(name), func(a ...any) {
				b, err := json.Marshal(first(a))
				send(sioEvent{name: name, data: b, err: err}, name == "tick_update")
			})
		}
	})
	if err != nil {
		return err
	}

	period := c.PushPeriod
	stale := time.NewTimer(2 * period)
	defer stale.Stop()
	connectBy := time.NewTimer(15 * time.Second)
	defer connectBy.Stop()
	connected := false
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case l := <-link:
			defer l.close()
		case <-connectBy.C:
			if !connected {
				return &UnreachableError{Cause: "the /admin-ws namespace did not connect within 15 s"}
			}
		case <-stale.C:
			// TickStockAppV2 sends metrics_update every period; twice that
			// without any event is a stale link.
			return &StaleError{After: 2 * period}
		case e := <-events:
			if e.err == nil && e.name != "connect_error" && e.name != "disconnect" {
				stale.Reset(2 * period)
			}
			switch e.name {
			case "connect":
				connected = true
			case "connect_error":
				select {
				case <-opened: // the transport worked: the namespace said no
					return fmt.Errorf("%w (%v)", ErrPushRefused, e.err) //nolint:errorlint // the cause is detail for people; callers act on ErrPushRefused alone
				default:
					return unreachable(e.err)
				}
			case "disconnect":
				return &UnreachableError{Cause: "the push link closed (" + e.err.Error() + ")"}
			case "connection_status_update", "metrics_update":
				if e.err != nil {
					continue
				}
				if e.name == "metrics_update" && !isFullHealth(e.data) {
					p.Metrics(e.data)
					continue
				}
				if s, err := DecodeHealth(e.data); err == nil {
					p.Health(s)
				}
			case "tick_update":
				if e.err != nil {
					continue
				}
				var t struct {
					ConnectionID *string `json:"connection_id"`
				}
				_ = json.Unmarshal(e.data, &t)
				id := ""
				if t.ConnectionID != nil {
					id = *t.ConnectionID
				}
				p.Tick(e.data, id)
			case "dropped":
				p.Tick(nil, "")
			}
		}
	}
}

// sioLink is a Socket.IO manager and its /admin-ws socket.
type sioLink struct {
	mgr  *sio.Manager
	sock *sio.Socket
}

func (l *sioLink) close() {
	l.sock.Disconnect()
	if e := l.mgr.Engine(); e != nil {
		e.Close()
	}
}

// dialSocketIO builds the manager and the /admin-ws socket in a goroutine of
// its own and hands the link over on the returned channel; listen registers
// the handlers before the link is handed over. The library dials inside
// NewManager with a gorilla Dialer that has no handshake timeout, so a server
// that accepts the TCP connection but never answers (frozen, overloaded)
// would hold the caller forever, and Close with it. The stream gives up
// after its own connect timeout; the goroutine closes the link itself when
// the dial ends after done. At most one such dial is outstanding per client:
// while one still waits, the next attempt fails at once.
func (c *Client) dialSocketIO(uri string, opts *sio.Options, done <-chan struct{}, listen func(*sio.Manager, *sio.Socket)) (<-chan *sioLink, error) {
	if !c.dialing.CompareAndSwap(false, true) {
		return nil, &UnreachableError{Cause: "the previous push connection attempt is still waiting for the server to answer"}
	}
	link := make(chan *sioLink, 1)
	go func() {
		defer c.dialing.Store(false)
		mgr := sio.NewManager(uri, opts)
		l := &sioLink{mgr: mgr, sock: mgr.Socket("/admin-ws", opts)}
		listen(l.mgr, l.sock)
		select {
		case link <- l:
		case <-done:
			l.close()
		}
	}()
	return link, nil
}

// StaleError: the push stream went silent.
type StaleError struct{ After time.Duration }

func (e *StaleError) Error() string {
	return fmt.Sprintf("no push event for %v (the server sends one at least every %v)", e.After, e.After/2)
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
