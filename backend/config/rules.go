package config

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// The rules of the fields a saved profile can also set. The environment's
// validation (reader.validate) and profiles.Profile.Check both call these,
// so a profile is held to what the environment is; each returns why a value
// is wrong, and the caller names the field as its user knows it (an
// environment variable, a form field).

// ParseMode reads a mode word (any case).
func ParseMode(s string) (Mode, error) {
	switch m := Mode(strings.ToLower(strings.TrimSpace(s))); m {
	case ModeDemo, ModeEmbedded, ModeRemote:
		return m, nil
	}
	return "", fmt.Errorf("%q is not demo, embedded or remote", s)
}

// CheckRemoteURL checks a remote server's address.
func CheckRemoteURL(s string) error {
	if u, err := url.Parse(s); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("expected an http:// or https:// URL")
	}
	return nil
}

// CheckRedisURL checks the scheme of a Redis URL (its other settings are
// checked with the REDIS_* variables that go with it).
func CheckRedisURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "redis" && u.Scheme != "rediss" && u.Scheme != "unix") {
		return errors.New("expected redis://[user:password@]host:port/db, rediss://… or unix://…")
	}
	if port := u.Port(); u.Scheme != "unix" && port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("port %s is not from 1 to 65535", truncate(port, 12))
		}
	}
	return nil
}

// CheckTickChannel checks a tick channel's name (or pattern).
func CheckTickChannel(s string) error {
	if s == "" || strings.ContainsAny(s, " \t\r\n") {
		return errors.New("expected a channel name without spaces")
	}
	return nil
}

// Override is what a saved profile sets over the environment; an empty
// field keeps the environment's value, except Mode, which a profile always
// states.
type Override struct {
	Mode, RemoteURL, AdminEmail, RedisURL, TickChannel string
}

// Apply merges o over c and validates the result once, with the rules the
// environment is held to (nats-server's MergeOptions: the later source wins
// field by field, and the merged options are what is checked). A profile
// the user saved is an explicit choice of mode, as TICKSTOCK_MODE is (a
// demo profile that names a Redis publishes there). On an error c is left
// as it was.
func (c *Config) Apply(o Override) error {
	m := *c
	mode, err := ParseMode(o.Mode)
	if err != nil {
		return fmt.Errorf("mode: %w", err)
	}
	m.Mode, m.ModeSet = mode, true
	if o.RemoteURL != "" {
		m.RemoteURL = o.RemoteURL
	}
	if o.AdminEmail != "" {
		m.AdminEmail = o.AdminEmail
	}
	if o.RedisURL != "" {
		m.RedisURL, m.RedisURLSet, m.Redis.URL = o.RedisURL, true, o.RedisURL
	}
	if o.TickChannel != "" {
		m.TickChannel = o.TickChannel
	}
	r := reader{lookup: func(string) (string, bool) { return "", false }}
	r.validate(&m)
	if err := r.err(); err != nil {
		return err
	}
	*c = m
	return nil
}
