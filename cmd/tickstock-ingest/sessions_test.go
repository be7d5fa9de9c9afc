package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tickstock/monitor/internal/redistest"
)

// serveProc is one run of `serve` in this process; stop ends it as a
// restart would (everything it held in memory is gone).
type serveProc struct {
	url    string
	cancel context.CancelFunc
	done   chan int
}

// startServeAt runs serve on addr ("127.0.0.1:0" the first time) with the
// environment already set, and waits for its first line.
func startServeAt(t *testing.T, dir, addr string) *serveProc {
	t.Helper()
	t.Setenv("ADMIN_LISTEN_ADDR", addr)
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	var errb strings.Builder
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"serve", "--env-dir", dir}, nil, pw, &errb); pw.Close() }()
	line, _ := bufio.NewReader(pr).ReadString('\n')
	go io.Copy(io.Discard, pr)
	if !strings.HasPrefix(line, "admin API on ") {
		cancel()
		t.Fatalf("serve did not start: %q %s", line, errb.String())
	}
	return &serveProc{url: strings.Fields(strings.TrimPrefix(line, "admin API on "))[0], cancel: cancel, done: done}
}

func (p *serveProc) stop(t *testing.T) {
	p.cancel()
	if rc := <-p.done; rc != 0 {
		t.Errorf("serve exited %d", rc)
	}
}

// statusOf asks the status API with c's cookie: the code and the message.
func statusOf(t *testing.T, c *http.Client, base string) (int, string) {
	t.Helper()
	resp, err := c.Get(base + "/api/admin/websocket-status")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Message string `json:"message"`
	}
	json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, body.Message
}

// A wall screen stays signed in across a restart of serve with the same
// session key; a sign-out holds across it; a changed key signs everyone out,
// with a sentence that says so.
func TestSessionsSurviveARestartOfServe(t *testing.T) {
	srv := redistest.Start(t)
	dir := t.TempDir()
	usersFile := filepath.Join(dir, "users.json")
	os.WriteFile(usersFile, usersJSON(t), 0o600)
	for k, v := range map[string]string{"TICKSTOCK_MODE": "demo", "REDIS_URL": srv.URL, "ADMIN_USERS_FILE": usersFile} {
		t.Setenv(k, v)
	}
	first := startServeAt(t, dir, "127.0.0.1:0")
	base := first.url
	addr := strings.TrimPrefix(base, "http://")
	jar, _ := cookiejar.New(nil)
	wall := &http.Client{Jar: jar, Timeout: 15 * time.Second} // a bcrypt sign-in under -race on a loaded machine
	resp, err := wall.PostForm(base+"/login", url.Values{"email": {"admin@x.io"}, "password": {"pw-admin"}})
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("sign-in: %v %v", resp, err)
	}
	resp.Body.Close()
	if code, msg := statusOf(t, wall, base); code != 200 {
		t.Fatalf("signed in, before the restart: %d %s", code, msg)
	}
	key, err := os.Stat(filepath.Join(dir, "session.key"))
	if err != nil || key.Mode().Perm() != 0o600 {
		t.Fatalf("the session key beside the users file: %v, %v; want mode 0600", key, err)
	}
	first.stop(t)

	second := startServeAt(t, dir, addr)
	if code, msg := statusOf(t, wall, base); code != 200 {
		t.Fatalf("same key, after a restart: %d %q; want 200 without signing in again", code, msg)
	}
	// Signed out: the restarted server does not take the cookie back.
	jar2, _ := cookiejar.New(nil)
	other := &http.Client{Jar: jar2, Timeout: 15 * time.Second}
	resp, err = other.PostForm(base+"/login", url.Values{"email": {"admin@x.io"}, "password": {"pw-admin"}})
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("second sign-in: %v %v", resp, err)
	}
	resp.Body.Close()
	u, _ := url.Parse(base)
	kept := other.Jar.Cookies(u) // the cookie, as a thief would keep it
	resp, err = other.Post(base+"/logout", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	second.stop(t)

	third := startServeAt(t, dir, addr)
	jar3, _ := cookiejar.New(nil)
	jar3.SetCookies(u, kept)
	if code, msg := statusOf(t, &http.Client{Jar: jar3}, base); code != 401 || !strings.Contains(msg, "signed out") {
		t.Fatalf("a signed-out cookie after a restart: %d %q; want 401 saying it was signed out", code, msg)
	}
	if code, msg := statusOf(t, wall, base); code != 200 {
		t.Fatalf("the other session after the sign-out and a restart: %d %q", code, msg)
	}
	third.stop(t)

	// Another key: every session ends, and the 401 says why.
	if err := os.Remove(filepath.Join(dir, "session.key")); err != nil {
		t.Fatal(err)
	}
	fourth := startServeAt(t, dir, addr)
	defer fourth.stop(t)
	if code, msg := statusOf(t, wall, base); code != 401 || !strings.Contains(msg, "session key changed") {
		t.Fatalf("key changed: %d %q; want 401 saying the session key changed", code, msg)
	}
}
