package massive

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/tickstock/monitor/backend/jsonscan"
)

// MaxFrameSize is the largest server frame accepted (the client's read limit).
const MaxFrameSize = 1 << 20

// MaxFrameEvents is the most events a frame may hold. The smallest real
// event (a status) is over 40 bytes, so a full 1 MiB frame of real events
// holds well under this; a frame of 349,523 "{}" would otherwise grow the
// decoder's scratch to ~100 MB (~350 MB of RSS) before being thrown away.
const MaxFrameEvents = 16384

// maxExactInt is the largest integer a float64 holds exactly (2^53).
const maxExactInt = 1 << 53

// ErrNotArray is returned for a frame that is not a JSON array.
var ErrNotArray = errors.New("frame is not a JSON array of events")

// wire is the union of every event's fields. "c" and "i" mean different
// things (and types) per event, so they stay raw until the kind is known.
type wire struct {
	Ev      string          `json:"ev"`
	Sym     string          `json:"sym"`
	Status  string          `json:"status"`
	Message string          `json:"message"`
	X       int32           `json:"x"`
	Z       int32           `json:"z"`
	P       float64         `json:"p"`
	S       float64         `json:"s"` // trade size (T) or bar start in ms (A/AM)
	T       int64           `json:"t"`
	Q       int64           `json:"q"`
	TRFI    int32           `json:"trfi"`
	TRFT    int64           `json:"trft"`
	BX      int32           `json:"bx"`
	BP      float64         `json:"bp"`
	BS      float64         `json:"bs"`
	AX      int32           `json:"ax"`
	AP      float64         `json:"ap"`
	AS      float64         `json:"as"`
	V       float64         `json:"v"`
	AV      float64         `json:"av"`
	OP      float64         `json:"op"`
	VW      float64         `json:"vw"`
	O       float64         `json:"o"`
	H       float64         `json:"h"`
	L       float64         `json:"l"`
	A       float64         `json:"a"`
	E       int64           `json:"e"`
	OTC     bool            `json:"otc"`
	C       json.RawMessage `json:"c"`
	I       json.RawMessage `json:"i"`
}

// DecodeFrame decodes one frame with a fresh Decoder; see Decoder.Decode.
func DecodeFrame(frame []byte, dst []Event) (events []Event, skipped int, err error) {
	var d Decoder
	return d.Decode(frame, dst)
}

// Decoder decodes frames, reusing its scratch space between calls. A
// connection's read loop owns one; it is not safe for concurrent use.
type Decoder struct {
	ws []wire
	// used is how many elements of ws the last frame wrote: only those need
	// clearing before the next one.
	used int

	syms  map[string]string // interned symbols
	slab  []int32           // condition lists of events, appended to only
	arena []byte            // trade IDs and status texts, appended to only

	reference bool // tests: always decode with encoding/json
}

// keepEvents is the most scratch elements (about 300 bytes each) a Decoder
// keeps between frames. One huge frame of tiny events (a 1 MiB frame holds
// some 300,000 "{}") grows the scratch to ~100 MB; kept, every later frame
// would clear it again. Past this size it is released after the frame.
const keepEvents = 2048

// Decode appends the events of one server frame to dst. A frame that is
// not a JSON array (or too big, or not UTF-8) returns err and no events. A
// well-formed frame with some malformed events returns the good ones,
// skipped = how many were dropped, and err describing the first of those.
// It never panics, whatever the input.
func (d *Decoder) Decode(frame []byte, dst []Event) (events []Event, skipped int, err error) {
	if len(frame) > MaxFrameSize {
		return dst, 0, fmt.Errorf("frame of %d bytes exceeds the %d-byte limit", len(frame), MaxFrameSize)
	}
	trimmed := bytes.TrimLeft(frame, " \t\r\n")
	if len(trimmed) == 0 || trimmed[0] != '[' {
		return dst, 0, ErrNotArray
	}
	if !utf8.Valid(frame) {
		return dst, 0, errors.New("frame is not valid UTF-8")
	}
	defer d.shrink()
	var ok bool
	if !d.reference {
		d.ws, ok = scanFrame(frame, d.ws[:0])
	}
	d.used = max(d.used, len(d.ws))
	if ok {
		return d.appendEvents(dst, d.ws)
	}
	// The fast scanner stops at MaxFrameEvents; encoding/json has no such
	// bound, so the frame's elements are counted before it runs.
	if countElements(trimmed, MaxFrameEvents+1) > MaxFrameEvents {
		return dst, 0, fmt.Errorf("frame of more than %d events", MaxFrameEvents)
	}
	// encoding/json reuses the slice's array but merges into old elements,
	// so those the last frame wrote are zeroed first.
	clear(d.ws[:d.used])
	d.ws = d.ws[:0]
	fastErr := json.Unmarshal(frame, &d.ws)
	d.used = len(d.ws)
	if fastErr != nil {
		d.used = cap(d.ws) // a failed decode may have written past len
	}
	if fastErr == nil {
		return d.appendEvents(dst, d.ws)
	}
	// Slow path: some element does not fit; decode one by one to keep the rest.
	var raws []json.RawMessage
	if err := json.Unmarshal(frame, &raws); err != nil {
		return dst, 0, fmt.Errorf("malformed frame: %w", err)
	}
	for i, raw := range raws {
		var w wire
		if err2 := json.Unmarshal(raw, &w); err2 != nil {
			skipped++
			if err == nil {
				err = fmt.Errorf("event %d: %w", i, err2)
			}
			continue
		}
		var s int
		var e error
		dst, s, e = d.appendEvents(dst, []wire{w})
		skipped += s
		if err == nil && e != nil {
			err = fmt.Errorf("event %d: %w", i, e)
		}
	}
	return dst, skipped, err
}

// shrink releases scratch grown past keepEvents by an unusual frame.
func (d *Decoder) shrink() {
	if cap(d.ws) > keepEvents {
		d.ws, d.used = nil, 0
	}
	// The views of the fast path point into the caller's frame.
	clear(d.ws[:d.used])
	d.used = 0
}

func (d *Decoder) appendEvents(dst []Event, ws []wire) ([]Event, int, error) {
	skipped := 0
	var first error
	for i := range ws {
		ev, err := d.convert(&ws[i])
		if err != nil {
			skipped++
			if first == nil {
				first = err
			}
			continue
		}
		dst = append(dst, ev)
	}
	return dst, skipped, first
}

// convert checks and copies one event; the strings of w may be views into
// the frame, so whatever the event keeps is copied (or interned) here.
func (d *Decoder) convert(w *wire) (Event, error) {
	if w.Ev == "status" {
		return Event{Kind: KindStatus, Status: Status{Status: d.text(w.Status), Message: d.text(w.Message)}}, nil
	}
	var ev Event
	switch w.Ev {
	case "T":
		ev.Kind = KindTrade
	case "Q":
		ev.Kind = KindQuote
	case "A":
		ev.Kind = KindAggregate
	case "AM":
		ev.Kind = KindMinuteAggregate
	case "":
		return ev, errors.New(`event without "ev"`)
	default:
		return ev, fmt.Errorf("unknown event type %q", clip(w.Ev))
	}
	sym, ok := d.symbol(w.Sym)
	if !ok {
		return ev, fmt.Errorf("%s event with invalid symbol %q", w.Ev, clip(w.Sym))
	}
	ev.Symbol = sym
	var err error
	switch ev.Kind {
	case KindTrade:
		err = w.trade(d, &ev.Trade)
	case KindQuote:
		err = w.quote(d, &ev.Quote)
	default:
		err = w.aggregate(&ev.Aggregate)
	}
	if err != nil {
		return ev, fmt.Errorf("%s %s: %w", w.Ev, sym, err)
	}
	return ev, nil
}

func (w *wire) trade(d *Decoder, t *Trade) error {
	*t = Trade{Exchange: w.X, Tape: w.Z, Price: w.P, Size: w.S, Timestamp: w.T,
		Sequence: w.Q, TRFID: w.TRFI, TRFTimestamp: w.TRFT}
	var err error
	if t.Conditions, err = d.intList(w.C); err != nil {
		return fmt.Errorf(`conditions "c": %w`, err)
	}
	if id, ok := plainString(w.I); ok {
		t.ID = d.text(id)
	} else if t.ID, err = tradeID(w.I); err != nil {
		return err
	}
	return checkAll(price("p", t.Price), amount("s", t.Size), stamp("t", t.Timestamp))
}

func (w *wire) quote(d *Decoder, q *Quote) error {
	*q = Quote{BidExchange: w.BX, BidPrice: w.BP, BidSize: w.BS, AskExchange: w.AX,
		AskPrice: w.AP, AskSize: w.AS, Timestamp: w.T, Sequence: w.Q, Tape: w.Z}
	var err error
	if q.Condition, err = condition(w.C); err != nil {
		return fmt.Errorf(`condition "c": %w`, err)
	}
	if q.Indicators, err = d.intList(w.I); err != nil {
		return fmt.Errorf(`indicators "i": %w`, err)
	}
	return checkAll(price("bp", q.BidPrice), price("ap", q.AskPrice),
		amount("bs", q.BidSize), amount("as", q.AskSize), stamp("t", q.Timestamp))
}

func (w *wire) aggregate(a *Aggregate) error {
	*a = Aggregate{Volume: w.V, AccumVolume: w.AV, OfficialOpen: w.OP, VWAP: w.VW,
		Open: w.O, High: w.H, Low: w.L, AvgTradeSize: w.A, Tape: w.Z, End: w.E, OTC: w.OTC}
	if len(w.C) == 0 || string(w.C) == "null" {
		return errors.New(`missing close "c"`)
	}
	c, err := strconv.ParseFloat(jsonscan.View(w.C), 64)
	if err != nil {
		return errors.New(`close "c" is not a number`)
	}
	a.Close = c
	if w.S < 0 || w.S > maxExactInt || w.S != math.Trunc(w.S) {
		return errors.New(`start "s" is not a Unix time in ms`)
	}
	a.Start = int64(w.S)
	return checkAll(price("c", a.Close), price("o", a.Open), price("h", a.High), price("l", a.Low),
		price("vw", a.VWAP), amount("v", a.Volume), amount("av", a.AccumVolume), stamp("e", a.End))
}

// intList reads an optional list of integers, in the frame's slab when it
// is a plain one.
func (d *Decoder) intList(raw []byte) ([]int32, error) {
	if len(raw) > 0 && raw[0] == '[' {
		if v, ok := d.ints(raw); ok {
			return v, nil
		}
	}
	var v []int32 // on the heap: only here, off the plain path
	err := decodeOptional(raw, &v)
	return v, err
}

// tradeID reads "i" of a trade that is not a plain string.
func tradeID(raw []byte) (string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	var id string
	if err := json.Unmarshal(raw, &id); err != nil {
		// Some feeds send the trade ID as a number.
		var n json.Number
		if json.Unmarshal(raw, &n) != nil {
			return "", errors.New(`trade ID "i" is neither a string nor a number`)
		}
		return n.String(), nil
	}
	return id, nil
}

// condition reads the condition of a quote (0 when missing).
func condition(raw []byte) (int32, error) {
	if v, ok := jsonscan.ParseInt(raw, math.MinInt32, math.MaxInt32); ok && isNumber(raw) {
		return int32(v), nil //nolint:gosec // G115: ParseInt bounds v to the int32 range
	}
	var c int32
	err := decodeOptional(raw, &c)
	return c, err
}

// plainString returns the contents of a JSON string without escapes.
func plainString(raw []byte) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' || bytes.IndexByte(raw, '\\') >= 0 {
		return "", false
	}
	return jsonscan.View(raw[1 : len(raw)-1]), true
}

func isNumber(raw []byte) bool {
	return len(raw) > 0 && (raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9')
}

func decodeOptional(raw json.RawMessage, dst any) error {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	return json.Unmarshal(raw, dst)
}

func checkAll(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// price accepts a finite number ≥ 0 (JSON cannot carry NaN; huge values fail
// in the JSON decoder already, this catches negatives).
func price(field string, v float64) error {
	if v < 0 || math.IsInf(v, 0) || math.IsNaN(v) {
		return fmt.Errorf("%s = %v is not a price", field, v)
	}
	return nil
}

func amount(field string, v float64) error {
	if v < 0 || v > maxExactInt || math.IsNaN(v) {
		return fmt.Errorf("%s = %v is not a size", field, v)
	}
	return nil
}

func stamp(field string, ms int64) error {
	if ms < 0 {
		return fmt.Errorf("%s = %d is not a Unix time in ms", field, ms)
	}
	return nil
}

// clip shortens hostile input before it is quoted into an error message.
func clip(s string) string {
	if len(s) > 24 {
		return s[:24] + "…"
	}
	return s
}

// countElements counts the elements of the JSON array that starts frame,
// stopping at limit: one pass over the bytes, no allocation, so the size of
// a frame's scratch is known before any is made. Malformed input gives some
// count; the decoders that follow report it.
func countElements(frame []byte, limit int) int {
	n, depth, inString, escaped, empty := 0, 0, false, false, true
	for _, b := range frame {
		if inString {
			switch {
			case escaped:
				escaped = false
			case b == '\\':
				escaped = true
			case b == '"':
				inString = false
			}
			continue
		}
		switch b {
		case '"':
			inString = true
		case '[', '{':
			depth++
		case ']', '}':
			depth--
		case ',':
			if depth == 1 {
				n++
			}
		}
		if depth >= 1 && empty && b != '[' && b != ' ' && b != '\t' && b != '\r' && b != '\n' {
			empty = false
		}
		if depth <= 0 || n >= limit {
			break
		}
	}
	if !empty {
		n++ // n commas separate n+1 elements
	}
	return n
}
