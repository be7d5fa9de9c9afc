package config

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func env(kv map[string]string) Lookup {
	return func(k string) (string, bool) { v, ok := kv[k]; return v, ok }
}

func TestDefaultsGiveTheThreeConnectionDemo(t *testing.T) {
	c, err := FromLookup(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Mode != ModeDemo || c.SubscriptionEvent != "AM" || c.TickChannel != DefaultTickChannel ||
		c.RedisURL != DefaultRedisURL || c.ReconnectDelay != 5*time.Second || c.MaxReconnectDelay != time.Minute {
		t.Fatalf("defaults: %+v", c)
	}
	for i, conn := range c.Connections {
		if !conn.Enabled || len(conn.Tickers) < 30 || conn.ID != "connection_"+string(rune('1'+i)) {
			t.Errorf("demo connection %d: %+v", i, conn)
		}
	}
	if got := c.Connections[1].Name; got != "secondary" {
		t.Errorf("name of connection_2 = %q", got)
	}
}

func TestMultiConnectionFromEnvironment(t *testing.T) {
	dir := t.TempDir()
	uf := filepath.Join(dir, "universes.json")
	os.WriteFile(uf, []byte(`{"sp500":["aapl","MSFT"],"nasdaq":["NVDA","MSFT"],"etf":["SPY"]}`), 0o600)
	c, err := FromLookup(env(map[string]string{
		"TICKSTOCK_MODE": "embedded", "USE_MULTI_CONNECTION": "true", "UNIVERSE_FILE": uf,
		"WEBSOCKET_CONNECTION_1_ENABLED": "true", "WEBSOCKET_CONNECTION_1_UNIVERSE_KEY": "sp500:nasdaq",
		"WEBSOCKET_CONNECTION_2_ENABLED": "yes", "WEBSOCKET_CONNECTION_2_NAME": "etfs", "WEBSOCKET_CONNECTION_2_UNIVERSE_KEY": "etf",
		"WEBSOCKET_CONNECTION_3_ENABLED": "1", "WEBSOCKET_CONNECTION_3_UNIVERSE_KEY": "missing", "WEBSOCKET_CONNECTION_3_SYMBOLS": "tsla, amd",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Connections[0].Tickers; !slices.Equal(got, []string{"AAPL", "MSFT", "NVDA"}) {
		t.Errorf("union of sp500:nasdaq = %v", got)
	}
	if c.Connections[1].Name != "etfs" || !slices.Equal(c.Connections[1].Tickers, []string{"SPY"}) {
		t.Errorf("connection_2 = %+v", c.Connections[1])
	}
	if got := c.Connections[2].Tickers; !slices.Equal(got, []string{"TSLA", "AMD"}) {
		t.Errorf("symbols fallback = %v", got)
	}
	if len(c.Warnings) != 1 || !strings.Contains(c.Warnings[0], "missing") {
		t.Errorf("warnings = %q", c.Warnings)
	}
	if a := c.Assignment(); a["SPY"] != "connection_2" || a["AMD"] != "connection_3" || len(a) != 6 {
		t.Errorf("assignment = %v", a)
	}
}

func TestSingleConnectionCarriesEverything(t *testing.T) {
	c, err := FromLookup(env(map[string]string{
		"TICKSTOCK_MODE":                 "embedded",
		"WEBSOCKET_CONNECTION_1_SYMBOLS": "AAPL", "WEBSOCKET_CONNECTION_2_ENABLED": "true", "WEBSOCKET_CONNECTION_2_SYMBOLS": "MSFT",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if !c.Connections[0].Enabled || !slices.Equal(c.Connections[0].Tickers, []string{"AAPL", "MSFT"}) {
		t.Errorf("connection_1 = %+v", c.Connections[0])
	}
	if c.Connections[1].Enabled || c.Connections[2].Enabled {
		t.Error("connections 2 and 3 must be disabled without USE_MULTI_CONNECTION")
	}
}

func TestConnectionsMaxDisablesHigherSlots(t *testing.T) {
	c, err := FromLookup(env(map[string]string{
		"USE_MULTI_CONNECTION": "true", "WEBSOCKET_CONNECTIONS_MAX": "2",
		"WEBSOCKET_CONNECTION_1_ENABLED": "true", "WEBSOCKET_CONNECTION_1_SYMBOLS": "A",
		"WEBSOCKET_CONNECTION_3_ENABLED": "true", "WEBSOCKET_CONNECTION_3_SYMBOLS": "B",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Connections[2].Enabled || !strings.Contains(strings.Join(c.Warnings, "\n"), "WEBSOCKET_CONNECTIONS_MAX=2") {
		t.Errorf("connection_3 = %+v, warnings %q", c.Connections[2], c.Warnings)
	}
}

func TestEnabledWithoutTickersIsAWarning(t *testing.T) {
	c, err := FromLookup(env(map[string]string{
		"USE_MULTI_CONNECTION": "true", "WEBSOCKET_CONNECTION_1_ENABLED": "true", "WEBSOCKET_CONNECTION_1_SYMBOLS": "A",
		"WEBSOCKET_CONNECTION_2_ENABLED": "true",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if w := c.Connections[1].Warning; !strings.Contains(w, "no tickers") {
		t.Errorf("warning = %q", w)
	}
}

func TestTickerOnTwoConnectionsNamesBoth(t *testing.T) {
	_, err := FromLookup(env(map[string]string{
		"USE_MULTI_CONNECTION":           "true",
		"WEBSOCKET_CONNECTION_1_ENABLED": "true", "WEBSOCKET_CONNECTION_1_SYMBOLS": "AAPL,MSFT",
		"WEBSOCKET_CONNECTION_3_ENABLED": "true", "WEBSOCKET_CONNECTION_3_SYMBOLS": "msft",
	}))
	if err == nil || !strings.Contains(err.Error(), "MSFT") || !strings.Contains(err.Error(), "connection_1") || !strings.Contains(err.Error(), "connection_3") {
		t.Fatalf("err = %v", err)
	}
}

func TestBadValuesNameTheVariableAndValue(t *testing.T) {
	cases := map[string]string{
		"TICKSTOCK_MODE":                        "cloud",
		"MASSIVE_SUBSCRIPTION_EVENT":            "XX",
		"MASSIVE_WEBSOCKET_URL":                 "http://x",
		"USE_MULTI_CONNECTION":                  "maybe",
		"WEBSOCKET_CONNECTIONS_MAX":             "4",
		"WEBSOCKET_CONNECTION_2_ENABLED":        "sure",
		"MASSIVE_WEBSOCKET_RECONNECT_DELAY":     "-1",
		"MASSIVE_WEBSOCKET_MAX_RECONNECT_DELAY": "abc",
		"MASSIVE_WEBSOCKET_MAX_RETRIES":         "-3",
		"TICK_CHANNEL":                          "two words",
		"UNIVERSE_FILE":                         "/nonexistent/universes.json",
		"WEBSOCKET_CONNECTION_1_SYMBOLS":        "AAPL,BAD TICKER",
	}
	for name, value := range cases {
		_, err := FromLookup(env(map[string]string{name: value, "USE_MULTI_CONNECTION": ifEmpty(cases, name)}))
		if err == nil {
			t.Errorf("%s=%q: no error", name, value)
			continue
		}
		if !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), value) {
			t.Errorf("%s=%q: error does not name both: %v", name, value, err)
		}
	}
}

// ifEmpty keeps USE_MULTI_CONNECTION's own bad value when that is the case under test.
func ifEmpty(cases map[string]string, name string) string {
	if name == "USE_MULTI_CONNECTION" {
		return cases[name]
	}
	return "false"
}

func TestRedisURLErrorNeverEchoesThePassword(t *testing.T) {
	_, err := FromLookup(env(map[string]string{"REDIS_URL": "http://user:s3cretPW@host"}))
	if err == nil || strings.Contains(err.Error(), "s3cretPW") || !strings.Contains(err.Error(), "REDIS_URL") {
		t.Fatalf("err = %v", err)
	}
}

func TestMaxDelayBelowBaseIsRejected(t *testing.T) {
	_, err := FromLookup(env(map[string]string{"MASSIVE_WEBSOCKET_RECONNECT_DELAY": "10", "MASSIVE_WEBSOCKET_MAX_RECONNECT_DELAY": "2"}))
	if err == nil || !strings.Contains(err.Error(), "MASSIVE_WEBSOCKET_MAX_RECONNECT_DELAY") {
		t.Fatalf("err = %v", err)
	}
}

func TestLoadReadsDotEnvAndEnvironmentWins(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, ".env"), []byte("# comment\nexport TICK_CHANNEL=from-dotenv\nMASSIVE_SUBSCRIPTION_EVENT='T'\n"), 0o600)
	t.Setenv("MASSIVE_SUBSCRIPTION_EVENT", "Q")
	c, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if c.TickChannel != "from-dotenv" || c.SubscriptionEvent != "Q" {
		t.Errorf("channel %q event %q", c.TickChannel, c.SubscriptionEvent)
	}
}

func TestLoadReportsABadDotEnvLine(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, ".env"), []byte("A=1\nthis is not a variable\n"), 0o600)
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("err = %v", err)
	}
}

func TestEmptyRedisURLCountsAsUnset(t *testing.T) {
	c, err := FromLookup(env(map[string]string{"REDIS_URL": " "}))
	if err != nil || c.RedisURLSet || c.RedisURL != DefaultRedisURL {
		t.Fatalf("%v %v %q", err, c.RedisURLSet, c.RedisURL)
	}
	c, _ = FromLookup(env(map[string]string{"REDIS_URL": "redis://h:1/2"}))
	if !c.RedisURLSet {
		t.Fatal("a given REDIS_URL is not marked as set")
	}
}
