// Package redisbus connects the ingest to Redis: a Publisher that PUBLISHes
// every tick without ever blocking the manager, and helpers shared with the
// monitor's subscriber.
package redisbus

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Options parses a redis:// URL into client options with the timeouts the
// pipeline needs: short dials so a dead server is noticed fast.
func Options(rawURL string) (*redis.Options, error) {
	o, err := redis.ParseURL(rawURL)
	if err != nil {
		// The URL may carry a password: never echo it.
		return nil, fmt.Errorf("REDIS_URL %s is not a valid Redis URL (redis://[user:password@]host:port/db)", Redact(rawURL))
	}
	o.DialTimeout = 2 * time.Second
	o.ReadTimeout = 3 * time.Second
	o.WriteTimeout = 3 * time.Second
	o.PoolSize = 4
	o.MaxRetries = 2
	o.MinRetryBackoff = 50 * time.Millisecond
	o.MaxRetryBackoff = 250 * time.Millisecond
	o.DisableIdentity = true // CLIENT SETINFO is noise on older servers
	return o, nil
}

// Redact returns rawURL with any password replaced, for messages and the UI.
func Redact(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		if i := strings.LastIndex(rawURL, "@"); i >= 0 {
			return "redis://***@" + rawURL[i+1:]
		}
		return rawURL
	}
	return u.Redacted()
}

// Where is a short host:port/db of rawURL for sentences ("Redis at …").
func Where(rawURL string) string {
	o, err := redis.ParseURL(rawURL)
	if err != nil {
		return Redact(rawURL)
	}
	return fmt.Sprintf("%s db %d", o.Addr, o.DB)
}
