package ticks

import (
	"math"
	"strings"
	"testing"

	"github.com/tickstock/monitor/backend/ticks/tickstest"
)

func TestDecodeBothForms(t *testing.T) {
	a, err := Decode([]byte(`{"type":"market_tick","symbol":"aapl","price":178.23,"volume":1000,"timestamp":1705853696.123,"source":"massive"}`))
	if err != nil || a.Symbol != "AAPL" || a.Price != 178.23 || a.Volume != 1000 || a.Timestamp != 1705853696.123 || a.Source != "massive" {
		t.Fatalf("%+v %v", a, err)
	}
	b, err := Decode([]byte(`{"event_type":"tick_data","ticker":"MSFT","price":"401.5","volume":12,"timestamp":1705853696123}`))
	if err != nil || b.Symbol != "MSFT" || b.Price != 401.5 || math.Abs(b.Timestamp-1705853696.123) > 1e-6 {
		t.Fatalf("%+v %v", b, err)
	}
}

func TestEncodeRoundTrip(t *testing.T) {
	in := Tick{Symbol: "BRK.B", Price: 410.07, Volume: 5, Timestamp: 1705853696.123, Source: "massive", ConnectionID: "connection_2"}
	out := string(Encode(in))
	want := `{"type":"market_tick","symbol":"BRK.B","price":410.07,"volume":5,"timestamp":1705853696.123,"source":"massive"}`
	if out != want {
		t.Fatalf("Encode = %s", out)
	}
	back, err := Decode([]byte(out))
	in.ConnectionID = "" // not published: the monitor adds it back
	if err != nil || back != in {
		t.Fatalf("round trip %+v %v", back, err)
	}
}

// The publisher's stamp travels as an extra field; without it (TickStockAppV2)
// Published is 0, and a bad one is an invalid message like a bad timestamp.
func TestPublishedStamp(t *testing.T) {
	in := Tick{Symbol: "AAPL", Price: 1, Volume: 2, Timestamp: 1705853696.123, Source: "massive", Published: 1705853696.4567}
	out := string(Encode(in))
	if want := `,"source":"massive","published_at":1705853696.4567}`; !strings.HasSuffix(out, want) {
		t.Fatalf("Encode = %s", out)
	}
	if back, err := Decode([]byte(out)); err != nil || back != in {
		t.Fatalf("round trip %+v %v", back, err)
	}
	ms, err := Decode([]byte(`{"event_type":"tick_data","ticker":"AAPL","price":1,"timestamp":1705853696123,"published_at":1705853696500}`))
	if err != nil || math.Abs(ms.Published-1705853696.5) > 1e-6 {
		t.Fatalf("ms stamp: %+v %v", ms, err)
	}
	if plain, err := Decode([]byte(`{"symbol":"AAPL","price":1,"timestamp":1}`)); err != nil || plain.Published != 0 {
		t.Fatalf("no stamp: %+v %v", plain, err)
	}
	for _, bad := range []string{`"soon"`, `-1`, `"NaN"`} {
		if _, err := Decode([]byte(`{"symbol":"AAPL","price":1,"published_at":` + bad + `}`)); err == nil || !strings.Contains(err.Error(), "published_at") {
			t.Errorf("published_at %s: %v", bad, err)
		}
	}
}

func TestDecodeRejectsMalformed(t *testing.T) {
	if len(tickstest.Malformed) < 30 {
		t.Fatalf("only %d kinds of malformed message", len(tickstest.Malformed))
	}
	for _, m := range tickstest.Malformed {
		if tk, err := Decode([]byte(m)); err == nil {
			t.Errorf("%.60q accepted as %+v", m, tk)
		} else if len(err.Error()) > 160 {
			t.Errorf("error too long (%d bytes): %.80s", len(err.Error()), err)
		}
	}
}

func TestNormalizeSymbol(t *testing.T) {
	for in, want := range map[string]string{"aapl": "AAPL", "BRK.B": "BRK.B", "X:BTCUSD": "X:BTCUSD", "A-B": "A-B"} {
		if got, ok := NormalizeSymbol(in); !ok || got != want {
			t.Errorf("%q → %q %v", in, got, ok)
		}
	}
	for _, in := range []string{"", "A B", "ÄAPL", "1234567890123", "A/B"} {
		if _, ok := NormalizeSymbol(in); ok {
			t.Errorf("%q accepted", in)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"type":"market_tick","symbol":"AAPL","price":178.23,"volume":1000,"timestamp":1705853696.123,"source":"massive"}`))
	f.Add([]byte(`{"event_type":"tick_data","ticker":"MSFT","price":"1","volume":1,"timestamp":1705853696123}`))
	f.Add([]byte(`{"type":"market_tick","symbol":"AAPL","price":1,"volume":1,"timestamp":1705853696.123,"source":"massive","published_at":1705853696.2}`))
	for _, m := range tickstest.Malformed[:20] {
		f.Add([]byte(m))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tk, err := Decode(data)
		if err != nil {
			return
		}
		if s, ok := NormalizeSymbol(tk.Symbol); !ok || s != tk.Symbol {
			t.Fatalf("bad symbol %q", tk.Symbol)
		}
		if tk.Price < 0 || math.IsNaN(tk.Price) || math.IsInf(tk.Price, 0) || tk.Volume < 0 || tk.Timestamp < 0 || tk.Published < 0 {
			t.Fatalf("invalid tick accepted: %+v", tk)
		}
		back, err := Decode(Encode(tk))
		if err != nil || back.Symbol != tk.Symbol || back.Price != tk.Price || back.Volume != tk.Volume {
			t.Fatalf("re-encode of %+v: %+v %v", tk, back, err)
		}
	})
}

func BenchmarkDecode(b *testing.B) {
	msg := []byte(`{"type":"market_tick","symbol":"AAPL","price":178.23,"volume":1000,"timestamp":1705853696.123,"source":"massive"}`)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := Decode(msg); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncode(b *testing.B) {
	tk := Tick{Symbol: "AAPL", Price: 178.23, Volume: 1000, Timestamp: 1705853696.123, Source: "massive"}
	buf := make([]byte, 0, 256)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		buf = AppendEncode(buf[:0], tk)
	}
}

// What Encode writes is JSON whatever the source holds: a DEL in a source
// once came out in Go's quoting (\x7f) and made the published tick unreadable
// (the strings themselves: jsonscan's TestAppendStringIsJSON).
func TestEncodeWritesJSONStrings(t *testing.T) {
	out := Encode(Tick{Symbol: "AAPL", Price: 1, Source: "\x7f"})
	back, err := Decode(out)
	if err != nil || back.Source != "\x7f" {
		t.Errorf("encoded as %s: read back %+v, %v", out, back, err)
	}
}
