package simulator

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"go.uber.org/goleak"

	"github.com/tickstock/monitor/backend/massive"
	"github.com/tickstock/monitor/internal/wait"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func start(t *testing.T, opts Options) *Server {
	t.Helper()
	if opts.Keys == nil {
		opts.Keys = []string{"good-key"}
	}
	s, err := Start("127.0.0.1:0", opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

type client struct {
	t    *testing.T
	conn *websocket.Conn
	dec  massive.Decoder
}

func dial(t *testing.T, s *Server) *client {
	t.Helper()
	conn, _, err := websocket.DefaultDialer.Dial(s.URL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	c := &client{t: t, conn: conn}
	if st := c.status(); st.Status != massive.ProviderConnected {
		t.Fatalf("first event %+v, want connected", st)
	}
	return c
}

func (c *client) send(b []byte) {
	c.t.Helper()
	if err := c.conn.WriteMessage(websocket.TextMessage, b); err != nil {
		c.t.Fatal(err)
	}
}

// events reads one frame.
func (c *client) events() ([]massive.Event, error) {
	_ = c.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, data, err := c.conn.ReadMessage()
	if err != nil {
		return nil, err
	}
	evs, _, err := c.dec.Decode(data, nil)
	return evs, err
}

// status reads frames until a status event arrives.
func (c *client) status() massive.Status {
	c.t.Helper()
	for {
		evs, err := c.events()
		if err != nil {
			c.t.Fatal(err)
		}
		for _, e := range evs {
			if e.Kind == massive.KindStatus {
				return e.Status
			}
		}
	}
}

func (c *client) auth(key string) massive.Status {
	c.send(massive.Auth(key))
	return c.status()
}

func TestHandshakeAuthSubscribeAndTicks(t *testing.T) {
	s := start(t, Options{Rate: 400, FrameInterval: 10 * time.Millisecond})
	c := dial(t, s)
	if st := c.auth("good-key"); st.Status != massive.ProviderAuthSuccess {
		t.Fatalf("auth: %+v", st)
	}
	c.send(massive.Subscribe([]string{"AM.AAPL", "T.MSFT", "Q.IBM"}))
	evs, err := c.events()
	if err != nil || len(evs) != 3 {
		t.Fatalf("confirmations %+v %v", evs, err)
	}
	for i, ch := range []string{"AM.AAPL", "T.MSFT", "Q.IBM"} {
		if evs[i].Status.Status != "success" || evs[i].Status.Message != "subscribed to: "+ch {
			t.Errorf("confirmation %d: %+v", i, evs[i].Status)
		}
	}
	seen := map[massive.Kind]bool{}
	multi := false
	for len(seen) < 3 {
		evs, err := c.events()
		if err != nil {
			t.Fatal(err)
		}
		multi = multi || len(evs) > 1
		for _, e := range evs {
			seen[e.Kind] = true
			want := map[massive.Kind]string{massive.KindMinuteAggregate: "AAPL", massive.KindTrade: "MSFT", massive.KindQuote: "IBM"}[e.Kind]
			if e.Symbol != want {
				t.Fatalf("%v event for %q, want %q", e.Kind, e.Symbol, want)
			}
			if p, _, ts, _ := e.Tick(); p <= 0 || ts <= 0 {
				t.Fatalf("implausible tick %+v", e)
			}
		}
	}
	if !multi {
		t.Error("no multi-event frame at 400 events/s")
	}
	// The counters move right after the write that the client just read.
	wait.For(t, "the sent counters to move", 5*time.Second, func() bool {
		return s.Sent() > 0 && s.Sessions()[0].EventsSent > 0
	})
}

func TestWrongKeyIsRefusedAndClosed(t *testing.T) {
	s := start(t, Options{})
	c := dial(t, s)
	if st := c.auth("bad-key"); st.Status != massive.ProviderAuthFailed {
		t.Fatalf("auth: %+v", st)
	}
	if _, err := c.events(); err == nil {
		t.Fatal("connection still open after auth_failed")
	}
}

func TestRefuseAuthKnob(t *testing.T) {
	s := start(t, Options{})
	s.SetRefuseAuth(true)
	if st := dial(t, s).auth("good-key"); st.Status != massive.ProviderAuthFailed {
		t.Fatalf("auth: %+v", st)
	}
	s.SetRefuseAuth(false)
	if st := dial(t, s).auth("good-key"); st.Status != massive.ProviderAuthSuccess {
		t.Fatalf("auth after knob off: %+v", st)
	}
}

func TestConnectionLimitPerKey(t *testing.T) {
	s := start(t, Options{MaxConnsPerKey: 3})
	for i := 0; i < 3; i++ {
		if st := dial(t, s).auth("good-key"); st.Status != massive.ProviderAuthSuccess {
			t.Fatalf("connection %d: %+v", i+1, st)
		}
	}
	c := dial(t, s)
	if st := c.auth("good-key"); st.Status != massive.ProviderMaxConnections || !strings.Contains(st.Message, "Maximum number of websocket connections exceeded") {
		t.Fatalf("4th connection: %+v", st)
	}
	_, err := c.events()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.ClosePolicyViolation {
		t.Fatalf("close after max_connections: %v, want 1008", err)
	}
}

func TestAuthTimeout(t *testing.T) {
	s := start(t, Options{AuthTimeout: 100 * time.Millisecond})
	c := dial(t, s)
	if st := c.status(); st.Status != massive.ProviderAuthTimeout {
		t.Fatalf("got %+v, want auth_timeout", st)
	}
}

func TestSubscribeBeforeAuthIsRefused(t *testing.T) {
	s := start(t, Options{})
	c := dial(t, s)
	c.send(massive.Subscribe([]string{"AM.AAPL"}))
	if st := c.status(); st.Status != massive.ProviderError || st.Message != "not authorized" {
		t.Fatalf("got %+v", st)
	}
}

func TestUnsubscribeAndBadChannels(t *testing.T) {
	s := start(t, Options{})
	c := dial(t, s)
	c.auth("good-key")
	c.send(massive.Subscribe([]string{"AM.AAPL", "XX.BAD", "nodot"}))
	evs, _ := c.events()
	if len(evs) != 3 || evs[1].Status.Status != "error" || evs[2].Status.Status != "error" {
		t.Fatalf("got %+v", evs)
	}
	c.send(massive.Unsubscribe([]string{"AM.AAPL"}))
	if st := c.status(); st.Message != "unsubscribed to: AM.AAPL" {
		t.Fatalf("got %+v", st)
	}
	if syms := s.Sessions()[0].Symbols; len(syms) != 0 {
		t.Fatalf("still subscribed to %v", syms)
	}
	c.send([]byte("not json"))
	if st := c.status(); st.Status != "error" {
		t.Fatalf("invalid action: %+v", st)
	}
}

func subscribed(t *testing.T, s *Server, sym string) *client {
	c := dial(t, s)
	c.auth("good-key")
	c.send(massive.Subscribe([]string{"T." + sym}))
	c.status()
	return c
}

func TestDropClosesOnlyTheMatchingConnection(t *testing.T) {
	s := start(t, Options{Rate: 100, FrameInterval: 10 * time.Millisecond})
	a, b := subscribed(t, s, "AAPL"), subscribed(t, s, "MSFT")
	if n := s.Drop("AAPL"); n != 1 {
		t.Fatalf("dropped %d", n)
	}
	for {
		if _, err := a.events(); err != nil {
			break
		}
	}
	if _, err := b.events(); err != nil {
		t.Fatalf("the other connection died too: %v", err)
	}
}

func TestGarbageFrame(t *testing.T) {
	s := start(t, Options{Rate: 1, FrameInterval: 10 * time.Millisecond})
	c := subscribed(t, s, "AAPL")
	s.SendGarbage("AAPL")
	for i := 0; i < 100; i++ {
		_, err := c.events()
		if errors.Is(err, massive.ErrNotArray) {
			return
		}
	}
	t.Fatal("no garbage frame arrived")
}

func TestStallSendsNothingAndAnswersNoPing(t *testing.T) {
	s := start(t, Options{Rate: 200, FrameInterval: 10 * time.Millisecond})
	c := subscribed(t, s, "AAPL")
	s.Stall("AAPL", 400*time.Millisecond)
	time.Sleep(30 * time.Millisecond) // a frame may already be in flight
	pong := make(chan struct{}, 1)
	c.conn.SetPongHandler(func(string) error { pong <- struct{}{}; return nil })
	c.conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(time.Second))
	for {
		_ = c.conn.SetReadDeadline(time.Now().Add(150 * time.Millisecond))
		if _, _, err := c.conn.ReadMessage(); err != nil {
			break // read deadline during the stall: nothing arrived
		}
	}
	select {
	case <-pong:
		t.Fatal("a stalled server answered a ping")
	default:
	}
}

func TestSetRate(t *testing.T) {
	s := start(t, Options{Rate: 5})
	s.SetRate(50_000)
	if s.Rate() != 50_000 {
		t.Fatal(s.Rate())
	}
	s.SetRate(-1)
	if s.Rate() != 0 {
		t.Fatal(s.Rate())
	}
}

func TestStartNeedsAKey(t *testing.T) {
	if _, err := Start("127.0.0.1:0", Options{}); err == nil {
		t.Fatal("started without keys")
	}
}

// Frames at load-test rates stay within the client's 1 MiB limit.
func TestHighRateFramesStayUnderTheReadLimit(t *testing.T) {
	s := start(t, Options{Rate: 100_000, FrameInterval: 50 * time.Millisecond})
	c := subscribed(t, s, "AAPL")
	c.conn.SetReadLimit(massive.MaxFrameSize)
	total := 0
	for total < 20_000 {
		_ = c.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, data, err := c.conn.ReadMessage()
		if err != nil {
			t.Fatal(err)
		}
		var evs []json.RawMessage
		if err := json.Unmarshal(data, &evs); err != nil {
			t.Fatal(err)
		}
		total += len(evs)
	}
}

// A status frame is JSON whatever the client sent: the channel name it
// echoes, clipped inside a character or holding a DEL, once came out in Go's
// quoting (\xe2, \x7f), which the client's JSON reader refuses.
func TestStatusFrameIsJSONWhateverTheClientSent(t *testing.T) {
	ch := strings.Repeat("€", 11) + "\x7f" // clip cuts the 11th € in two
	frame := statusFrame(massive.ProviderError, "invalid channel: "+clip(ch))
	var evs []struct{ Status, Message string }
	if err := json.Unmarshal(frame, &evs); err != nil || len(evs) != 1 || !strings.HasPrefix(evs[0].Message, "invalid channel: €") {
		t.Fatalf("frame %s: %+v, %v", frame, evs, err)
	}
}
