package redisbus

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync/atomic"

	"github.com/redis/go-redis/v9"

	"github.com/tickstock/monitor/backend/config"
)

// Role says what a client is for: the publisher and the subscriber need
// different timeouts and retry rules.
type Role int

const (
	// ForPublisher: short read timeouts; no retried pipelines, since a
	// PUBLISH is not idempotent and a retry could deliver a tick twice (a
	// failed pipeline is dropped and counted instead).
	ForPublisher Role = iota
	// ForSubscriber: no read timeout; the monitor's watchdog decides when a
	// silent connection is dead.
	ForSubscriber
)

// Client is a go-redis client for Redis as deployed — one server, a master
// found through Sentinel, or a Cluster — that also knows which node it last
// connected to, for the header, /health and the gap reports. It is safe for
// concurrent use, like the go-redis client it wraps.
type Client struct {
	redis.UniversalClient
	conf config.Redis
	node atomic.Pointer[string]
}

// NewClient builds the client for r. Errors name the variable at fault and
// never carry a password.
func NewClient(r config.Redis, role Role) (*Client, error) {
	base, err := Options(r.URL)
	if err != nil {
		return nil, err
	}
	tlsConf, err := r.TLSConfig()
	if err != nil {
		return nil, err
	}
	base.TLSConfig = tlsConf
	if r.Username != "" {
		base.Username = r.Username
	}
	if r.Password != "" {
		base.Password = r.Password
	}
	if role == ForPublisher {
		base.MaxRetries = -1
	} else {
		base.ReadTimeout = -1
	}
	c := &Client{conf: r}
	hook := nodeHook{c}
	switch r.Kind() {
	case config.RedisSentinel:
		fc := redis.NewFailoverClient(&redis.FailoverOptions{
			MasterName: r.SentinelMaster, SentinelAddrs: r.SentinelAddrs,
			SentinelUsername: r.SentinelUsername, SentinelPassword: r.SentinelPassword,
			Username: base.Username, Password: base.Password, DB: base.DB, TLSConfig: base.TLSConfig,
			DialTimeout: base.DialTimeout, ReadTimeout: base.ReadTimeout, WriteTimeout: base.WriteTimeout,
			PoolSize: base.PoolSize, MaxRetries: base.MaxRetries,
			MinRetryBackoff: base.MinRetryBackoff, MaxRetryBackoff: base.MaxRetryBackoff,
			DisableIdentity: true,
		})
		fc.AddHook(hook)
		c.UniversalClient = fc
	case config.RedisCluster:
		cc := redis.NewClusterClient(&redis.ClusterOptions{
			Addrs: r.ClusterAddrs, Username: base.Username, Password: base.Password, TLSConfig: base.TLSConfig,
			DialTimeout: base.DialTimeout, ReadTimeout: base.ReadTimeout, WriteTimeout: base.WriteTimeout,
			PoolSize: base.PoolSize, MaxRetries: base.MaxRetries, MaxRedirects: 3,
			MinRetryBackoff: base.MinRetryBackoff, MaxRetryBackoff: base.MaxRetryBackoff,
			DisableIdentity: true,
		})
		// Each node has its own client; the dial hook goes on every one.
		cc.OnNewNode(func(n *redis.Client) { n.AddHook(hook) })
		c.UniversalClient = cc
	default:
		sc := redis.NewClient(base)
		sc.AddHook(hook)
		c.UniversalClient = sc
	}
	return c, nil
}

// Kind is standalone, sentinel or cluster.
func (c *Client) Kind() string { return c.conf.Kind() }

// Where describes the Redis and the node last connected to (see WithNode).
func (c *Client) Where() string { return WithNode(c.conf, c.Node()) }

// Node is the address of the server this client last connected to ("" before
// the first connection): with Sentinel, the master it was given.
func (c *Client) Node() string {
	if p := c.node.Load(); p != nil {
		return *p
	}
	return ""
}

// nodeHook records the address of every successful dial.
type nodeHook struct{ c *Client }

func (h nodeHook) DialHook(next redis.DialHook) redis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := next(ctx, network, addr)
		if err == nil {
			a := addr
			if ra := conn.RemoteAddr(); ra != nil && ra.Network() != "unix" {
				a = ra.String()
			}
			h.c.node.Store(&a)
		}
		return conn, err
	}
}

func (nodeHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook { return next }
func (nodeHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

// Describe names the configured Redis for sentences and the header, without
// secrets: "localhost:6379 db 0", "Sentinel master mymaster db 0",
// "Cluster (3 seed nodes)"; " over TLS" when it applies.
func Describe(r config.Redis) string { return WithNode(r, "") }

// WithNode is Describe with the node that answers first, so that a narrow
// header cuts the less important part: "127.0.0.1:6380 db 0 (Sentinel master
// mymaster)", "127.0.0.1:7001 (Cluster)". A standalone Redis is its address.
func WithNode(r config.Redis, node string) string {
	tls := ""
	if r.TLS() {
		tls = " over TLS"
	}
	switch kind := r.Kind(); {
	case kind == config.RedisSentinel && node == "":
		return fmt.Sprintf("Sentinel master %s db %d%s", r.SentinelMaster, dbOf(r.URL), tls)
	case kind == config.RedisSentinel:
		return fmt.Sprintf("%s db %d%s (Sentinel master %s)", node, dbOf(r.URL), tls, r.SentinelMaster)
	case kind == config.RedisCluster && node == "":
		return fmt.Sprintf("Cluster (%s)%s", plural(len(r.ClusterAddrs), "seed node"), tls)
	case kind == config.RedisCluster:
		return node + tls + " (Cluster)"
	}
	return Where(r.URL) + tls
}

func dbOf(rawURL string) int {
	o, err := redis.ParseURL(rawURL)
	if err != nil {
		return 0
	}
	return o.DB
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// Explain turns a TLS, ACL, Sentinel or Cluster error into a sentence that
// says what to check, or "" for other errors. It never includes a password
// (go-redis errors do not carry one).
func Explain(err error, channel string) string {
	s := err.Error()
	switch {
	case strings.Contains(s, "certificate signed by unknown authority"), strings.Contains(s, "x509: certificate"):
		return "the Redis server's TLS certificate is not trusted (" + s + "): check REDIS_TLS_CA and REDIS_TLS_SERVER_NAME"
	case strings.Contains(s, "tls: "), strings.Contains(s, "first record does not look like a TLS handshake"):
		return "the TLS handshake with Redis failed (" + s + "): check rediss:// against the server's tls-port and REDIS_TLS_CERT/REDIS_TLS_KEY"
	case strings.Contains(s, "NOPERM"):
		return "the Redis user may not use " + channel + " (" + s + "): grant it with ACL SETUSER <user> +publish +subscribe &" + channel
	case strings.Contains(s, "WRONGPASS"), strings.Contains(s, "NOAUTH"), strings.Contains(s, "invalid password"), strings.Contains(s, "invalid username-password"):
		return "Redis rejected the credentials (" + s + "): check REDIS_USERNAME and the password (REDIS_PASSWORD, REDIS_URL or the keyring)"
	case strings.Contains(s, "No such master with that name"), strings.Contains(s, "redis: all sentinels specified in configuration are unreachable"):
		return "Sentinel does not give a master (" + s + "): check REDIS_SENTINEL_ADDRS and REDIS_SENTINEL_MASTER"
	case strings.Contains(s, "CLUSTERDOWN"):
		return "the Redis cluster is down (" + s + "): a slot range has no master"
	}
	return ""
}

// SetLogger sends go-redis's own log lines (failed dials, Sentinel master
// switches) to log at debug level instead of raw to stderr: the publisher's
// and the monitor's sentences already say what matters, once. Process-wide.
func SetLogger(log *slog.Logger) { redis.SetLogger(goRedisLog{log}) }

type goRedisLog struct{ log *slog.Logger }

func (g goRedisLog) Printf(ctx context.Context, format string, v ...any) {
	g.log.DebugContext(ctx, "go-redis: "+fmt.Sprintf(format, v...))
}
