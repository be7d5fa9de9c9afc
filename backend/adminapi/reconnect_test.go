package adminapi

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// POST /api/admin/connections/{id}/reconnect: admins only, from this
// server's page or a program (not another site's), and the manager's answer.
func TestReconnectNowIsAnAdminsPost(t *testing.T) {
	var mu sync.Mutex
	var asked []string
	f := start(t, Options{Reconnect: func(id string) error {
		mu.Lock()
		defer mu.Unlock()
		asked = append(asked, id)
		if id == "connection_2" {
			return errors.New("Connection 2 is not waiting for a retry")
		}
		return nil
	}})
	post := func(c *http.Client, id string, h http.Header) (int, string) {
		req, _ := http.NewRequest("POST", f.http.URL+"/api/admin/connections/"+id+"/reconnect", nil)
		for k, v := range h {
			req.Header[k] = v
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b struct{ Message string }
		json.NewDecoder(resp.Body).Decode(&b)
		return resp.StatusCode, b.Message
	}
	admin, user := signedIn(t, f, "admin@x.io"), signedIn(t, f, "user@x.io")
	for _, c := range []struct {
		name   string
		client *http.Client
		id     string
		h      http.Header
		code   int
		says   string
	}{
		{"anonymous", f.client(), "connection_1", nil, 401, "not signed in"},
		{"not an admin", user, "connection_1", nil, 403, "not an admin"},
		{"another site's page", admin, "connection_1", http.Header{"Sec-Fetch-Site": {"cross-site"}}, 403, "cross-site"},
		{"no such connection", admin, "connection_7", nil, 404, "not a connection"},
		{"not waiting", admin, "connection_2", nil, 409, "not waiting"},
		{"an admin", admin, "connection_1", http.Header{"Sec-Fetch-Site": {"same-origin"}}, 200, "Connection 1 reconnects now"},
	} {
		if code, says := post(c.client, c.id, c.h); code != c.code || !strings.Contains(says, c.says) {
			t.Errorf("%s: %d %q; want %d saying %q", c.name, code, says, c.code, c.says)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if strings.Join(asked, ",") != "connection_2,connection_1" {
		t.Errorf("the manager was asked for %v; want connection_2 then connection_1 only", asked)
	}
}
