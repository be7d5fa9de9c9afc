package adminapi

import (
	"encoding/base64"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// sessionCookie signs in as email on f and returns the session cookie.
func sessionCookie(t *testing.T, f *fixture, email string) *http.Cookie {
	t.Helper()
	c := f.client()
	if code := f.login(t, c, email, passwords[email]); code != 200 {
		t.Fatalf("sign-in as %s: %d", email, code)
	}
	u, _ := url.Parse(f.http.URL)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == CookieName {
			return ck
		}
	}
	t.Fatal("no session cookie")
	return nil
}

// statusWith asks the status API with cookie value token.
func statusWith(t *testing.T, f *fixture, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", f.http.URL+"/api/admin/websocket-status", nil)
	req.AddCookie(&http.Cookie{Name: CookieName, Value: token})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b := new(strings.Builder)
	_, _ = io.Copy(b, resp.Body)
	return resp.StatusCode, b.String()
}

func TestSessionTokensAreRefusedWithTheirReason(t *testing.T) {
	store, err := OpenSessionStore(filepath.Join(t.TempDir(), "session.key"), nil)
	if err != nil {
		t.Fatal(err)
	}
	f := start(t, Options{Sessions: store, SessionTTL: time.Hour})
	token := sessionCookie(t, f, "admin@x.io").Value
	if code, body := statusWith(t, f, token); code != 200 {
		t.Fatalf("the token as given: %d %s", code, body)
	}
	parts := strings.Split(token, ".")
	// The admin's payload made a super's, with the admin's signature.
	raw, _ := base64.RawURLEncoding.DecodeString(parts[1])
	super := strings.Replace(string(raw), `"r":"admin"`, `"r":"super"`, 1)
	if super == string(raw) {
		t.Fatalf("payload %s has no admin role to change", raw)
	}
	forged := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(super)) + "." + parts[2]
	for name, c := range map[string]struct {
		token, want string
	}{
		"forged payload":  {forged, "session unknown"},
		"not a token":     {"abc", "session unknown"},
		"another key":     {"0123456789ab." + parts[1] + "." + parts[2], "session key changed"},
		"cut signature":   {parts[0] + "." + parts[1] + "." + parts[2][:10], "session unknown"},
		"empty signature": {parts[0] + "." + parts[1] + ".", "session unknown"},
	} {
		if code, body := statusWith(t, f, c.token); code != 401 || !strings.Contains(body, c.want) {
			t.Errorf("%s: %d %s; want 401 saying %q", name, code, body, c.want)
		}
	}
	f.clock.add(time.Hour + 2*time.Second)
	if code, body := statusWith(t, f, token); code != 401 || !strings.Contains(body, "session expired") {
		t.Errorf("after its TTL: %d %s; want 401 session expired", code, body)
	}
}

// A session names its account; once the users file no longer has that
// account with that role (the server restarted with a new file), it ends.
func TestSessionEndsWhenItsAccountChanged(t *testing.T) {
	path := filepath.Join(t.TempDir(), "session.key")
	store, err := OpenSessionStore(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := start(t, Options{Sessions: store})
	token := sessionCookie(t, f, "admin@x.io").Value
	again, err := OpenSessionStore(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	g := start(t, Options{Sessions: again})
	if code, body := statusWith(t, g, token); code != 200 {
		t.Fatalf("same key file, same users: %d %s", code, body)
	}
	delete(g.srv.opts.Users.byEmail, "admin@x.io")
	if code, body := statusWith(t, g, token); code != 401 || !strings.Contains(body, "account changed") {
		t.Fatalf("account gone: %d %s; want 401 saying the account changed", code, body)
	}
}

func TestSessionKeyFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "session.key")
	if _, err := OpenSessionStore(path, nil); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("made key: %v %v, want mode 0600", st, err)
	}
	os.Chmod(path, 0o644)
	if _, err := OpenSessionStore(path, nil); err == nil || !strings.Contains(err.Error(), "readable by others") {
		t.Fatalf("a key others can read: %v", err)
	}
	short := filepath.Join(dir, "short.key")
	os.WriteFile(short, []byte("too short\n"), 0o600)
	if _, err := OpenSessionStore(short, nil); err == nil || !strings.Contains(err.Error(), "openssl rand -hex 32") {
		t.Fatalf("a short key: %v", err)
	}
	if _, err := OpenSessionStore(filepath.Join(dir, "no", "such", "dir", "k"), nil); err == nil || !strings.Contains(err.Error(), "ADMIN_SESSION_KEY_FILE") {
		t.Fatalf("an unwritable place: %v", err)
	}
}
