// Package config reads the TickStockAppV2-compatible environment variables
// (and an optional .env file with the same names) into a Config.
//
// Every bad value is an error that names the variable and the value, so an
// operator can fix the right line. The provider key is kept out of every
// error and of String().
package config

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/tickstock/monitor/backend/redact"
	"github.com/tickstock/monitor/backend/safefile"
	"github.com/tickstock/monitor/backend/ticks"
	"github.com/tickstock/monitor/backend/wire"
)

// Mode selects where the connections come from.
type Mode string

const (
	ModeDemo     Mode = "demo"     // built-in simulator and demo universes
	ModeEmbedded Mode = "embedded" // this configuration against the real provider
	ModeRemote   Mode = "remote"   // observe TICKSTOCK_REMOTE_URL
)

// MaxConnections is the number of connection slots the product supports.
const MaxConnections = wire.Slots

// Defaults of the contract table.
const (
	DefaultWebSocketURL      = "wss://socket.massive.com/stocks"
	DefaultSubscriptionEvent = "AM"
	DefaultReconnectDelay    = 5 * time.Second
	DefaultMaxReconnectDelay = 60 * time.Second
	DefaultRedisURL          = "redis://localhost:6379/0"
	DefaultTickChannel       = "tickstock:market:ticks"
	DefaultAdminListenAddr   = "127.0.0.1:8765"
)

var defaultNames = [MaxConnections]string{"primary", "secondary", "tertiary"}

// Connection is one provider connection slot.
type Connection struct {
	ID          string   // connection_1 … connection_3
	Name        string   // primary / secondary / tertiary unless configured
	Enabled     bool     // after USE_MULTI_CONNECTION and WEBSOCKET_CONNECTIONS_MAX
	UniverseKey string   // as configured, e.g. "sp500:nasdaq100"
	Tickers     []string // resolved, upper-case, unique within the connection
	Warning     string   // e.g. enabled with no tickers; shown in its column
}

// Config is the whole configuration of the ingest and the monitor.
type Config struct {
	Mode               Mode
	ModeSet            bool // TICKSTOCK_MODE was given (it wins over a saved profile), or a profile chose the mode
	RemoteURL          string
	AdminEmail         string
	APIKey             string // MASSIVE_API_KEY; never printed
	WebSocketURL       string
	SubscriptionEvent  string
	UseMultiConnection bool
	ConnectionsMax     int
	Connections        [MaxConnections]Connection
	UniverseFile       string
	ReconnectDelay     time.Duration
	MaxReconnectDelay  time.Duration
	MaxRetries         int // 0 = retry forever
	RedisURL           string
	RedisURLSet        bool // REDIS_URL was given (non-empty)
	TickChannel        string
	AdminListenAddr    string
	AdminUsersFile     string
	// AdminTLSCert and AdminTLSKey (ADMIN_TLS_CERT, ADMIN_TLS_KEY) serve the
	// admin API over HTTPS; AdminTLS checks that both or neither are set.
	AdminTLSCert string
	AdminTLSKey  string
	// AdminSessionKeyFile (ADMIN_SESSION_KEY_FILE) holds the key that signs
	// the admin API's sessions; see AdminSessionKey for its default.
	AdminSessionKeyFile string
	// Redis is how the publisher and the monitor reach Redis (REDIS_URL and
	// the REDIS_TLS_*, ACL, Sentinel and Cluster variables); Redis.URL is RedisURL.
	Redis Redis
	// MetricsListenAddr serves Prometheus metrics (serve and run); "" = off.
	MetricsListenAddr string
	// Window is the desktop window's own settings (TICKSTOCK_GPU).
	Window   Window
	Warnings []string
}

// Lookup returns the value of an environment variable and whether it is set.
type Lookup func(name string) (string, bool)

// Load reads the process environment, overlaid on dir/.env when that file
// exists (the environment wins, as with python-dotenv).
func Load(dir string) (*Config, error) {
	lookup, err := EnvLookup(dir)
	if err != nil {
		return nil, err
	}
	return FromLookup(lookup)
}

// EnvLookup is the process environment overlaid on dir/.env (when that file
// exists): the one way every part of the program reads a variable.
func EnvLookup(dir string) (Lookup, error) {
	data, err := safefile.Read(".env", filepath.Join(dir, ".env"), MaxDotEnvSize)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	dotenv, err := ParseDotEnv(data)
	if err != nil {
		return nil, err
	}
	return func(name string) (string, bool) {
		if v, ok := os.LookupEnv(name); ok {
			return v, true
		}
		v, ok := dotenv[name]
		return v, ok
	}, nil
}

// AdminTLS loads the admin API's certificate and key; nil for plain HTTP.
// Only serve uses them, so only serve fails on a half-set pair or a file
// that cannot be loaded — before it listens or announces HTTPS. Errors name
// the variable and the file, never a key's content.
func (c *Config) AdminTLS() (*tls.Certificate, error) {
	if (c.AdminTLSCert == "") != (c.AdminTLSKey == "") {
		return nil, errors.New("set both ADMIN_TLS_CERT and ADMIN_TLS_KEY, or neither")
	}
	if c.AdminTLSCert == "" {
		return nil, nil
	}
	pair, err := loadKeyPair("ADMIN_TLS_CERT", c.AdminTLSCert, "ADMIN_TLS_KEY", c.AdminTLSKey)
	if err != nil {
		return nil, err
	}
	return &pair, nil
}

// AdminSessionKey is the session key file of serve: ADMIN_SESSION_KEY_FILE,
// else session.key beside ADMIN_USERS_FILE (a directory the operator
// already keeps private, and that a restart finds again).
func (c *Config) AdminSessionKey() string {
	if c.AdminSessionKeyFile != "" {
		return c.AdminSessionKeyFile
	}
	return filepath.Join(filepath.Dir(c.AdminUsersFile), "session.key")
}

// FromLookup builds a Config from variables given by lookup.
func FromLookup(lookup Lookup) (*Config, error) {
	r := reader{lookup: lookup}
	c := &Config{
		RemoteURL:         r.str("TICKSTOCK_REMOTE_URL", ""),
		AdminEmail:        r.str("TICKSTOCK_ADMIN_EMAIL", ""),
		APIKey:            r.str("MASSIVE_API_KEY", ""),
		WebSocketURL:      r.str("MASSIVE_WEBSOCKET_URL", DefaultWebSocketURL),
		SubscriptionEvent: strings.ToUpper(r.str("MASSIVE_SUBSCRIPTION_EVENT", DefaultSubscriptionEvent)),
		ConnectionsMax:    r.intRange("WEBSOCKET_CONNECTIONS_MAX", MaxConnections, 1, MaxConnections),
		UniverseFile:      r.str("UNIVERSE_FILE", ""),
		ReconnectDelay:    r.seconds("MASSIVE_WEBSOCKET_RECONNECT_DELAY", DefaultReconnectDelay),
		MaxReconnectDelay: r.seconds("MASSIVE_WEBSOCKET_MAX_RECONNECT_DELAY", DefaultMaxReconnectDelay),
		MaxRetries:        r.intRange("MASSIVE_WEBSOCKET_MAX_RETRIES", 0, 0, 1_000_000),
		RedisURL:          r.str("REDIS_URL", DefaultRedisURL),
		TickChannel:       r.str("TICK_CHANNEL", DefaultTickChannel),
		AdminListenAddr:   r.str("ADMIN_LISTEN_ADDR", DefaultAdminListenAddr),
		AdminUsersFile:    r.str("ADMIN_USERS_FILE", ""),
		AdminTLSCert:      r.str("ADMIN_TLS_CERT", ""),
		AdminTLSKey:       r.str("ADMIN_TLS_KEY", ""),
		MetricsListenAddr: r.str("METRICS_LISTEN_ADDR", ""),
	}
	c.AdminSessionKeyFile = r.str("ADMIN_SESSION_KEY_FILE", "")
	c.Window = r.window()
	c.Redis = r.readRedis(c.RedisURL)
	if v, ok := lookup("REDIS_URL"); ok && strings.TrimSpace(v) != "" {
		c.RedisURLSet = true
	}
	c.Mode, c.ModeSet = resolveMode(&r, c.APIKey)
	c.UseMultiConnection = r.boolean("USE_MULTI_CONNECTION", false)
	r.validate(c)

	universes := r.universes(c)
	demoDefaults := c.Mode == ModeDemo && !r.anyConnectionVar()
	for i := range c.Connections {
		c.Connections[i] = r.connection(i, universes, demoDefaults)
	}
	if demoDefaults {
		c.UseMultiConnection = true
	}
	if r.err() != nil {
		return nil, r.err()
	}
	if err := c.assign(); err != nil {
		return nil, err
	}
	c.Warnings = append(c.Warnings, r.warnings...)
	return c, nil
}

// resolveMode applies steps 1, 3 and 4 of the mode rule: TICKSTOCK_MODE
// when set; else embedded when a provider key is set (a TickStockAppV2 .env
// means real data, never a simulation of it); else demo. Step 2, the
// window's last used profile, sits between 1 and 3 and is applied by the
// caller when set is false.
func resolveMode(r *reader, apiKey string) (m Mode, set bool) {
	if v := r.str("TICKSTOCK_MODE", ""); v != "" {
		return Mode(strings.ToLower(v)), true
	}
	if apiKey != "" {
		return ModeEmbedded, false
	}
	return ModeDemo, false
}

// assign applies USE_MULTI_CONNECTION and WEBSOCKET_CONNECTIONS_MAX, then
// checks that no ticker sits on two enabled connections.
func (c *Config) assign() error {
	if !c.UseMultiConnection {
		// Single-connection mode: connection_1 carries every configured ticker.
		var all []string
		seen := map[string]bool{}
		for _, conn := range c.Connections {
			for _, t := range conn.Tickers {
				if !seen[t] {
					seen[t] = true
					all = append(all, t)
				}
			}
		}
		c.Connections[0].Enabled = true
		c.Connections[0].Tickers = all
		for i := 1; i < MaxConnections; i++ {
			c.Connections[i].Enabled = false
		}
	}
	owner := map[string]string{}
	for i := range c.Connections {
		conn := &c.Connections[i]
		if i >= c.ConnectionsMax && conn.Enabled {
			c.Warnings = append(c.Warnings, fmt.Sprintf("%s is enabled but WEBSOCKET_CONNECTIONS_MAX=%d: it stays disabled", conn.ID, c.ConnectionsMax))
			conn.Enabled = false
		}
		if !conn.Enabled {
			continue
		}
		if len(conn.Tickers) == 0 {
			conn.Warning = "enabled but no tickers: set " + envName(i, "UNIVERSE_KEY") + " or " + envName(i, "SYMBOLS")
			c.Warnings = append(c.Warnings, conn.ID+" is "+conn.Warning)
		}
		for _, t := range conn.Tickers {
			if other, dup := owner[t]; dup {
				return fmt.Errorf("ticker %s is assigned to both %s and %s: remove it from one of them", t, other, conn.ID)
			}
			owner[t] = conn.ID
		}
	}
	return nil
}

// Assignment returns ticker → connection ID for the enabled connections.
func (c *Config) Assignment() map[string]string {
	m := map[string]string{}
	for _, conn := range c.Connections {
		if conn.Enabled {
			for _, t := range conn.Tickers {
				m[t] = conn.ID
			}
		}
	}
	return m
}

func envName(i int, suffix string) string {
	return fmt.Sprintf("WEBSOCKET_CONNECTION_%d_%s", i+1, suffix)
}

// reader collects the first error while reading variables, so FromLookup stays linear.
type reader struct {
	lookup   Lookup
	errs     []error
	warnings []string
	badDelay bool // a reconnect delay was refused
}

func (r *reader) err() error { return errors.Join(r.errs...) }

func (r *reader) fail(name, value, why string) {
	r.errs = append(r.errs, fmt.Errorf("%s=%q: %s", name, truncate(value, 80), why))
}

func (r *reader) str(name, def string) string {
	if v, ok := r.lookup(name); ok && strings.TrimSpace(v) != "" {
		return strings.TrimSpace(v)
	}
	return def
}

func (r *reader) boolean(name string, def bool) bool {
	v, ok := r.lookup(name)
	if !ok || strings.TrimSpace(v) == "" {
		return def
	}
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "yes", "on":
		return true
	case "0", "false", "no", "off":
		return false
	}
	r.fail(name, v, "expected true or false")
	return def
}

func (r *reader) intRange(name string, def, lo, hi int) int {
	v, ok := r.lookup(name)
	if !ok || strings.TrimSpace(v) == "" {
		return def
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < lo || n > hi {
		r.fail(name, v, fmt.Sprintf("expected a whole number from %d to %d", lo, hi))
		return def
	}
	return n
}

// MinDelay is the shortest reconnect delay accepted from the configuration.
const MinDelay = 100 * time.Millisecond

// ErrDelayTooShort is wrapped by the error for a reconnect delay below
// MinDelay: a tighter loop hammers the provider (and can get the account
// blocked).
var ErrDelayTooShort = errors.New("below the 0.1 s minimum")

func (r *reader) seconds(name string, def time.Duration) time.Duration {
	v, ok := r.lookup(name)
	if !ok || strings.TrimSpace(v) == "" {
		return def
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || f <= 0 || f > 3600 || f != f {
		r.fail(name, v, "expected seconds, more than 0 and at most 3600")
		r.badDelay = true
		return def
	}
	if d := time.Duration(f * float64(time.Second)); d < MinDelay {
		r.badDelay = true
		r.errs = append(r.errs, fmt.Errorf("%s=%q: %w: use 0.1 or more (seconds)", name, truncate(v, 80), ErrDelayTooShort))
		return def
	}
	return time.Duration(f * float64(time.Second))
}

func (r *reader) anyConnectionVar() bool {
	for i := 0; i < MaxConnections; i++ {
		for _, s := range []string{"ENABLED", "NAME", "UNIVERSE_KEY", "SYMBOLS"} {
			if _, ok := r.lookup(envName(i, s)); ok {
				return true
			}
		}
	}
	_, ok := r.lookup("USE_MULTI_CONNECTION")
	return ok
}

func (r *reader) validate(c *Config) {
	if _, err := ParseMode(string(c.Mode)); err != nil {
		r.fail("TICKSTOCK_MODE", string(c.Mode), "expected demo, embedded or remote")
	}
	switch c.SubscriptionEvent {
	case "AM", "A", "T", "Q":
	default:
		r.fail("MASSIVE_SUBSCRIPTION_EVENT", c.SubscriptionEvent, "expected AM, A, T or Q")
	}
	if u, err := url.Parse(c.WebSocketURL); err != nil || (u.Scheme != "ws" && u.Scheme != "wss") || u.Host == "" {
		r.fail("MASSIVE_WEBSOCKET_URL", redact.URL(c.WebSocketURL), "expected a ws:// or wss:// URL")
	}
	r.validateRedis(c.Redis)
	if c.MetricsListenAddr != "" {
		if _, port, err := net.SplitHostPort(c.MetricsListenAddr); err != nil || !validPort(port) {
			r.fail("METRICS_LISTEN_ADDR", c.MetricsListenAddr, "expected host:port (or :port for every interface), e.g. 127.0.0.1:9108")
		} else if c.MetricsListenAddr == c.AdminListenAddr && port != "0" {
			r.fail("METRICS_LISTEN_ADDR", c.MetricsListenAddr, "is ADMIN_LISTEN_ADDR too: give the metrics their own port")
		}
	}
	if err := CheckTickChannel(c.TickChannel); err != nil {
		r.fail("TICK_CHANNEL", c.TickChannel, err.Error())
	}
	if c.MaxReconnectDelay < c.ReconnectDelay && !r.badDelay { // after a bad delay its default would be compared
		r.fail("MASSIVE_WEBSOCKET_MAX_RECONNECT_DELAY", c.MaxReconnectDelay.String(),
			"must not be shorter than MASSIVE_WEBSOCKET_RECONNECT_DELAY ("+c.ReconnectDelay.String()+")")
	}
	if c.Mode == ModeRemote && c.RemoteURL != "" {
		if err := CheckRemoteURL(c.RemoteURL); err != nil {
			r.fail("TICKSTOCK_REMOTE_URL", redact.URL(c.RemoteURL), err.Error())
		}
	}
}

func (r *reader) universes(c *Config) Universes {
	if c.UniverseFile == "" {
		return DemoUniverses()
	}
	data, err := readFile("UNIVERSE_FILE", c.UniverseFile, MaxUniverseFileSize)
	if err != nil {
		r.fail("UNIVERSE_FILE", c.UniverseFile, fileReason(err))
		return Universes{}
	}
	u, err := ParseUniverses(data)
	if err != nil {
		r.fail("UNIVERSE_FILE", c.UniverseFile, err.Error())
		return Universes{}
	}
	return u
}

// demoKeys are the universe keys of the three demo connections.
var demoKeys = [MaxConnections]string{"demo_megacap", "demo_growth", "demo_value"}

func (r *reader) connection(i int, u Universes, demo bool) Connection {
	conn := Connection{
		ID:          wire.SlotID(i + 1),
		Name:        r.str(envName(i, "NAME"), defaultNames[i]),
		Enabled:     r.boolean(envName(i, "ENABLED"), false),
		UniverseKey: r.str(envName(i, "UNIVERSE_KEY"), ""),
	}
	if demo {
		conn.Enabled, conn.UniverseKey = true, demoKeys[i]
	}
	if conn.UniverseKey != "" {
		var unknown []string
		conn.Tickers, unknown = u.Resolve(conn.UniverseKey)
		if len(unknown) > 0 {
			// The file may hold 400,000 keys: the warning (logged, and shown
			// at /api/admin/info) names a few of each, never all.
			r.warnings = append(r.warnings, fmt.Sprintf("%s=%q: unknown universe key(s) %s (known: %s)",
				envName(i, "UNIVERSE_KEY"), redact.Clip(redact.Text(conn.UniverseKey), 80), redact.List(unknown, 10), redact.List(u.Keys(), 10)))
		}
	}
	if len(conn.Tickers) == 0 {
		conn.Tickers = r.symbols(envName(i, "SYMBOLS"))
	}
	return conn
}

func (r *reader) symbols(name string) []string {
	v, ok := r.lookup(name)
	if !ok {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for _, s := range splitNonEmpty(v, ',') {
		sym, valid := ticks.NormalizeSymbol(s)
		if !valid {
			r.fail(name, v, fmt.Sprintf("invalid ticker %q (1–12 of A–Z 0–9 . : -)", truncate(s, 20)))
			return nil
		}
		if !seen[sym] {
			seen[sym] = true
			out = append(out, sym)
		}
	}
	return out
}

func splitNonEmpty(s string, sep byte) []string {
	var out []string
	for _, p := range strings.Split(s, string(sep)) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// validPort accepts 0 (any free port, for tests) to 65535.
func validPort(p string) bool {
	n, err := strconv.Atoi(p)
	return err == nil && n >= 0 && n <= 65535
}
