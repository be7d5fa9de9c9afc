package simulator

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/tickstock/monitor/backend/jsonscan"
	"github.com/tickstock/monitor/backend/massive"
)

const (
	statusAuthSuccess    = massive.ProviderAuthSuccess
	statusAuthFailed     = massive.ProviderAuthFailed
	statusMaxConnections = massive.ProviderMaxConnections

	writeWait      = 10 * time.Second
	maxClientMsg   = 1 << 20
	maxEventsFrame = 4000 // keeps every frame well under the client's 1 MiB limit
)

// session is one client connection. The run goroutine is its only writer of
// data frames; the reader goroutine hands replies to it through out.
type session struct {
	srv  *Server
	id   int64
	conn *websocket.Conn
	out  chan reply
	done chan struct{}
	once sync.Once

	authedKey  string // guarded by srv.mu
	authed     atomic.Bool
	stallUntil atomic.Int64           // Unix ns; no frames and no pongs before it
	garbage    atomic.Int32           // garbage frames still to send
	raw        atomic.Pointer[[]byte] // one frame to send as it is (SendFrame)
	sent       atomic.Int64           // market events sent

	mu       sync.Mutex
	channels map[string]massive.Kind // symbol → subscribed event kind
	symbols  []string                // keys of channels, for random picks

	rng    *rand.Rand
	prices map[string]float64 // run goroutine only
}

func newSession(s *Server, conn *websocket.Conn) *session {
	id := s.nextID.Add(1)
	return &session{
		srv:      s,
		id:       id,
		conn:     conn,
		out:      make(chan reply, 64),
		done:     make(chan struct{}),
		channels: map[string]massive.Kind{},
		rng:      rand.New(rand.NewPCG(uint64(id), uint64(time.Now().UnixNano()))), //nolint:gosec // G115: a seed; only the bits matter
		prices:   map[string]float64{},
	}
}

// kill ends the session abruptly: the TCP connection is closed without a
// close frame, as when a network path dies.
func (ss *session) kill() {
	ss.once.Do(func() {
		close(ss.done)
		_ = ss.conn.NetConn().Close()
	})
}

func (ss *session) stalled() bool { return time.Now().UnixNano() < ss.stallUntil.Load() }

func (ss *session) run() {
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		ss.readLoop()
	}()
	ss.writeLoop()
	ss.kill()
	<-readerDone
}

func (ss *session) writeLoop() {
	if !ss.write(statusFrame(massive.ProviderConnected, "Connected Successfully")) {
		return
	}
	authDeadline := time.NewTimer(ss.srv.opts.AuthTimeout)
	defer authDeadline.Stop()
	tick := time.NewTicker(ss.srv.opts.FrameInterval)
	defer tick.Stop()
	last := time.Now()
	due := 0.0
	for {
		select {
		case <-ss.done:
			return
		case <-authDeadline.C:
			if !ss.authed.Load() {
				ss.write(statusFrame(massive.ProviderAuthTimeout, "authentication timed out"))
				ss.closeWith(websocket.ClosePolicyViolation, "auth timeout")
				return
			}
		case r := <-ss.out:
			for ss.stalled() {
				if !ss.sleep(10 * time.Millisecond) {
					return
				}
			}
			if !ss.write(r.frame) {
				return
			}
			if r.closeCode != 0 {
				ss.closeWith(r.closeCode, "")
				return
			}
		case now := <-tick.C:
			elapsed := now.Sub(last).Seconds()
			last = now
			if ss.stalled() {
				continue
			}
			if ss.garbage.Load() > 0 {
				ss.garbage.Add(-1)
				if !ss.write([]byte("this is not json {")) {
					return
				}
			}
			if f := ss.raw.Swap(nil); f != nil && !ss.write(*f) {
				return
			}
			due += ss.srv.Rate() * elapsed
			n := int(due)
			due -= float64(n)
			if !ss.sendTicks(n, now) {
				return
			}
		}
	}
}

func (ss *session) sleep(d time.Duration) bool {
	select {
	case <-ss.done:
		return false
	case <-time.After(d):
		return true
	}
}

func (ss *session) write(frame []byte) bool {
	_ = ss.conn.SetWriteDeadline(time.Now().Add(writeWait))
	return ss.conn.WriteMessage(websocket.TextMessage, frame) == nil
}

func (ss *session) closeWith(code int, reason string) {
	msg := websocket.FormatCloseMessage(code, reason)
	_ = ss.conn.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second))
}

func (ss *session) readLoop() {
	ss.conn.SetReadLimit(maxClientMsg)
	ss.conn.SetPingHandler(func(data string) error {
		if ss.stalled() {
			return nil // a stalled server answers nothing
		}
		return ss.conn.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(writeWait))
	})
	for {
		_, data, err := ss.conn.ReadMessage()
		if err != nil {
			ss.kill()
			return
		}
		r := ss.handle(data)
		select {
		case ss.out <- r:
		case <-ss.done:
			return
		}
		if r.closeCode != 0 {
			return
		}
	}
}

// reply is a frame for the writer; a non-zero closeCode closes the session
// after it (failed auth, connection limit).
type reply struct {
	frame     []byte
	closeCode int
}

// handle answers one client action.
func (ss *session) handle(data []byte) reply {
	a, err := massive.ParseAction(data)
	if err != nil {
		return reply{frame: statusFrame(massive.ProviderError, "invalid JSON action")}
	}
	switch a.Action {
	case "auth":
		if ss.authed.Load() {
			return reply{frame: statusFrame(statusAuthSuccess, "already authenticated")}
		}
		switch ss.srv.authorize(ss, a.Params) {
		case statusAuthSuccess:
			ss.authed.Store(true)
			return reply{frame: statusFrame(statusAuthSuccess, "authenticated")}
		case statusMaxConnections:
			return reply{frame: statusFrame(statusMaxConnections,
				"Maximum number of websocket connections exceeded. You have reached the connection limit for your account."),
				closeCode: websocket.ClosePolicyViolation}
		default:
			return reply{frame: statusFrame(statusAuthFailed, "authentication failed"), closeCode: websocket.ClosePolicyViolation}
		}
	case "subscribe", "unsubscribe":
		if !ss.authed.Load() {
			return reply{frame: statusFrame(massive.ProviderError, "not authorized")}
		}
		if a.Action == "subscribe" && ss.srv.isBlocked(a.Params) {
			ss.kill() // DropFor: the subscription is cut, as a failing upstream would
			return reply{}
		}
		return reply{frame: ss.subscribe(a.Action == "subscribe", a.Params)}
	}
	return reply{frame: statusFrame(massive.ProviderError, "unknown action")}
}

func (ss *session) subscribe(add bool, params string) []byte {
	b := []byte{'['}
	verb := "subscribed to: "
	if !add {
		verb = "unsubscribed to: "
	}
	ss.mu.Lock()
	for _, ch := range strings.Split(params, ",") {
		ch = strings.TrimSpace(ch)
		prefix, sym, ok := strings.Cut(ch, ".")
		kind, known := kinds[prefix]
		if !ok || !known || sym == "" {
			b = appendStatus(b, massive.ProviderError, "invalid channel: "+clip(ch))
			continue
		}
		if add {
			if _, had := ss.channels[sym]; !had {
				ss.symbols = append(ss.symbols, sym)
			}
			ss.channels[sym] = kind
		} else if _, had := ss.channels[sym]; had {
			delete(ss.channels, sym)
			ss.symbols = removeString(ss.symbols, sym)
		}
		b = appendStatus(b, massive.ProviderSuccess, verb+ch)
	}
	ss.mu.Unlock()
	b[len(b)-1] = ']'
	if len(b) == 1 {
		return []byte("[]")
	}
	return b
}

var kinds = map[string]massive.Kind{
	"T": massive.KindTrade, "Q": massive.KindQuote, "A": massive.KindAggregate, "AM": massive.KindMinuteAggregate,
}

// sendTicks sends n random events for the subscribed symbols, in frames of
// at most maxEventsFrame. Frames are built under the lock and written outside
// it, so fault knobs never wait on a slow client.
func (ss *session) sendTicks(n int, now time.Time) bool {
	if n <= 0 {
		return true
	}
	ms := now.UnixMilli()
	var frames [][]byte
	var counts []int
	ss.mu.Lock()
	for n > 0 && len(ss.symbols) > 0 {
		batch := min(n, maxEventsFrame)
		n -= batch
		b := make([]byte, 0, batch*170+2)
		b = append(b, '[')
		for i := 0; i < batch; i++ {
			sym := ss.symbols[ss.rng.IntN(len(ss.symbols))]
			b = ss.appendEvent(b, sym, ss.channels[sym], ms)
			b = append(b, ',')
		}
		b[len(b)-1] = ']'
		frames, counts = append(frames, b), append(counts, batch)
	}
	ss.mu.Unlock()
	for i, f := range frames {
		if !ss.write(f) {
			return false
		}
		ss.sent.Add(int64(counts[i]))
		ss.srv.sent.Add(int64(counts[i]))
	}
	return true
}

func (ss *session) nextPrice(sym string) float64 {
	p, ok := ss.prices[sym]
	if !ok {
		h := fnv.New32a()
		h.Write([]byte(sym))
		p = 20 + float64(h.Sum32()%48000)/100
	}
	p *= 1 + ss.rng.NormFloat64()*0.0008
	p = math.Max(p, 0.01)
	ss.prices[sym] = p
	return p
}

func (ss *session) appendEvent(b []byte, sym string, kind massive.Kind, ms int64) []byte {
	p := ss.nextPrice(sym)
	switch kind {
	case massive.KindTrade:
		b = append(b, `{"ev":"T","sym":"`...)
		b = append(b, sym...)
		b = append(b, `","x":4,"i":"`...)
		b = strconv.AppendInt(b, ss.sent.Load(), 10)
		b = append(b, `","z":3,"p":`...)
		b = strconv.AppendFloat(b, p, 'f', 2, 64)
		b = append(b, `,"s":`...)
		b = strconv.AppendInt(b, int64(1+ss.rng.IntN(5))*100, 10)
		b = append(b, `,"c":[12,37],"t":`...)
		b = strconv.AppendInt(b, ms, 10)
		return append(b, '}')
	case massive.KindQuote:
		spread := math.Max(0.01, p*0.0002)
		b = append(b, `{"ev":"Q","sym":"`...)
		b = append(b, sym...)
		b = append(b, `","bx":2,"bp":`...)
		b = strconv.AppendFloat(b, p-spread/2, 'f', 2, 64)
		b = append(b, `,"bs":`...)
		b = strconv.AppendInt(b, int64(1+ss.rng.IntN(20)), 10)
		b = append(b, `,"ax":12,"ap":`...)
		b = strconv.AppendFloat(b, p+spread/2, 'f', 2, 64)
		b = append(b, `,"as":`...)
		b = strconv.AppendInt(b, int64(1+ss.rng.IntN(20)), 10)
		b = append(b, `,"c":0,"t":`...)
		b = strconv.AppendInt(b, ms, 10)
		return append(b, `,"z":3}`...)
	}
	ev, span := `{"ev":"AM","sym":"`, int64(60_000)
	if kind == massive.KindAggregate {
		ev, span = `{"ev":"A","sym":"`, 1000
	}
	vol := int64(100 + ss.rng.IntN(50_000))
	b = append(b, ev...)
	b = append(b, sym...)
	b = append(b, `","v":`...)
	b = strconv.AppendInt(b, vol, 10)
	for _, f := range []struct {
		name string
		v    float64
	}{{`,"o":`, p * 0.999}, {`,"c":`, p}, {`,"h":`, p * 1.001}, {`,"l":`, p * 0.998}, {`,"vw":`, p}} {
		b = append(b, f.name...)
		b = strconv.AppendFloat(b, f.v, 'f', 2, 64)
	}
	b = append(b, `,"z":3,"s":`...)
	b = strconv.AppendInt(b, ms-span, 10)
	b = append(b, `,"e":`...)
	b = strconv.AppendInt(b, ms, 10)
	return append(b, '}')
}

func statusFrame(status, message string) []byte {
	b := appendStatus([]byte{'['}, status, message)
	b[len(b)-1] = ']'
	return b
}

// appendStatus appends one status event and a trailing comma.
func appendStatus(b []byte, status, message string) []byte {
	b = append(b, `{"ev":"status","status":`...)
	b = jsonscan.AppendString(b, status)
	b = append(b, `,"message":`...)
	b = jsonscan.AppendString(b, message) // may carry a client's channel name
	return append(b, '}', ',')
}

func removeString(s []string, v string) []string {
	for i, x := range s {
		if x == v {
			s[i] = s[len(s)-1]
			return s[:len(s)-1]
		}
	}
	return s
}

func clip(s string) string {
	if len(s) > 32 {
		return s[:32] + "…"
	}
	return s
}
