package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The mode rule: TICKSTOCK_MODE wins; else a provider key means embedded
// (a TickStockAppV2 .env is real data, never simulated); else demo.
func TestModeResolution(t *testing.T) {
	appV2 := map[string]string{ // a TickStockAppV2-style environment
		"MASSIVE_API_KEY": "k-123456", "USE_MULTI_CONNECTION": "true", "REDIS_URL": "redis://127.0.0.1:6390/0",
		"WEBSOCKET_CONNECTION_1_ENABLED": "true", "WEBSOCKET_CONNECTION_1_SYMBOLS": "AAPL,MSFT",
		"WEBSOCKET_CONNECTION_2_ENABLED": "true", "WEBSOCKET_CONNECTION_2_SYMBOLS": "NVDA",
	}
	with := func(extra map[string]string) map[string]string {
		m := map[string]string{}
		for k, v := range appV2 {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	for _, c := range []struct {
		name string
		env  map[string]string
		want Mode
		set  bool
	}{
		{"nothing", nil, ModeDemo, false},
		{"a TickStockAppV2 .env", appV2, ModeEmbedded, false},
		{"only a key", map[string]string{"MASSIVE_API_KEY": "k"}, ModeEmbedded, false},
		{"TICKSTOCK_MODE=demo wins over the key", with(map[string]string{"TICKSTOCK_MODE": "demo"}), ModeDemo, true},
		{"TICKSTOCK_MODE=remote", map[string]string{"TICKSTOCK_MODE": "Remote", "TICKSTOCK_REMOTE_URL": "http://127.0.0.1:1"}, ModeRemote, true},
		{"blank key", map[string]string{"MASSIVE_API_KEY": "  "}, ModeDemo, false},
	} {
		cfg, err := FromLookup(env(c.env))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if cfg.Mode != c.want || cfg.ModeSet != c.set {
			t.Errorf("%s: mode %s (set %v), want %s (set %v)", c.name, cfg.Mode, cfg.ModeSet, c.want, c.set)
		}
	}
	cfg, _ := FromLookup(env(appV2))
	if !slices.Equal(cfg.Connections[0].Tickers, []string{"AAPL", "MSFT"}) || !cfg.Connections[1].Enabled || cfg.Connections[2].Enabled {
		t.Errorf("the TickStockAppV2 connections were not used: %+v", cfg.Connections)
	}
}

// Defect 6: MASSIVE_WEBSOCKET_MAX_RECONNECT_DELAY=0.001 was accepted.
func TestDelaysBelowATenthOfASecondAreRefused(t *testing.T) {
	for _, name := range []string{"MASSIVE_WEBSOCKET_RECONNECT_DELAY", "MASSIVE_WEBSOCKET_MAX_RECONNECT_DELAY"} {
		_, err := FromLookup(env(map[string]string{name: "0.001"}))
		if !errors.Is(err, ErrDelayTooShort) || !strings.Contains(err.Error(), name) {
			t.Errorf("%s=0.001: %v", name, err)
		}
	}
	c, err := FromLookup(env(map[string]string{"MASSIVE_WEBSOCKET_RECONNECT_DELAY": "0.1", "MASSIVE_WEBSOCKET_MAX_RECONNECT_DELAY": "0.1"}))
	if err != nil || c.ReconnectDelay != 100*time.Millisecond {
		t.Fatalf("0.1 s: %v %v", c, err)
	}
}

// Defect 11: UNIVERSE_FILE=/dev/zero read without limit (2.5 GB in 6 s).
func TestUniverseFileMustBeASmallRegularFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.json")
	f, _ := os.Create(big)
	f.Truncate(MaxUniverseFileSize + 1) // sparse: no disk used
	f.Close()
	for path, want := range map[string]string{
		"/dev/zero": "a device", dir: "a directory", fifo: "a named pipe", big: "limit",
	} {
		done := make(chan error, 1)
		go func() {
			_, err := FromLookup(env(map[string]string{"UNIVERSE_FILE": path, "WEBSOCKET_CONNECTION_1_UNIVERSE_KEY": "a"}))
			done <- err
		}()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), "UNIVERSE_FILE") || !strings.Contains(err.Error(), want) {
				t.Errorf("UNIVERSE_FILE=%s: %v, want an error saying %q", path, err, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("UNIVERSE_FILE=%s: still reading after 5 s", path)
		}
	}
}

// Defect 9: a malformed .env line printed its value (the key included).
func TestDotEnvErrorsNeverShowAValue(t *testing.T) {
	const secret = "sk_live_Zq9SECRETxY"
	for _, in := range []string{
		"MASSIVE_API_KEY " + secret,
		"MASSIVE_API_KEY: " + secret,
		secret,
		"1" + secret + "=x",
		"MASSIVE_API_KEY=\"" + secret,
		"MASSIVE_API_KEY='" + secret + "' trailing " + secret,
		"A=1\nexport MASSIVE_API_KEY = \"" + secret + "\" " + secret,
		"A=" + strings.Repeat("x", 70_000) + secret,
	} {
		_, err := ParseDotEnv([]byte(in))
		if err == nil {
			t.Errorf("%.40q: no error", in)
			continue
		}
		if strings.Contains(err.Error(), "SECRET") {
			t.Errorf("the error shows the value: %v", err)
		}
		if !strings.HasPrefix(err.Error(), ".env") {
			t.Errorf("the error does not say where: %v", err)
		}
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, ".env"), []byte("OK=1\nMASSIVE_API_KEY "+secret+"\n"), 0o600)
	_, err := Load(dir)
	if err == nil || strings.Contains(err.Error(), "SECRET") || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("Load: %v", err)
	}
}

// Defect 9: URLs with credentials are printed redacted in configuration errors.
func TestURLErrorsAreRedacted(t *testing.T) {
	for name, raw := range map[string]string{
		"MASSIVE_WEBSOCKET_URL": "http://user:Pw0SECRET@socket.example/stocks",
		"TICKSTOCK_REMOTE_URL":  "ftp://admin:Pw0SECRET@tickstock.example",
	} {
		_, err := FromLookup(env(map[string]string{name: raw, "TICKSTOCK_MODE": "remote"}))
		if err == nil || !strings.Contains(err.Error(), name) || strings.Contains(err.Error(), "SECRET") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// dotEnvError is everything a .env error may say: where, the variable's
// name, and one of the fixed reasons; never text from the file.
var dotEnvError = regexp.MustCompile(`^\.env( line \d+( \([A-Za-z_][A-Za-z0-9_]*\))?)?: (expected KEY=VALUE, found no "=" \(the line is not shown: it may hold a secret\)|the name before "=" is not a variable name \(letters, digits and _, not starting with a digit; the line is not shown: it may hold a secret\)|unterminated ["'] quote|unexpected text after closing quote|bufio.Scanner: token too long \(after line \d+\))$`)

func TestDotEnvErrorShapes(t *testing.T) {
	for _, in := range []string{"NOEQUALS", "1A=x", "A='open", `A="x" trailing`, "=x", "A=" + strings.Repeat("x", 70_000)} {
		if _, err := ParseDotEnv([]byte(in)); err == nil || !dotEnvError.MatchString(err.Error()) {
			t.Errorf("%.20q: %v", in, err)
		}
	}
}

// Issue 25 item 10: a universe file of 400,000 keys made a 3.49 MB warning,
// logged and shown at /api/admin/info; keys are the file's own text.
func TestUnknownUniverseKeyWarningIsBounded(t *testing.T) {
	var doc strings.Builder
	doc.WriteString("{")
	for i := range 400_000 {
		fmt.Fprintf(&doc, `"k%d":["A"],`, i)
	}
	doc.WriteString(`"last":["MSFT"]}`)
	path := filepath.Join(t.TempDir(), "universes.json")
	if err := os.WriteFile(path, []byte(doc.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := FromLookup(env(map[string]string{"UNIVERSE_FILE": path, "WEBSOCKET_CONNECTION_1_ENABLED": "true",
		"WEBSOCKET_CONNECTION_1_UNIVERSE_KEY": "nope\x1b]0;x\x07"}))
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, w := range cfg.Warnings {
		if len(w) > 2048 || strings.ContainsAny(w, "\x1b\x07") {
			t.Errorf("%d bytes: %.300q", len(w), w)
		}
		found = found || strings.Contains(w, "(+399991 more)")
	}
	if !found {
		t.Errorf("no warning names the unknown key and a few known ones: %q", cfg.Warnings)
	}
}
