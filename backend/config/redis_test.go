package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRedisAsDeployed(t *testing.T) {
	c, err := FromLookup(env(map[string]string{
		"REDIS_URL": "redis://:url-pw@ignored:6379/2", "REDIS_USERNAME": "ingest", "REDIS_PASSWORD": "env-s3cret",
		"REDIS_SENTINEL_ADDRS": "10.0.0.1:26379, 10.0.0.2:26379", "REDIS_SENTINEL_MASTER": "mymaster",
		"REDIS_SENTINEL_PASSWORD": "sent-s3cret", "METRICS_LISTEN_ADDR": "127.0.0.1:9108",
	}))
	if err != nil {
		t.Fatal(err)
	}
	r := c.Redis
	if r.Kind() != RedisSentinel || len(r.SentinelAddrs) != 2 || r.SentinelAddrs[1] != "10.0.0.2:26379" ||
		r.Username != "ingest" || r.Password != "env-s3cret" || r.SentinelPassword != "sent-s3cret" || r.URL != c.RedisURL {
		t.Fatalf("%+v", r)
	}
	if c.MetricsListenAddr != "127.0.0.1:9108" {
		t.Errorf("metrics %q", c.MetricsListenAddr)
	}
	c, err = FromLookup(env(map[string]string{"REDIS_CLUSTER_ADDRS": "127.0.0.1:7000,127.0.0.1:7001"}))
	if err != nil || c.Redis.Kind() != RedisCluster {
		t.Fatalf("cluster: %v %+v", err, c)
	}
}

func TestRedisSettingsThatDoNotFitAreNamed(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "ca.pem")
	os.WriteFile(notPEM, []byte("hello"), 0o600)
	cases := []struct {
		vars map[string]string
		want string
	}{
		{map[string]string{"REDIS_TLS_CA": "/x/ca.pem"}, `REDIS_TLS_CA="/x/ca.pem": is set but REDIS_URL is not rediss://`},
		{map[string]string{"REDIS_URL": "rediss://h:6380/0", "REDIS_TLS_CA": "/nope/ca.pem"}, `REDIS_TLS_CA="/nope/ca.pem": no such file`},
		{map[string]string{"REDIS_URL": "rediss://h:6380/0", "REDIS_TLS_CA": notPEM}, "no PEM certificate"},
		// Issue 25 item 1: /dev/zero as a TLS file was read to 23.9 GB.
		{map[string]string{"REDIS_URL": "rediss://h:6380/0", "REDIS_TLS_CA": "/dev/zero"}, `REDIS_TLS_CA="/dev/zero": not a regular file (a device)`},
		{map[string]string{"REDIS_URL": "rediss://h:6380/0", "REDIS_TLS_CERT": "/dev/zero", "REDIS_TLS_KEY": notPEM}, `REDIS_TLS_CERT="/dev/zero": not a regular file (a device)`},
		{map[string]string{"REDIS_URL": "rediss://h:6380/0", "REDIS_TLS_CERT": notPEM, "REDIS_TLS_KEY": "/dev/zero"}, `REDIS_TLS_KEY="/dev/zero": not a regular file (a device)`},
		// Issue 25: a port past 65535 passed validation.
		{map[string]string{"REDIS_URL": "redis://:pw-never-shown@h:99999/0"}, "REDIS_URL: port 99999 is not from 1 to 65535"},
		{map[string]string{"REDIS_URL": "redis://h:0/0"}, "REDIS_URL: port 0 is not from 1 to 65535"},
		{map[string]string{"REDIS_URL": "rediss://h:6380/0", "REDIS_TLS_CERT": notPEM}, "set both"},
		{map[string]string{"REDIS_SENTINEL_ADDRS": "10.0.0.1"}, `REDIS_SENTINEL_ADDRS="10.0.0.1": "10.0.0.1": expected host:port`},
		{map[string]string{"REDIS_SENTINEL_ADDRS": "10.0.0.1:26379"}, "REDIS_SENTINEL_MASTER is not set"},
		{map[string]string{"REDIS_SENTINEL_MASTER": "m"}, "REDIS_SENTINEL_ADDRS is not"},
		{map[string]string{"REDIS_SENTINEL_ADDRS": "a:1", "REDIS_SENTINEL_MASTER": "m", "REDIS_CLUSTER_ADDRS": "b:2"}, "both set"},
		{map[string]string{"REDIS_CLUSTER_ADDRS": "a:1", "REDIS_URL": "redis://a:1/3"}, "only database 0"},
		{map[string]string{"REDIS_CLUSTER_ADDRS": "a:99999"}, "port from 1 to 65535"},
		{map[string]string{"METRICS_LISTEN_ADDR": "9108"}, `METRICS_LISTEN_ADDR="9108"`},
		{map[string]string{"METRICS_LISTEN_ADDR": "127.0.0.1:8765"}, "is ADMIN_LISTEN_ADDR too"},
	}
	for _, c := range cases {
		c.vars["REDIS_PASSWORD"] = "pw-never-shown"
		_, err := FromLookup(env(c.vars))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want %q", c.vars, err, c.want)
			continue
		}
		if strings.Contains(err.Error(), "pw-never-shown") {
			t.Errorf("the password is in %v", err)
		}
	}
}

// Any REDIS_* and METRICS_LISTEN_ADDR values: an error or a consistent
// setting, never a panic, never the password in the error.
func FuzzRedisSettings(f *testing.F) {
	f.Add("redis://localhost:6379/0", "", "", "", "pw")
	f.Add("rediss://u:p@h:6380/1", "a:1,b:2", "", "127.0.0.1:9108", "s3cret")
	f.Add("redis://h/3", "", "h:7000,[::1]:7001", ":9108", "")
	f.Add("unix:///run/redis.sock", "x", "y", "z", "p\nq")
	f.Fuzz(func(t *testing.T, rawURL, sentinels, cluster, metrics, password string) {
		vars := map[string]string{"REDIS_URL": rawURL, "REDIS_SENTINEL_ADDRS": sentinels, "REDIS_SENTINEL_MASTER": "m",
			"REDIS_CLUSTER_ADDRS": cluster, "METRICS_LISTEN_ADDR": metrics, "REDIS_PASSWORD": password}
		if sentinels == "" {
			delete(vars, "REDIS_SENTINEL_MASTER")
		}
		c, err := FromLookup(env(vars))
		if err != nil {
			if len(password) >= 4 && strings.Contains(err.Error(), password) && !strings.Contains(rawURL+sentinels+cluster+metrics, password) {
				t.Fatalf("the password is in %v", err)
			}
			return
		}
		r := c.Redis
		if len(r.SentinelAddrs) > 0 && len(r.ClusterAddrs) > 0 {
			t.Fatalf("both sentinel and cluster accepted: %+v", r)
		}
		for _, a := range append(append([]string{}, r.SentinelAddrs...), r.ClusterAddrs...) {
			if checkHostPort(a) != nil {
				t.Fatalf("accepted address %q", a)
			}
		}
	})
}
