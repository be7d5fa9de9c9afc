package main

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tickstock/monitor/backend/simulator"
	"github.com/tickstock/monitor/internal/wait"
)

// Distinctive secrets, each where an operator would put it.
const (
	sweepKey      = "sk_SWEEP_key_7f3a9c"
	sweepRedisPw  = "rpw_SWEEP_9b2e"
	sweepWSPw     = "wpw_SWEEP_4d1c"
	sweepRemotePw = "tpw_SWEEP_8e7f"
	sweepAdminPw  = "apw_SWEEP_1a2b"
	sweepDotEnv   = "dotenv_SWEEP_5c6d"
)

var sweepSecrets = []string{sweepKey, sweepRedisPw, sweepWSPw, sweepRemotePw, sweepAdminPw, sweepDotEnv, "SWEEP"}

func closedAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// runFor runs args for at most d and returns everything it printed.
func runFor(d time.Duration, args ...string) string {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var out, errb syncBuffer
	run(ctx, args, strings.NewReader(""), &out, &errb)
	return out.String() + errb.String()
}

// Defect 9 and the secrets rule: distinctive secrets go through every error
// path and help text of the binary, and none comes out.
func TestNoSecretInAnyErrorOrHelpText(t *testing.T) {
	dead := closedAddr(t)
	base := map[string]string{
		"MASSIVE_API_KEY":          sweepKey,
		"MASSIVE_WEBSOCKET_URL":    "ws://user:" + sweepWSPw + "@" + dead + "/stocks",
		"REDIS_URL":                "redis://:" + sweepRedisPw + "@" + dead + "/0",
		"TICKSTOCK_REMOTE_URL":     "http://admin:" + sweepRemotePw + "@" + dead,
		"TICKSTOCK_ADMIN_EMAIL":    "admin@x.io",
		"TICKSTOCK_ADMIN_PASSWORD": sweepAdminPw,
		"TICKSTOCK_MODE":           "",
		"ADMIN_USERS_FILE":         "",
		"ADMIN_LISTEN_ADDR":        "127.0.0.1:0",
	}
	type scene struct {
		name   string
		env    map[string]string
		dotenv string
		args   []string
	}
	scenes := []scene{
		{"help", nil, "", []string{"help"}},
		{"-h", nil, "", []string{"-h"}},
		{"run -h", nil, "", []string{"run", "-h"}},
		{"serve -h", nil, "", []string{"serve", "-h"}},
		{"status -h", nil, "", []string{"status", "-h"}},
		{"simulate -h", nil, "", []string{"simulate", "-h"}},
		{"unknown command", nil, "", []string{"nope"}},
		{"malformed .env line", nil, "OK=1\nMASSIVE_API_KEY " + sweepDotEnv + "\n", []string{"run"}},
		{"malformed .env quote", nil, "MASSIVE_API_KEY=\"" + sweepDotEnv + "\n", []string{"serve"}},
		{"bad provider URL", map[string]string{"MASSIVE_WEBSOCKET_URL": "http://user:" + sweepWSPw + "@" + dead}, "", []string{"run"}},
		{"bad Redis URL", map[string]string{"REDIS_URL": "redis://:" + sweepRedisPw + "@[::1"}, "", []string{"run"}},
		{"bad remote URL", map[string]string{"TICKSTOCK_MODE": "remote", "TICKSTOCK_REMOTE_URL": "ftp://admin:" + sweepRemotePw + "@x"}, "", []string{"run"}},
		{"embedded against dead provider and Redis", nil, "", []string{"run", "--summary", "300ms"}},
		{"serve without users", nil, "", []string{"serve"}},
		{"status, unreachable", nil, "", []string{"status"}},
		{"status --url, unreachable", nil, "", []string{"status", "--url", "http://admin:" + sweepRemotePw + "@" + dead, "--email", "a@x.io"}},
		{"status --url, not http", nil, "", []string{"status", "--url", "ftp://admin:" + sweepRemotePw + "@" + dead, "--email", "a@x.io"}},
		{"status --url, bad URL", nil, "", []string{"status", "--url", "http://admin:" + sweepRemotePw + "@[bad", "--email", "a@x.io"}},
		{"remote mode in run", map[string]string{"TICKSTOCK_MODE": "remote"}, "", []string{"run"}},
	}
	for _, sc := range scenes {
		t.Run(sc.name, func(t *testing.T) {
			for k, v := range base {
				t.Setenv(k, v)
			}
			for k, v := range sc.env {
				t.Setenv(k, v)
			}
			dir := t.TempDir()
			if sc.dotenv != "" {
				os.WriteFile(filepath.Join(dir, ".env"), []byte(sc.dotenv), 0o600)
			}
			args := sc.args
			if len(args) > 0 && (args[0] == "run" || args[0] == "serve") && !strings.Contains(strings.Join(args, " "), "-h") {
				args = append(args[:1:1], append([]string{"--env-dir", dir}, args[1:]...)...)
			}
			out := runFor(2*time.Second, args...)
			t.Logf("%s", out)
			if strings.TrimSpace(out) == "" {
				t.Fatalf("%v printed nothing: the test would prove nothing", args)
			}
			for _, s := range sweepSecrets {
				if strings.Contains(out, s) {
					t.Fatalf("%v printed the secret %q:\n%s", args, s, out)
				}
			}
		})
	}
}

// The mode rule, end to end: a TickStockAppV2-style environment without
// TICKSTOCK_MODE runs against the configured provider (here a simulator on
// loopback that knows only that key), never the demo.
func TestTickStockAppV2EnvironmentDialsTheConfiguredProvider(t *testing.T) {
	sim, err := simulator.Start("127.0.0.1:0", simulator.Options{Keys: []string{sweepKey}})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, ".env"), []byte("MASSIVE_API_KEY="+sweepKey+"\nMASSIVE_WEBSOCKET_URL="+sim.URL()+
		"\nUSE_MULTI_CONNECTION=true\nWEBSOCKET_CONNECTION_1_ENABLED=true\nWEBSOCKET_CONNECTION_1_SYMBOLS=AAPL,MSFT\n"+
		"REDIS_URL=redis://"+closedAddr(t)+"/0\n"), 0o600)
	t.Setenv("TICKSTOCK_MODE", "")
	t.Setenv("MASSIVE_API_KEY", "")
	os.Unsetenv("MASSIVE_API_KEY")
	os.Unsetenv("TICKSTOCK_MODE")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan string)
	go func() {
		var errb syncBuffer
		run(ctx, []string{"run", "--env-dir", dir}, strings.NewReader(""), &syncBuffer{}, &errb)
		done <- errb.String()
	}()
	wait.For(t, "an authenticated session at the configured provider", 10*time.Second, func() bool {
		ss := sim.Sessions()
		return len(ss) == 1 && ss[0].Authenticated && strings.Join(ss[0].Symbols, ",") != ""
	})
	cancel()
	if log := <-done; strings.Contains(log, "demo provider simulator") || strings.Contains(log, sweepKey) {
		t.Fatalf("log:\n%s", log)
	}
}
