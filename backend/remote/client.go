// Package remote observes an ingest server over its admin API: this
// project's tickstock-ingest serve, or TickStockAppV2 itself. It tells them
// apart by what they answer (TickStockAppV2's GET /login is a Flask-WTF form
// with a CSRF token), signs in the way each expects, then follows the
// status by the server's push stream (serve: JSON frames on /admin-ws;
// TickStockAppV2: the Socket.IO namespace /admin-ws), else by polling the
// status API.
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
	"sync/atomic"
	"time"

	"github.com/tickstock/monitor/backend/redact"
	"github.com/tickstock/monitor/backend/wire"
)

// Errors a caller tells apart.
var (
	ErrUnauthorized        = errors.New("wrong email or password, or the session expired")
	ErrForbidden           = errors.New("this account is not an admin")
	ErrSubscriptionExpired = errors.New("this account's subscription has expired")
	ErrNoPushStream        = errors.New("the server has no /admin-ws push stream")
	// ErrMonitorUnavailable: signed in, but the server answers its status
	// API with an error of its own (TickStockAppV2's 500 "WebSocket
	// connection manager not available").
	ErrMonitorUnavailable = errors.New("the server's connection monitor is not available")
	// ErrPushRefused: the push namespace refused a session the status API
	// accepts (or is not there); the observer polls instead.
	ErrPushRefused = errors.New("the server's /admin-ws namespace refused the connection")
)

// MonitorUnavailableError: signed in, but the status API answered with an
// error of its own. Code is the HTTP status, Message the server's words.
type MonitorUnavailableError struct {
	Code    int
	Message string
}

func (e *MonitorUnavailableError) Error() string {
	return fmt.Sprintf("its connection monitor is not available: %d %s", e.Code, e.Message)
}

// Unwrap makes it an ErrMonitorUnavailable.
func (e *MonitorUnavailableError) Unwrap() error { return ErrMonitorUnavailable }

// Why TickStockAppV2 refused a sign-in, read from what it flashed
// (src/auth/authentication.py).
const (
	RefusedCredentials = "credentials" // "Failure to authenticate", or no message
	RefusedLocked      = "locked"      // 5 failed sign-ins: "temporarily locked out"
	RefusedUnverified  = "unverified"  // "Please verify your email before logging in"
	RefusedDisabled    = "disabled"    // "Your account is disabled, contact support"
)

// SignInRefusedError is TickStockAppV2 answering the sign-in with its form
// again; Flash is the message it flashed ("Failure to authenticate", "Your
// account is temporarily locked out", …), "" when none.
type SignInRefusedError struct{ Flash string }

// Reason is one of the Refused* words.
func (e *SignInRefusedError) Reason() string {
	f := strings.ToLower(e.Flash)
	switch {
	case strings.Contains(f, "locked"):
		return RefusedLocked
	case strings.Contains(f, "disabled"):
		return RefusedDisabled
	case strings.Contains(f, "verify your email"):
		return RefusedUnverified
	}
	return RefusedCredentials
}

func (e *SignInRefusedError) Error() string {
	switch e.Reason() {
	case RefusedLocked:
		return fmt.Sprintf("the server has locked this account after repeated failed sign-ins (it said %q): wait for the lockout to end (20 min by default) or ask an administrator, then enter the password again", e.Flash)
	case RefusedDisabled:
		return fmt.Sprintf("the server has disabled this account (it said %q): ask its administrator to enable it", e.Flash)
	case RefusedUnverified:
		return fmt.Sprintf("this account's email address is not verified (the server said %q): open the verification link TickStockAppV2 sent, then enter the password again", e.Flash)
	}
	if e.Flash == "" {
		return "wrong email or password (the server showed its sign-in form again)"
	}
	return fmt.Sprintf("the server refused the sign-in: %q", e.Flash)
}

// Is makes a refused sign-in an ErrUnauthorized.
func (e *SignInRefusedError) Is(target error) bool { return target == ErrUnauthorized }

// UnreachableError: the server could not be reached or answered nonsense.
type UnreachableError struct{ Cause string }

func (e *UnreachableError) Error() string { return "the server is unreachable: " + e.Cause }

// Server kinds, told apart by their answers.
const (
	KindUnknown = ""
	KindServe   = "tickstock-ingest serve"
	KindTSV2    = "TickStockAppV2"
)

// statusPaths are tried in order: this project's route, then TickStockAppV2's
// blueprint-prefixed one.
var statusPaths = []string{"/api/admin/websocket-status", "/admin/api/admin/websocket-status"}

// Client talks to one server. It keeps the session cookie. Not safe for
// concurrent sign-ins; Status and Stream may run at the same time.
type Client struct {
	base       *url.URL
	http       *http.Client
	kind       string
	statusPath string
	// PushPeriod is how often the server pushes at the latest (TickStockAppV2
	// sends metrics_update every 5 s); silence for twice that is a stale link.
	PushPeriod time.Duration
	// MaxPushEvent caps one Socket.IO event, in bytes; larger ones are
	// skipped and counted. 0 is 8 MiB (as serve's push frames).
	MaxPushEvent int64
	// dialing is set while a Socket.IO dial is under way (see dialSocketIO).
	dialing atomic.Bool
	// verdict is the server's own verdict from the newest status answer
	// (serve sends one; TickStockAppV2 does not): verdict.go.
	verdict atomic.Pointer[json.RawMessage]
}

// NewClient returns a client for baseURL (http:// or https://).
func NewClient(baseURL string) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(baseURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%q is not an http:// or https:// server URL", baseURL)
	}
	jar, _ := cookiejar.New(nil)
	return &Client{base: u, PushPeriod: 5 * time.Second, http: &http.Client{
		Jar: jar, Timeout: 10 * time.Second,
		// Redirects carry meaning here (success, session lost, renewal):
		// they are read, never followed.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}, nil
}

// URL is the server's base URL.
func (c *Client) URL() string { return c.base.String() }

// Kind is the kind of server, known after the first Login.
func (c *Client) Kind() string { return c.kind }

// Login signs in. It asks GET /login first: a Flask-WTF form with a CSRF
// token is TickStockAppV2, anything else is serve (form fields email and
// password, 401 on bad credentials).
func (c *Client) Login(ctx context.Context, email, password string) error {
	// A fresh cookie jar: an old session cookie must not mask a failed sign-in.
	c.http.Jar, _ = cookiejar.New(nil)
	// Every sign-in reads a fresh CSRF token: TickStockAppV2's expire
	// (WTF_CSRF_TIME_LIMIT, 3,600 s).
	page, err := c.get(ctx, "/login", "text/html")
	if err != nil {
		return err
	}
	if page.status == http.StatusNotFound {
		// serve answers GET /login with 405; Flask 2.2 answers 404 to every
		// request whose Host is not its SERVER_NAME.
		return fmt.Errorf("%s answered 404 Not Found for /login: TickStockAppV2 answers 404 when the URL's host is not its SERVER_NAME (APP_HOST:APP_PORT): use exactly the host and port it was started with", c.URL())
	}
	if token, ok := csrfToken(page.body); ok && page.status == http.StatusOK {
		c.kind = KindTSV2
		return c.loginForm(ctx, email, password, token)
	}
	c.kind = KindServe
	return c.loginServe(ctx, email, password)
}

func (c *Client) loginServe(ctx context.Context, email, password string) error {
	resp, err := c.postForm(ctx, url.Values{"email": {email}, "password": {password}}, "application/json")
	if err != nil {
		return err
	}
	switch {
	case resp.status == http.StatusUnauthorized:
		return ErrUnauthorized
	case resp.status == http.StatusTooManyRequests:
		return fmt.Errorf("too many failed sign-ins: the server asks to wait %s s", redact.Clip(redact.Text(resp.header.Get("Retry-After")), 20))
	case resp.status >= 500:
		return &UnreachableError{Cause: "sign-in answered " + resp.statusText}
	case resp.status >= 400:
		return fmt.Errorf("sign-in refused: %s", resp.statusText)
	}
	return nil
}

// loginForm posts TickStockAppV2's LoginForm: both checkboxes are required
// validators, fingerprint_data may be empty.
func (c *Client) loginForm(ctx context.Context, email, password, token string) error {
	form := url.Values{"csrf_token": {token}, "email": {email}, "password": {password},
		"terms_accepted": {"y"}, "captcha_response": {"y"}, "fingerprint_data": {""}}
	resp, err := c.postForm(ctx, form, "text/html")
	if err != nil {
		return err
	}
	switch resp.status {
	case http.StatusFound, http.StatusSeeOther, http.StatusMovedPermanently, http.StatusTemporaryRedirect:
		loc := resp.header.Get("Location")
		switch {
		case strings.Contains(strings.ToLower(loc), "renewal"):
			return ErrSubscriptionExpired
		case isLoginPath(loc):
			return &SignInRefusedError{}
		}
		if !c.hasSession() {
			return &UnreachableError{Cause: "the sign-in redirected to " + loc + " but set no session cookie"}
		}
		return nil
	case http.StatusOK:
		if renewalModal(resp.body) {
			return ErrSubscriptionExpired
		}
		return &SignInRefusedError{Flash: flashed(resp.body)}
	case http.StatusBadRequest:
		return fmt.Errorf("the server refused the sign-in form (%s): its CSRF token was not accepted", resp.statusText)
	case http.StatusTooManyRequests:
		return fmt.Errorf("too many sign-ins: the server asks to wait %s s", redact.Clip(redact.Text(resp.header.Get("Retry-After")), 20))
	}
	if resp.status >= 500 {
		return &UnreachableError{Cause: "sign-in answered " + resp.statusText}
	}
	return fmt.Errorf("sign-in refused: %s", resp.statusText)
}

func (c *Client) hasSession() bool {
	for _, ck := range c.http.Jar.Cookies(c.base) {
		if ck.Name == "session" && ck.Value != "" {
			return true
		}
	}
	return false
}

func isLoginPath(loc string) bool {
	u, err := url.Parse(loc)
	return err == nil && strings.TrimRight(u.Path, "/") == "/login"
}

// Status fetches the snapshot.
func (c *Client) Status(ctx context.Context) (wire.Snapshot, error) {
	paths := statusPaths
	switch {
	case c.statusPath != "":
		paths = []string{c.statusPath}
	case c.kind == KindTSV2:
		paths = statusPaths[1:]
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
	return wire.Snapshot{}, lastErr
}

var errNotFound = errors.New("no status route at this path")

func (c *Client) statusAt(ctx context.Context, path string) (wire.Snapshot, error) {
	resp, err := c.get(ctx, path, "application/json")
	if err != nil {
		return wire.Snapshot{}, err
	}
	switch resp.status {
	case http.StatusUnauthorized:
		return wire.Snapshot{}, ErrUnauthorized
	case http.StatusForbidden:
		return wire.Snapshot{}, ErrForbidden
	case http.StatusNotFound:
		return wire.Snapshot{}, errNotFound
	case http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect:
		// Flask-Login sends anonymous requests to its login view.
		if isLoginPath(resp.header.Get("Location")) {
			return wire.Snapshot{}, ErrUnauthorized
		}
		return wire.Snapshot{}, &UnreachableError{Cause: "the status API redirected to " + resp.header.Get("Location")}
	}
	var env struct {
		Status  string          `json:"status"`
		Message string          `json:"message"`
		Data    json.RawMessage `json:"data"`
		Verdict json.RawMessage `json:"verdict"`
	}
	jsonErr := json.Unmarshal(resp.body, &env)
	if resp.status >= 500 && jsonErr == nil && env.Status == "error" {
		// The server itself answered, signed in, with its own error: its
		// monitor is broken, not the network.
		return wire.Snapshot{}, &MonitorUnavailableError{Code: resp.status, Message: clip(env.Message, 300)}
	}
	if resp.status != http.StatusOK {
		if jsonErr == nil && env.Message != "" {
			return wire.Snapshot{}, &UnreachableError{Cause: fmt.Sprintf("the status API answered %s: %q", resp.statusText, redact.Error(env.Message))}
		}
		return wire.Snapshot{}, &UnreachableError{Cause: "the status API answered " + resp.statusText}
	}
	if jsonErr != nil {
		return wire.Snapshot{}, &UnreachableError{Cause: "the status API did not answer JSON (" + jsonErr.Error() + ")"}
	}
	if env.Status != "success" {
		return wire.Snapshot{}, &UnreachableError{Cause: fmt.Sprintf("the status API said %q: %s", redact.Clip(env.Status, 40), redact.Error(env.Message))}
	}
	snap, err := DecodeHealth(env.Data)
	if err != nil {
		return wire.Snapshot{}, &UnreachableError{Cause: err.Error()}
	}
	c.verdict.Store(&env.Verdict)
	return snap, nil
}

// clip bounds a server-supplied message.
func clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "")
	if len(s) > n {
		return strings.ToValidUTF8(s[:n], "") + "…"
	}
	return s
}

// answer is a read response: at most maxHealthBytes of body.
type answer struct {
	status     int
	statusText string
	header     http.Header
	body       []byte
}

func (c *Client) get(ctx context.Context, path, accept string) (answer, error) {
	req, _ := http.NewRequestWithContext(ctx, "GET", c.base.String()+path, nil)
	req.Header.Set("Accept", accept)
	return c.do(req)
}

func (c *Client) postForm(ctx context.Context, form url.Values, accept string) (answer, error) {
	req, _ := http.NewRequestWithContext(ctx, "POST", c.base.String()+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", accept)
	// Flask-WTF checks the referrer of CSRF-protected posts over HTTPS.
	req.Header.Set("Referer", c.base.String()+"/login")
	return c.do(req)
}

func (c *Client) do(req *http.Request) (answer, error) {
	resp, err := c.http.Do(req)
	if err != nil {
		return answer{}, unreachable(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxHealthBytes+1))
	if err != nil {
		return answer{}, unreachable(err)
	}
	// The reason phrase is the server's own text, quoted in errors that
	// status prints: no control characters, bounded.
	return answer{status: resp.StatusCode, statusText: redact.Clip(redact.Text(resp.Status), 80), header: resp.Header, body: body}, nil
}

// cookieHeader is the session cookie as a Cookie header for the push link.
func (c *Client) cookieHeader() http.Header {
	h := http.Header{}
	for _, ck := range c.http.Jar.Cookies(c.base) {
		h.Add("Cookie", ck.String())
	}
	return h
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
