package adminapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"go.uber.org/goleak"
	"golang.org/x/crypto/bcrypt"

	"github.com/tickstock/monitor/backend/wire"
	"github.com/tickstock/monitor/internal/admintest"
	"github.com/tickstock/monitor/internal/wait"
)

// TestMain lowers the accepted bcrypt cost for this package's tests, which
// sign in thousands of times; TestCostsBelowTenAreRefused checks the real one.
func TestMain(m *testing.M) {
	minCost, admintest.Cost = bcrypt.MinCost, bcrypt.MinCost
	goleak.VerifyTestMain(m)
}

var passwords = map[string]string{"user@x.io": "user-pass-1", "mod@x.io": "mod-pass-1", "admin@x.io": "admin-pass-1", "super@x.io": "super-pass-1"}

func testUsers(t testing.TB) Users {
	var list []admintest.User
	for email, pw := range passwords {
		list = append(list, admintest.User{Email: email, Password: pw, Role: string(roleOf(email))})
	}
	u, err := ParseUsers(admintest.UsersJSON(t, list...))
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func roleOf(email string) Role {
	return map[string]Role{"user": RoleUser, "mod": RoleModerator, "admin": RoleAdmin, "super": RoleSuper}[strings.Split(email, "@")[0]]
}

type fixture struct {
	srv   *Server
	http  *httptest.Server
	src   *admintest.Health
	clock *fakeClock
}

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func start(t testing.TB, o Options) *fixture {
	clock := &fakeClock{t: time.Now()}
	src := admintest.NewHealth(wire.Snapshot{TotalConnections: 3, EnabledConnections: 3, ConnectedCount: 3,
		Connections: map[string]wire.Connection{"connection_1": {Name: "primary", Enabled: true, Status: wire.StatusConnected, Tickers: []string{"AAPL"}}}})
	o.Users, o.Snapshots = testUsers(t), src
	if o.Now == nil {
		o.Now = clock.now
	}
	s := New(o)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Run(ctx); close(done) }()
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(func() { cancel(); <-done; hs.Close() })
	return &fixture{srv: s, http: hs, src: src, clock: clock}
}

func (f *fixture) client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 5 * time.Second}
}

func (f *fixture) login(t testing.TB, c *http.Client, email, pw string) int {
	resp, err := c.PostForm(f.http.URL+"/login", url.Values{"email": {email}, "password": {pw}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func (f *fixture) get(t testing.TB, c *http.Client, path string) (int, map[string]any) {
	resp, err := c.Get(f.http.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, body
}

// dialWS opens /admin-ws with c's cookies (and extra headers).
func (f *fixture) dialWS(c *http.Client, h http.Header) (*websocket.Conn, *http.Response, error) {
	if h == nil {
		h = http.Header{}
	}
	u, _ := url.Parse(f.http.URL)
	for _, ck := range c.Jar.Cookies(u) {
		h.Add("Cookie", ck.String())
	}
	return websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(f.http.URL, "http")+"/admin-ws", h)
}

// wsStatus dials /admin-ws with c's cookies and returns the HTTP status of
// the handshake (101 when upgraded).
func (f *fixture) wsStatus(t testing.TB, c *http.Client) int {
	conn, resp, err := f.dialWS(c, nil)
	if conn != nil {
		conn.Close()
	}
	if resp == nil {
		t.Fatalf("dial: %v", err)
	}
	return resp.StatusCode
}

func TestAuthMatrix(t *testing.T) {
	f := start(t, Options{})
	type row struct {
		name  string
		setup func(c *http.Client)
		want  int
	}
	tamper := func(c *http.Client) {
		f.login(t, c, "admin@x.io", passwords["admin@x.io"])
		u, _ := url.Parse(f.http.URL)
		ck := c.Jar.Cookies(u)[0]
		c.Jar.SetCookies(u, []*http.Cookie{{Name: CookieName, Value: ck.Value[:len(ck.Value)-2] + "xx", Path: "/"}})
	}
	rows := []row{
		{"no session", func(*http.Client) {}, 401},
		{"wrong password", func(c *http.Client) { f.login(t, c, "admin@x.io", "nope") }, 401},
		{"unknown user", func(c *http.Client) { f.login(t, c, "ghost@x.io", "whatever") }, 401},
		{"user", func(c *http.Client) { f.login(t, c, "user@x.io", passwords["user@x.io"]) }, 403},
		{"moderator", func(c *http.Client) { f.login(t, c, "mod@x.io", passwords["mod@x.io"]) }, 403},
		{"admin", func(c *http.Client) { f.login(t, c, "ADMIN@x.io", passwords["admin@x.io"]) }, 200},
		{"super", func(c *http.Client) { f.login(t, c, "super@x.io", passwords["super@x.io"]) }, 200},
		{"tampered cookie", tamper, 401},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			c := f.client()
			r.setup(c)
			for _, path := range []string{"/api/admin/websocket-status", "/admin/api/admin/websocket-status"} {
				code, body := f.get(t, c, path)
				if code != r.want {
					t.Errorf("%s: %d, want %d (%v)", path, code, r.want, body)
				}
				if code == 200 && (body["status"] != "success" || body["data"] == nil || body["timestamp"] == nil) {
					t.Errorf("%s: body %v", path, body)
				}
				if code != 200 && (body["status"] != "error" || body["message"] == "") {
					t.Errorf("%s: error body %v", path, body)
				}
			}
			want := r.want
			if want == 200 {
				want = http.StatusSwitchingProtocols
			}
			if code := f.wsStatus(t, c); code != want {
				t.Errorf("/admin-ws: %d, want %d", code, want)
			}
		})
	}
}

func TestExpiredSessionIs401(t *testing.T) {
	f := start(t, Options{})
	c := f.client()
	f.login(t, c, "admin@x.io", passwords["admin@x.io"])
	if code, _ := f.get(t, c, "/api/admin/websocket-status"); code != 200 {
		t.Fatalf("fresh session: %d", code)
	}
	f.clock.add(12*time.Hour + time.Second)
	if code, body := f.get(t, c, "/api/admin/websocket-status"); code != 401 || !strings.Contains(body["message"].(string), "expired") {
		t.Fatalf("after 12 h: %d %v", code, body)
	}
	if code := f.wsStatus(t, c); code != 401 {
		t.Fatalf("/admin-ws after 12 h: %d", code)
	}
}

func TestLoginJSONCookieFlagsAndLogout(t *testing.T) {
	f := start(t, Options{TLS: true})
	resp, err := http.Post(f.http.URL+"/login", "application/json", strings.NewReader(`{"email":"super@x.io","password":"super-pass-1"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	ck := resp.Cookies()
	if resp.StatusCode != 200 || len(ck) != 1 || !ck[0].HttpOnly || !ck[0].Secure || ck[0].SameSite != http.SameSiteStrictMode || len(ck[0].Value) < 43 {
		t.Fatalf("login: %d %+v", resp.StatusCode, ck)
	}
	c := f.client()
	f.login(t, c, "admin@x.io", passwords["admin@x.io"])
	req, _ := http.NewRequest("POST", f.http.URL+"/logout", nil)
	r2, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r2.Body.Close()
	// The server forgets the token even if a client keeps sending it.
	if code, _ := f.get(t, c, "/api/admin/websocket-status"); code != 401 {
		t.Fatalf("after logout: %d", code)
	}
}

func TestLoginRateLimit(t *testing.T) {
	f := start(t, Options{LoginLimit: 3})
	c := f.client()
	for i := 0; i < 3; i++ {
		if code := f.login(t, c, "admin@x.io", "wrong"); code != 401 {
			t.Fatalf("attempt %d: %d", i+1, code)
		}
	}
	resp, _ := c.PostForm(f.http.URL+"/login", url.Values{"email": {"admin@x.io"}, "password": {passwords["admin@x.io"]}})
	resp.Body.Close()
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("4th attempt: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	f.clock.add(61 * time.Second)
	if code := f.login(t, c, "admin@x.io", passwords["admin@x.io"]); code != 200 {
		t.Fatalf("after the window: %d", code)
	}
}

func TestHealthNeedsNoLogin(t *testing.T) {
	f := start(t, Options{})
	if code, body := f.get(t, f.client(), "/health"); code != 200 || body["status"] != "ok" {
		t.Fatalf("%d %v", code, body)
	}
}

func TestCrossOriginWebSocketIsRefused(t *testing.T) {
	f := start(t, Options{})
	c := f.client()
	f.login(t, c, "admin@x.io", passwords["admin@x.io"])
	_, resp, err := f.dialWS(c, http.Header{"Origin": {"http://evil.example"}})
	if err == nil || resp == nil || resp.StatusCode != 403 {
		t.Fatalf("cross-origin upgrade: %v %v", resp, err)
	}
}

// viewerConn signs in and opens /admin-ws.
func (f *fixture) viewerConn(t testing.TB) *websocket.Conn {
	c := f.client()
	if code := f.login(t, c, "admin@x.io", passwords["admin@x.io"]); code != 200 {
		t.Fatalf("login %d", code)
	}
	conn, _, err := f.dialWS(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

func TestPushStreamSendsStatusOnChangeAndMetrics(t *testing.T) {
	f := start(t, Options{PushInterval: time.Hour})
	conn := f.viewerConn(t)
	var first pushMessage
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if err := conn.ReadJSON(&first); err != nil || first.Event != EventStatus {
		t.Fatalf("first message %+v %v", first, err)
	}
	f.src.Update(func(s *wire.Snapshot) { s.TotalTicksReceived = 42 })
	seen := map[string]bool{}
	for !(seen[EventStatus] && seen[EventMetrics]) {
		var m struct {
			Event string         `json:"event"`
			Data  map[string]any `json:"data"`
		}
		if err := conn.ReadJSON(&m); err != nil {
			t.Fatal(err)
		}
		if m.Event == EventStatus && m.Data["total_ticks_received"] == float64(42) {
			seen[EventStatus] = true
		}
		if m.Event == EventMetrics {
			seen[EventMetrics] = true
		}
	}
}

// readAll counts the messages each conn receives until deadline.
func readAll(conns []*websocket.Conn, deadline time.Time) []int64 {
	counts := make([]atomic.Int64, len(conns))
	var wg sync.WaitGroup
	for i, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				c.SetReadDeadline(deadline)
				if _, _, err := c.ReadMessage(); err != nil {
					return
				}
				counts[i].Add(1)
			}
		}()
	}
	wg.Wait()
	out := make([]int64, len(conns))
	for i := range counts {
		out[i] = counts[i].Load()
	}
	return out
}

func TestHundredViewersStream(t *testing.T) {
	f := start(t, Options{PushInterval: 20 * time.Millisecond})
	conns := make([]*websocket.Conn, 100)
	for i := range conns {
		conns[i] = f.viewerConn(t)
	}
	// The server counts a viewer once its handler has registered it, which
	// can come just after the client's dial returns.
	wait.For(t, "100 viewers registered", 5*time.Second, func() bool { return f.srv.Viewers() == 100 })
	// 3 s at one status per 20 ms (plus metrics) is ~150 messages each.
	for i, n := range readAll(conns, time.Now().Add(3*time.Second)) {
		if n < 50 {
			t.Errorf("viewer %d received only %d messages", i, n)
		}
	}
}

func TestStalledViewerIsDroppedWhileOthersKeepTheirRate(t *testing.T) {
	f := start(t, Options{PushInterval: 20 * time.Millisecond, ViewerQueue: 8})
	// ~100 kB snapshots, so a viewer that reads nothing fills its socket fast.
	f.src.Update(func(s *wire.Snapshot) {
		c1 := s.Connections["connection_1"]
		for i := 0; i < 12_000; i++ {
			c1.Tickers = append(c1.Tickers, fmt.Sprintf("T%05d", i))
		}
		s.Connections["connection_1"] = c1
	})
	good := []*websocket.Conn{f.viewerConn(t), f.viewerConn(t), f.viewerConn(t)}
	f.viewerConn(t) // stalled: never reads
	counts := readAll(good, time.Now().Add(4*time.Second))
	if v := f.srv.Viewers(); v != 3 {
		t.Errorf("%d viewers still connected, want 3: the stalled one was not dropped", v)
	}
	for i, n := range counts {
		if n < 80 {
			t.Errorf("good viewer %d received only %d messages in 4 s", i, n)
		}
	}
}

func TestUsersFile(t *testing.T) {
	dir := t.TempDir()
	h, _ := HashPassword("long-enough-1")
	good := filepath.Join(dir, "users.json")
	os.WriteFile(good, []byte(`[{"email":"A@x.io","password_bcrypt":"`+h+`","role":"admin"}]`), 0o600)
	u, err := LoadUsers(good)
	if err != nil || u.Len() != 1 {
		t.Fatalf("%v %v", u, err)
	}
	if _, ok := u.check("a@x.io", "long-enough-1"); !ok {
		t.Error("the hash from HashPassword does not check")
	}
	os.Chmod(good, 0o644)
	if _, err := LoadUsers(good); err == nil || !strings.Contains(err.Error(), "readable by others") || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("world-readable file: %v", err)
	}
	for _, bad := range []string{`{}`, `[{"email":"nope","password_bcrypt":"x","role":"admin"}]`,
		`[{"email":"a@x.io","password_bcrypt":"plain","role":"admin"}]`, `[{"email":"a@x.io","password_bcrypt":"` + h + `","role":"root"}]`,
		`[{"email":"a@x.io","password_bcrypt":"$2a$31$` + strings.Repeat("a", 53) + `","role":"admin"}]`} {
		if _, err := ParseUsers([]byte(bad)); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	if _, err := HashPassword("short"); err == nil {
		t.Error("hashed a 5-character password")
	}
}

func FuzzParseUsers(f *testing.F) {
	h, _ := bcrypt.GenerateFromPassword([]byte("pw"), bcrypt.MinCost)
	f.Add([]byte(`[{"email":"a@x.io","password_bcrypt":"` + string(h) + `","role":"admin"}]`))
	f.Add([]byte(`[{"email":"a@x.io","password_bcrypt":"x","role":"root"}]`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`[null, {"email":5}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		u, err := ParseUsers(data)
		if err != nil {
			return
		}
		for email, usr := range u.byEmail {
			if email != strings.ToLower(email) || !strings.Contains(email, "@") || roleRank[usr.Role] == 0 {
				t.Fatalf("accepted %q %+v", email, usr)
			}
		}
	})
}
