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
