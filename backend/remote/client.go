// Package remote observes an ingest server over its admin API: this
// project's tickstock-ingest serve, or TickStockAppV2 itself. It signs in,
// then follows the status by the /admin-ws push stream when the server has
// one, else by polling the status API.
package remote

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"time"

	"github.com/gorilla/websocket"

	"github.com/tickstock/monitor/backend/manager"
)

// Errors a caller tells apart.
var (
	ErrUnauthorized = errors.New("wrong email or password, or the session expired")
	ErrForbidden    = errors.New("this account is not an admin")
	ErrNoPushStream = errors.New("the server has no /admin-ws push stream")
)

// UnreachableError: the server could not be reached or answered nonsense.
type UnreachableError struct{ Cause string }

func (e *UnreachableError) Error() string { return "the server is unreachable: " + e.Cause }

// statusPaths are tried in order: this project's route, then TickStockAppV2's
// blueprint-prefixed one.
var statusPaths = []string{"/api/admin/websocket-status", "/admin/api/admin/websocket-status"}

// Client talks to one server. It keeps the session cookie.
type Client struct {
	base       *url.URL
	http       *http.Client
	statusPath string
}

// NewClient returns a client for baseURL (http:// or https://).
func NewClient(baseURL string) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(baseURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%q is not an http:// or https:// server URL", baseURL)
	}
	jar, _ := cookiejar.New(nil)
	return &Client{base: u, http: &http.Client{Jar: jar, Timeout: 10 * time.Second}}, nil
}

// URL is the server's base URL.
func (c *Client) URL() string { return c.base.String() }

// Login signs in with form fields email and password (what both servers take).
func (c *Client) Login(ctx context.Context, email, password string) error {
	form := url.Values{"email": {email}, "password": {password}}
	req, _ := http.NewRequestWithContext(ctx, "POST", c.base.String()+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return unreachable(err)
	}
	defer drain(resp)
	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		return ErrUnauthorized
	case resp.StatusCode == http.StatusTooManyRequests:
		return fmt.Errorf("too many failed sign-ins: the server asks to wait %s s", resp.Header.Get("Retry-After"))
	case resp.StatusCode >= 500:
		return &UnreachableError{Cause: "sign-in answered " + resp.Status}
	case resp.StatusCode >= 400:
		return fmt.Errorf("sign-in refused: %s", resp.Status)
	}
	// TickStockAppV2 answers a wrong password with its login page (200):
	// whether the session works shows on the first status call.
	return nil
}

// Status fetches the snapshot.
func (c *Client) Status(ctx context.Context) (manager.Snapshot, error) {
	paths := statusPaths
	if c.statusPath != "" {
		paths = []string{c.statusPath}
	}
	var lastErr error
	for _, p := range paths {
		snap, err := c.statusAt(ctx, p)
		if err == nil {
			c.statusPath = p
			return snap, nil
		}
		lastErr = err
		if !errors.Is(err, errNotFound) {
			return snap, err
		}
	}
	return manager.Snapshot{}, lastErr
}

var errNotFound = errors.New("no status route at this path")

func (c *Client) statusAt(ctx context.Context, path string) (manager.Snapshot, error) {
	req, _ := http.NewRequestWithContext(ctx, "GET", c.base.String()+path, nil)
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return manager.Snapshot{}, unreachable(err)
	}
	defer drain(resp)
	switch resp.StatusCode {
	case http.StatusUnauthorized:
		return manager.Snapshot{}, ErrUnauthorized
	case http.StatusForbidden:
		return manager.Snapshot{}, ErrForbidden
	case http.StatusNotFound:
		return manager.Snapshot{}, errNotFound
	}
	if resp.StatusCode != http.StatusOK {
		return manager.Snapshot{}, &UnreachableError{Cause: "status API answered " + resp.Status}
	}
	if strings.Contains(resp.Request.URL.Path, "login") {
		return manager.Snapshot{}, ErrUnauthorized // redirected to a login page
	}
	var env struct {
		Status string           `json:"status"`
		Data   manager.Snapshot `json:"data"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 8<<20)).Decode(&env); err != nil {
		return manager.Snapshot{}, &UnreachableError{Cause: "the status API did not answer JSON (" + err.Error() + ")"}
	}
	if env.Status != "success" {
		return manager.Snapshot{}, &UnreachableError{Cause: fmt.Sprintf("the status API said %q", env.Status)}
	}
	return env.Data, nil
}

// Stream follows /admin-ws, calling onStatus for every status update, until
// the connection ends or ctx does. ErrNoPushStream: use polling.
func (c *Client) Stream(ctx context.Context, onStatus func(manager.Snapshot)) error {
	ws := *c.base
	ws.Scheme = map[string]string{"http": "ws", "https": "wss"}[c.base.Scheme]
	ws.Path += "/admin-ws"
	h := http.Header{}
	for _, ck := range c.http.Jar.Cookies(c.base) {
		h.Add("Cookie", ck.String())
	}
	d := websocket.Dialer{HandshakeTimeout: 10 * time.Second}
	conn, resp, err := d.DialContext(ctx, ws.String(), h)
	if err != nil {
		if resp != nil {
			switch resp.StatusCode {
			case http.StatusUnauthorized:
				return ErrUnauthorized
			case http.StatusForbidden:
				return ErrForbidden
			case http.StatusNotFound, http.StatusBadRequest, http.StatusMethodNotAllowed:
				return ErrNoPushStream
			}
		}
		return unreachable(err)
	}
	defer conn.Close()
	go func() { <-ctx.Done(); conn.Close() }()
	conn.SetReadLimit(8 << 20)
	for {
		// The server pushes at least every 5 s; 15 s of silence is a dead link.
		_ = conn.SetReadDeadline(time.Now().Add(15 * time.Second))
		var msg struct {
			Event string          `json:"event"`
			Data  json.RawMessage `json:"data"`
		}
		if err := conn.ReadJSON(&msg); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return unreachable(err)
		}
		if msg.Event == "connection_status_update" {
			var s manager.Snapshot
			if json.Unmarshal(msg.Data, &s) == nil {
				onStatus(s)
			}
		}
	}
}

func unreachable(err error) error {
	var ne net.Error
	cause := err.Error()
	if errors.As(err, &ne) && ne.Timeout() {
		cause = "no answer in time"
	} else if strings.Contains(cause, "connection refused") {
		cause = "connection refused (is the server running?)"
	}
	return &UnreachableError{Cause: cause}
}

func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
}
