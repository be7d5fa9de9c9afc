package manager

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/gorilla/websocket"

	"github.com/tickstock/monitor/backend/massive"
	"github.com/tickstock/monitor/backend/ticks"
	"github.com/tickstock/monitor/backend/wire"
)

// runner keeps one connection alive: dial, authenticate, subscribe, read,
// and on failure wait and start again.
type runner struct {
	m      *Manager
	st     *connState
	resync chan struct{} // coalesced "subscriptions changed" signal for the writer
	now    chan struct{} // "reconnect now": ends the backoff wait (ReconnectNow)
	// keyRejected: the provider rejected the key and has not accepted it
	// since; every retry waits at least AuthRetryFloor. Run goroutine only.
	keyRejected bool
}

func (r *runner) run(ctx context.Context) {
	failures := 0
	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			r.st.reconnects.Add(1)
		}
		select { // a "reconnect now" that came too late for the last wait
		case <-r.now:
		default:
		}
		r.m.setStatus(r.st, wire.StatusConnecting)
		o, connectedFor, err := r.session(ctx)
		if o == outcomeStopped || ctx.Err() != nil {
			r.m.setStatus(r.st, wire.StatusDisconnected)
			return
		}
		if connectedFor >= r.m.opts.StableAfter {
			failures = 0
		}
		switch {
		case o == outcomeAuthFailed:
			r.keyRejected = true
		case connectedFor > 0: // authenticated this time
			r.keyRejected = false
		}
		failures++
		if limit := r.m.cfg.MaxRetries; limit > 0 && failures >= limit {
			r.st.setError(r.m.redact(fmt.Sprintf("gave up after %d consecutive failures; last: %v", failures, err)))
			r.m.setStatus(r.st, wire.StatusError)
			r.m.opts.Log.Error("connection gave up", "connection", r.st.id, "failures", failures)
			return
		}
		delay := r.retryDelay(o, failures)
		r.st.setRetryAt(time.Now().Add(delay)) // before the status, so the window gets both at once
		r.recordFailure(o, err)
		r.m.opts.Log.Info("reconnecting", "connection", r.st.id, "in", delay.Round(time.Millisecond), "reason", r.m.redact(errString(err)))
		select {
		case <-ctx.Done():
			r.m.setStatus(r.st, wire.StatusDisconnected)
			return
		case <-time.After(delay):
		case <-r.now:
			r.m.opts.Log.Info("reconnecting now, as asked", "connection", r.st.id)
		}
	}
}

func (r *runner) recordFailure(o outcome, err error) {
	if err != nil {
		r.st.setError(r.m.redact(err.Error()))
	}
	switch o {
	case outcomeAuthFailed:
		r.m.setStatus(r.st, wire.StatusAuthFailed)
	case outcomeMaxConnections:
		r.m.setStatus(r.st, wire.StatusMaxConnections)
	default:
		r.m.setStatus(r.st, wire.StatusDisconnected)
	}
}

// session runs one connection from dial to its end and says how it ended and
// how long it was connected.
func (r *runner) session(ctx context.Context) (outcome, time.Duration, error) {
	o := &r.m.opts
	dialer := websocket.Dialer{
		HandshakeTimeout:  o.HandshakeTimeout,
		EnableCompression: false,
		NetDialContext:    (&net.Dialer{Timeout: o.HandshakeTimeout}).DialContext,
	}
	conn, _, err := dialer.DialContext(ctx, r.m.cfg.WebSocketURL, nil)
	if err != nil {
		if ctx.Err() != nil {
			return outcomeStopped, 0, nil
		}
		return outcomeLost, 0, fmt.Errorf("cannot connect to the provider: %w", err)
	}
	defer conn.Close()
	conn.SetReadLimit(massive.MaxFrameSize)

	// Close the socket when the manager stops, so a blocked read returns.
	sessionCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() { <-sessionCtx.Done(); conn.Close() }()

	var dec massive.Decoder
	if oc, err := r.authenticate(conn, &dec); err != nil {
		if ctx.Err() != nil {
			return outcomeStopped, 0, nil
		}
		return oc, 0, err
	}
	connectedAt := time.Now()
	r.m.setStatus(r.st, wire.StatusConnected)
	r.m.opts.Log.Info("connected", "connection", r.st.id, "tickers", len(r.st.tickerList()))

	writerDone := make(chan error, 1)
	go func() { writerDone <- r.writeLoop(sessionCtx, conn) }()
	oc, err := r.readLoop(conn, &dec)
	cancel()
	if werr := <-writerDone; err == nil {
		err = werr
	}
	if ctx.Err() != nil {
		return outcomeStopped, time.Since(connectedAt), nil
	}
	return oc, time.Since(connectedAt), err
}

// authenticate waits for "connected", sends the key and waits for the answer.
// It is the only writer until it returns.
func (r *runner) authenticate(conn *websocket.Conn, dec *massive.Decoder) (outcome, error) {
	deadline := time.Now().Add(r.m.opts.AuthTimeout)
	_ = conn.SetReadDeadline(deadline)
	sentAuth := false
	for {
		_, frame, err := conn.ReadMessage()
		if err != nil {
			return outcomeLost, fmt.Errorf("during authentication: %w", err)
		}
		evs, _, derr := dec.Decode(frame, nil)
		if derr != nil && len(evs) == 0 {
			return outcomeLost, fmt.Errorf("during authentication: %w", derr)
		}
		for _, e := range evs {
			if e.Kind != massive.KindStatus {
				continue
			}
			switch e.Status.Status {
			case massive.ProviderConnected:
				if !sentAuth {
					_ = conn.SetWriteDeadline(time.Now().Add(r.m.opts.WriteTimeout))
					if err := conn.WriteMessage(websocket.TextMessage, massive.Auth(r.m.cfg.APIKey)); err != nil {
						return outcomeLost, fmt.Errorf("sending auth: %w", err)
					}
					sentAuth = true
				}
			case massive.ProviderAuthSuccess:
				return outcomeLost, nil
			case massive.ProviderAuthFailed:
				return outcomeAuthFailed, errors.New("the provider rejected the API key (auth_failed): check MASSIVE_API_KEY")
			case massive.ProviderMaxConnections:
				return outcomeMaxConnections, errors.New("the provider refused another connection for this key (max_connections): buy more connections or lower WEBSOCKET_CONNECTIONS_MAX")
			case massive.ProviderAuthTimeout:
				return outcomeLost, errors.New("the provider timed out our authentication")
			}
		}
	}
}

// readLoop reads frames until the connection ends. Every frame and pong moves
// the read deadline, so a silent (stalled) connection ends within it.
func (r *runner) readLoop(conn *websocket.Conn, dec *massive.Decoder) (outcome, error) {
	timeout := r.m.opts.PingInterval + r.m.opts.PongWait
	_ = conn.SetReadDeadline(time.Now().Add(timeout))
	conn.SetPongHandler(func(string) error {
		return conn.SetReadDeadline(time.Now().Add(timeout))
	})
	events := make([]massive.Event, 0, 64)
	for {
		_, frame, err := conn.ReadMessage()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				return outcomeLost, fmt.Errorf("no data and no pong for %v: connection stalled", timeout)
			}
			return outcomeLost, lostError(err)
		}
		_ = conn.SetReadDeadline(time.Now().Add(timeout))
		events = events[:0]
		evs, skipped, derr := dec.Decode(frame, events)
		if derr != nil {
			// One error per bad frame, however many of its events were bad: a
			// frame of 349,523 bad events must not add 349,523 at once.
			msg := "provider frame rejected: " + derr.Error()
			if skipped > 0 {
				msg = fmt.Sprintf("provider frame rejected (%d bad events): %v", skipped, derr)
			}
			r.st.addErrors(1, r.m.redact(msg))
		}
		if o, err := r.handleEvents(evs, time.Now()); err != nil {
			return o, err
		}
	}
}

// handleEvents passes market events to the sink and applies status events.
// Provider status messages never overwrite the connection status.
func (r *runner) handleEvents(evs []massive.Event, now time.Time) (outcome, error) {
	n := int64(0)
	for i := range evs {
		e := &evs[i]
		if e.Kind == massive.KindStatus {
			if o, err := r.handleStatus(e.Status); err != nil {
				return o, err
			}
			continue
		}
		price, volume, ms, _ := e.Tick()
		n++
		if !r.m.opts.Sink.Offer(ticks.Tick{
			Symbol: e.Symbol, Price: price, Volume: volume,
			Timestamp: float64(ms) / 1000, Source: r.m.opts.TickSource, ConnectionID: r.st.id,
		}) {
			r.st.dropped.Add(1)
		}
	}
	if n > 0 {
		r.st.messages.Add(n)
		r.st.lastMsgNs.Store(now.UnixNano())
	}
	return outcomeLost, nil
}

func (r *runner) handleStatus(s massive.Status) (outcome, error) {
	switch s.Status {
	case massive.ProviderMaxConnections:
		return outcomeMaxConnections, errors.New("the provider closed the connection: max_connections")
	case massive.ProviderAuthFailed:
		return outcomeAuthFailed, errors.New("the provider revoked authentication (auth_failed)")
	case massive.ProviderError:
		r.st.setError(r.m.redact("provider: " + s.Message))
	case massive.ProviderSuccess:
		if strings.HasPrefix(s.Message, "subscribed to: ") {
			r.st.confirmed.Add(1)
		} else if strings.HasPrefix(s.Message, "unsubscribed to: ") {
			r.st.confirmed.Add(-1)
		}
	}
	return outcomeLost, nil
}

// writeLoop is the connection's only writer after authentication: it sends
// subscription changes and pings.
func (r *runner) writeLoop(ctx context.Context, conn *websocket.Conn) error {
	o := &r.m.opts
	ping := time.NewTicker(o.PingInterval)
	defer ping.Stop()
	subscribed := map[string]bool{}
	r.st.confirmed.Store(0)
	r.signalResync()
	write := func(kind int, data []byte) error {
		_ = conn.SetWriteDeadline(time.Now().Add(o.WriteTimeout))
		return conn.WriteMessage(kind, data)
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-ping.C:
			if err := write(websocket.PingMessage, nil); err != nil {
				return fmt.Errorf("sending ping: %w", err)
			}
		case <-r.resync:
			if err := r.syncSubscriptions(subscribed, write); err != nil {
				return err
			}
		}
	}
}

// syncSubscriptions sends the difference between the assigned tickers and
// what this connection has subscribed, in bounded chunks.
func (r *runner) syncSubscriptions(subscribed map[string]bool, write func(int, []byte) error) error {
	want := r.st.tickerList()
	var add, remove []string
	wantSet := make(map[string]bool, len(want))
	for _, t := range want {
		wantSet[t] = true
		if !subscribed[t] {
			add = append(add, t)
		}
	}
	for t := range subscribed {
		if !wantSet[t] {
			remove = append(remove, t)
		}
	}
	event := r.m.cfg.SubscriptionEvent
	for _, chunk := range massive.Chunk(massive.Channels(event, add), r.m.opts.SubscribeChunkBytes) {
		if err := write(websocket.TextMessage, massive.Subscribe(chunk)); err != nil {
			return fmt.Errorf("subscribing: %w", err)
		}
	}
	for _, chunk := range massive.Chunk(massive.Channels(event, remove), r.m.opts.SubscribeChunkBytes) {
		if err := write(websocket.TextMessage, massive.Unsubscribe(chunk)); err != nil {
			return fmt.Errorf("unsubscribing: %w", err)
		}
	}
	for _, t := range add {
		subscribed[t] = true
	}
	for _, t := range remove {
		delete(subscribed, t)
	}
	return nil
}

func (r *runner) signalResync() {
	select {
	case r.resync <- struct{}{}:
	default:
	}
}

// lostError says in words how a read ended.
func lostError(err error) error {
	var ce *websocket.CloseError
	if errors.As(err, &ce) {
		switch ce.Code {
		case websocket.CloseAbnormalClosure:
			return errors.New("the provider connection dropped without a close frame (network or server)")
		case websocket.CloseGoingAway, websocket.CloseServiceRestart:
			return fmt.Errorf("the provider closed the connection (%d: going away or restarting)", ce.Code)
		case websocket.ClosePolicyViolation:
			return fmt.Errorf("the provider closed the connection for a policy violation (1008) %s", ce.Text)
		}
		return fmt.Errorf("the provider closed the connection (%d %s)", ce.Code, ce.Text)
	}
	return fmt.Errorf("connection lost: %w", err)
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
