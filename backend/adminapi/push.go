package adminapi

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/tickstock/monitor/backend/monitor"
	"github.com/tickstock/monitor/backend/verdict"
	"github.com/tickstock/monitor/backend/wire"
)

// Push messages on /admin-ws.
const (
	EventStatus  = "connection_status_update"
	EventMetrics = "metrics_update"
)

// hub fans the status out to every viewer. Each viewer has one writer and a
// bounded queue; a viewer whose queue is full is disconnected, so a slow
// client never slows the server or the others.
type hub struct {
	s        *Server
	upgrader websocket.Upgrader

	mu      sync.Mutex
	viewers map[*viewer]struct{}
	// slots counts viewers and upgrades in progress, in all and per
	// session token, against MaxViewers and MaxViewersPerSession.
	slots      int
	perSession map[string]int
	wg         sync.WaitGroup
	closed     bool
	stream     stream // the dashboard viewers' shared part (stream.go)
}

type viewer struct {
	conn  *websocket.Conn
	token string // the session it was opened with
	send  chan []byte
	once  sync.Once
	done  chan struct{}
	dash  *dashView // set for dashboard viewers (stream.go)
}

func newHub(s *Server) *hub {
	h := &hub{s: s, viewers: map[*viewer]struct{}{}, perSession: map[string]int{}, stream: stream{limits: monitor.DefaultLimits()}}
	h.upgrader = websocket.Upgrader{
		HandshakeTimeout: 5 * time.Second,
		CheckOrigin:      sameOrigin,
	}
	return h
}

// sameOrigin accepts clients that send no Origin (programs) and browsers on
// the server's own host; a page elsewhere cannot ride an admin's cookie.
func sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && u.Host == r.Host
}

func (h *hub) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.viewers)
}

func (h *hub) serve(w http.ResponseWriter, r *http.Request) {
	token, ok := h.s.authorize(w, r)
	if !ok {
		return
	}
	if !sameOrigin(r) {
		writeError(w, http.StatusForbidden, "cross-origin WebSocket refused")
		return
	}
	if msg := h.reserve(token); msg != "" {
		w.Header().Set("Retry-After", "10")
		writeError(w, http.StatusServiceUnavailable, msg)
		return
	}
	conn, err := h.upgrader.Upgrade(w, r, nil)
	if err != nil {
		h.release(token)
		return
	}
	v := &viewer{conn: conn, token: token, send: make(chan []byte, h.s.opts.ViewerQueue), done: make(chan struct{})}
	if r.URL.Query().Get("stream") == DashboardStream {
		v.dash = &dashView{}
	}
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		conn.Close()
		h.release(token)
		return
	}
	h.viewers[v] = struct{}{}
	h.wg.Add(2)
	h.mu.Unlock()
	v.send <- h.statusMessage() // the first message: the current status
	if v.dash != nil {
		h.greet(v)
	}
	go func() { defer h.wg.Done(); h.write(v) }()
	go func() { defer h.wg.Done(); h.read(v) }()
}

// reserve takes a viewer slot for token, or says why there is none.
func (h *hub) reserve(token string) string {
	o := &h.s.opts
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.slots >= o.MaxViewers {
		return "too many viewers: all " + strconv.Itoa(o.MaxViewers) + " push streams of this server are in use; close a monitor window or try again later"
	}
	if h.perSession[token] >= o.MaxViewersPerSession {
		return "too many viewers for this sign-in: " + strconv.Itoa(o.MaxViewersPerSession) + " push streams are open with this session; close one first"
	}
	h.slots++
	h.perSession[token]++
	return ""
}

func (h *hub) release(token string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.releaseLocked(token)
}

func (h *hub) releaseLocked(token string) {
	h.slots--
	if h.perSession[token]--; h.perSession[token] <= 0 {
		delete(h.perSession, token)
	}
}

func (h *hub) drop(v *viewer) { h.dropWith(v, "") }

// dropWith closes v, first telling it why when reason is set.
func (h *hub) dropWith(v *viewer, reason string) {
	v.once.Do(func() {
		close(v.done)
		if reason != "" {
			// WriteControl may run concurrently with the writer goroutine.
			// A short deadline: a viewer that reads nothing must not hold up
			// the sign-out or the session check of everyone else.
			_ = v.conn.WriteControl(websocket.CloseMessage,
				websocket.FormatCloseMessage(websocket.ClosePolicyViolation, reason), time.Now().Add(250*time.Millisecond))
		}
		v.conn.Close()
		// One step: a viewer counted as gone has given back its slot, so a
		// client that sees the count drop can open a stream at once.
		h.mu.Lock()
		delete(h.viewers, v)
		h.releaseLocked(v.token)
		h.mu.Unlock()
	})
}

// endSession closes the viewers opened with token (on sign-out).
func (h *hub) endSession(token, reason string) {
	for _, v := range h.list() {
		if v.token == token {
			h.dropWith(v, reason)
		}
	}
}

// recheck closes the viewers whose session ended (expired, signed out
// elsewhere) or is no longer an admin's.
func (h *hub) recheck() {
	for _, v := range h.list() {
		if !h.s.adminSession(v.token) {
			h.dropWith(v, "session ended: sign in again")
		}
	}
}

func (h *hub) list() []*viewer {
	h.mu.Lock()
	defer h.mu.Unlock()
	list := make([]*viewer, 0, len(h.viewers))
	for v := range h.viewers {
		list = append(list, v)
	}
	return list
}

// write is the viewer's only writer: queued messages and pings.
func (h *hub) write(v *viewer) {
	ping := time.NewTicker(h.s.opts.PingInterval)
	defer ping.Stop()
	defer h.drop(v)
	for {
		select {
		case <-v.done:
			return
		case msg := <-v.send:
			_ = v.conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
			if v.conn.WriteMessage(websocket.TextMessage, msg) != nil {
				return
			}
		case <-ping.C:
			_ = v.conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
			if v.conn.WriteMessage(websocket.PingMessage, nil) != nil {
				return
			}
		}
	}
}

// read notices when the viewer goes away, applies a dashboard viewer's
// messages (pause, filter) and discards anything else; a viewer that answers
// no ping within two intervals is dropped.
func (h *hub) read(v *viewer) {
	defer h.drop(v)
	wait := 2 * h.s.opts.PingInterval
	v.conn.SetReadLimit(4 << 10)
	_ = v.conn.SetReadDeadline(time.Now().Add(wait))
	v.conn.SetPongHandler(func(string) error { return v.conn.SetReadDeadline(time.Now().Add(wait)) })
	for {
		_, msg, err := v.conn.ReadMessage()
		if err != nil {
			return
		}
		if v.dash != nil {
			h.handle(v, msg)
		}
	}
}

func (h *hub) broadcast(msg []byte) {
	for _, v := range h.list() {
		h.offer(v, msg)
	}
}

type pushMessage struct {
	Event string `json:"event"`
	Data  any    `json:"data"`
	// Verdict goes beside the status's data (the contract's snapshot stays
	// as it is): the server's judgement, for the browser tab's title and
	// the observing window.
	Verdict *verdict.Verdict `json:"verdict,omitempty"`
}

func (h *hub) statusMessage() []byte {
	msg := pushMessage{Event: EventStatus, Data: h.s.opts.Snapshots.Snapshot()}
	if h.s.opts.Verdict != nil {
		v := h.s.opts.Verdict()
		msg.Verdict = &v
	}
	b, _ := json.Marshal(msg)
	return b
}

// run pushes the status on every change and at least every PushInterval, and
// metrics every second, until ctx ends.
func (h *hub) run(ctx context.Context) {
	push := time.NewTicker(h.s.opts.PushInterval)
	defer push.Stop()
	metrics := time.NewTicker(time.Second)
	defer metrics.Stop()
	sessions := time.NewTicker(h.s.opts.SessionCheck)
	defer sessions.Stop()
	last := h.s.opts.Snapshots.Snapshot().TotalTicksReceived
	lastAt := time.Now()
	for {
		select {
		case <-ctx.Done():
			h.mu.Lock()
			h.closed = true
			list := make([]*viewer, 0, len(h.viewers))
			for v := range h.viewers {
				list = append(list, v)
			}
			h.mu.Unlock()
			for _, v := range list {
				h.drop(v)
			}
			h.wg.Wait()
			return
		case <-h.s.opts.Snapshots.Changed():
			h.broadcast(h.statusMessage())
			push.Reset(h.s.opts.PushInterval)
		case <-push.C:
			h.broadcast(h.statusMessage())
		case <-sessions.C:
			h.recheck()
		case now := <-metrics.C:
			snap := h.s.opts.Snapshots.Snapshot()
			rate := float64(snap.TotalTicksReceived-last) / now.Sub(lastAt).Seconds()
			last, lastAt = snap.TotalTicksReceived, now
			b, _ := json.Marshal(pushMessage{Event: EventMetrics, Data: map[string]any{
				"total_ticks_received": snap.TotalTicksReceived, "ticks_per_second": rate,
				"connected_count": snap.ConnectedCount, "enabled_connections": snap.EnabledConnections,
				"total_errors": snap.TotalErrors, "timestamp": wire.Unix(now),
			}})
			h.broadcast(b)
			h.statusToDashboards()
		}
	}
}

// statusToDashboards gives the browser tabs the status every second, as the
// window gets it: their counts (Received, Messages…) are never 5 s old.
// Programs on the plain stream keep the contract's cadence.
func (h *hub) statusToDashboards() {
	tabs := h.dashViewers()
	if len(tabs) == 0 {
		return
	}
	msg := h.statusMessage()
	for _, v := range tabs {
		h.offer(v, msg)
	}
}
