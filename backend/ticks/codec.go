package ticks

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unsafe"

	"github.com/tickstock/monitor/backend/jsonscan"
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
	t, err := decode(payload)
	// The fast path's strings are views into payload, which the caller may reuse.
	t.Symbol, t.Source = strings.Clone(t.Symbol), cloneSource(t.Source)
	return t, err
}

// DecodeString is Decode for a message held in a string: the tick's strings
// share its memory instead of being copied (a string never changes).
func DecodeString(payload string) (Tick, error) {
	return decode(unsafe.Slice(unsafe.StringData(payload), len(payload))) //nolint:gosec // G103: decode only reads the bytes of an immutable string
}

func cloneSource(s string) string {
	if s == SourceMassive {
		return SourceMassive
	}
	return strings.Clone(s)
}

// SourceMassive is the source of the ticks our publisher sends.
const SourceMassive = "massive"

// referenceOnly, in tests, makes every message go through encoding/json.
var referenceOnly bool

func decode(payload []byte) (Tick, error) {
	var t Tick
	if len(payload) > MaxPayload {
		return t, fmt.Errorf("message of %d bytes is over the %d-byte limit", len(payload), MaxPayload)
	}
	p := bytes.TrimSpace(payload)
	if len(p) == 0 || p[0] != '{' {
		return t, errors.New("not a JSON object")
	}
	v, ok := scanMessage(p)
	if !ok || referenceOnly {
		var w wire
		if err := json.Unmarshal(p, &w); err != nil {
			return t, fmt.Errorf("malformed JSON: %v", shorten(err.Error()))
		}
		v = w.view()
	}
	return v.tick()
}

// view is a message's fields as read, by the scanner (views into the
// payload) or by encoding/json.
type view struct {
	typ, eventType, source   string
	symbol, ticker           string
	hasSymbol, hasTicker     bool
	price, volume, ts, pubAt []byte
}

func (w *wire) view() view {
	v := view{typ: w.Type, eventType: w.EventType, source: w.Source, price: w.Price, volume: w.Volume, ts: w.Timestamp, pubAt: w.Published}
	if w.Symbol != nil {
		v.symbol, v.hasSymbol = *w.Symbol, true
	}
	if w.Ticker != nil {
		v.ticker, v.hasTicker = *w.Ticker, true
	}
	return v
}

func (w *view) tick() (Tick, error) {
	var t Tick
	if w.typ != "" && w.typ != "market_tick" {
		return t, fmt.Errorf("type %q is not market_tick", shorten(w.typ))
	}
	if w.eventType != "" && w.eventType != "tick_data" {
		return t, fmt.Errorf("event_type %q is not tick_data", shorten(w.eventType))
	}
	raw, has := w.symbol, w.hasSymbol
	if !has {
		raw, has = w.ticker, w.hasTicker
	}
	if !has {
		return t, errors.New(`no "symbol" (or "ticker")`)
	}
	sym, ok := NormalizeSymbol(raw)
	if !ok {
		return t, fmt.Errorf("symbol %q is not 1–12 of A–Z 0–9 . : -", shorten(raw))
	}
	t.Symbol = sym
	var err error
	if t.Price, err = number(w.price, "price", true); err != nil {
		return t, err
	}
	if t.Price < 0 {
		return t, fmt.Errorf("price %v is negative", t.Price)
	}
	vol, err := number(w.volume, "volume", false)
	if err != nil {
		return t, err
	}
	if vol < 0 || vol != math.Trunc(vol) || vol > maxVolume {
		return t, fmt.Errorf("volume %v is not a whole number ≥ 0", vol)
	}
	t.Volume = int64(vol)
	ts, err := stamp(w.ts, "timestamp")
	if err != nil {
		return t, err
	}
	t.Timestamp = ts
	if t.Published, err = stamp(w.pubAt, "published_at"); err != nil {
		return t, err
	}
	t.Source = w.source
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
	s := jsonscan.View(raw)
	if raw[0] == '"' {
		if plain, ok := plainString(raw); ok {
			s = plain
		} else if s, ok = jsonString(raw); !ok {
			return 0, fmt.Errorf("%s is not a number", field)
		}
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
	b = jsonscan.AppendString(b, t.Symbol)
	b = append(b, `,"price":`...)
	b = strconv.AppendFloat(b, t.Price, 'f', -1, 64)
	b = append(b, `,"volume":`...)
	b = strconv.AppendInt(b, t.Volume, 10)
	b = append(b, `,"timestamp":`...)
	b = strconv.AppendFloat(b, t.Timestamp, 'f', -1, 64)
	b = append(b, `,"source":`...)
	b = jsonscan.AppendString(b, t.Source)
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

// plainString returns the contents of a JSON string without escapes.
func plainString(raw []byte) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' || bytes.IndexByte(raw, '\\') >= 0 {
		return "", false
	}
	return jsonscan.View(raw[1 : len(raw)-1]), true
}

func jsonString(raw []byte) (string, bool) {
	var s string
	err := json.Unmarshal(raw, &s)
	return s, err == nil
}
