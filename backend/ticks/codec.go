package ticks

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
)

// MaxPayload is the largest Redis message accepted as a tick.
const MaxPayload = 4 << 10

// msThreshold: a timestamp above it is in milliseconds (TickStockAppV2
// publishes both); seconds would not reach it until the year 33658.
const msThreshold = 1e12

// maxVolume is the largest volume a float64 holds exactly (2^53).
const maxVolume = 1 << 53

// wire accepts both published forms:
//
//	{"type":"market_tick","symbol":"AAPL","price":178.23,"volume":1000,"timestamp":1705853696.123,"source":"massive"}
//	{"event_type":"tick_data","ticker":"AAPL","price":…,"volume":…,"timestamp":…}
//
// and the optional "published_at" (Unix seconds or ms) our publisher adds.
type wire struct {
	Type      string          `json:"type"`
	EventType string          `json:"event_type"`
	Symbol    *string         `json:"symbol"`
	Ticker    *string         `json:"ticker"`
	Price     json.RawMessage `json:"price"`
	Volume    json.RawMessage `json:"volume"`
	Timestamp json.RawMessage `json:"timestamp"`
	Source    string          `json:"source"`
	Published json.RawMessage `json:"published_at"`
}

// Decode parses and validates one Redis message. The error says what is
// wrong in words an operator can act on; it quotes at most a little of the input.
func Decode(payload []byte) (Tick, error) {
	var t Tick
	if len(payload) > MaxPayload {
		return t, fmt.Errorf("message of %d bytes is over the %d-byte limit", len(payload), MaxPayload)
	}
	p := bytes.TrimSpace(payload)
	if len(p) == 0 || p[0] != '{' {
		return t, errors.New("not a JSON object")
	}
	var w wire
	if err := json.Unmarshal(p, &w); err != nil {
		return t, fmt.Errorf("malformed JSON: %v", shorten(err.Error()))
	}
	if w.Type != "" && w.Type != "market_tick" {
		return t, fmt.Errorf("type %q is not market_tick", shorten(w.Type))
	}
	if w.EventType != "" && w.EventType != "tick_data" {
		return t, fmt.Errorf("event_type %q is not tick_data", shorten(w.EventType))
	}
	raw := w.Symbol
	if raw == nil {
		raw = w.Ticker
	}
	if raw == nil {
		return t, errors.New(`no "symbol" (or "ticker")`)
	}
	sym, ok := NormalizeSymbol(*raw)
	if !ok {
		return t, fmt.Errorf("symbol %q is not 1–12 of A–Z 0–9 . : -", shorten(*raw))
	}
	t.Symbol = sym
	var err error
	if t.Price, err = number(w.Price, "price", true); err != nil {
		return t, err
	}
	if t.Price < 0 {
		return t, fmt.Errorf("price %v is negative", t.Price)
	}
	vol, err := number(w.Volume, "volume", false)
	if err != nil {
		return t, err
	}
	if vol < 0 || vol != math.Trunc(vol) || vol > maxVolume {
		return t, fmt.Errorf("volume %v is not a whole number ≥ 0", vol)
	}
	t.Volume = int64(vol)
	ts, err := stamp(w.Timestamp, "timestamp")
	if err != nil {
		return t, err
	}
	t.Timestamp = ts
	if t.Published, err = stamp(w.Published, "published_at"); err != nil {
		return t, err
	}
	t.Source = w.Source
	return t, nil
}

// stamp reads a Unix time in seconds or milliseconds (0 when missing).
func stamp(raw json.RawMessage, field string) (float64, error) {
	ts, err := number(raw, field, false)
	if err != nil {
		return 0, err
	}
	if ts < 0 {
		return 0, fmt.Errorf("%s %v is negative", field, ts)
	}
	if ts > msThreshold {
		ts /= 1000
	}
	return ts, nil
}

// number reads a finite JSON number (a numeric string is accepted, as Python
// publishers sometimes send Decimals as strings). Missing: 0, unless required.
func number(raw json.RawMessage, field string, required bool) (float64, error) {
	if len(raw) == 0 || string(raw) == "null" {
		if required {
			return 0, fmt.Errorf("no %q", field)
		}
		return 0, nil
	}
	s := string(raw)
	if raw[0] == '"' {
		var str string
		if json.Unmarshal(raw, &str) != nil {
			return 0, fmt.Errorf("%s is not a number", field)
		}
		s = str
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("%s %q is not a finite number", field, shorten(s))
	}
	return f, nil
}

// Encode returns the published form of t (connection_id is not part of it).
func Encode(t Tick) []byte { return AppendEncode(make([]byte, 0, 128), t) }

// AppendEncode appends the published form of t to b without allocating.
func AppendEncode(b []byte, t Tick) []byte {
	b = append(b, `{"type":"market_tick","symbol":`...)
	b = strconv.AppendQuote(b, t.Symbol)
	b = append(b, `,"price":`...)
	b = strconv.AppendFloat(b, t.Price, 'f', -1, 64)
	b = append(b, `,"volume":`...)
	b = strconv.AppendInt(b, t.Volume, 10)
	b = append(b, `,"timestamp":`...)
	b = strconv.AppendFloat(b, t.Timestamp, 'f', -1, 64)
	b = append(b, `,"source":`...)
	b = strconv.AppendQuote(b, t.Source)
	if t.Published > 0 {
		b = append(b, `,"published_at":`...)
		b = strconv.AppendFloat(b, t.Published, 'f', -1, 64)
	}
	return append(b, '}')
}

func shorten(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
