package remote

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tickstock/monitor/backend/wire"
)

// TickStockAppV2's get_health_status(): only enabled connections, no
// "enabled", a ticker count, any status word.
const tsv2Health = `{"total_connections":2,"connected_count":1,"total_ticks_received":40,"total_errors":3,
 "connections":{"connection_1":{"name":"primary","status":"connected","assigned_tickers":2,"message_count":30,"error_count":0,"last_message_time":1.7e9},
  "connection_3":{"name":"tertiary","status":"subscribed","assigned_tickers":1,"message_count":10,"error_count":3,"last_message_time":0}}}`

func TestHealthOfTickStockAppV2(t *testing.T) {
	s, err := DecodeHealth([]byte(tsv2Health))
	if err != nil {
		t.Fatal(err)
	}
	if s.EnabledConnections != 2 || s.ConnectedCount != 1 || s.TotalConnections != 2 {
		t.Errorf("totals %+v", s)
	}
	c1, c2, c3 := s.Connections["connection_1"], s.Connections["connection_2"], s.Connections["connection_3"]
	if !c1.Enabled || c1.Status != wire.StatusConnected || c1.AssignedTickers != 2 || c1.Tickers == nil {
		t.Errorf("connection_1 %+v", c1)
	}
	if c2.Enabled || c2.Status != wire.StatusDisabled {
		t.Errorf("absent connection_2 must be disabled: %+v", c2)
	}
	if !c3.Enabled || c3.Status != "subscribed" {
		t.Errorf("an unknown status word must be kept as sent: %+v", c3)
	}
}

func TestHealthOfServeKeepsItsFields(t *testing.T) {
	s, err := DecodeHealth([]byte(`{"total_connections":3,"enabled_connections":1,"connected_count":0,"connections":{
	 "connection_1":{"name":"primary","enabled":true,"status":"connecting","tickers":["AAPL"]},
	 "connection_2":{"name":"secondary","enabled":false,"status":"disabled"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if s.EnabledConnections != 1 || s.Connections["connection_2"].Enabled || s.Connections["connection_1"].Tickers[0] != "AAPL" {
		t.Errorf("%+v", s)
	}
}

func TestHealthErrors(t *testing.T) {
	for _, doc := range []string{`[]`, `{}`, `{"connections":{"connection_9":{}}}`, `not json`} {
		if _, err := DecodeHealth([]byte(doc)); err == nil {
			t.Errorf("%s: no error", doc)
		}
	}
}

func TestMetricsUpdateMerges(t *testing.T) {
	s, _ := DecodeHealth([]byte(tsv2Health))
	m, err := mergeMetrics(s, []byte(`{"connection_1":{"message_count":99,"messages_per_second":19.8,"error_count":1,"status":"disconnected"},"connection_2":{"message_count":5,"status":"connected"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if c := m.Connections["connection_1"]; c.MessageCount != 99 || c.ErrorCount != 1 || c.Status != wire.StatusDisconnected {
		t.Errorf("connection_1 %+v", c)
	}
	if c := m.Connections["connection_2"]; !c.Enabled || c.Status != wire.StatusConnected {
		t.Errorf("connection_2 %+v", c)
	}
	if m.EnabledConnections != 3 || m.ConnectedCount != 1 {
		t.Errorf("totals %d/%d", m.ConnectedCount, m.EnabledConnections)
	}
	if s.Connections["connection_1"].MessageCount != 30 {
		t.Error("the merge changed the snapshot it was given")
	}
	if !isFullHealth([]byte(tsv2Health)) || isFullHealth([]byte(`{"connection_1":{}}`)) {
		t.Error("isFullHealth")
	}
}

func FuzzDecodeHealth(f *testing.F) {
	f.Add([]byte(tsv2Health))
	f.Add([]byte(`{"connections":{"connection_2":null}}`))
	f.Add([]byte(`{"enabled_connections":1,"connections":{"connection_1":{"enabled":false,"status":"x"}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := DecodeHealth(b)
		if err != nil {
			return
		}
		if len(s.Connections) != 3 {
			t.Fatalf("%d columns", len(s.Connections))
		}
		for id, c := range s.Connections {
			if c.Tickers == nil {
				t.Fatalf("%s: nil ticker list", id)
			}
			if !c.Enabled && s.EnabledConnections < 0 {
				t.Fatal("negative count")
			}
		}
		if m, err := mergeMetrics(s, b); err == nil && m.EnabledConnections > 3 {
			t.Fatalf("%d enabled of 3", m.EnabledConnections)
		}
	})
}

// Issue 25 items 4 and 10: a hostile server's texts reached the terminal
// with their escapes (ESC]0;…, ESC[2K\r…), and 150,000 unknown connection
// IDs made a 2.1 MB error line.
func TestHostileHealthTextsArePrintable(t *testing.T) {
	s, err := DecodeHealth([]byte(`{"connections":{"connection_1":{"name":"\u001b]0;pwned\u0007x","status":"bad\u001b[2K\rconnected (all good)",
	 "last_error":"\u009b2J` + strings.Repeat("e", 5000) + `","universe_key":"k\u001b[1m"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	c := s.Connections["connection_1"]
	for _, text := range []string{c.Name, string(c.Status), c.LastError, c.UniverseKey} {
		if strings.ContainsAny(text, "\x1b\r\x07\u009b") || len(text) > 1024 {
			t.Errorf("unsafe text kept: %q", text)
		}
	}
	m, _ := mergeMetrics(s, []byte(`{"connection_1":{"status":"\u001b[31mred"}}`))
	if st := m.Connections["connection_1"].Status; strings.ContainsRune(string(st), 0x1b) {
		t.Errorf("metrics_update status kept ESC: %q", st)
	}
	var doc strings.Builder
	doc.WriteString(`{"connections":{`)
	for i := range 150_000 {
		if i > 0 {
			doc.WriteByte(',')
		}
		fmt.Fprintf(&doc, `"connection_%d\u001b[2K":{}`, i+4)
	}
	doc.WriteString(`}}`)
	_, err = DecodeHealth([]byte(doc.String()))
	if err == nil || len(err.Error()) > 1024 || !strings.Contains(err.Error(), "150000 connection(s)") || strings.ContainsRune(err.Error(), 0x1b) {
		t.Fatalf("%d bytes: %.300q", len(err.Error()), err)
	}
}
