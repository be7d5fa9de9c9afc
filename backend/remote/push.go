package remote

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/gorilla/websocket"
	sio "github.com/zishang520/socket.io/clients/socket/v3"
	"github.com/zishang520/socket.io/v3/pkg/types"

	"github.com/tickstock/monitor/backend/wire"
)

// Push receives what a push stream carries. Calls come from one goroutine.
type Push interface {
	// Linked says the stream is open (serve's WebSocket upgraded, or the
	// /admin-ws namespace connected): its events follow. Until then the
	// caller does not know whether it will follow a push or poll.
	Linked()
	// Health is a full health snapshot (connection_status_update, or
	// metrics_update in reply to request_metrics).
	Health(wire.Snapshot)
	// Metrics is TickStockAppV2's periodic per-connection metrics_update.
	Metrics(raw []byte)
	// Tick is a tick_update: the Redis tick as sent, and the connection that
	// carried it ("" when TickStockAppV2 named none). A nil payload is a
	// tick dropped because the reader fell behind.
	Tick(payload []byte, connectionID string)
	// ServerError is the namespace's own error event (TickStockAppV2:
	// {"message":"Failed to fetch metrics"} when its manager is missing).
	ServerError(message string)
	// Refused is an event of size bytes not read, being over the cap.
	Refused(size int64)
}

// Stream follows the server's push stream until it breaks or ctx ends.
// ErrNoPushStream / ErrPushRefused: the caller polls instead.
func (c *Client) Stream(ctx context.Context, p Push) error {
	if c.kind == wire.KindTSV2 {
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
	p.Linked()
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

// streamSocketIO follows TickStockAppV2's Flask-SocketIO namespace
// /admin-ws with the session cookie, asks request_metrics once connected,
// and hands connection_status_update, metrics_update, tick_update and the
// namespace's error event on.
//
// The client is github.com/zishang520/socket.io (Socket.IO v5 over
// Engine.IO v4). It reads whole WebSocket messages into memory with no
// limit, so it dials the server through a loopback relay that refuses
// (skips and counts) any event over MaxPushEvent bytes before the library
// sees it.
func (c *Client) streamSocketIO(ctx context.Context, p Push) error {
	done := make(chan struct{})
	defer close(done)
	l := newSIOListener(done)
	relay, err := startCapRelay(c.base, c.maxPushEvent(), l.refused)
	if err != nil {
		return &UnreachableError{Cause: "the push relay could not start: " + err.Error()}
	}
	uri := url.URL{Scheme: "http", Host: relay.Addr()}
	link, err := c.dialSocketIO(uri.String(), c.sioOptions(), relay, done, l)
	if err != nil {
		return err
	}
	return c.followSocketIO(ctx, p, link, l)
}

// sioOptions: transports WebSocket only (with the library's default
// polling → WebSocket upgrade the namespace CONNECT never reaches
// Flask-SocketIO on eventlet); no compression (a compressed message would
// pass the relay's cap small and inflate in the library); the library's
// own reconnection off (the observer reconnects with its backoff, after
// checking the session); the server's Host sent through the relay (Flask
// 2.2 with SERVER_NAME answers 404 to any other).
func (c *Client) sioOptions() *sio.Options {
	opts := sio.DefaultOptions()
	opts.SetTransports(types.NewSet(sio.WebSocket))
	opts.SetAutoConnect(false) // openSocketIO opens and connects, in order
	opts.SetReconnection(false)
	opts.SetForceNew(true)
	opts.SetTimeout(10 * time.Second)
	opts.SetPerMessageDeflate(nil)
	h := c.cookieHeader()
	h.Set("Host", c.base.Host)
	opts.SetExtraHeaders(h)
	if c.base.Path != "" {
		opts.SetPath(c.base.Path + "/socket.io")
	}
	return opts
}

func (c *Client) maxPushEvent() int64 {
	if c.MaxPushEvent > 0 {
		return c.MaxPushEvent
	}
	return maxHealthBytes
}

// followSocketIO is the stream's loop: typed events in, Push calls out,
// until the link breaks, goes silent or ctx ends.
func (c *Client) followSocketIO(ctx context.Context, p Push, link <-chan *sioLink, l *sioListener) error {
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
		case lk := <-link:
			defer lk.close()
		case <-connectBy.C:
			if !connected {
				return &UnreachableError{Cause: "the /admin-ws namespace did not connect within 15 s"}
			}
		case <-stale.C:
			// TickStockAppV2 sends metrics_update every period; twice that
			// without any event is a stale link. Before the namespace
			// connects, connectBy is the limit: a busy server's first answer
			// is not a stall.
			if connected {
				return &StaleError{After: 2 * period}
			}
			stale.Reset(2 * period)
		case e := <-l.events:
			if e.live() {
				stale.Reset(2 * period)
			}
			if _, ok := e.(evConnected); ok && !connected {
				connected = true
				p.Linked()
			}
			if err := deliver(e, p); err != nil {
				return err
			}
		}
	}
}

// deliver hands one event to p; an error ends the stream.
func deliver(e pushEvent, p Push) error {
	switch e := e.(type) {
	case evConnectError:
		if e.transportUp { // the transport worked: the namespace said no
			return fmt.Errorf("%w (%v)", ErrPushRefused, e.err) //nolint:errorlint // the cause is detail for people; callers act on ErrPushRefused alone
		}
		return unreachable(e.err)
	case evDisconnected:
		return &UnreachableError{Cause: "the push link closed (" + e.reason + ")"}
	case evHealth:
		if s, err := DecodeHealth(e.data); err == nil {
			p.Health(s)
		}
	case evMetrics:
		p.Metrics(e.data)
	case evTick:
		p.Tick(e.payload, e.connectionID)
	case evDropped:
		p.Tick(nil, "")
	case evServerError:
		p.ServerError(e.message)
	case evRefused:
		p.Refused(e.size)
	}
	return nil
}

// sioLink is a Socket.IO manager, its /admin-ws socket and the relay it
// dials through.
type sioLink struct {
	mgr   *sio.Manager
	sock  *sio.Socket
	relay *capRelay
}

func (l *sioLink) close() {
	l.sock.Disconnect()
	if e := l.mgr.Engine(); e != nil {
		e.Close()
	}
	l.relay.Close()
}

// dialSocketIO builds the manager and the /admin-ws socket in a goroutine of
// its own and hands the link over on the returned channel; the listener's
// handlers are on before the socket connects. The library dials inside
// Open with a gorilla Dialer that has no handshake timeout, so a server
// that accepts the TCP connection but never answers (frozen, overloaded)
// would hold the caller forever, and Close with it. The stream gives up
// after its own connect timeout; the goroutine closes the link itself when
// the dial ends after done. At most one such dial is outstanding per client:
// while one still waits, the next attempt fails at once. The link owns the
// relay from here on.
func (c *Client) dialSocketIO(uri string, opts *sio.Options, relay *capRelay, done <-chan struct{}, listener *sioListener) (<-chan *sioLink, error) {
	if !c.dialing.CompareAndSwap(false, true) {
		relay.Close()
		return nil, &UnreachableError{Cause: "the previous push connection attempt is still waiting for the server to answer"}
	}
	// Unbuffered: a link is handed over only to a loop that still runs;
	// after done the goroutine closes it itself (with its relay).
	link := make(chan *sioLink)
	go func() {
		defer c.dialing.Store(false)
		l := openSocketIO(uri, opts, relay, listener, done)
		select {
		case link <- l:
		case <-done:
			l.close()
		}
	}()
	return link, nil
}

// openSocketIO opens the manager, then connects /admin-ws with the
// listener's handlers on, each step after the one before. The library runs
// its callbacks on goroutines of its own: a socket connected while its
// manager was still opening could send the namespace CONNECT twice (the
// server refuses the second, "Unable to connect"), and handlers put on after
// connecting could miss the answer; a busy machine showed both, as a push
// that fell back to polling and as a server that never answered.
func openSocketIO(uri string, opts *sio.Options, relay *capRelay, listener *sioListener, done <-chan struct{}) *sioLink {
	mgr := sio.NewManager(uri, opts) // AutoConnect is off: nothing is dialed yet
	l := &sioLink{mgr: mgr, sock: mgr.Socket("/admin-ws", opts), relay: relay}
	listener.attach(mgr, l.sock)
	failed := make(chan error, 1) // the manager's own timeout answers a server that does not
	mgr.Open(func(err error) {
		if err != nil {
			failed <- err
		}
	})
	relay.Release() // the manager listens now: the server's OPEN may come
	// A dial that failed inside Open said so before the manager listened.
	if e := mgr.Engine(); e != nil && string(e.ReadyState()) == "closed" {
		listener.send(evConnectError{err: errors.New("the push connection closed while it opened")})
		return l
	}
	select {
	case <-listener.transportOpen:
		l.sock.Connect()
	case err := <-failed:
		listener.send(evConnectError{err: err, transportUp: listener.transportUp()})
	case <-done:
	}
	return l
}

// StaleError: the push stream went silent.
type StaleError struct{ After time.Duration }

func (e *StaleError) Error() string {
	return fmt.Sprintf("no push event for %v (the server sends one at least every %v)", e.After, e.After/2)
}
