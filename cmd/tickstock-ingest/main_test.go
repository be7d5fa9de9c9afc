package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/tickstock/monitor/backend/simulator"
	"github.com/tickstock/monitor/backend/version"
	"github.com/tickstock/monitor/internal/redistest"
)

func runCmd(ctx context.Context, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(ctx, args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestVersion(t *testing.T) {
	code, out, _ := runCmd(context.Background(), "--version")
	if code != 0 || out != "tickstock-ingest "+version.Version+"\n" {
		t.Fatalf("exit %d output %q", code, out)
	}
}

func TestUnknownCommandIsAUsageError(t *testing.T) {
	code, _, errs := runCmd(context.Background(), "frobnicate")
	if code != 2 || !strings.Contains(errs, `unknown command "frobnicate"`) {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
}

func TestSimulateNeedsKeys(t *testing.T) {
	if code, _, errs := runCmd(context.Background(), "simulate"); code != 2 || !strings.Contains(errs, "--keys") {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
}

func TestSimulateServesUntilStopped(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	var out bytes.Buffer
	done := make(chan int)
	go func() { done <- run(ctx, []string{"simulate", "--keys", "k1"}, strings.NewReader(""), pw, io.Discard) }()
	line := make([]byte, 200)
	n, _ := pr.Read(line)
	go io.Copy(&out, pr)
	url := strings.TrimSpace(strings.TrimPrefix(string(line[:n]), "simulator listening on "))
	c, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatalf("dial %q: %v", url, err)
	}
	c.Close()
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("exit %d", code)
	}
	pw.Close()
}

func TestRunNeedsAKeyInEmbeddedMode(t *testing.T) {
	t.Setenv("TICKSTOCK_MODE", "embedded")
	t.Setenv("MASSIVE_API_KEY", "")
	code, _, errs := runCmd(context.Background(), "run", "--env-dir", t.TempDir())
	if code != 1 || !strings.Contains(errs, "MASSIVE_API_KEY is not set") {
		t.Fatalf("exit %d stderr %q", code, errs)
	}
}

func TestRunReportsABadVariable(t *testing.T) {
	t.Setenv("WEBSOCKET_CONNECTIONS_MAX", "9")
	code, _, errs := runCmd(context.Background(), "run", "--env-dir", t.TempDir())
	if code != 2 || !strings.Contains(errs, `WEBSOCKET_CONNECTIONS_MAX="9"`) {
		t.Fatalf("exit %d stderr %q", code, errs)
	}
}

func TestRunDemoPublishesToRedis(t *testing.T) {
	srv := redistest.Start(t)
	t.Setenv("TICKSTOCK_MODE", "demo")
	t.Setenv("REDIS_URL", srv.URL)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	var errb syncBuffer
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"run", "--env-dir", t.TempDir(), "--summary", "500ms"}, nil, io.Discard, &errb)
	}()
	deadline := time.Now().Add(3 * time.Second)
	for !strings.Contains(errb.String(), "redis=publishing") && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	<-done
	if !strings.Contains(errb.String(), "connected=3/3") || !strings.Contains(errb.String(), "redis=publishing") {
		t.Fatalf("log:\n%s", errb.String())
	}
}

func TestControlCommands(t *testing.T) {
	s, err := simulator.Start("127.0.0.1:0", simulator.Options{Keys: []string{"k"}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for cmd, want := range map[string]string{
		"drop all": "dropped 0", "stall AAPL 1s": "stalled 0", "garbage x": "garbage queued on 0",
		"refuse on": "refuse auth: true", "rate 7": "rate: 7", "bogus": "unknown command",
	} {
		if got := applyCommand(s, strings.Fields(cmd)); !strings.Contains(got, want) {
			t.Errorf("%q → %q, want %q", cmd, got, want)
		}
	}
}
