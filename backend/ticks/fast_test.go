package ticks

import (
	"fmt"
	"testing"
)

var scanSeeds = []string{
	`{"type":"market_tick","symbol":"AAPL","price":178.23,"volume":1000,"timestamp":1705853696.123,"source":"massive","published_at":1705853696.2}`,
	`{"event_type":"tick_data","ticker":"aapl","price":"178.5","volume":"10","timestamp":1705853696123}`,
	`{"symbol":null,"ticker":"X","price":1,"type":null}`, `{"Symbol":"X","price":1}`, `{"symbol":"X","price":1,"extra":[1,2],"n":true}`,
	`{"symbol":"X","price":1,"extra":{"a":1}}`, `{"symbol":"X\u0041","price":1}`, `{"symbol":"X","price":"1\u0030"}`,
	`{"symbol":"X","price":-0,"volume":1e3,"timestamp":01}`, `{"symbol":"X","price":1} x`, `{}`, `{"symbol":"X","price":1,}`,
	`{"symbol":"X","price":1,"source":"other","source":"massive"}`, `{"symbol":"X","price":1e400}`, `{"symbol":"X","price":1,"\u212aey":1}`,
}

// The scanner reads every message it accepts exactly as encoding/json does.
func FuzzScannerMatchesEncodingJSON(f *testing.F) {
	for _, s := range scanSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkSame(t, data) })
}

func TestScannerMatchesEncodingJSON(t *testing.T) {
	for _, s := range scanSeeds {
		checkSame(t, []byte(s))
	}
}

func checkSame(t *testing.T, data []byte) {
	t.Helper()
	fast, ferr := Decode(data)
	fastS, serr := DecodeString(string(data))
	referenceOnly = true
	ref, rerr := Decode(data)
	referenceOnly = false
	if fast != ref || fastS != ref || fmt.Sprint(ferr) != fmt.Sprint(rerr) || fmt.Sprint(serr) != fmt.Sprint(rerr) {
		t.Fatalf("%q:\nscanner   %+v %v\nreference %+v %v", data, fast, ferr, ref, rerr)
	}
}

// Decode copies what it keeps: the caller may reuse its buffer.
func TestDecodeOutlivesTheBuffer(t *testing.T) {
	b := []byte(`{"symbol":"AAPL","price":1,"source":"feedx"}`)
	tk, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	for i := range b {
		b[i] = 'z'
	}
	if tk.Symbol != "AAPL" || tk.Source != "feedx" {
		t.Fatalf("tick changed with the buffer: %+v", tk)
	}
}
