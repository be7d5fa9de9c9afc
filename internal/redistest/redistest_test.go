package redistest

import (
	"context"
	"strings"
	"testing"
)

func TestStartKillRestart(t *testing.T) {
	s := Start(t)
	ctx := context.Background()
	if r, err := s.Do(ctx, "SET", "k", "v"); err != nil || r != "+OK\r\n" {
		t.Fatalf("SET: %q %v", r, err)
	}
	s.Kill(t)
	if _, err := s.Do(ctx, "PING"); err == nil {
		t.Fatal("PING succeeded on a killed server")
	}
	s.Restart(t)
	r, err := s.Do(ctx, "PING")
	if err != nil || !strings.HasPrefix(r, "+PONG") {
		t.Fatalf("after restart PING: %q %v", r, err)
	}
	if !strings.HasSuffix(s.URL, "/15") {
		t.Errorf("URL %q does not use DB 15", s.URL)
	}
}

func TestDeployedShapes(t *testing.T) {
	ctx := context.Background()
	t.Run("tls", func(t *testing.T) {
		s, _ := StartTLS(t)
		if r, err := s.Do(ctx, "PING"); err != nil || !strings.HasPrefix(r, "+PONG") || !strings.HasPrefix(s.URL, "rediss://") {
			t.Fatalf("PING over TLS: %q %v (%s)", r, err, s.URL)
		}
	})
	t.Run("sentinel", func(t *testing.T) {
		st := StartSentinel(t)
		if a, err := st.MasterAddr(ctx); err != nil || a != st.Master.Addr {
			t.Fatalf("master %q %v, want %s", a, err, st.Master.Addr)
		}
	})
	t.Run("cluster", func(t *testing.T) {
		c := StartCluster(t, 3)
		r, err := c.Nodes[0].Query(ctx, "CLUSTER", "INFO")
		if err != nil || !strings.Contains(strings.Join(r, ""), "cluster_known_nodes:3") {
			t.Fatalf("%q %v", r, err)
		}
	})
}
