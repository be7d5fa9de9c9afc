// Package jsonscan is a minimal JSON scanner for the hot decode paths (the
// provider's frames, the Redis tick messages). It reads the plain forms those
// messages take — objects of known keys, numbers, strings without escapes —
// and reports false for anything else, so the caller can fall back to
// encoding/json, which stays the reference for every unusual input (escapes,
// case-folded keys, type errors). A true result is always what encoding/json
// would have read; a false one only means "ask encoding/json".
//
// Views returned by the scanner point into the input: the caller copies what
// outlives it.
package jsonscan

import (
	"strconv"
	"unicode/utf8"
	"unsafe"
)

// Scanner reads one JSON text from the front.
type Scanner struct {
	b []byte
	i int
}

// New scans b.
func New(b []byte) Scanner { return Scanner{b: b} }

// NewString scans s without copying it.
func NewString(s string) Scanner {
	// The scanner only reads b, so a string's bytes serve without a copy.
	return Scanner{b: unsafe.Slice(unsafe.StringData(s), len(s))} //nolint:gosec // G103: read-only view of an immutable string
}

// View returns b as a string without copying: it is only valid while b is
// not modified.
func View(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b)) //nolint:gosec // G103: callers keep b unmodified while the string lives (documented above)
}

func (s *Scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// Peek skips whitespace and returns the next byte (0 at the end).
func (s *Scanner) Peek() byte {
	s.ws()
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

// Byte skips whitespace and consumes c if it is next.
func (s *Scanner) Byte(c byte) bool {
	if s.Peek() == c {
		s.i++
		return true
	}
	return false
}

// End reports whether only whitespace is left.
func (s *Scanner) End() bool {
	s.ws()
	return s.i == len(s.b)
}

// String reads a string without escapes and returns its contents.
func (s *Scanner) String() ([]byte, bool) {
	if !s.Byte('"') {
		return nil, false
	}
	start := s.i
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			return s.b[start : s.i-1], true
		case c == '\\' || c < 0x20:
			return nil, false
		}
		s.i++
	}
	return nil, false
}

// Number reads a number in JSON's grammar and returns its text.
func (s *Scanner) Number() ([]byte, bool) {
	s.ws()
	start := s.i
	b := s.b
	i := s.i
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		i = digitsEnd(b, i)
	default:
		return nil, false
	}
	if i < len(b) && b[i] == '.' {
		i++
		d := i
		i = digitsEnd(b, i)
		if i == d {
			return nil, false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		d := i
		i = digitsEnd(b, i)
		if i == d {
			return nil, false
		}
	}
	s.i = i
	return b[start:i], true
}

// digits reads a non-negative integer of at most maxDigits digits, with nothing
// of a number after it; otherwise it consumes nothing and returns false.
func (s *Scanner) digits(maxDigits int) (int64, bool) {
	s.ws()
	b, i := s.b, s.i
	var v int64
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		v = v*10 + int64(b[i]-'0')
		i++
	}
	n := i - s.i
	if n == 0 || n > maxDigits || (n > 1 && b[s.i] == '0') {
		return 0, false
	}
	if i < len(b) && (b[i] == '.' || b[i] == 'e' || b[i] == 'E') {
		return 0, false
	}
	s.i = i
	return v, true
}

// Literal consumes true, false or null when it is next.
func (s *Scanner) Literal(lit string) bool {
	s.ws()
	if len(s.b)-s.i >= len(lit) && string(s.b[s.i:s.i+len(lit)]) == lit {
		s.i += len(lit)
		return true
	}
	return false
}

// Null consumes a null when it is next.
func (s *Scanner) Null() bool { return s.Literal("null") }

// Float reads a number as encoding/json does into a float64.
func (s *Scanner) Float() (float64, bool) {
	if v, ok := s.digits(15); ok {
		return float64(v), true // exact: below 2^53
	}
	n, ok := s.Number()
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(View(n), 64)
	return f, err == nil
}

// Int reads an integer within [lo, hi] as encoding/json does into an int
// type: a fraction or exponent is not an integer.
func (s *Scanner) Int(lo, hi int64) (int64, bool) {
	if v, ok := s.digits(18); ok && v >= lo && v <= hi {
		return v, true
	}
	n, ok := s.Number()
	if !ok {
		return 0, false
	}
	return ParseInt(n, lo, hi)
}

// ParseInt parses the text of a JSON number as an integer within [lo, hi].
func ParseInt(n []byte, lo, hi int64) (int64, bool) {
	v, err := strconv.ParseInt(View(n), 10, 64)
	if err != nil || v < lo || v > hi {
		return 0, false
	}
	return v, true
}

// Raw reads one scalar value or an array of numbers and returns its text:
// the values the protocol's polymorphic fields carry. Anything else is false.
func (s *Scanner) Raw() ([]byte, bool) {
	start := s.skipWS()
	switch c := s.Peek(); {
	case c == '"':
		if _, ok := s.String(); !ok {
			return nil, false
		}
	case c == '-' || (c >= '0' && c <= '9'):
		if _, ok := s.Number(); !ok {
			return nil, false
		}
	case c == 't':
		if !s.Literal("true") {
			return nil, false
		}
	case c == 'f':
		if !s.Literal("false") {
			return nil, false
		}
	case c == 'n':
		if !s.Null() {
			return nil, false
		}
	case c == '[':
		s.i++
		if !s.Byte(']') {
			for {
				if _, ok := s.Number(); !ok {
					return nil, false
				}
				if s.Byte(']') {
					break
				}
				if !s.Byte(',') {
					return nil, false
				}
			}
		}
	default:
		return nil, false
	}
	return s.b[start:s.i], true
}

func (s *Scanner) skipWS() int {
	s.ws()
	return s.i
}

// Ints parses the text of an array of integers (as Raw returned it) into
// dst, each within [lo, hi]. False when raw is anything else.
func Ints(raw []byte, dst []int32, lo, hi int64) ([]int32, bool) {
	s := New(raw)
	if !s.Byte('[') {
		return dst, false
	}
	if s.Byte(']') {
		return dst, s.End()
	}
	for {
		v, ok := s.Int(lo, hi)
		if !ok {
			return dst, false
		}
		dst = append(dst, int32(v)) //nolint:gosec // G115: Int(lo, hi) bounds v to the int32 range the caller passes
		if s.Byte(']') {
			return dst, s.End()
		}
		if !s.Byte(',') {
			return dst, false
		}
	}
}

// digitsEnd returns the index just past the run of ASCII digits at b[i:].
func digitsEnd(b []byte, i int) int {
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	return i
}

// AppendString appends s as a JSON string: the scanner's one writer, for the
// hot encode paths (a published tick, a simulator frame). strconv.AppendQuote
// writes Go syntax, not JSON: a DEL or a byte that is not UTF-8 came out as
// \x7f or \xff, which every JSON reader refuses (found by the ticks package's
// FuzzDecode). Like encoding/json, bytes that are not UTF-8 become U+FFFD.
func AppendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c >= 0x20 && c < utf8.RuneSelf && c != '"' && c != '\\':
			b = append(b, c)
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				b = append(b, `\ufffd`...)
			} else {
				b = append(b, s[i:i+size]...)
			}
			i += size
			continue
		}
		i++
	}
	return append(b, '"')
}
