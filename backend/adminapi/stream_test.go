package adminapi

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"testing/fstest"
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"

	"github.com/tickstock/monitor/backend/monitor"
	"github.com/tickstock/monitor/backend/wire"
)

// dashConn signs c in as email and opens /admin-ws?stream=dashboard.
func (f *fixture) dashConn(t testing.TB, c *http.Client) *websocket.Conn {
	t.Helper()
	u := "ws" + strings.TrimPrefix(f.http.URL, "http") + "/admin-ws?stream=" + DashboardStream
	h := http.Header{}
	for _, ck := range c.Jar.Cookies(mustURL(f.http.URL)) {
		h.Add("Cookie", ck.String())
	}
	conn, _, err := websocket.DefaultDialer.Dial(u, h)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

type frame struct {
	Event string          `json:"event"`
	Data  json.RawMessage `json:"data"`
	size  int
}

// next reads frames until one of event arrives (failing after 5 s).
func next(t testing.TB, conn *websocket.Conn, event string) frame {
	t.Helper()
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		_, raw, err := conn.ReadMessage()
		if err != nil {
			t.Fatalf("waiting for %s: %v", event, err)
		}
		var f frame
		if err := json.Unmarshal(raw, &f); err != nil {
			t.Fatal(err)
		}
		f.size = len(raw)
		if f.Event == event {
			return f
		}
	}
}

// waitViewers waits until n dashboard viewers satisfy cond: a client's
// message is applied by that viewer's own reader goroutine.
func waitViewers(t testing.TB, f *fixture, what string, cond func(*dashView) bool, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		k := 0
		for _, v := range f.srv.hub.dashViewers() {
			v.dash.mu.Lock()
			if cond(v.dash) {
				k++
			}
			v.dash.mu.Unlock()
		}
		if k == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: %d of %d", what, k, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func batchOf(t testing.TB, f frame) wire.Batch {
	var b wire.Batch
	if err := json.Unmarshal(f.Data, &b); err != nil {
		t.Fatal(err)
	}
	return b
}

func symbols(b wire.Batch, id string) []string {
	var out []string
	if cb := b.Connections[id]; cb != nil {
		for _, r := range cb.Ticks {
			out = append(out, r.Symbol)
		}
	}
	return out
}

func rows(syms ...string) []wire.Row {
	out := make([]wire.Row, len(syms))
	for i, s := range syms {
		out[i] = wire.Row{Symbol: s, Price: 1}
	}
	return out
}

func signedIn(t testing.TB, f *fixture, email string) *http.Client {
	c := f.client()
	if code := f.login(t, c, email, passwords[email]); code != 200 {
		t.Fatalf("login %s: %d", email, code)
	}
	return c
}

// adminTab is a signed-in admin's dashboard tab past its greeting batch,
// on a server that pushes no status of its own (PushInterval an hour).
func adminTab(t testing.TB) (*fixture, *websocket.Conn) {
	f := start(t, Options{PushInterval: time.Hour})
	conn := f.dashConn(t, signedIn(t, f, "admin@x.io"))
	next(t, conn, EventTicks)
	return f, conn
}

// wantRows reads the tab's next batch and fails unless it replaces the rows
// (or adds to them) with connection 1's symbols want, comma-separated.
func wantRows(t testing.TB, conn *websocket.Conn, replace bool, want, what string) {
	t.Helper()
	b := batchOf(t, next(t, conn, EventTicks))
	if b.Replace != replace || strings.Join(symbols(b, "connection_1"), ",") != want {
		t.Fatalf("%s: got %+v, want replace=%v rows %s", what, b, replace, want)
	}
}

func TestDashboardViewersPauseAndFilterAlone(t *testing.T) {
	f := start(t, Options{PushInterval: time.Hour})
	out := f.srv.MonitorOutput()
	c := signedIn(t, f, "admin@x.io")
	a, b := f.dashConn(t, c), f.dashConn(t, c)
	for _, conn := range []*websocket.Conn{a, b} {
		next(t, conn, EventStatus)
		if g := batchOf(t, next(t, conn, EventTicks)); !g.Replace {
			t.Fatalf("greeting batch %+v is not a replacing one", g)
		}
	}
	waitViewers(t, f, "two dashboard viewers", func(*dashView) bool { return true }, 2)

	// a filters on "AA"; b pauses. Each takes effect before the next batch.
	if err := a.WriteJSON(map[string]string{"type": "filter", "filter": " aa "}); err != nil {
		t.Fatal(err)
	}
	if rb := batchOf(t, next(t, a, EventTicks)); !rb.Replace || rb.Filter != "AA" {
		t.Fatalf("a's filter answer %+v", rb)
	}
	if err := b.WriteJSON(map[string]string{"type": "pause"}); err != nil {
		t.Fatal(err)
	}
	waitViewers(t, f, "one paused viewer", func(d *dashView) bool { return d.view.Paused() }, 1)

	out.Batch(&wire.Batch{Seq: 7, Connections: map[string]*wire.ConnBatch{
		"connection_1": {Ticks: rows("AAPL", "MSFT", "AAL"), More: 10},
		"connection_2": {Ticks: rows("GOOG")},
	}})
	got := batchOf(t, next(t, a, EventTicks))
	if s := symbols(got, "connection_1"); strings.Join(s, ",") != "AAPL,AAL" || got.Connections["connection_2"] != nil {
		t.Fatalf("a (filter AA) got %+v", got)
	}

	// b is paused: metrics say so with its own count; a's metrics do not.
	out.Metrics(&wire.Metrics{Total: 99, Connections: map[string]wire.ConnMetrics{}})
	var am, bm wire.Metrics
	_ = json.Unmarshal(next(t, a, EventTickMetrics).Data, &am)
	_ = json.Unmarshal(next(t, b, EventTickMetrics).Data, &bm)
	if am.Paused || !bm.Paused || bm.ArrivedWhilePaused != 14 || bm.Total != 99 {
		t.Fatalf("metrics: a %+v, b %+v", am, bm)
	}

	// b resumes: the newest rows of every connection and what arrived.
	if err := b.WriteJSON(map[string]string{"type": "resume"}); err != nil {
		t.Fatal(err)
	}
	rb := batchOf(t, next(t, b, EventTicks))
	if !rb.Resumed || !rb.Replace || rb.Connections["connection_1"].ArrivedWhilePaused != 13 ||
		strings.Join(symbols(rb, "connection_1"), ",") != "AAPL,MSFT,AAL" {
		t.Fatalf("b's resume batch %+v", rb)
	}
	for _, r := range rb.Connections["connection_1"].Ticks {
		if r.Via != nil {
			t.Fatal("a held-back row carries a publish delay")
		}
	}
}

// The page shows what it is told: a pause is answered at once by a batch
// without rows that says so, and a filter set while paused shows its
// matches among the rows as of the pause, not rows that came after it.
func TestPauseIsStatedAndAFilterWhilePausedKeepsTheFrozenRows(t *testing.T) {
	f := start(t, Options{PushInterval: time.Hour})
	out := f.srv.MonitorOutput()
	out.Batch(&wire.Batch{Seq: 1, Rows: 50, UnassignedRows: 10, Connections: map[string]*wire.ConnBatch{
		"connection_1": {Ticks: rows("MSFT", "AAPL")},
	}})
	conn := f.dashConn(t, signedIn(t, f, "admin@x.io"))
	if g := batchOf(t, next(t, conn, EventTicks)); g.Rows != 50 || g.UnassignedRows != 10 || g.Paused {
		t.Fatalf("greeting %+v: the row limits not stated", g)
	}

	_ = conn.WriteJSON(map[string]string{"type": "pause"})
	p := batchOf(t, next(t, conn, EventTicks))
	if !p.Paused || p.Replace || len(p.Connections) != 0 || p.Rows != 50 {
		t.Fatalf("the answer to pause: %+v", p)
	}
	waitViewers(t, f, "the viewer paused", func(d *dashView) bool { return d.view.Paused() }, 1)
	out.Batch(&wire.Batch{Seq: 2, Rows: 50, UnassignedRows: 10, Connections: map[string]*wire.ConnBatch{
		"connection_1": {Ticks: rows("AAL")},
	}})

	_ = conn.WriteJSON(map[string]string{"type": "filter", "filter": "aa"})
	fb := batchOf(t, next(t, conn, EventTicks))
	if !fb.Paused || !fb.Replace || fb.Filter != "AA" || strings.Join(symbols(fb, "connection_1"), ",") != "AAPL" {
		t.Fatalf("a filter while paused: %+v (want AAPL only: AAL came after the pause)", fb)
	}

	_ = conn.WriteJSON(map[string]string{"type": "resume"})
	rb := batchOf(t, next(t, conn, EventTicks))
	if rb.Paused || !rb.Resumed || rb.Filter != "AA" || strings.Join(symbols(rb, "connection_1"), ",") != "AAL,AAPL" {
		t.Fatalf("resume: %+v", rb)
	}
}

func TestPlainViewersGetOnlyTheOldEvents(t *testing.T) {
	f := start(t, Options{PushInterval: time.Hour})
	conn := f.viewerConn(t)
	next(t, conn, EventStatus)
	out := f.srv.MonitorOutput()
	out.Subscription(wire.SubscriptionState{State: wire.SubscriptionSubscribed})
	out.Batch(&wire.Batch{Seq: 1, Connections: map[string]*wire.ConnBatch{"connection_1": {Ticks: rows("AAPL")}}})
	// Metrics come every second; read for two and see nothing new.
	deadline := time.Now().Add(2200 * time.Millisecond)
	_ = conn.SetReadDeadline(deadline)
	for time.Now().Before(deadline) {
		var m pushMessage
		if err := conn.ReadJSON(&m); err != nil {
			break
		}
		if m.Event != EventStatus && m.Event != EventMetrics {
			t.Fatalf("a plain viewer got %q", m.Event)
		}
	}
}

func TestDashboardFramesStayUnder8KiB(t *testing.T) {
	f, conn := adminTab(t)
	big := func(n int, sym string) []wire.Row {
		out := make([]wire.Row, n)
		for i := range out {
			d := int32(123456)
			out[i] = wire.Row{Symbol: sym, Price: 123456.789012, Volume: 123456789012, TS: 1705853696.123, Recv: 1705853696.654}
			if i < monitor.ViaRowsPerBatch {
				out[i].Via = &d
			}
		}
		return out
	}
	b := &wire.Batch{Seq: 1, Connections: map[string]*wire.ConnBatch{
		"connection_1": {Ticks: big(20, "ABCDEFGHIJK1"), More: 1 << 40},
		"connection_2": {Ticks: big(20, "ABCDEFGHIJK2"), More: 1 << 40},
		"connection_3": {Ticks: big(20, "ABCDEFGHIJK3"), More: 1 << 40},
	}, Unassigned: &wire.ConnBatch{Ticks: big(5, "UNASSIGNED12")}}
	f.srv.MonitorOutput().Batch(b)
	if fr := next(t, conn, EventTicks); fr.size >= 8<<10 {
		t.Fatalf("tick_batch frame of %d bytes", fr.size)
	}
	// A resume replaces with the remembered rows: the same bound.
	_ = conn.WriteJSON(map[string]string{"type": "pause"})
	if p := batchOf(t, next(t, conn, EventTicks)); !p.Paused {
		t.Fatalf("the answer to pause %+v does not say paused", p)
	}
	_ = conn.WriteJSON(map[string]string{"type": "resume"})
	if fr := next(t, conn, EventTicks); fr.size >= 8<<10 || !batchOf(t, fr).Resumed {
		t.Fatalf("resume frame of %d bytes", fr.size)
	}
}

func TestDashboardPageAndSession(t *testing.T) {
	page := fstest.MapFS{
		"index.html":       {Data: []byte("<html><head><title>TickStock</title></head></html>")},
		"assets/index.js":  {Data: []byte("console.log(1)")},
		"assets/style.css": {Data: []byte("body{}")},
	}
	f := start(t, Options{Dashboard: page, Info: func() wire.Info { return wire.Info{Mode: "demo"} }})
	c := f.client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Get(f.http.URL + DashboardPath)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != DashboardPath+"/" {
		t.Fatalf("%s: %d to %q", DashboardPath, resp.StatusCode, resp.Header.Get("Location"))
	}
	// The page is public (it holds no data); the figures are not.
	for path, want := range map[string]string{"/": `<html><head>
    <meta name="tickstock-shell" content="browser"><title>TickStock`, "/assets/index.js": "console.log"} {
		resp, err := c.Get(f.http.URL + DashboardPath + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.HasPrefix(string(body), want) || resp.Header.Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s: %d %q", path, resp.StatusCode, body)
		}
		// A tab lives on its push stream: its page-load requests keep no socket.
		if !resp.Close {
			t.Errorf("%s: the connection is kept alive", path)
		}
	}
	for _, p := range []string{"/api/admin/info", "/api/admin/source", "/api/admin/lookup?symbol=AAPL", "/api/admin/session"} {
		if code, _ := f.get(t, c, p); code != 401 {
			t.Errorf("%s anonymous: %d", p, code)
		}
	}
	f.login(t, c, "user@x.io", passwords["user@x.io"])
	if code, body := f.get(t, c, "/api/admin/session"); code != 200 || body["admin"] != false || body["email"] != "user@x.io" {
		t.Errorf("user's session: %d %v", code, body)
	}
	if code, _ := f.get(t, c, "/api/admin/info"); code != 403 {
		t.Errorf("user's info: %d", code)
	}
	a := signedIn(t, f, "admin@x.io")
	if code, body := f.get(t, a, "/api/admin/info"); code != 200 || body["mode"] != "demo" {
		t.Errorf("admin's info: %d %v", code, body)
	}
	if code, body := f.get(t, a, "/api/admin/session"); code != 200 || body["admin"] != true {
		t.Errorf("admin's session: %d %v", code, body)
	}
}

func TestDashboardNotBuiltIsSaid(t *testing.T) {
	for name, dist := range map[string]fstest.MapFS{"nil": nil, "placeholder": {".gitkeep": {Data: []byte("x")}}} {
		o := Options{}
		if dist != nil {
			o.Dashboard = dist
		}
		f := start(t, o)
		resp, err := http.Get(f.http.URL + DashboardPath + "/")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "Dashboard not built") {
			t.Errorf("%s: %d %q", name, resp.StatusCode, body)
		}
	}
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

func TestHiddenTabGetsNoBatchesUntilShown(t *testing.T) {
	f, conn := adminTab(t)
	_ = conn.WriteJSON(map[string]string{"type": "hidden"})
	waitViewers(t, f, "a hidden viewer", func(d *dashView) bool { return d.hidden }, 1)
	out := f.srv.MonitorOutput()
	out.Batch(&wire.Batch{Seq: 2, Connections: map[string]*wire.ConnBatch{"connection_1": {Ticks: rows("MSFT")}}})
	out.Metrics(&wire.Metrics{Total: 5, Connections: map[string]wire.ConnMetrics{}})
	// The metrics come; the batch did not (the next batch is the one sent on "visible").
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	var m frame
	if err := conn.ReadJSON(&m); err != nil || m.Event != EventTickMetrics {
		t.Fatalf("a hidden tab got %q (%v)", m.Event, err)
	}
	_ = conn.WriteJSON(map[string]string{"type": "visible"})
	wantRows(t, conn, true, "MSFT", "shown again")
}

// A tab that says what it has taken in is never left more than a few
// seconds behind: while it is more than 2 s behind what it was sent it gets
// no batches (the small metrics keep coming), and once caught up the
// newest rows at once, as a replacing batch.
func TestATabBehindGetsNoBatchesUntilItCatchesUp(t *testing.T) {
	f, conn := adminTab(t)
	out := f.srv.MonitorOutput()
	metricsAt := func(at float64) {
		out.Metrics(&wire.Metrics{At: at, Connections: map[string]wire.ConnMetrics{}})
		var m wire.Metrics
		_ = json.Unmarshal(next(t, conn, EventTickMetrics).Data, &m)
		if m.At != at {
			t.Fatalf("metrics at %v, want %v", m.At, at)
		}
	}
	metricsAt(100)
	_ = conn.WriteJSON(map[string]any{"type": "seen", "at": 100})
	waitViewers(t, f, "a tab that has seen 100", func(d *dashView) bool { return d.seenAt == 100 }, 1)

	// Within 2 s: batches flow.
	metricsAt(101)
	metricsAt(102)
	out.Batch(&wire.Batch{Seq: 2, Connections: map[string]*wire.ConnBatch{"connection_1": {Ticks: rows("AAPL")}}})
	wantRows(t, conn, false, "AAPL", "a tab 2 s behind")
	// 3 s behind: held back (the next batch it gets is the catch-up one).
	metricsAt(103)
	out.Batch(&wire.Batch{Seq: 3, Connections: map[string]*wire.ConnBatch{"connection_1": {Ticks: rows("MSFT")}}})
	waitViewers(t, f, "a tab held back", func(d *dashView) bool { return d.behind }, 1)
	metricsAt(104) // the metrics keep coming
	_ = conn.WriteJSON(map[string]any{"type": "seen", "at": 102})
	_ = conn.WriteJSON(map[string]any{"type": "seen", "at": 104})
	wantRows(t, conn, true, "MSFT,AAPL", "caught up")
	out.Batch(&wire.Batch{Seq: 4, Connections: map[string]*wire.ConnBatch{"connection_1": {Ticks: rows("IBM")}}})
	wantRows(t, conn, false, "IBM", "after catching up")
}

// A page that never says what it has seen (one built before "seen") is
// never held back: it gets every batch, as before.
func TestATabThatSaysNothingIsNotHeldBack(t *testing.T) {
	f, conn := adminTab(t)
	out := f.srv.MonitorOutput()
	for at := 100.0; at <= 110; at++ {
		out.Metrics(&wire.Metrics{At: at, Connections: map[string]wire.ConnMetrics{}})
	}
	out.Batch(&wire.Batch{Seq: 2, Connections: map[string]*wire.ConnBatch{"connection_1": {Ticks: rows("AAPL")}}})
	wantRows(t, conn, false, "AAPL", "a tab that says nothing")
}

// FuzzClientMessage: whatever a tab sends, the hub neither panics nor sends
// a frame of more than 8 KiB, and the filter stays a ticker's length.
func FuzzClientMessage(f *testing.F) {
	for _, s := range []string{`{"type":"pause"}`, `{"type":"resume"}`, `{"type":"filter","filter":"aa"}`,
		`{"type":"hidden"}`, `{"type":"visible"}`, `{"type":"filter","filter":"` + strings.Repeat("Z", 100) + `"}`, `not json`, `{}`,
		`{"type":"seen","at":5}`} {
		f.Add([]byte(s))
	}
	s := New(Options{})
	out := s.MonitorOutput()
	out.Batch(&wire.Batch{Seq: 1, Connections: map[string]*wire.ConnBatch{"connection_1": {Ticks: rows("AAPL", "AAL", "MSFT")}}})
	f.Fuzz(func(t *testing.T, msg []byte) {
		v := &viewer{send: make(chan []byte, 64), dash: &dashView{}}
		for _, m := range [][]byte{msg, []byte(`{"type":"resume"}`), msg} {
			s.hub.handle(v, m)
		}
		if utf8.RuneCountInString(v.dash.view.Filter()) > monitor.MaxFilterLen {
			t.Fatalf("filter %q", v.dash.view.Filter())
		}
		for len(v.send) > 0 {
			if b := <-v.send; len(b) >= 8<<10 {
				t.Fatalf("frame of %d bytes", len(b))
			}
		}
	})
}

// A browser tab gets the status every second, as the window does, so its
// counts are never a push interval old; a plain viewer keeps the contract's
// cadence (on change and every PushInterval).
func TestDashboardsGetTheStatusEverySecond(t *testing.T) {
	f := start(t, Options{PushInterval: time.Hour})
	c := signedIn(t, f, "admin@x.io")
	tab, plain := f.dashConn(t, c), f.viewerConn(t)
	next(t, tab, EventStatus)
	next(t, plain, EventStatus)
	next(t, tab, EventStatus) // a second one, within the 5 s of next: not the hour
	next(t, tab, EventStatus)
	_ = plain.SetReadDeadline(time.Now().Add(2200 * time.Millisecond))
	for {
		var m pushMessage
		if err := plain.ReadJSON(&m); err != nil {
			break
		}
		if m.Event == EventStatus {
			t.Fatal("a plain viewer got a status before its push interval")
		}
	}
}

// A new filter replaces the unassigned strip too: a tab whose unassigned
// rows no longer match is told to empty it (the page keeps a strip that a
// replacing batch does not mention).
func TestAFilterReplacesTheUnassignedStrip(t *testing.T) {
	f, conn := adminTab(t)
	f.srv.MonitorOutput().Batch(&wire.Batch{Seq: 2, Connections: map[string]*wire.ConnBatch{},
		Unassigned: &wire.ConnBatch{Ticks: rows("ZZZ")}})
	if b := batchOf(t, next(t, conn, EventTicks)); b.Unassigned == nil || len(b.Unassigned.Ticks) != 1 {
		t.Fatalf("the unassigned row: %+v", b)
	}
	_ = conn.WriteJSON(map[string]string{"type": "filter", "filter": "AA"})
	b := batchOf(t, next(t, conn, EventTicks))
	if !b.Replace || b.Unassigned == nil || len(b.Unassigned.Ticks) != 0 {
		t.Fatalf("the filter's batch must empty the unassigned strip: %+v", b)
	}
}
