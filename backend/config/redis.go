package config

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/tickstock/monitor/backend/safefile"
)

// Redis kinds, as the header, /health and the metrics name them.
const (
	RedisStandalone = "standalone"
	RedisSentinel   = "sentinel"
	RedisCluster    = "cluster"
)

// Redis says how to reach Redis as it is deployed: one set for the publisher
// and the monitor alike. URL gives the scheme (rediss:// = TLS), the
// database and, optionally, the ACL user and password; with Sentinel or
// Cluster its host is not dialed (the sentinels name the master, the cluster
// its nodes). Password and SentinelPassword are never printed.
type Redis struct {
	URL string // REDIS_URL

	Username string // REDIS_USERNAME, else the URL's user
	Password string // REDIS_PASSWORD (the window: the keyring), else the URL's

	TLSCA         string // REDIS_TLS_CA: PEM file of the CA(s) that sign the server's certificate
	TLSCert       string // REDIS_TLS_CERT: client certificate (PEM), with TLSKey
	TLSKey        string // REDIS_TLS_KEY
	TLSServerName string // REDIS_TLS_SERVER_NAME: the name the certificate must carry, if not the host

	SentinelAddrs    []string // REDIS_SENTINEL_ADDRS: host:port,…
	SentinelMaster   string   // REDIS_SENTINEL_MASTER: the monitored master's name
	SentinelUsername string   // REDIS_SENTINEL_USERNAME
	SentinelPassword string   // REDIS_SENTINEL_PASSWORD

	ClusterAddrs []string // REDIS_CLUSTER_ADDRS: seed nodes, host:port,…
}

// Kind is standalone, sentinel or cluster.
func (r Redis) Kind() string {
	switch {
	case len(r.ClusterAddrs) > 0:
		return RedisCluster
	case len(r.SentinelAddrs) > 0:
		return RedisSentinel
	}
	return RedisStandalone
}

// TLS reports whether connections use TLS (a rediss:// URL).
func (r Redis) TLS() bool { return strings.HasPrefix(strings.ToLower(r.URL), "rediss://") }

// TLSConfig loads the CA and the client certificate; nil without TLS.
// Errors name the variable and the file, never a key's content.
func (r Redis) TLSConfig() (*tls.Config, error) {
	if !r.TLS() {
		return nil, nil
	}
	// Without REDIS_TLS_SERVER_NAME, crypto/tls checks the name of each host
	// dialed: the URL's, or each sentinel's, master's and cluster node's.
	c := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: r.TLSServerName}
	if r.TLSCA != "" {
		pem, err := safefile.Read("REDIS_TLS_CA", r.TLSCA, safefile.MaxPEM)
		if err != nil {
			return nil, err
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("REDIS_TLS_CA=%q: no PEM certificate in the file", r.TLSCA)
		}
		c.RootCAs = pool
	}
	if r.TLSCert != "" {
		pair, err := loadKeyPair("REDIS_TLS_CERT", r.TLSCert, "REDIS_TLS_KEY", r.TLSKey)
		if err != nil {
			return nil, err
		}
		c.Certificates = []tls.Certificate{pair}
	}
	return c, nil
}

// loadKeyPair reads a certificate and its key through safefile (regular
// files of a bounded size only) and pairs them. Errors name both variables;
// crypto/tls's own never quote the key.
func loadKeyPair(certVar, certFile, keyVar, keyFile string) (tls.Certificate, error) {
	cert, err := safefile.Read(certVar, certFile, safefile.MaxPEM)
	if err != nil {
		return tls.Certificate{}, err
	}
	key, err := safefile.Read(keyVar, keyFile, safefile.MaxPEM)
	if err != nil {
		return tls.Certificate{}, err
	}
	pair, err := tls.X509KeyPair(cert, key)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("%s=%q / %s=%q: %w", certVar, certFile, keyVar, keyFile, err)
	}
	return pair, nil
}

// readRedis reads the REDIS_* variables.
func (r *reader) readRedis(rawURL string) Redis {
	return Redis{
		URL:              rawURL,
		Username:         r.str("REDIS_USERNAME", ""),
		Password:         r.secret("REDIS_PASSWORD"),
		TLSCA:            r.str("REDIS_TLS_CA", ""),
		TLSCert:          r.str("REDIS_TLS_CERT", ""),
		TLSKey:           r.str("REDIS_TLS_KEY", ""),
		TLSServerName:    r.str("REDIS_TLS_SERVER_NAME", ""),
		SentinelAddrs:    r.addrs("REDIS_SENTINEL_ADDRS"),
		SentinelMaster:   r.str("REDIS_SENTINEL_MASTER", ""),
		SentinelUsername: r.str("REDIS_SENTINEL_USERNAME", ""),
		SentinelPassword: r.secret("REDIS_SENTINEL_PASSWORD"),
		ClusterAddrs:     r.addrs("REDIS_CLUSTER_ADDRS"),
	}
}

// secret is a value taken as given (a password may end in a space); it is
// never part of an error.
func (r *reader) secret(name string) string {
	v, _ := r.lookup(name)
	return v
}

// addrs reads a comma-separated list of host:port.
func (r *reader) addrs(name string) []string {
	v, ok := r.lookup(name)
	if !ok {
		return nil
	}
	out := splitNonEmpty(v, ',')
	for _, a := range out {
		if err := checkHostPort(a); err != nil {
			r.fail(name, v, fmt.Sprintf("%q: %v", a, err))
			return nil
		}
	}
	return out
}

func checkHostPort(a string) error {
	host, port, err := net.SplitHostPort(a)
	if err != nil || host == "" {
		return errors.New("expected host:port")
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return errors.New("expected a port from 1 to 65535")
	}
	return nil
}

// validateRedis checks that the REDIS_* variables fit together.
func (r *reader) validateRedis(c Redis) {
	if err := CheckRedisURL(c.URL); err != nil {
		// Never echo a Redis URL that may carry a password.
		r.errs = append(r.errs, errors.New("REDIS_URL: "+err.Error()))
		return
	}
	u, _ := url.Parse(c.URL)
	if !c.TLS() {
		for name, v := range map[string]string{"REDIS_TLS_CA": c.TLSCA, "REDIS_TLS_CERT": c.TLSCert, "REDIS_TLS_KEY": c.TLSKey, "REDIS_TLS_SERVER_NAME": c.TLSServerName} {
			if v != "" {
				r.fail(name, v, "is set but REDIS_URL is not rediss://: use rediss:// to connect with TLS")
			}
		}
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		r.errs = append(r.errs, errors.New("REDIS_TLS_CERT and REDIS_TLS_KEY: set both (a client certificate and its key) or neither"))
	} else if c.TLS() {
		if _, err := c.TLSConfig(); err != nil {
			r.errs = append(r.errs, err)
		}
	}
	if len(c.SentinelAddrs) > 0 && len(c.ClusterAddrs) > 0 {
		r.errs = append(r.errs, errors.New("REDIS_SENTINEL_ADDRS and REDIS_CLUSTER_ADDRS are both set: a Redis is either watched by sentinels or a cluster; unset one"))
	}
	if len(c.SentinelAddrs) > 0 && c.SentinelMaster == "" {
		r.errs = append(r.errs, errors.New("REDIS_SENTINEL_MASTER is not set: name the master the sentinels monitor (sentinel monitor <name> …)"))
	}
	if c.SentinelMaster != "" && len(c.SentinelAddrs) == 0 {
		r.fail("REDIS_SENTINEL_MASTER", c.SentinelMaster, "is set but REDIS_SENTINEL_ADDRS is not: list the sentinels as host:port,…")
	}
	if c.Kind() != RedisStandalone && u.Scheme == "unix" {
		r.errs = append(r.errs, fmt.Errorf("REDIS_URL: a unix:// socket cannot be used with %s; use redis:// or rediss://", c.Kind()))
	}
	if c.Kind() == RedisCluster && u.Scheme != "unix" {
		if db := strings.Trim(u.Path, "/"); db != "" && db != "0" {
			r.fail("REDIS_URL", "db "+db, "Redis Cluster has only database 0: end REDIS_URL in /0 or leave the database out")
		}
	}
}
