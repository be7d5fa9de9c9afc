package massive

import (
	"math"
	"strings"

	"github.com/tickstock/monitor/backend/jsonscan"
	"github.com/tickstock/monitor/backend/ticks"
)

// scanFrame fills ws with the events of frame as encoding/json would, for
// frames in the plain form the provider sends (known keys, no escapes). It
// returns false for anything else and the caller decodes with
// encoding/json. The strings and raw fields of ws are views into frame.
//
// Measured (BenchmarkDecodePerEvent, frames of 20): encoding/json into the
// union struct cost 1.6–1.9 µs and 4–8 allocations per event; this scanner
// is several times faster and leaves the allocations to what an event
// keeps (its symbol, ID and condition lists, see convert).
func scanFrame(frame []byte, ws []wire) ([]wire, bool) {
	s := jsonscan.New(frame)
	if !s.Byte('[') {
		return ws, false
	}
	if s.Byte(']') {
		return ws, s.End()
	}
	for {
		ws = append(ws, wire{})
		if !scanEvent(&s, &ws[len(ws)-1]) {
			return ws, false
		}
		if s.Byte(']') {
			return ws, s.End()
		}
		if !s.Byte(',') || len(ws) == MaxFrameEvents {
			return ws, false // past the limit: Decode counts and refuses the frame
		}
	}
}

func scanEvent(s *jsonscan.Scanner, w *wire) bool {
	if !s.Byte('{') {
		return false
	}
	if s.Byte('}') {
		return true
	}
	for {
		key, ok := s.String()
		if !ok || !s.Byte(':') {
			return false
		}
		if s.Null() {
			// encoding/json leaves the field as it is, except raw ones.
			switch jsonscan.View(key) {
			case "c":
				w.C = nullRaw
			case "i":
				w.I = nullRaw
			}
		} else if !scanField(s, w, jsonscan.View(key)) {
			return false
		}
		if s.Byte('}') {
			return true
		}
		if !s.Byte(',') {
			return false
		}
	}
}

var nullRaw = []byte("null")

func scanField(s *jsonscan.Scanner, w *wire, key string) bool {
	ok := true
	switch key {
	case "ev":
		w.Ev, ok = str(s)
	case "sym":
		w.Sym, ok = str(s)
	case "status":
		w.Status, ok = str(s)
	case "message":
		w.Message, ok = str(s)
	case "x":
		w.X, ok = i32(s)
	case "z":
		w.Z, ok = i32(s)
	case "trfi":
		w.TRFI, ok = i32(s)
	case "bx":
		w.BX, ok = i32(s)
	case "ax":
		w.AX, ok = i32(s)
	case "t":
		w.T, ok = s.Int(math.MinInt64, math.MaxInt64)
	case "q":
		w.Q, ok = s.Int(math.MinInt64, math.MaxInt64)
	case "trft":
		w.TRFT, ok = s.Int(math.MinInt64, math.MaxInt64)
	case "e":
		w.E, ok = s.Int(math.MinInt64, math.MaxInt64)
	case "p":
		w.P, ok = s.Float()
	case "s":
		w.S, ok = s.Float()
	case "bp":
		w.BP, ok = s.Float()
	case "bs":
		w.BS, ok = s.Float()
	case "ap":
		w.AP, ok = s.Float()
	case "as":
		w.AS, ok = s.Float()
	case "v":
		w.V, ok = s.Float()
	case "av":
		w.AV, ok = s.Float()
	case "op":
		w.OP, ok = s.Float()
	case "vw":
		w.VW, ok = s.Float()
	case "o":
		w.O, ok = s.Float()
	case "h":
		w.H, ok = s.Float()
	case "l":
		w.L, ok = s.Float()
	case "a":
		w.A, ok = s.Float()
	case "otc":
		switch {
		case s.Literal("true"):
			w.OTC = true
		case s.Literal("false"):
			w.OTC = false
		default:
			ok = false
		}
	case "c":
		w.C, ok = s.Raw()
	case "i":
		w.I, ok = s.Raw()
	default:
		// encoding/json matches keys case-insensitively: leave those to it.
		if knownFold(key) {
			return false
		}
		_, ok = s.Raw()
	}
	return ok
}

func str(s *jsonscan.Scanner) (string, bool) {
	b, ok := s.String()
	return jsonscan.View(b), ok
}

func i32(s *jsonscan.Scanner) (int32, bool) {
	v, ok := s.Int(math.MinInt32, math.MaxInt32)
	return int32(v), ok //nolint:gosec // G115: Int bounds v to the int32 range
}

var wireKeys = []string{"ev", "sym", "status", "message", "x", "z", "p", "s", "t", "q", "trfi", "trft",
	"bx", "bp", "bs", "ax", "ap", "as", "v", "av", "op", "vw", "o", "h", "l", "a", "e", "otc", "c", "i"}

func knownFold(key string) bool {
	for _, k := range wireKeys {
		if strings.EqualFold(k, key) {
			return true
		}
	}
	// encoding/json also folds the Kelvin and long-s signs onto k and s.
	return strings.ContainsAny(key, "\u212a\u017f")
}

// maxInterned bounds a Decoder's symbol table (a whole market is ~12,000).
const maxInterned = 20_000

// symbol returns the normalized symbol, shared between events of the same
// symbol so that a steady stream does not allocate one per event.
func (d *Decoder) symbol(raw string) (string, bool) {
	if d != nil {
		if s, ok := d.syms[raw]; ok {
			return s, true
		}
	}
	sym, ok := ticks.NormalizeSymbol(raw)
	if !ok {
		return "", false
	}
	sym = strings.Clone(sym)
	if d != nil && len(d.syms) < maxInterned && sym == raw {
		if d.syms == nil {
			d.syms = map[string]string{}
		}
		d.syms[sym] = sym
	}
	return sym, true
}

// ints parses a list of integers into the frame's shared slab; false when
// raw is not a plain list (encoding/json then decides).
func (d *Decoder) ints(raw []byte) ([]int32, bool) {
	if d == nil {
		return nil, false
	}
	if len(d.slab)+16 > cap(d.slab) {
		// Never overwritten: earlier events of the frame keep their part.
		d.slab = make([]int32, 0, 256)
	}
	start := len(d.slab)
	out, ok := jsonscan.Ints(raw, d.slab, math.MinInt32, math.MaxInt32)
	if !ok || cap(out) != cap(d.slab) {
		return nil, false // not a list, or outgrew the slab: allocate on its own
	}
	d.slab = out
	return out[start:len(out):len(out)], true
}

// text copies a string an event keeps into the frame's shared arena.
func (d *Decoder) text(v string) string {
	if d == nil || len(v) > 256 {
		return strings.Clone(v)
	}
	if len(d.arena)+len(v) > cap(d.arena) {
		d.arena = make([]byte, 0, 2048)
	}
	start := len(d.arena)
	d.arena = append(d.arena, v...)
	return jsonscan.View(d.arena[start:len(d.arena):len(d.arena)])
}
