package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/tickstock/monitor/backend/adminapi"
	"github.com/tickstock/monitor/backend/secrets"
	"github.com/tickstock/monitor/backend/verdict"
	"github.com/tickstock/monitor/backend/wire"
	"github.com/tickstock/monitor/internal/admintest"
	"github.com/tickstock/monitor/internal/keyringtest"
	"github.com/tickstock/monitor/internal/redistest"
	"github.com/tickstock/monitor/internal/tsv2test"
)

func usersJSON(t *testing.T) []byte {
	return admintest.UsersJSON(t,
		admintest.User{Email: "admin@x.io", Password: "pw-" + string(adminapi.RoleAdmin), Role: string(adminapi.RoleAdmin)},
		admintest.User{Email: "user@x.io", Password: "pw-" + string(adminapi.RoleUser), Role: string(adminapi.RoleUser)})
}

// apiServer is an admin API whose snapshot has enabled connections, the
// first connected of them streaming (a fresh last message), the others
// disconnected.
func apiServer(t *testing.T, enabled, connected int) string {
	users, err := adminapi.ParseUsers(usersJSON(t))
	if err != nil {
		t.Fatal(err)
	}
	snap := wire.Snapshot{TotalConnections: 3, EnabledConnections: enabled, ConnectedCount: connected, Connections: map[string]wire.Connection{}}
	for n := 1; n <= wire.Slots; n++ {
		c := wire.Connection{Name: "slot", Status: wire.StatusDisabled}
		switch {
		case n <= connected:
			c = wire.Connection{Name: "primary", Enabled: true, Status: wire.StatusConnected, MessageCount: 10, LastMessageTime: wire.Unix(time.Now())}
		case n <= enabled:
			c = wire.Connection{Name: "secondary", Enabled: true, Status: wire.StatusDisconnected}
		}
		snap.Connections[wire.SlotID(n)] = c
	}
	src := admintest.NewHealth(snap)
	s := adminapi.New(adminapi.Options{Users: users, Snapshots: src})
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(hs.Close)
	return hs.URL
}

func status(t *testing.T, url, email, password string, extra ...string) (int, string, string) {
	t.Setenv("TICKSTOCK_ADMIN_PASSWORD", password)
	var out, errb strings.Builder
	// The default --timeout: a sign-in is a bcrypt check, which -race on a
	// loaded 2-core machine can stretch past 5 s.
	code := run(context.Background(), append([]string{"status", "--url", url, "--email", email, "--timeout", "15s", "--sample", "200ms"}, extra...), nil, &out, &errb)
	return code, out.String(), errb.String()
}

// The plugin convention: 0 OK, 1 WARNING, 2 CRITICAL (down, unreachable),
// 3 UNKNOWN (cannot judge); the first line says the same.
func TestStatusExitCodes(t *testing.T) {
	closed := func() string {
		l, _ := net.Listen("tcp", "127.0.0.1:0")
		defer l.Close()
		return "http://" + l.Addr().String()
	}()
	cases := []struct {
		name, url, email, pw string
		code                 int
		first                string // the first line on stdout, its start
		stderr               string
	}{
		{"all connected", apiServer(t, 3, 3), "admin@x.io", "pw-admin", 0, "TICKSTOCK OK - All 3 enabled connections stream. | connected=3;;;0;3 enabled=3 ticks_per_second=0.0 errors=0c dropped=0c queue=0", ""},
		{"degraded", apiServer(t, 3, 2), "admin@x.io", "pw-admin", 1, "TICKSTOCK WARNING - 2 of 3 enabled connections deliver: Connection 3 is not connected", "degraded: 2 of 3"},
		{"down", apiServer(t, 3, 0), "admin@x.io", "pw-admin", 2, "TICKSTOCK CRITICAL - 0 of 3 enabled connections deliver", "down: 0 of 3"},
		{"unreachable", closed, "admin@x.io", "pw-admin", 2, "TICKSTOCK CRITICAL - The server does not answer", "unreachable"},
		{"unauthorised", apiServer(t, 3, 3), "admin@x.io", "wr0ng-Pa55", 3, "TICKSTOCK UNKNOWN - unauthorised: wrong email or password", "unauthorised"},
		{"forbidden", apiServer(t, 3, 3), "user@x.io", "pw-user", 3, "TICKSTOCK UNKNOWN - forbidden", "forbidden: user@x.io is not an admin"},
		{"no URL", "", "admin@x.io", "pw-admin", 3, "TICKSTOCK UNKNOWN - --url and --email are required", "required"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("TICKSTOCK_REMOTE_URL", "")
			code, out, errs := status(t, c.url, c.email, c.pw)
			if code != c.code || !strings.Contains(errs, c.stderr) || strings.Count(strings.TrimSpace(errs), "\n") > 0 {
				t.Fatalf("exit %d (want %d), stderr %q", code, c.code, errs)
			}
			if first, _, _ := strings.Cut(out, "\n"); !strings.HasPrefix(first, c.first) {
				t.Errorf("first line %q, want it to start %q", first, c.first)
			}
			if c.code < 2 && !strings.Contains(out, "connection_1") {
				t.Errorf("table: %q", out)
			}
			if strings.Contains(out+errs, c.pw) && c.pw != "" {
				t.Errorf("the password was printed")
			}
		})
	}
}

func TestStatusHelpListsExitCodesAndPasswordSources(t *testing.T) {
	var out, errb strings.Builder
	code := run(context.Background(), []string{"status", "--help"}, nil, &out, &errb)
	for _, want := range []string{"0  OK", "1  WARNING", "2  CRITICAL", "3  UNKNOWN", "keyring", "TICKSTOCK_ADMIN_PASSWORD", "prompt", "-sample"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("--help does not say %q:\n%s", want, out.String())
		}
	}
	if code != 0 {
		t.Errorf("--help exits %d, want 0", code)
	}
	if code := run(context.Background(), []string{"status", "--no-such-flag"}, nil, &out, &errb); code != 3 {
		t.Errorf("a bad flag exits %d, want 3 (UNKNOWN)", code)
	}
}

func TestStatusJSON(t *testing.T) {
	code, out, _ := status(t, apiServer(t, 3, 3), "admin@x.io", "pw-admin", "--json")
	var snap struct {
		wire.Snapshot
		Verdict verdict.Verdict `json:"verdict"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &snap) != nil || snap.ConnectedCount != 3 || snap.Verdict.Level != verdict.OK {
		t.Fatalf("exit %d, output %q", code, out)
	}
}

// A TickStockAppV2-like server: Flask login (302 on success, the login page
// again on failure), the status under /admin/api/… only, no push stream.
func flaskLike(t *testing.T) string {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		if r.PostFormValue("email") == "ops@x.io" && r.PostFormValue("password") == "flask-pw" {
			http.SetCookie(w, &http.Cookie{Name: "session", Value: "flask-token", Path: "/"})
			http.Redirect(w, r, "/", http.StatusFound)
			return
		}
		io.WriteString(w, "<html>login page</html>")
	})
	mux.HandleFunc("GET /login", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "<html>login page</html>") })
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "<html>home</html>") })
	mux.HandleFunc("GET /admin/api/admin/websocket-status", func(w http.ResponseWriter, r *http.Request) {
		if c, err := r.Cookie("session"); err != nil || c.Value != "flask-token" {
			http.Redirect(w, r, "/login?next=/admin", http.StatusFound)
			return
		}
		io.WriteString(w, `{"status":"success","data":{"total_connections":3,"enabled_connections":2,"connected_count":2,"total_ticks_received":5,"total_errors":0,
			"connections":{"connection_1":{"name":"primary","enabled":true,"status":"connected","assigned_tickers":150,"message_count":3}}},"timestamp":1}`)
	})
	hs := httptest.NewServer(mux)
	t.Cleanup(hs.Close)
	return hs.URL
}

func TestStatusAgainstATickStockAppV2LikeServer(t *testing.T) {
	url := flaskLike(t)
	if code, out, errs := status(t, url, "ops@x.io", "flask-pw"); code != 0 || !strings.Contains(out, "1 of 1 enabled connections connected; 5 ticks, 0 errors (the server's own count: 2 connected)") {
		t.Fatalf("exit %d out %q err %q", code, out, errs)
	}
	if code, _, errs := status(t, url, "ops@x.io", "wrong"); code != 3 || !strings.Contains(errs, "unauthorised") {
		t.Fatalf("wrong password: exit %d err %q", code, errs)
	}
}

func TestStatusReadsThePasswordFromTheKeyring(t *testing.T) {
	keyringtest.Require(t)
	url := apiServer(t, 3, 3)
	profile := secrets.RemoteProfile(url, "admin@x.io")
	if err := secrets.Set(profile, secrets.AdminPassword, "pw-admin"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { secrets.Delete(profile, secrets.AdminPassword) })
	if code, _, errs := status(t, url, "admin@x.io", "" /* no env password */); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
}

func TestHashPasswordFromAPipe(t *testing.T) {
	var out, errb strings.Builder
	if code := run(context.Background(), []string{"hash-password"}, strings.NewReader("correct horse\n"), &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if bcrypt.CompareHashAndPassword([]byte(strings.TrimSpace(out.String())), []byte("correct horse")) != nil {
		t.Fatalf("not a hash of the input: %q", out.String())
	}
}

// serve, end to end: the demo's connections behind the admin API, and the
// status command against it.
func TestServeAndStatus(t *testing.T) {
	srv := redistest.Start(t)
	dir := t.TempDir()
	usersFile := filepath.Join(dir, "users.json")
	os.WriteFile(usersFile, usersJSON(t), 0o600)
	for k, v := range map[string]string{"TICKSTOCK_MODE": "demo", "REDIS_URL": srv.URL, "ADMIN_LISTEN_ADDR": "127.0.0.1:0", "ADMIN_USERS_FILE": usersFile} {
		t.Setenv(k, v)
	}
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int)
	go func() { done <- run(ctx, []string{"serve", "--env-dir", dir}, nil, pw, io.Discard) }()
	line, _ := bufio.NewReader(pr).ReadString('\n')
	go io.Copy(io.Discard, pr)
	url := strings.Fields(strings.TrimPrefix(line, "admin API on "))[0]
	deadline := time.Now().Add(10 * time.Second)
	code := -1
	for time.Now().Before(deadline) {
		if code, _, _ = status(t, url, "admin@x.io", "pw-admin"); code == 0 {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	cancel()
	if rc := <-done; rc != 0 {
		t.Errorf("serve exited %d", rc)
	}
	pw.Close()
	if code != 0 {
		t.Fatalf("status against serve: exit %d", code)
	}
}

func TestServeRefusesAWorldReadableUsersFile(t *testing.T) {
	dir := t.TempDir()
	usersFile := filepath.Join(dir, "users.json")
	os.WriteFile(usersFile, usersJSON(t), 0o644)
	t.Setenv("ADMIN_USERS_FILE", usersFile)
	var errb strings.Builder
	if code := run(context.Background(), []string{"serve", "--env-dir", dir}, nil, io.Discard, &errb); code != 2 || !strings.Contains(errb.String(), "readable by others") {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
}

// Against the TickStockAppV2 stand-in: the same sign-in rules and exit codes.
func TestStatusAgainstTickStockAppV2(t *testing.T) {
	srv := tsv2test.Start(t, tsv2test.Options{Connections: map[string]tsv2test.Connection{
		"connection_1": {Name: "primary", Status: "connected", Tickers: []string{"AAPL"}},
		"connection_3": {Name: "tertiary", Status: "connected", Tickers: []string{"PLTR"}},
	}})
	code, out, errs := status(t, srv.URL, tsv2test.AdminEmail, tsv2test.AdminPassword)
	if code != verdict.ExitOK || !strings.Contains(out, "2 of 2 enabled connections connected") || !strings.Contains(out, "connection_2") {
		t.Fatalf("all connected: exit %d\n%s%s", code, out, errs)
	}
	srv.SetStatus(t, "connection_3", "error")
	if code, _, errs := status(t, srv.URL, tsv2test.AdminEmail, tsv2test.AdminPassword); code != verdict.ExitWarning || !strings.Contains(errs, "degraded: 1 of 2") {
		t.Errorf("one in error: exit %d %s", code, errs)
	}
	srv.SetStatus(t, "connection_1", "reconnect_pending") // a word outside the contract
	if code, out, errs := status(t, srv.URL, tsv2test.AdminEmail, tsv2test.AdminPassword); code != verdict.ExitCritical || !strings.Contains(out, "reconnect_pending") {
		t.Errorf("none connected: exit %d %s%s", code, out, errs)
	}
	for _, c := range []struct{ email, pw, want string }{
		{tsv2test.AdminEmail, "wrong", `"Failure to authenticate"`},
		{"user@example.com", "user-pw-1", "forbidden"},
		{"mod@example.com", "mod-pw-1", "forbidden"},
		{"expired@example.com", "expired-pw-1", "subscription"},
	} {
		if code, out, errs := status(t, srv.URL, c.email, c.pw); code != verdict.ExitUnknown || !strings.Contains(errs, c.want) || !strings.HasPrefix(out, "TICKSTOCK UNKNOWN - ") {
			t.Errorf("%s: exit %d %q %q, want 3 (cannot judge) and %q", c.email, code, out, errs, c.want)
		}
	}
}
